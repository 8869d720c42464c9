/// Reads fields narrower than a byte, most significant bit first, as network formats draw them
/// (the RTP header's V/P/X/CC, the SCTP chunk flags, the VP8 payload descriptor).
public struct BitReader: Sendable {
    private let bytes: ArraySlice<UInt8>
    private let base: Int
    /// Bits consumed so far.
    public private(set) var bitOffset: Int = 0

    /// A reader over `bytes`; `base` is the byte offset of its first byte in the outer buffer.
    public init(_ bytes: ArraySlice<UInt8>, base: Int = 0) {
        self.bytes = bytes
        self.base = base
    }

    /// Bits left to read.
    public var remainingBits: Int { bytes.count * 8 - bitOffset }

    /// Reads `count` bits (0 to 64) as an unsigned integer.
    public mutating func read(bits count: Int, field: String) throws(WireError) -> UInt64 {
        guard (0...64).contains(count) else {
            throw .invalidValue(field: field, offset: base + bitOffset / 8, value: UInt64(max(count, 0)),
                                reason: "a bit field is 0 to 64 bits wide")
        }
        guard count <= remainingBits else {
            throw .truncated(field: field, offset: base + bitOffset / 8,
                             needed: (count - remainingBits + 7) / 8, available: remainingBits / 8)
        }
        var value: UInt64 = 0
        for _ in 0..<count {
            let byte = bytes[bytes.startIndex + bitOffset / 8]
            let bit = (byte >> (7 - UInt8(bitOffset % 8))) & 1
            value = (value << 1) | UInt64(bit)
            bitOffset += 1
        }
        return value
    }

    /// Reads one bit as a flag.
    public mutating func readFlag(_ field: String) throws(WireError) -> Bool {
        try read(bits: 1, field: field) == 1
    }
}

/// Writes fields narrower than a byte, most significant bit first.
public struct BitWriter: Sendable {
    /// The bytes written so far; a partly filled last byte is padded with zero bits.
    public private(set) var bytes: [UInt8] = []
    private var bitCount = 0

    /// An empty writer.
    public init() {}

    /// Writes the low `count` bits of `value`. Traps if `value` needs more bits: a caller bug.
    public mutating func write(_ value: UInt64, bits count: Int) {
        precondition((0...64).contains(count), "a bit field is 0 to 64 bits wide")
        precondition(count == 64 || value >> UInt64(count) == 0, "value \(value) does not fit in \(count) bits")
        for i in stride(from: count - 1, through: 0, by: -1) {
            if bitCount % 8 == 0 { bytes.append(0) }
            if (value >> UInt64(i)) & 1 == 1 {
                bytes[bytes.count - 1] |= 1 << (7 - UInt8(bitCount % 8))
            }
            bitCount += 1
        }
    }

    /// Writes a one-bit flag.
    public mutating func writeFlag(_ flag: Bool) { write(flag ? 1 : 0, bits: 1) }
}

extension FixedWidthInteger {
    /// The `count` bits of this value that start `from` bits below the most significant bit,
    /// as a diagram in an RFC numbers them (bit 0 is the leftmost).
    @inlinable
    public func bits(from start: Int, count: Int) -> Self {
        precondition(start >= 0 && count > 0 && start + count <= Self.bitWidth, "bit range out of bounds")
        let shifted = self >> (Self.bitWidth - start - count)
        return count == Self.bitWidth ? shifted : shifted & ((1 << count) - 1)
    }
}
