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
    /// Pads and writes the digest to the first ``digestByteCount`` bytes of `digest`, which
    /// must have room for them. SHA-1 and SHA-256 allocate nothing here.
    consuming func finalize(into digest: UnsafeMutableRawBufferPointer)
}

extension HashFunction {
    /// Hashes without a hardware path: always portable.
    public init(backend: CryptoBackend) { self.init() }
    /// Hashes without a hardware path: always portable.
    public var backend: CryptoBackend { .portable }
    /// Hashes without a hardware path: portable only.
    public static var availableBackends: [CryptoBackend] { [.portable] }

    /// Through ``finalize()``, for hashes that have no allocation-free form.
    public consuming func finalize(into digest: UnsafeMutableRawBufferPointer) {
        precondition(digest.count >= Self.digestByteCount, "room for the digest")
        digest.copyBytes(from: finalize())
    }

    /// Absorbs any byte collection (contiguous ones without copying).
    @inlinable
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

/// Inline room for one block, so a partial block needs no heap.
protocol BlockRoom: Sendable {
    /// Zeroed room; its size is the block size.
    init()
}

/// Room for one 64-byte block (MD5, SHA-1, SHA-256).
struct Room64: BlockRoom {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
}

/// Room for one 128-byte block (SHA-384, SHA-512).
struct Room128: BlockRoom {
    var words: (Room64, Room64) = (Room64(), Room64())
}

/// The block buffering and length padding (FIPS 180-4 §5.1) shared by SHA-1 and SHA-2 (and MD5).
///
/// The partial block lives inline, sized to the hash's block, so creating, copying and
/// finishing a hash allocates nothing here: HMAC copies its keyed states once per message.
struct BlockBuffer<Room: BlockRoom>: Sendable {
    /// The bytes waiting for a full block, at the start.
    private var room = Room()
    /// How many bytes are waiting.
    private(set) var pendingCount = 0
    /// Total bytes absorbed.
    private(set) var byteCount: UInt64 = 0
    /// The block size: the room's.
    var blockSize: Int { MemoryLayout<Room>.size }

    init() {}

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
        let size = blockSize
        var pending = pendingCount
        var input = bytes[...]
        withUnsafeMutableBytes(of: &room) { block in
            if pending > 0 {
                let take = min(size - pending, input.count)
                UnsafeMutableRawBufferPointer(rebasing: block[pending..<(pending + take)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: input.prefix(take)))
                pending += take
                input = input.dropFirst(take)
                guard pending == size else { return }
                compress(UnsafeRawBufferPointer(rebasing: block[0..<size]))
                pending = 0
            }
            let whole = input.count / size * size
            if whole > 0 {
                compress(UnsafeRawBufferPointer(rebasing: input.prefix(whole)))
                input = input.dropFirst(whole)
            }
            UnsafeMutableRawBufferPointer(rebasing: block[0..<input.count]).copyMemory(from: UnsafeRawBufferPointer(rebasing: input))
            pending = input.count
        }
        pendingCount = pending
    }

    /// Appends 0x80, zeros and the bit length in a field of `lengthFieldBytes` (big-endian as
    /// SHA writes it, or little-endian as MD5 does), compressing the final block or two.
    mutating func pad(lengthFieldBytes: Int, littleEndian: Bool = false, compress: (UnsafeRawBufferPointer) -> Void) {
        let bitLength = byteCount &* 8
        let size = blockSize, pending = pendingCount
        // One block when the 0x80 and the length still fit after the pending bytes, else two.
        let tailLength = pending + 1 + lengthFieldBytes <= size ? size : 2 * size
        withUnsafeMutableBytes(of: &room) { block in
            withUnsafeTemporaryAllocation(byteCount: 2 * size, alignment: 16) { tail in
                tail.initializeMemory(as: UInt8.self, repeating: 0)
                UnsafeMutableRawBufferPointer(rebasing: tail[0..<pending]).copyMemory(from: UnsafeRawBufferPointer(rebasing: block[0..<pending]))
                tail[pending] = 0x80
                // Lengths here fit in 64 bits: the top bytes of a 16-byte field stay zero.
                for i in 0..<8 {
                    let shift = littleEndian ? 8 * i : 56 - 8 * i
                    tail[tailLength - 8 + i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))
                }
                var start = 0
                while start < tailLength {
                    compress(UnsafeRawBufferPointer(rebasing: tail[start..<(start + size)]))
                    start += size
                }
            }
        }
        pendingCount = 0
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
