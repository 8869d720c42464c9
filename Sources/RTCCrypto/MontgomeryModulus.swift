/// Arithmetic modulo an odd 256-bit modulus in Montgomery form (R = 2^256), constant-time:
/// the P-256 field prime p and the group order n.
struct MontgomeryModulus: Sendable {
    let modulus: UInt256
    /// −modulus^−1 mod 2^64.
    let n0: UInt64
    /// R^2 mod modulus, to enter Montgomery form.
    let rSquared: UInt256

    init(modulus: UInt256) {
        self.modulus = modulus
        // Newton iteration for the inverse of modulus[0] mod 2^64.
        var inverse: UInt64 = 1
        for _ in 0..<6 { inverse = inverse &* (2 &- modulus[0] &* inverse) }
        n0 = 0 &- inverse
        // R^2 mod m by doubling 1 (public constants only) 512 times.
        var value = UInt256.one
        for _ in 0..<512 {
            let (doubled, carry) = UInt256.adding(value, value)
            let (reduced, borrow) = UInt256.subtracting(doubled, modulus)
            value = (carry == 1 || borrow == 0) ? reduced : doubled
        }
        rSquared = value
        // R mod m = R²·R^−1: a Montgomery product of R² and 1. (Computed inline: `self` is
        // not complete yet.)
        oneInMontgomeryForm = MontgomeryModulus.montgomeryOne(modulus: modulus)
    }

    private let oneInMontgomeryForm: UInt256

    /// 2^256 mod m, by one subtraction (m > 2^255).
    private static func montgomeryOne(modulus: UInt256) -> UInt256 {
        UInt256.subtracting(.zero, modulus).0   // 2^256 − m, exact since m > 2^255
    }

    /// (a + b) mod m, for a, b < m.
    func add(_ a: UInt256, _ b: UInt256) -> UInt256 {
        let (sum, carry) = UInt256.adding(a, b)
        let (reduced, borrow) = UInt256.subtracting(sum, modulus)
        // Keep the reduced value if the sum overflowed or did not go below zero.
        let keepReduced = 0 &- (carry | (borrow ^ 1))
        return UInt256.select(keepReduced, reduced, sum)
    }

    /// (a − b) mod m, for a, b < m.
    func subtract(_ a: UInt256, _ b: UInt256) -> UInt256 {
        let (difference, borrow) = UInt256.subtracting(a, b)
        let (corrected, _) = UInt256.adding(difference, modulus)
        return UInt256.select(0 &- borrow, corrected, difference)
    }

    /// a mod m for any a < 2^256 (valid because m > 2^255 for both moduli used here).
    func reduce(_ a: UInt256) -> UInt256 {
        let (reduced, borrow) = UInt256.subtracting(a, modulus)
        return UInt256.select(0 &- borrow, a, reduced)
    }

    /// Whether the modulus is the P-256 prime p = 2^256 − 2^224 + 2^192 + 2^96 − 1, whose
    /// shape (n0 = 1, limbs ff…ff, 00000000ffffffff, 0, ffffffff00000001) saves half the
    /// multiplications of each reduction step.
    private var isP256Prime: Bool {
        modulus.limbs == (0xffff_ffff_ffff_ffff, 0x0000_0000_ffff_ffff, 0, 0xffff_ffff_0000_0001)
    }

    /// Montgomery product a·b·R^−1 mod m (CIOS), for a, b < m.
    @inline(__always)
    func multiply(_ a: UInt256, _ b: UInt256) -> UInt256 {
        isP256Prime ? multiplyP256(a, b) : multiplyGeneric(a, b)
    }

    /// The CIOS product specialised to the P-256 prime: with n0 = 1 the reduction multiplier
    /// is t0 itself; m·(2^64 − 1) + t0 carries exactly m; the zero limb needs no product.
    @inline(__always)
    private func multiplyP256(_ a: UInt256, _ b: UInt256) -> UInt256 {
        var t = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        @inline(__always) func round(_ bi: UInt64) {
            var (carry, lo) = Self.multiplyAdd(a.limbs.0, bi, t.0, 0); t.0 = lo
            (carry, lo) = Self.multiplyAdd(a.limbs.1, bi, t.1, carry); t.1 = lo
            (carry, lo) = Self.multiplyAdd(a.limbs.2, bi, t.2, carry); t.2 = lo
            (carry, lo) = Self.multiplyAdd(a.limbs.3, bi, t.3, carry); t.3 = lo
            let top = UInt128(t.4) &+ UInt128(carry)
            t.4 = UInt64(truncatingIfNeeded: top)
            let t5 = UInt64(truncatingIfNeeded: top >> 64)
            let m = t.0
            // m·m0 + t0 = m·2^64: the low word vanishes, the carry is m.
            (carry, lo) = Self.multiplyAdd(m, 0x0000_0000_ffff_ffff, t.1, m); t.0 = lo
            let sum = UInt128(t.2) &+ UInt128(carry)   // m·m2 = 0
            t.1 = UInt64(truncatingIfNeeded: sum)
            (carry, lo) = Self.multiplyAdd(m, 0xffff_ffff_0000_0001, t.3, UInt64(truncatingIfNeeded: sum >> 64)); t.2 = lo
            let last = UInt128(t.4) &+ UInt128(carry)
            t.3 = UInt64(truncatingIfNeeded: last)
            t.4 = t5 &+ UInt64(truncatingIfNeeded: last >> 64)
        }
        round(b.limbs.0)
        round(b.limbs.1)
        round(b.limbs.2)
        round(b.limbs.3)
        return finish(t)
    }

