#if Accelerated
import RTCCryptoAccelerated
import RTCCryptoVectorAES
#endif

/// Counter mode (NIST SP 800-38A §6.5): the keystream is E(K, counter block), E(K, counter
/// block + 1), …, XORed with the data. Encryption and decryption are the same operation.
///
/// `counterBits` is how many low-order bits of the counter block are incremented (with
/// wrap-around): 128 for SP 800-38A, 32 for GCM (SP 800-38D's inc32). SRTP's AES-CM uses the
/// full block as well.
public struct AESCTR: Sendable {
    private let aes: AES
    private var counter: (UInt64, UInt64)  // big-endian halves of the next counter block
    private let counterBits: Int
    /// The last keystream block of the previous call (big-endian halves), and where its
    /// unused part starts; a tuple so that a new stream allocates nothing.
    private var leftover: (UInt64, UInt64) = (0, 0)
    private var leftoverStart = 16

    /// A keystream starting at `counterBlock` (16 bytes).
    public init(aes: AES, counterBlock: [UInt8], counterBits: Int = 128) {
        precondition(counterBlock.count == 16, "the counter block is 16 bytes")
        precondition((1...128).contains(counterBits), "counterBits is 1 to 128")
        self.aes = aes
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<8 { high = high << 8 | UInt64(counterBlock[i]); low = low << 8 | UInt64(counterBlock[8 + i]) }
        counter = (high, low)
        self.counterBits = counterBits
    }

    /// A keystream starting at the counter block `high ‖ low` (big-endian halves); allocates
    /// nothing, for per-packet use (SRTP's AES-CM builds its IV in registers).
    public init(aes: AES, counter: (high: UInt64, low: UInt64), counterBits: Int = 128) {
        precondition((1...128).contains(counterBits), "counterBits is 1 to 128")
        self.aes = aes
        self.counter = (counter.high, counter.low)
        self.counterBits = counterBits
    }

    /// XORs the keystream into `data` in place, continuing where the last call stopped.
    public mutating func apply(to data: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset < data.count, leftoverStart < 16 {
            let word = leftoverStart < 8 ? leftover.0 : leftover.1
            data[offset] ^= UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * (leftoverStart % 8)))
            offset += 1
            leftoverStart += 1
        }
        guard offset < data.count else { return }
        #if Accelerated
        if aes.backend.isHardware, counterBits == 128 || counterBits == 32 {
            // Whole blocks in the AES-NI (or VAES) kernel, in place; a partial last block below.
            let whole = (data.count - offset) / 16
            if whole > 0 {
                var next = (high: counter.0, low: counter.1)
                let wide = aes.backend == .hardwareWide
                aes.core.scheduleBytes.withUnsafeBytes { schedule in
                    if wide {
                        VectorCounterMode.apply(data.baseAddress! + offset, blockCount: whole, counter: &next,
                                                increment: counterBits == 128 ? .full : .low32,
                                                roundKeys: schedule.baseAddress!, rounds: aes.core.rounds)
                    } else {
                        HardwareCounterMode.apply(data.baseAddress! + offset, blockCount: whole, counter: &next,
                                                  increment: counterBits == 128 ? .full : .low32,
                                                  roundKeys: schedule.baseAddress!, rounds: aes.core.rounds)
                    }
                }
                counter = (next.high, next.low)
                offset += 16 * whole
            }
            guard offset < data.count else { return }
        }
        #endif
        // Sixteen counter blocks at a time, written straight into the bit-sliced core's word
        // layout (word 2k holds bytes 0…7 of block k read little-endian) in a stack buffer; the
        // keystream comes back in the same words and is XORed in eight bytes at a time. (On
        // the hardware backend only a partial last block, or an unusual counter width, gets
        // here.)
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: BitslicedAES.batchWordCount) { buffer in
            let words = buffer.baseAddress!
            words.initialize(repeating: 0, count: BitslicedAES.batchWordCount)
            while offset < data.count {
                let take = min(BitslicedAES.batchByteCount, data.count - offset)
                let blockCount = (take + 15) / 16
                for block in 0..<blockCount {
                    words[2 * block] = UInt64(littleEndian: counter.0.bigEndian)
                    words[2 * block + 1] = UInt64(littleEndian: counter.1.bigEndian)
                    increment()
                }
                aes.encrypt(words: words, blockCount: blockCount)
                var i = 0
                while i + 8 <= take {
                    let word = data.loadUnaligned(fromByteOffset: offset + i, as: UInt64.self) ^ words[i / 8].littleEndian
                    data.storeBytes(of: word, toByteOffset: offset + i, as: UInt64.self)
                    i += 8
                }
                while i < take {
                    data[offset + i] ^= UInt8(truncatingIfNeeded: words[i / 8] >> UInt64(8 * (i % 8)))
                    i += 1
                }
                if take < 16 * blockCount {
                    // Keep the unused end of the last block for the next call, as big-endian halves.
                    leftover = (words[2 * blockCount - 2].byteSwapped, words[2 * blockCount - 1].byteSwapped)
                    leftoverStart = 16 - (16 * blockCount - take)
                }
                offset += take
            }
        }
    }

    /// XORs the keystream into `data`.
    public mutating func apply(to data: inout [UInt8]) {
        data.withUnsafeMutableBytes { apply(to: $0) }
    }

    /// Adds one to the low `counterBits` bits of the counter block.
    private mutating func increment() {
        if counterBits <= 64 {
            let mask: UInt64 = counterBits == 64 ? .max : (1 << UInt64(counterBits)) - 1
            counter.1 = (counter.1 & ~mask) | ((counter.1 &+ 1) & mask)
        } else {
            let (low, carry) = counter.1.addingReportingOverflow(1)
            counter.1 = low
            if carry {
                let highBits = counterBits - 64
                let mask: UInt64 = highBits == 64 ? .max : (1 << UInt64(highBits)) - 1
                counter.0 = (counter.0 & ~mask) | ((counter.0 &+ 1) & mask)
            }
        }
    }
}
