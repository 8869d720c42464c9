/// A 256-bit unsigned integer in four 64-bit limbs, least significant first. Arithmetic is
/// branch-free in the values; it serves the P-256 field and scalar arithmetic.
struct UInt256: Sendable, Equatable {
    var limbs: (UInt64, UInt64, UInt64, UInt64)

    static let zero = UInt256(limbs: (0, 0, 0, 0))
    static let one = UInt256(limbs: (1, 0, 0, 0))

    init(limbs: (UInt64, UInt64, UInt64, UInt64)) { self.limbs = limbs }

    static func == (a: Self, b: Self) -> Bool {
        ((a.limbs.0 ^ b.limbs.0) | (a.limbs.1 ^ b.limbs.1) | (a.limbs.2 ^ b.limbs.2) | (a.limbs.3 ^ b.limbs.3)) == 0
    }

    /// From 32 big-endian bytes.
    init<C: Collection>(bigEndian bytes: C) where C.Element == UInt8 {
        precondition(bytes.count == 32, "a 256-bit integer is 32 bytes")
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            let word = 3 - index / 8
            words[word] = words[word] << 8 | UInt64(byte)
        }
        limbs = (words[0], words[1], words[2], words[3])
    }

    /// From a hex string (big-endian), for constants.
    init(hex: String) {
        var words: [UInt64] = []
        var text = Substring(hex)
        while !text.isEmpty {
            words.insert(UInt64(text.suffix(16), radix: 16)!, at: 0)
            text = text.dropLast(min(16, text.count))
        }
        while words.count < 4 { words.insert(0, at: 0) }
        limbs = (words[3], words[2], words[1], words[0])
    }

    /// 32 big-endian bytes.
    var bigEndianBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        out.appendBigEndian(limbs.3)
        out.appendBigEndian(limbs.2)
        out.appendBigEndian(limbs.1)
        out.appendBigEndian(limbs.0)
        return out
    }

    subscript(index: Int) -> UInt64 {
        get {
            switch index {
            case 0: return limbs.0
            case 1: return limbs.1
            case 2: return limbs.2
            default: return limbs.3
            }
        }
        set {
            switch index {
            case 0: limbs.0 = newValue
            case 1: limbs.1 = newValue
            case 2: limbs.2 = newValue
            default: limbs.3 = newValue
            }
        }
    }

    /// Bit `index` (0 = least significant).
    func bit(_ index: Int) -> UInt64 { (self[index / 64] >> UInt64(index % 64)) & 1 }

    /// a + b and the carry out (0 or 1).
    @inline(__always)
    static func adding(_ a: Self, _ b: Self) -> (Self, UInt64) {
        // 128-bit sums: the carries become add-with-carry, never a branch on a carry bit.
        var sum = UInt128(a.limbs.0) &+ UInt128(b.limbs.0)
        let s0 = UInt64(truncatingIfNeeded: sum)
        sum = (sum >> 64) &+ UInt128(a.limbs.1) &+ UInt128(b.limbs.1)
        let s1 = UInt64(truncatingIfNeeded: sum)
        sum = (sum >> 64) &+ UInt128(a.limbs.2) &+ UInt128(b.limbs.2)
        let s2 = UInt64(truncatingIfNeeded: sum)
        sum = (sum >> 64) &+ UInt128(a.limbs.3) &+ UInt128(b.limbs.3)
        return (UInt256(limbs: (s0, s1, s2, UInt64(truncatingIfNeeded: sum))), UInt64(truncatingIfNeeded: sum >> 64))
    }

    /// a − b and the borrow out (0 or 1).
    @inline(__always)
    static func subtracting(_ a: Self, _ b: Self) -> (Self, UInt64) {
        // Wrapping 128-bit differences: the high word is all ones exactly when a borrow occurred.
        var difference = UInt128(a.limbs.0) &- UInt128(b.limbs.0)
        let d0 = UInt64(truncatingIfNeeded: difference)
        difference = UInt128(a.limbs.1) &- UInt128(b.limbs.1) &- ((difference >> 64) & 1)
        let d1 = UInt64(truncatingIfNeeded: difference)
        difference = UInt128(a.limbs.2) &- UInt128(b.limbs.2) &- ((difference >> 64) & 1)
        let d2 = UInt64(truncatingIfNeeded: difference)
        difference = UInt128(a.limbs.3) &- UInt128(b.limbs.3) &- ((difference >> 64) & 1)
        return (UInt256(limbs: (d0, d1, d2, UInt64(truncatingIfNeeded: difference))), UInt64(truncatingIfNeeded: difference >> 64) & 1)
    }

    /// `a` when `mask` is all ones, `b` when it is zero.
    @inline(__always)
    static func select(_ mask: UInt64, _ a: Self, _ b: Self) -> Self {
        UInt256(limbs: ((a.limbs.0 & mask) | (b.limbs.0 & ~mask), (a.limbs.1 & mask) | (b.limbs.1 & ~mask),
                        (a.limbs.2 & mask) | (b.limbs.2 & ~mask), (a.limbs.3 & mask) | (b.limbs.3 & ~mask)))
    }

    /// All ones when zero, else zero.
    var isZeroMask: UInt64 {
        let any = limbs.0 | limbs.1 | limbs.2 | limbs.3
        return 0 &- (((any | (0 &- any)) >> 63) ^ 1)
    }

    /// Whether a < b (public comparison; used on public values only).
    static func < (a: Self, b: Self) -> Bool { subtracting(a, b).1 == 1 }
}
