/// An element of GF(2^255 − 19) in five 51-bit limbs (radix 2^51), for X25519.
///
/// Limbs may exceed 51 bits between operations (up to about 2^54 after additions); every
/// operation is branch-free and independent of the values.
struct Curve25519Field: Sendable, Equatable {
    var l: (UInt64, UInt64, UInt64, UInt64, UInt64)

    static let mask51: UInt64 = (1 << 51) - 1
    static let zero = Curve25519Field(l: (0, 0, 0, 0, 0))
    static let one = Curve25519Field(l: (1, 0, 0, 0, 0))

    static func == (a: Self, b: Self) -> Bool { a.bytes == b.bytes }

    /// Decodes 32 little-endian bytes, ignoring the top bit: non-canonical values (≥ p) are
    /// accepted and behave as their residue.
    init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a field element is 32 bytes")
        func load(_ offset: Int) -> UInt64 {
            var word: UInt64 = 0
            for i in 0..<8 where offset + i < 32 { word |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            return word
        }
        let m = Curve25519Field.mask51
        // spec: RFC7748-5-1 the most significant bit of the final byte is masked
        // spec: RFC7748-5-2 non-canonical values are accepted and reduced by the arithmetic
        l = (load(0) & m, (load(6) >> 3) & m, (load(12) >> 6) & m, (load(19) >> 1) & m, (load(24) >> 12) & m)
    }

    init(l: (UInt64, UInt64, UInt64, UInt64, UInt64)) { self.l = l }

