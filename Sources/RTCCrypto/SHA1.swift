#if Accelerated
import RTCCryptoAccelerated
#endif

/// SHA-1 (FIPS 180-4 §6.1). Broken for collision resistance, but still what STUN's
/// MESSAGE-INTEGRITY and SRTP's HMAC-SHA1 authentication use, where HMAC keeps it sound.
///
/// Two compression functions: portable Swift, and SHA-NI (`.hardware`, with the `Accelerated`
/// trait on a CPU that has it). ``backend`` says which one a state uses.
public struct SHA1: HashFunction {
    public static let digestByteCount = 20
    public static let blockByteCount = 64

    /// The chaining value h0…h4.
    typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32)

    /// H(0) (FIPS 180-4 §5.3.1).
    static let initialState: State = (0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0)

    private var h: State = SHA1.initialState
    private var buffer = BlockBuffer<Room64>()
    /// The compression function this state uses: the one asked for if this build and CPU
    /// offer it, otherwise `.portable`.
    public let backend: CryptoBackend

    /// A fresh state on the fastest backend here.
    public init() { self.init(backend: .best) }

    /// A fresh state on `backend` (`.portable` where SHA-NI is missing; see ``backend``).
    public init(backend: CryptoBackend) { self.backend = SHA1.resolved(backend) }

    /// The backends this build and this CPU offer for SHA-1, portable first.
    public static var availableBackends: [CryptoBackend] { CryptoBackend.available(for: .sha) }

    /// The backend SHA-1 actually uses when `backend` is asked for.
    static func resolved(_ backend: CryptoBackend) -> CryptoBackend { backend.resolved(for: .sha) }

    public mutating func update(bytes: UnsafeRawBufferPointer) {
        var state = h
        let backend = backend
        buffer.absorbInRuns(bytes, compress: { SHA1.compress(&state, $0, backend: backend) })
        h = state
    }

    public consuming func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 20) { digest, count in
            finalize(into: UnsafeMutableRawBufferPointer(digest))
            count = 20
        }
    }

    public consuming func finalize(into digest: UnsafeMutableRawBufferPointer) {
        precondition(digest.count >= 20, "room for the digest")
        var state = h
        let backend = backend
        buffer.pad(lengthFieldBytes: 8) { SHA1.compress(&state, $0, backend: backend) }
        digest.storeBytes(of: state.0.bigEndian, toByteOffset: 0, as: UInt32.self)
        digest.storeBytes(of: state.1.bigEndian, toByteOffset: 4, as: UInt32.self)
        digest.storeBytes(of: state.2.bigEndian, toByteOffset: 8, as: UInt32.self)
        digest.storeBytes(of: state.3.bigEndian, toByteOffset: 12, as: UInt32.self)
        digest.storeBytes(of: state.4.bigEndian, toByteOffset: 16, as: UInt32.self)
    }

    /// Compresses `blocks` (any multiple of 64 bytes, possibly none) into `h`, on `backend`
    /// where this build and CPU offer it (portable otherwise). One call for many blocks keeps
    /// the hardware path's state in registers.
    static func compress(_ h: inout State, _ blocks: UnsafeRawBufferPointer, backend: CryptoBackend) {
        precondition(blocks.count % 64 == 0, "SHA-1 compresses whole 64-byte blocks")
        guard !blocks.isEmpty else { return }
        #if Accelerated
        if resolved(backend) == .hardware {
            HardwareSHA1.compress(state: &h, blocks: blocks.baseAddress!, blockCount: blocks.count / 64)
            return
        }
        #endif
        var offset = 0
        while offset < blocks.count {
            compress(&h, UnsafeRawBufferPointer(rebasing: blocks[offset..<(offset + 64)]))
            offset += 64
        }
    }

    /// Compresses two equally long runs of blocks into two states. On the SHA-NI path the two
    /// run interleaved, nearly twice as fast as one after the other.
    static func compress2(_ first: inout State, _ firstBlocks: UnsafeRawBufferPointer,
                          _ second: inout State, _ secondBlocks: UnsafeRawBufferPointer, backend: CryptoBackend) {
        precondition(firstBlocks.count == secondBlocks.count, "two runs of the same length")
        guard !firstBlocks.isEmpty else { return }
        #if Accelerated
        if resolved(backend) == .hardware {
            HardwareSHA1.compress2(&first, firstBlocks.baseAddress!, &second, secondBlocks.baseAddress!,
                                   blockCount: firstBlocks.count / 64)
            return
        }
        #endif
        compress(&first, firstBlocks, backend: backend)
        compress(&second, secondBlocks, backend: backend)
    }

    /// The portable compression function (FIPS 180-4 §6.1.2) on one 64-byte block. The
    /// message schedule lives in a 16-word ring (W[t] overwrites W[t − 16]); the rounds go five
    /// at a time with the roles of a…e rotating through the variables instead of the values
    /// moving (after five rounds every role is back where it started), so a round is its
    /// arithmetic only, and nothing branches inside one.
    static func compress(_ h: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { w in
            for t in 0..<16 { w[t] = block.bigEndianUInt32(at: 4 * t) }
            var (a, b, c, d, e) = h
            /// W[t] (§6.1.2 step 1), computed in place from t = 16 on.
            @inline(__always) func word(_ t: Int) -> UInt32 {
                guard t >= 16 else { return w[t] }
                let next = rotateLeft(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1)
                w[t & 15] = next
                return next
            }
            /// One round, §6.1.2 step 3: T = ROTL5(a) + f(b, c, d) + e + K + W[t] becomes the
            /// new a (stored where e was), and b is rotated in place to become the new c.
            @inline(__always) func round(_ f: UInt32, _ a: UInt32, _ b: inout UInt32, _ e: inout UInt32, _ k: UInt32, _ t: Int) {
                e = e &+ rotateLeft(a, 5) &+ f &+ k &+ word(t)
                b = rotateLeft(b, 30)
            }
            // Ch, Parity, Maj, Parity (§4.1.1), in forms with fewer operations.
            @inline(__always) func ch(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { z ^ (x & (y ^ z)) }
            @inline(__always) func parity(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { x ^ y ^ z }
            @inline(__always) func maj(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { (x & y) | (z & (x | y)) }
            @inline(__always) func fiveRounds(_ f: (UInt32, UInt32, UInt32) -> UInt32, _ k: UInt32, _ t: Int) {
                round(f(b, c, d), a, &b, &e, k, t)
                round(f(a, b, c), e, &a, &d, k, t + 1)
                round(f(e, a, b), d, &e, &c, k, t + 2)
                round(f(d, e, a), c, &d, &b, k, t + 3)
                round(f(c, d, e), b, &c, &a, k, t + 4)
            }
            for t in stride(from: 0, to: 20, by: 5) { fiveRounds(ch, 0x5a827999, t) }
            for t in stride(from: 20, to: 40, by: 5) { fiveRounds(parity, 0x6ed9eba1, t) }
            for t in stride(from: 40, to: 60, by: 5) { fiveRounds(maj, 0x8f1bbcdc, t) }
            for t in stride(from: 60, to: 80, by: 5) { fiveRounds(parity, 0xca62c1d6, t) }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
        }
    }
}
