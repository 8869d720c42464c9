#if Accelerated
import RTCCryptoAccelerated
#endif

/// An AES key (FIPS 197), ready to encrypt blocks. Constant-time on both paths: the portable
/// core is bit-sliced (see ``BitslicedAES``), sixteen blocks at a time; the hardware path uses
/// AES-NI when the package is built with the `Accelerated` trait and the CPU has it.
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
    /// The implementation this key uses.
    public let backend: CryptoBackend

    /// Expands `key` (16, 24 or 32 bytes) for `backend` (the fastest available by default).
    /// A backend this build or CPU does not offer falls back to `.portable`; ``backend`` says
    /// which one is used.
    public init(key: [UInt8], backend: CryptoBackend = .best) throws(Error) {
        guard [16, 24, 32].contains(key.count) else { throw .invalidKeySize(key.count) }
        core = BitslicedAES(key: key)
        self.backend = backend.resolved(for: .aes)
    }

    /// Encrypts one 16-byte block.
    public func encrypt(block: [UInt8]) -> [UInt8] {
        precondition(block.count == 16, "an AES block is 16 bytes")
        var output = [UInt8](repeating: 0, count: 16)
        block.withUnsafeBytes { input in output.withUnsafeMutableBytes { encrypt(blocks: input, into: $0) } }
        return output
    }

    /// Encrypts whole blocks from `input` into `output` (`output` at least as long; `input` a
    /// multiple of 16 bytes). Allocates nothing, on either backend.
    public func encrypt(blocks input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(input.count % 16 == 0 && output.count >= input.count, "whole blocks only")
        guard !input.isEmpty else { return }
        #if Accelerated
        if backend.isHardware {
            core.scheduleBytes.withUnsafeBytes { schedule in
                HardwareAES.encrypt(input.baseAddress!, output.baseAddress!, blockCount: input.count / 16,
                                    roundKeys: schedule.baseAddress!, rounds: core.rounds)
            }
            return
        }
        #endif
        // Sixteen blocks per pass, as 32 little-endian words in a stack buffer (no heap per call);
        // a short last pass is padded with zero blocks.
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: BitslicedAES.batchWordCount) { buffer in
            let words = buffer.baseAddress!
            var offset = 0
            while offset < input.count {
                let wordCount = min(BitslicedAES.batchByteCount, input.count - offset) / 8
                for m in 0..<BitslicedAES.batchWordCount {
                    words[m] = m < wordCount
                        ? UInt64(littleEndian: input.loadUnaligned(fromByteOffset: offset + 8 * m, as: UInt64.self)) : 0
                }
                core.encrypt(words: words)
                for m in 0..<wordCount {
                    output.storeBytes(of: words[m].littleEndian, toByteOffset: offset + 8 * m, as: UInt64.self)
                }
                offset += 8 * wordCount
            }
        }
    }

    /// Encrypts the first `blockCount` (1 to 16) blocks of a batch held as 32 words in
    /// ``BitslicedAES``'s byte layout (word `2k` holds bytes 0…7 of block `k` read as a
    /// little-endian integer, word `2k + 1` bytes 8…15), in place; the other words are
    /// scratch. Counter mode builds its counter blocks straight in this form. On the hardware
    /// backend only the blocks asked for go through AES-NI, so a partial last block costs one
    /// block, not a bit-sliced batch.
    func encrypt(words: UnsafeMutablePointer<UInt64>, blockCount: Int) {
        precondition((1...BitslicedAES.batchBlockCount).contains(blockCount), "1 to 16 blocks")
        #if Accelerated
        if backend.isHardware {
            // The kernel reads bytes: the words as little-endian integers (no-ops on x86-64).
            for m in 0..<(2 * blockCount) { words[m] = words[m].littleEndian }
            core.scheduleBytes.withUnsafeBytes { schedule in
                HardwareAES.encrypt(words, words, blockCount: blockCount, roundKeys: schedule.baseAddress!, rounds: core.rounds)
            }
            for m in 0..<(2 * blockCount) { words[m] = UInt64(littleEndian: words[m]) }
            return
        }
        #endif
        core.encrypt(words: words)
    }
}