    /// The canonical 32-byte little-endian encoding (fully reduced below p, top bit zero).
    var bytes: [UInt8] {
        var t = carried()
        // Now t < 2^255 + small; subtract p once if t ≥ p, in constant time:
        // compute t + 19, and if that carries into bit 255, t ≥ p.
        var q = (t.l.0 &+ 19) >> 51
        q = (t.l.1 &+ q) >> 51
        q = (t.l.2 &+ q) >> 51
        q = (t.l.3 &+ q) >> 51
        q = (t.l.4 &+ q) >> 51
        t.l.0 &+= 19 &* q
        let m = Curve25519Field.mask51
        t.l.1 &+= t.l.0 >> 51; t.l.0 &= m
        t.l.2 &+= t.l.1 >> 51; t.l.1 &= m
        t.l.3 &+= t.l.2 >> 51; t.l.2 &= m
        t.l.4 &+= t.l.3 >> 51; t.l.3 &= m
        t.l.4 &= m
        // spec: RFC7748-5-3 the encoded value is below p, so the unused top bit is zero
        let packed: (UInt64, UInt64, UInt64, UInt64) = (
            t.l.0 | t.l.1 << 51,
            t.l.1 >> 13 | t.l.2 << 38,
            t.l.2 >> 26 | t.l.3 << 25,
            t.l.3 >> 39 | t.l.4 << 12
        )
        var out = [UInt8](repeating: 0, count: 32)
        for (index, word) in [packed.0, packed.1, packed.2, packed.3].enumerated() {
            for i in 0..<8 { out[8 * index + i] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(i))) }
        }
        return out
    }

    /// Limbs brought back to 51 bits (the value is unchanged modulo p, and below 2^255 + 19·small).
    func carried() -> Curve25519Field {
        let m = Curve25519Field.mask51
        var t = l
        t.1 &+= t.0 >> 51; t.0 &= m
        t.2 &+= t.1 >> 51; t.1 &= m
        t.3 &+= t.2 >> 51; t.2 &= m
        t.4 &+= t.3 >> 51; t.3 &= m
        t.0 &+= 19 &* (t.4 >> 51); t.4 &= m
        t.1 &+= t.0 >> 51; t.0 &= m
        return Curve25519Field(l: t)
    }

    static func + (a: Self, b: Self) -> Self {
        Curve25519Field(l: (a.l.0 &+ b.l.0, a.l.1 &+ b.l.1, a.l.2 &+ b.l.2, a.l.3 &+ b.l.3, a.l.4 &+ b.l.4)).carried()
    }

    /// a − b, computed as a + 4p − b so no limb underflows.
    static func - (a: Self, b: Self) -> Self {
        let fourP0: UInt64 = 0x1f_ffff_ffff_ffb4   // 4 × (2^51 − 19)
        let fourPi: UInt64 = 0x1f_ffff_ffff_fffc   // 4 × (2^51 − 1)
        let a = a.carried(), b = b.carried()
        return Curve25519Field(l: (a.l.0 &+ fourP0 &- b.l.0, a.l.1 &+ fourPi &- b.l.1, a.l.2 &+ fourPi &- b.l.2,
                                   a.l.3 &+ fourPi &- b.l.3, a.l.4 &+ fourPi &- b.l.4)).carried()
    }

    static func * (a: Self, b: Self) -> Self {
        let a = a.carried(), b = b.carried()
        let (a0, a1, a2, a3, a4) = (UInt128(a.l.0), UInt128(a.l.1), UInt128(a.l.2), UInt128(a.l.3), UInt128(a.l.4))
        let (b0, b1, b2, b3, b4) = (UInt128(b.l.0), UInt128(b.l.1), UInt128(b.l.2), UInt128(b.l.3), UInt128(b.l.4))
        // 2^255 ≡ 19 (mod p): products that land at or above limb 5 come back times 19.
        let b1x19 = b1 &* 19, b2x19 = b2 &* 19, b3x19 = b3 &* 19, b4x19 = b4 &* 19
        let r0 = a0 &* b0 &+ a1 &* b4x19 &+ a2 &* b3x19 &+ a3 &* b2x19 &+ a4 &* b1x19
        let r1 = a0 &* b1 &+ a1 &* b0 &+ a2 &* b4x19 &+ a3 &* b3x19 &+ a4 &* b2x19
        let r2 = a0 &* b2 &+ a1 &* b1 &+ a2 &* b0 &+ a3 &* b4x19 &+ a4 &* b3x19
        let r3 = a0 &* b3 &+ a1 &* b2 &+ a2 &* b1 &+ a3 &* b0 &+ a4 &* b4x19
        let r4 = a0 &* b4 &+ a1 &* b3 &+ a2 &* b2 &+ a3 &* b1 &+ a4 &* b0
        return reduce(r0, r1, r2, r3, r4)
    }

    /// Carries 128-bit limb products down to 51-bit limbs.
    private static func reduce(_ r0: UInt128, _ r1: UInt128, _ r2: UInt128, _ r3: UInt128, _ r4: UInt128) -> Self {
        let m = UInt128(mask51)
        var c = r0 >> 51
        let t0 = r0 & m
        let s1 = r1 &+ c; c = s1 >> 51; let t1 = s1 & m
        let s2 = r2 &+ c; c = s2 >> 51; let t2 = s2 & m
        let s3 = r3 &+ c; c = s3 >> 51; let t3 = s3 & m
        let s4 = r4 &+ c; c = s4 >> 51; let t4 = s4 & m
        let u0 = t0 &+ c &* 19
        return Curve25519Field(l: (UInt64(truncatingIfNeeded: u0), UInt64(truncatingIfNeeded: t1), UInt64(truncatingIfNeeded: t2),
                                   UInt64(truncatingIfNeeded: t3), UInt64(truncatingIfNeeded: t4))).carried()
    }

    func squared() -> Self { self * self }

    /// Multiplication by a small constant (a24 = 121665 in the ladder).
    func times(_ k: UInt64) -> Self {
        let a = carried()
        let w = UInt128(k)
        return Curve25519Field.reduce(UInt128(a.l.0) &* w, UInt128(a.l.1) &* w, UInt128(a.l.2) &* w,
                                      UInt128(a.l.3) &* w, UInt128(a.l.4) &* w)
    }

    /// self^(p−2) = self^−1 (Fermat). The exponent is public, so square-and-multiply over its
    /// fixed bits leaks nothing about `self`.
    func inverted() -> Self {
        // p − 2 = 2^255 − 21: bits 254…5 are 1, bits 4…0 are 01011.
        var result = Curve25519Field.one
        for bit in stride(from: 254, through: 0, by: -1) {
            result = result.squared()
            let set = bit >= 5 || [0, 1, 3].contains(bit)
            if set { result = result * self }
        }
        return result
    }

    /// Swaps `a` and `b` when `swap` is 1, leaves them when 0, with no branch on `swap`.
    static func conditionalSwap(_ a: inout Self, _ b: inout Self, _ swap: UInt64) {
        // spec: RFC7748-5-4 cswap is a mask, independent of the swap argument
        let mask = 0 &- swap
        var x = (a.l.0 ^ b.l.0) & mask; a.l.0 ^= x; b.l.0 ^= x
        x = (a.l.1 ^ b.l.1) & mask; a.l.1 ^= x; b.l.1 ^= x
        x = (a.l.2 ^ b.l.2) & mask; a.l.2 ^= x; b.l.2 ^= x
        x = (a.l.3 ^ b.l.3) & mask; a.l.3 ^= x; b.l.3 ^= x
        x = (a.l.4 ^ b.l.4) & mask; a.l.4 ^= x; b.l.4 ^= x
    }
}
