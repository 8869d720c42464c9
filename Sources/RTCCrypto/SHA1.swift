/// SHA-1 (FIPS 180-4 §6.1), portable Swift. Broken for collision resistance, but still what
/// STUN's MESSAGE-INTEGRITY and SRTP's HMAC-SHA1 authentication use, where HMAC keeps it sound.
public struct SHA1: HashFunction {
    public static let digestByteCount = 20
    public static let blockByteCount = 64

    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0)
    private var buffer = BlockBuffer(blockSize: 64)

    public init() {}

    public mutating func update(bytes: UnsafeRawBufferPointer) {
        var state = h
        buffer.absorb(bytes) { SHA1.compress(&state, $0) }
        h = state
    }

    public consuming func finalize() -> [UInt8] {
        var state = h
        buffer.pad(lengthFieldBytes: 8) { SHA1.compress(&state, $0) }
        var digest: [UInt8] = []
        digest.reserveCapacity(20)
        for word in [state.0, state.1, state.2, state.3, state.4] { digest.appendBigEndian(word) }
        return digest
    }

    /// The compression function (FIPS 180-4 §6.1.2) on one 64-byte block.
    static func compress(_ h: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for t in 0..<16 { w[t] = block.bigEndianUInt32(at: 4 * t) }
            for t in 16..<80 { w[t] = rotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1) }
            var (a, b, c, d, e) = h
            for t in 0..<80 {
                let f: UInt32
                let k: UInt32
                switch t {  // branches on the round number only, never on data
                case 0..<20: f = (b & c) | (~b & d); k = 0x5a827999
                case 20..<40: f = b ^ c ^ d; k = 0x6ed9eba1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc
                default: f = b ^ c ^ d; k = 0xca62c1d6
                }
                let temp = rotateLeft(a, 5) &+ f &+ e &+ k &+ w[t]
                e = d; d = c; c = rotateLeft(b, 30); b = a; a = temp
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
        }
    }
}
