/// An AES key (FIPS 197), ready to encrypt blocks. Constant-time: the portable core is
/// bit-sliced (see ``BitslicedAES``), four blocks at a time.
///
/// Only the forward cipher is provided: CTR and GCM, the modes WebRTC uses (SRTP, DTLS
/// AES-GCM), never run the inverse cipher.
public struct AES: Sendable {
    /// Why a key cannot be used.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// Keys are 16, 24 or 32 bytes.
        case invalidKeySize(Int)
    }

    /// The block size, 16 bytes.
    public static let blockByteCount = 16

    let core: BitslicedAES

    /// Expands `key` (16, 24 or 32 bytes).
    public init(key: [UInt8]) throws(Error) {
        guard [16, 24, 32].contains(key.count) else { throw .invalidKeySize(key.count) }
        core = BitslicedAES(key: key)
    }

    /// Encrypts one 16-byte block.
    public func encrypt(block: [UInt8]) -> [UInt8] {
        precondition(block.count == 16, "an AES block is 16 bytes")
        var input = [UInt8](repeating: 0, count: 64)
        input.replaceSubrange(0..<16, with: block)
        var q = BitslicedAES.slice(input)
        core.encrypt(&q)
        return Array(BitslicedAES.unslice(q).prefix(16))
    }

    /// Encrypts 64 bytes (four blocks) from `input` into `output`.
    func encrypt4(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        var q = BitslicedAES.slice(input)
        core.encrypt(&q)
        BitslicedAES.unslice(q, into: output)
    }
}
