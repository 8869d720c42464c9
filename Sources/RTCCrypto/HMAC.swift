/// HMAC (RFC 2104, FIPS 198-1) over any ``HashFunction``.
///
/// The key is hashed when longer than a block and zero-padded otherwise; the inner and outer
/// states are prepared once, so one key can authenticate many messages (SRTP, STUN) cheaply.
/// The hash runs on the fastest backend it has here unless told otherwise.
public struct HMAC<H: HashFunction>: Sendable {
    // The per-message methods are @inlinable so that a client's HMAC<SHA1> is specialized
    // where it is used: unspecialized, the generic copies and metadata lookups cost as much
    // as a fifth of a 1200-byte SHA-NI HMAC.
    @usableFromInline var inner: H
    @usableFromInline let outerStart: H

    /// A MAC state for `key`, hashing on `backend` (see ``backend`` for what is used).
    public init<K: Collection>(key: K, backend: CryptoBackend = .best) where K.Element == UInt8 {
        var block = key.count > H.blockByteCount ? H.hash(key, backend: backend) : Array(key)
        block += [UInt8](repeating: 0, count: H.blockByteCount - block.count)
        var inner = H(backend: backend)
        inner.update(block.map { $0 ^ 0x36 })
        var outer = H(backend: backend)
        outer.update(block.map { $0 ^ 0x5c })
        self.inner = inner
        self.outerStart = outer
    }

    /// The hash implementation in use: the one asked for, or `.portable` where this build,
    /// this CPU or this hash has no hardware path.
    public var backend: CryptoBackend { inner.backend }

    /// Absorbs message bytes.
    @inlinable
    public mutating func update<C: Collection>(_ data: C) where C.Element == UInt8 {
        inner.update(data)
    }

    /// Absorbs message bytes.
    @inlinable
    public mutating func update(bytes: UnsafeRawBufferPointer) {
        inner.update(bytes: bytes)
    }

    /// The MAC of everything absorbed.
    @inlinable
    public consuming func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: H.digestByteCount) { mac, count in
            // The inner digest goes where the MAC will be: one allocation in all.
            let digest = UnsafeMutableRawBufferPointer(mac)
            inner.finalize(into: digest)
            var outer = outerStart
            outer.update(bytes: UnsafeRawBufferPointer(digest))
            outer.finalize(into: digest)
            count = H.digestByteCount
        }
    }

    /// The MAC of `message` under `key` in one call.
    public static func authenticate<K: Collection, M: Collection>(_ message: M, key: K, backend: CryptoBackend = .best) -> [UInt8]
    where K.Element == UInt8, M.Element == UInt8 {
        var mac = HMAC(key: key, backend: backend)
        mac.update(message)
        return mac.finalize()
    }

    /// Whether `tag` (possibly truncated, as SRTP's 80- and 32-bit tags are) is the MAC of
    /// `message`, compared in constant time. Tags shorter than 4 bytes are refused.
    public static func verify<K: Collection, M: Collection>(_ tag: [UInt8], for message: M, key: K,
                                                            backend: CryptoBackend = .best) -> Bool
    where K.Element == UInt8, M.Element == UInt8 {
        guard tag.count >= 4, tag.count <= H.digestByteCount else { return false }
        return ConstantTime.equals(Array(authenticate(message, key: key, backend: backend).prefix(tag.count)), tag)
    }
}
