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
        // Counter blocks for up to 512 bytes at a time, encrypted in one call, in stack buffers.
        let chunkSize = 512
        withUnsafeTemporaryAllocation(byteCount: 2 * chunkSize, alignment: 16) { scratch in
        let blocks = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<chunkSize])
        let stream = UnsafeMutableRawBufferPointer(rebasing: scratch[chunkSize..<(2 * chunkSize)])
        while offset < data.count {
            let take = min(chunkSize, data.count - offset)
            let blockBytes = (take + 15) / 16 * 16
            for block in 0..<(blockBytes / 16) {
                blocks.storeBytes(of: counter.0.bigEndian, toByteOffset: 16 * block, as: UInt64.self)
                blocks.storeBytes(of: counter.1.bigEndian, toByteOffset: 16 * block + 8, as: UInt64.self)
                increment()
            }
            aes.encrypt(blocks: UnsafeRawBufferPointer(rebasing: blocks[0..<blockBytes]), into: stream)
            do {
                let keystream = UnsafeRawBufferPointer(stream)
                var i = 0
                // Eight bytes at a time where possible.
                while i + 8 <= take {
                    let word = data.loadUnaligned(fromByteOffset: offset + i, as: UInt64.self)
                        ^ keystream.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    data.storeBytes(of: word, toByteOffset: offset + i, as: UInt64.self)
                    i += 8
                }
                while i < take {
                    data[offset + i] ^= keystream[i]
                    i += 1
                }
            }
            if take < blockBytes {
                // Keep the unused end of the last block for the next call.
                leftover = (UInt64(bigEndian: stream.loadUnaligned(fromByteOffset: blockBytes - 16, as: UInt64.self)),
                            UInt64(bigEndian: stream.loadUnaligned(fromByteOffset: blockBytes - 8, as: UInt64.self)))
                leftoverStart = 16 - (blockBytes - take)
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
