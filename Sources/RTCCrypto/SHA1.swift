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

    /// The portable compression function (FIPS 180-4 §6.1.2) on one 64-byte block, all 80
    /// rounds written out. The message schedule is sixteen local words, W[t] overwriting
    /// W[t − 16] (so every index is a constant and nothing is bounds-checked or looped over);
    /// the roles of a…e rotate through the variables instead of the values moving (after
    /// five rounds every role is back where it started), so a round is its arithmetic only,
    /// and nothing branches.
    static func compress(_ h: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer) {
        precondition(block.count >= 64, "a SHA-1 block is 64 bytes")
        @inline(__always) func load(_ i: Int) -> UInt32 {
            UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
        }
        var w0 = load(0), w1 = load(1), w2 = load(2), w3 = load(3), w4 = load(4), w5 = load(5)
        var w6 = load(6), w7 = load(7), w8 = load(8), w9 = load(9), w10 = load(10), w11 = load(11)
        var w12 = load(12), w13 = load(13), w14 = load(14), w15 = load(15)
        var (a, b, c, d, e) = h
        /// W[t] for t ≥ 16 (§6.1.2 step 1), from W[t − 3], W[t − 8], W[t − 14] and W[t − 16],
        /// stored where W[t − 16] was.
        @inline(__always) func next(_ w: inout UInt32, _ w3: UInt32, _ w8: UInt32, _ w14: UInt32) -> UInt32 {
            w = rotateLeft(w3 ^ w8 ^ w14 ^ w, 1)
            return w
        }
        /// One round, §6.1.2 step 3: T = ROTL5(a) + f(b, c, d) + e + K + W[t] becomes the new
        /// a (stored where e was), and b is rotated in place to become the new c.
        @inline(__always) func round(_ f: UInt32, _ a: UInt32, _ b: inout UInt32, _ e: inout UInt32, _ k: UInt32, _ w: UInt32) {
            e = e &+ rotateLeft(a, 5) &+ f &+ k &+ w
            b = rotateLeft(b, 30)
        }
        // Ch, Parity, Maj, Parity (§4.1.1), in forms with fewer operations.
        @inline(__always) func ch(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { z ^ (x & (y ^ z)) }
        @inline(__always) func parity(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { x ^ y ^ z }
        @inline(__always) func maj(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { (x & y) | (z & (x | y)) }
        // Rounds 0–19: Ch.
        round(ch(b, c, d), a, &b, &e, 0x5a82_7999, w0)
        round(ch(a, b, c), e, &a, &d, 0x5a82_7999, w1)
        round(ch(e, a, b), d, &e, &c, 0x5a82_7999, w2)
        round(ch(d, e, a), c, &d, &b, 0x5a82_7999, w3)
        round(ch(c, d, e), b, &c, &a, 0x5a82_7999, w4)
        round(ch(b, c, d), a, &b, &e, 0x5a82_7999, w5)
        round(ch(a, b, c), e, &a, &d, 0x5a82_7999, w6)
        round(ch(e, a, b), d, &e, &c, 0x5a82_7999, w7)
        round(ch(d, e, a), c, &d, &b, 0x5a82_7999, w8)
        round(ch(c, d, e), b, &c, &a, 0x5a82_7999, w9)
        round(ch(b, c, d), a, &b, &e, 0x5a82_7999, w10)
        round(ch(a, b, c), e, &a, &d, 0x5a82_7999, w11)
        round(ch(e, a, b), d, &e, &c, 0x5a82_7999, w12)
        round(ch(d, e, a), c, &d, &b, 0x5a82_7999, w13)
        round(ch(c, d, e), b, &c, &a, 0x5a82_7999, w14)
        round(ch(b, c, d), a, &b, &e, 0x5a82_7999, w15)
        round(ch(a, b, c), e, &a, &d, 0x5a82_7999, next(&w0, w13, w8, w2))
        round(ch(e, a, b), d, &e, &c, 0x5a82_7999, next(&w1, w14, w9, w3))
        round(ch(d, e, a), c, &d, &b, 0x5a82_7999, next(&w2, w15, w10, w4))
        round(ch(c, d, e), b, &c, &a, 0x5a82_7999, next(&w3, w0, w11, w5))
        // Rounds 20–39: Parity.
        round(parity(b, c, d), a, &b, &e, 0x6ed9_eba1, next(&w4, w1, w12, w6))
        round(parity(a, b, c), e, &a, &d, 0x6ed9_eba1, next(&w5, w2, w13, w7))
        round(parity(e, a, b), d, &e, &c, 0x6ed9_eba1, next(&w6, w3, w14, w8))
        round(parity(d, e, a), c, &d, &b, 0x6ed9_eba1, next(&w7, w4, w15, w9))
        round(parity(c, d, e), b, &c, &a, 0x6ed9_eba1, next(&w8, w5, w0, w10))
        round(parity(b, c, d), a, &b, &e, 0x6ed9_eba1, next(&w9, w6, w1, w11))
        round(parity(a, b, c), e, &a, &d, 0x6ed9_eba1, next(&w10, w7, w2, w12))
        round(parity(e, a, b), d, &e, &c, 0x6ed9_eba1, next(&w11, w8, w3, w13))
        round(parity(d, e, a), c, &d, &b, 0x6ed9_eba1, next(&w12, w9, w4, w14))
        round(parity(c, d, e), b, &c, &a, 0x6ed9_eba1, next(&w13, w10, w5, w15))
        round(parity(b, c, d), a, &b, &e, 0x6ed9_eba1, next(&w14, w11, w6, w0))
        round(parity(a, b, c), e, &a, &d, 0x6ed9_eba1, next(&w15, w12, w7, w1))
        round(parity(e, a, b), d, &e, &c, 0x6ed9_eba1, next(&w0, w13, w8, w2))
        round(parity(d, e, a), c, &d, &b, 0x6ed9_eba1, next(&w1, w14, w9, w3))
        round(parity(c, d, e), b, &c, &a, 0x6ed9_eba1, next(&w2, w15, w10, w4))
        round(parity(b, c, d), a, &b, &e, 0x6ed9_eba1, next(&w3, w0, w11, w5))
        round(parity(a, b, c), e, &a, &d, 0x6ed9_eba1, next(&w4, w1, w12, w6))
        round(parity(e, a, b), d, &e, &c, 0x6ed9_eba1, next(&w5, w2, w13, w7))
        round(parity(d, e, a), c, &d, &b, 0x6ed9_eba1, next(&w6, w3, w14, w8))
        round(parity(c, d, e), b, &c, &a, 0x6ed9_eba1, next(&w7, w4, w15, w9))
        // Rounds 40–59: Maj.
        round(maj(b, c, d), a, &b, &e, 0x8f1b_bcdc, next(&w8, w5, w0, w10))
        round(maj(a, b, c), e, &a, &d, 0x8f1b_bcdc, next(&w9, w6, w1, w11))
        round(maj(e, a, b), d, &e, &c, 0x8f1b_bcdc, next(&w10, w7, w2, w12))
        round(maj(d, e, a), c, &d, &b, 0x8f1b_bcdc, next(&w11, w8, w3, w13))
        round(maj(c, d, e), b, &c, &a, 0x8f1b_bcdc, next(&w12, w9, w4, w14))
        round(maj(b, c, d), a, &b, &e, 0x8f1b_bcdc, next(&w13, w10, w5, w15))
        round(maj(a, b, c), e, &a, &d, 0x8f1b_bcdc, next(&w14, w11, w6, w0))
        round(maj(e, a, b), d, &e, &c, 0x8f1b_bcdc, next(&w15, w12, w7, w1))
        round(maj(d, e, a), c, &d, &b, 0x8f1b_bcdc, next(&w0, w13, w8, w2))
        round(maj(c, d, e), b, &c, &a, 0x8f1b_bcdc, next(&w1, w14, w9, w3))
        round(maj(b, c, d), a, &b, &e, 0x8f1b_bcdc, next(&w2, w15, w10, w4))
        round(maj(a, b, c), e, &a, &d, 0x8f1b_bcdc, next(&w3, w0, w11, w5))
        round(maj(e, a, b), d, &e, &c, 0x8f1b_bcdc, next(&w4, w1, w12, w6))
        round(maj(d, e, a), c, &d, &b, 0x8f1b_bcdc, next(&w5, w2, w13, w7))
        round(maj(c, d, e), b, &c, &a, 0x8f1b_bcdc, next(&w6, w3, w14, w8))
        round(maj(b, c, d), a, &b, &e, 0x8f1b_bcdc, next(&w7, w4, w15, w9))
        round(maj(a, b, c), e, &a, &d, 0x8f1b_bcdc, next(&w8, w5, w0, w10))
        round(maj(e, a, b), d, &e, &c, 0x8f1b_bcdc, next(&w9, w6, w1, w11))
        round(maj(d, e, a), c, &d, &b, 0x8f1b_bcdc, next(&w10, w7, w2, w12))
        round(maj(c, d, e), b, &c, &a, 0x8f1b_bcdc, next(&w11, w8, w3, w13))
        // Rounds 60–79: Parity.
        round(parity(b, c, d), a, &b, &e, 0xca62_c1d6, next(&w12, w9, w4, w14))
        round(parity(a, b, c), e, &a, &d, 0xca62_c1d6, next(&w13, w10, w5, w15))
        round(parity(e, a, b), d, &e, &c, 0xca62_c1d6, next(&w14, w11, w6, w0))
        round(parity(d, e, a), c, &d, &b, 0xca62_c1d6, next(&w15, w12, w7, w1))
        round(parity(c, d, e), b, &c, &a, 0xca62_c1d6, next(&w0, w13, w8, w2))
        round(parity(b, c, d), a, &b, &e, 0xca62_c1d6, next(&w1, w14, w9, w3))
        round(parity(a, b, c), e, &a, &d, 0xca62_c1d6, next(&w2, w15, w10, w4))
        round(parity(e, a, b), d, &e, &c, 0xca62_c1d6, next(&w3, w0, w11, w5))
        round(parity(d, e, a), c, &d, &b, 0xca62_c1d6, next(&w4, w1, w12, w6))
        round(parity(c, d, e), b, &c, &a, 0xca62_c1d6, next(&w5, w2, w13, w7))
        round(parity(b, c, d), a, &b, &e, 0xca62_c1d6, next(&w6, w3, w14, w8))
        round(parity(a, b, c), e, &a, &d, 0xca62_c1d6, next(&w7, w4, w15, w9))
        round(parity(e, a, b), d, &e, &c, 0xca62_c1d6, next(&w8, w5, w0, w10))
        round(parity(d, e, a), c, &d, &b, 0xca62_c1d6, next(&w9, w6, w1, w11))
        round(parity(c, d, e), b, &c, &a, 0xca62_c1d6, next(&w10, w7, w2, w12))
        round(parity(b, c, d), a, &b, &e, 0xca62_c1d6, next(&w11, w8, w3, w13))
        round(parity(a, b, c), e, &a, &d, 0xca62_c1d6, next(&w12, w9, w4, w14))
        round(parity(e, a, b), d, &e, &c, 0xca62_c1d6, next(&w13, w10, w5, w15))
        round(parity(d, e, a), c, &d, &b, 0xca62_c1d6, next(&w14, w11, w6, w0))
        round(parity(c, d, e), b, &c, &a, 0xca62_c1d6, next(&w15, w12, w7, w1))
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
    }
}
