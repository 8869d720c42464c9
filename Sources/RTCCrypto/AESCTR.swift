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
    /// Keystream left over from the last call (fewer than 64 bytes), and where it starts.
    private var leftover = [UInt8](repeating: 0, count: 64)
    private var leftoverStart = 64

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

    /// XORs the keystream into `data` in place, continuing where the last call stopped.
    public mutating func apply(to data: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset < data.count, leftoverStart < 64 {
            data[offset] ^= leftover[leftoverStart]
            offset += 1
            leftoverStart += 1
        }
        guard offset < data.count else { return }
        var blocks = [UInt8](repeating: 0, count: 64)
        var stream = [UInt8](repeating: 0, count: 64)
        while offset < data.count {
            blocks.withUnsafeMutableBytes { out in
                for lane in 0..<4 {
                    out.storeBytes(of: counter.0.bigEndian, toByteOffset: 16 * lane, as: UInt64.self)
                    out.storeBytes(of: counter.1.bigEndian, toByteOffset: 16 * lane + 8, as: UInt64.self)
                    increment()
                }
            }
            blocks.withUnsafeBytes { input in stream.withUnsafeMutableBytes { aes.encrypt4(input, into: $0) } }
            let take = min(64, data.count - offset)
            stream.withUnsafeBytes { keystream in
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
            if take < 64 {
                leftover = stream
                leftoverStart = take
            }
            offset += take
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
