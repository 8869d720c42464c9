/// HMAC (RFC 2104, FIPS 198-1) over any ``HashFunction``.
///
/// The key is hashed when longer than a block and zero-padded otherwise; the inner and outer
/// states are prepared once, so one key can authenticate many messages (SRTP, STUN) cheaply.
/// The hash runs on the fastest backend it has here unless told otherwise.
public struct HMAC<H: HashFunction>: Sendable {
    private var inner: H
    private let outerStart: H

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
    public mutating func update<C: Collection>(_ data: C) where C.Element == UInt8 {
        inner.update(data)
    }

    /// Absorbs message bytes.
    public mutating func update(bytes: UnsafeRawBufferPointer) {
        inner.update(bytes: bytes)
    }

    /// The MAC of everything absorbed.
    public consuming func finalize() -> [UInt8] {
        var outer = outerStart
        outer.update(inner.finalize())
        return outer.finalize()
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