    /// hi:lo = x·y + z + w (cannot overflow 128 bits). In 128-bit arithmetic, so the carries
    /// become add-with-carry instructions rather than branches on carry bits.
    @inline(__always)
    private static func multiplyAdd(_ x: UInt64, _ y: UInt64, _ z: UInt64, _ w: UInt64) -> (UInt64, UInt64) {
        let r = UInt128(x) &* UInt128(y) &+ UInt128(z) &+ UInt128(w)
        return (UInt64(truncatingIfNeeded: r >> 64), UInt64(truncatingIfNeeded: r))
    }

    /// The CIOS result t (< 2m, with t.4 its fifth word) brought below m in constant time.
    @inline(__always)
    private func finish(_ t: (UInt64, UInt64, UInt64, UInt64, UInt64)) -> UInt256 {
        let value = UInt256(limbs: (t.0, t.1, t.2, t.3))
        let (reduced, borrow) = UInt256.subtracting(value, modulus)
        let keepReduced = 0 &- (t.4 | (borrow ^ 1))
        return UInt256.select(keepReduced, reduced, value)
    }

    /// The general CIOS Montgomery product.
    @inline(__always)
    private func multiplyGeneric(_ a: UInt256, _ b: UInt256) -> UInt256 {
        var t = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let m0 = modulus.limbs.0, m1 = modulus.limbs.1, m2 = modulus.limbs.2, m3 = modulus.limbs.3
        let n0 = self.n0


        @inline(__always) func round(_ bi: UInt64) {
            // t += a·b[i]
            var (carry, lo) = Self.multiplyAdd(a.limbs.0, bi, t.0, 0); t.0 = lo
            (carry, lo) = Self.multiplyAdd(a.limbs.1, bi, t.1, carry); t.1 = lo
            (carry, lo) = Self.multiplyAdd(a.limbs.2, bi, t.2, carry); t.2 = lo
            (carry, lo) = Self.multiplyAdd(a.limbs.3, bi, t.3, carry); t.3 = lo
            let top = UInt128(t.4) &+ UInt128(carry)
            t.4 = UInt64(truncatingIfNeeded: top)
            let t5 = UInt64(truncatingIfNeeded: top >> 64)
            // t = (t + m·modulus) / 2^64
            let m = t.0 &* n0
            (carry, _) = Self.multiplyAdd(m, m0, t.0, 0)
            (carry, lo) = Self.multiplyAdd(m, m1, t.1, carry); t.0 = lo
            (carry, lo) = Self.multiplyAdd(m, m2, t.2, carry); t.1 = lo
            (carry, lo) = Self.multiplyAdd(m, m3, t.3, carry); t.2 = lo
            let last = UInt128(t.4) &+ UInt128(carry)
            t.3 = UInt64(truncatingIfNeeded: last)
            t.4 = t5 &+ UInt64(truncatingIfNeeded: last >> 64)
        }

        round(b.limbs.0)
        round(b.limbs.1)
        round(b.limbs.2)
        round(b.limbs.3)
        return finish(t)
    }

    func square(_ a: UInt256) -> UInt256 { multiply(a, a) }

    /// Into Montgomery form: a·R mod m.
    func toMontgomery(_ a: UInt256) -> UInt256 { multiply(reduce(a), rSquared) }

    /// Out of Montgomery form: a·R^−1 mod m.
    func fromMontgomery(_ a: UInt256) -> UInt256 { multiply(a, .one) }

    /// One in Montgomery form (R mod m).
    var one: UInt256 { oneInMontgomeryForm }

    /// a^(m−2) = a^−1 (Fermat), in Montgomery form. The exponent is public, so
    /// square-and-multiply over its bits leaks nothing about `a`. Zero maps to zero.
    func invert(_ a: UInt256) -> UInt256 {
        let (exponent, _) = UInt256.subtracting(modulus, UInt256(limbs: (2, 0, 0, 0)))
        var result = one
        for index in stride(from: 255, through: 0, by: -1) {
            result = square(result)
            if exponent.bit(index) == 1 { result = multiply(result, a) }
        }
        return result
    }
}
