/// A cryptographic hash with the Merkle–Damgård shape HMAC, HKDF and the TLS PRF build on.
public protocol HashFunction: Sendable {
    /// Digest length in bytes.
    static var digestByteCount: Int { get }
    /// Block length in bytes (HMAC pads keys to it).
    static var blockByteCount: Int { get }
    /// A fresh state, on the fastest backend this hash has here.
    init()
    /// A fresh state on `backend`, or on `.portable` where this build or CPU lacks the
    /// hardware path (and for hashes that have none).
    init(backend: CryptoBackend)
    /// The implementation this state uses.
    var backend: CryptoBackend { get }
    /// The backends this build and this CPU offer for this hash, portable first.
    static var availableBackends: [CryptoBackend] { get }
    /// Absorbs bytes.
    mutating func update(bytes: UnsafeRawBufferPointer)
    /// Pads and returns the digest.
    consuming func finalize() -> [UInt8]
}

extension HashFunction {
    /// Hashes without a hardware path: always portable.
    public init(backend: CryptoBackend) { self.init() }
    /// Hashes without a hardware path: always portable.
    public var backend: CryptoBackend { .portable }
    /// Hashes without a hardware path: portable only.
    public static var availableBackends: [CryptoBackend] { [.portable] }

    /// Absorbs any byte collection (contiguous ones without copying).
    public mutating func update<C: Collection>(_ data: C) where C.Element == UInt8 {
        let done: Void? = data.withContiguousStorageIfAvailable { buffer in
            update(bytes: UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            Array(data).withUnsafeBytes { update(bytes: $0) }
        }
    }

    /// The digest of `data` in one call, on `backend` (the fastest by default).
    public static func hash<C: Collection>(_ data: C, backend: CryptoBackend = .best) -> [UInt8] where C.Element == UInt8 {
        var hasher = Self(backend: backend)
        hasher.update(data)
        return hasher.finalize()
    }
}

/// The block buffering and length padding (FIPS 180-4 §5.1) shared by SHA-1 and SHA-2.
struct BlockBuffer: Sendable {
    /// Bytes waiting for a full block.
    var pending: [UInt8]
    /// Total bytes absorbed.
    var byteCount: UInt64 = 0
    let blockSize: Int

    init(blockSize: Int) {
        self.blockSize = blockSize
        pending = []
        pending.reserveCapacity(blockSize)
    }

    /// Feeds `bytes`, calling `compress` for each complete block (directly from the input when
    /// nothing is pending, so long messages are not copied).
    mutating func absorb(_ bytes: UnsafeRawBufferPointer, compress: (UnsafeRawBufferPointer) -> Void) {
        let size = blockSize
        absorbInRuns(bytes, compress: { blocks in
            var start = 0
            while start < blocks.count {
                compress(UnsafeRawBufferPointer(rebasing: blocks[start..<(start + size)]))
                start += size
            }
        })
    }

    /// Feeds `bytes`, calling `compress` with runs of one or more complete blocks: all the
    /// whole blocks of the input in one call, so a multi-block kernel keeps its state in
    /// registers across them.
    mutating func absorbInRuns(_ bytes: UnsafeRawBufferPointer, compress: (UnsafeRawBufferPointer) -> Void) {
        byteCount &+= UInt64(bytes.count)
        var input = bytes[...]
        if !pending.isEmpty {
            let take = min(blockSize - pending.count, input.count)
            pending.append(contentsOf: input.prefix(take))
            input = input.dropFirst(take)
            guard pending.count == blockSize else { return }
            pending.withUnsafeBytes { compress($0) }
            pending.removeAll(keepingCapacity: true)
        }
        let whole = input.count / blockSize * blockSize
        if whole > 0 {
            compress(UnsafeRawBufferPointer(rebasing: input.prefix(whole)))
            input = input.dropFirst(whole)
        }
        pending.append(contentsOf: input)
    }

    /// Appends 0x80, zeros and the bit length in a field of `lengthFieldBytes` (big-endian as
    /// SHA writes it, or little-endian as MD5 does), compressing the final block or two.
    mutating func pad(lengthFieldBytes: Int, littleEndian: Bool = false, compress: (UnsafeRawBufferPointer) -> Void) {
        let bitLength = byteCount &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % blockSize != blockSize - lengthFieldBytes { tail.append(0) }
        for _ in 0..<(lengthFieldBytes - 8) { tail.append(0) }   // lengths here fit in 64 bits
        for i in 0..<8 {
            let shift = littleEndian ? 8 * i : 56 - 8 * i
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        tail.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                compress(UnsafeRawBufferPointer(rebasing: all[start..<(start + blockSize)]))
                start += blockSize
            }
        }
        pending.removeAll()
    }
}

extension UnsafeRawBufferPointer {
    /// The big-endian 32-bit word at byte `offset`.
    @inline(__always) func bigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    /// The big-endian 64-bit word at byte `offset`.
    @inline(__always) func bigEndianUInt64(at offset: Int) -> UInt64 {
        UInt64(bigEndianUInt32(at: offset)) << 32 | UInt64(bigEndianUInt32(at: offset + 4))
    }
}

extension Array where Element == UInt8 {
    @inline(__always) mutating func appendBigEndian(_ word: UInt32) {
        append(UInt8(truncatingIfNeeded: word >> 24))
        append(UInt8(truncatingIfNeeded: word >> 16))
        append(UInt8(truncatingIfNeeded: word >> 8))
        append(UInt8(truncatingIfNeeded: word))
    }

    @inline(__always) mutating func appendBigEndian(_ word: UInt64) {
        appendBigEndian(UInt32(truncatingIfNeeded: word >> 32))
        appendBigEndian(UInt32(truncatingIfNeeded: word))
    }
}

@inline(__always) func rotateRight(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 &- n)) }
@inline(__always) func rotateRight(_ x: UInt64, _ n: UInt64) -> UInt64 { (x >> n) | (x << (64 &- n)) }
@inline(__always) func rotateLeft(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 &- n)) }
