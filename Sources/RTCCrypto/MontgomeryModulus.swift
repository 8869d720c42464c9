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

    /// Montgomery product a·b·R^−1 mod m (CIOS), for a, b < m.
    func multiply(_ a: UInt256, _ b: UInt256) -> UInt256 {
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0, t4: UInt64 = 0
        for i in 0..<4 {
            let bi = b[i]
            // t += a·b[i]
            var (hi, lo) = a.limbs.0.multipliedFullWidth(by: bi)
            var (s, c) = lo.addingReportingOverflow(t0); t0 = s; var carry = hi &+ (c ? 1 : 0)
            (hi, lo) = a.limbs.1.multipliedFullWidth(by: bi)
            (s, c) = lo.addingReportingOverflow(t1); var h = hi &+ (c ? 1 : 0)
            (s, c) = s.addingReportingOverflow(carry); t1 = s; carry = h &+ (c ? 1 : 0)
            (hi, lo) = a.limbs.2.multipliedFullWidth(by: bi)
            (s, c) = lo.addingReportingOverflow(t2); h = hi &+ (c ? 1 : 0)
            (s, c) = s.addingReportingOverflow(carry); t2 = s; carry = h &+ (c ? 1 : 0)
            (hi, lo) = a.limbs.3.multipliedFullWidth(by: bi)
            (s, c) = lo.addingReportingOverflow(t3); h = hi &+ (c ? 1 : 0)
            (s, c) = s.addingReportingOverflow(carry); t3 = s; carry = h &+ (c ? 1 : 0)
            (s, c) = t4.addingReportingOverflow(carry); t4 = s; let t5: UInt64 = c ? 1 : 0
            // t = (t + m·modulus) / 2^64
            let m = t0 &* n0
            (hi, lo) = m.multipliedFullWidth(by: modulus.limbs.0)
            (_, c) = lo.addingReportingOverflow(t0); carry = hi &+ (c ? 1 : 0)
            (hi, lo) = m.multipliedFullWidth(by: modulus.limbs.1)
            (s, c) = lo.addingReportingOverflow(t1); h = hi &+ (c ? 1 : 0)
            (s, c) = s.addingReportingOverflow(carry); t0 = s; carry = h &+ (c ? 1 : 0)
            (hi, lo) = m.multipliedFullWidth(by: modulus.limbs.2)
            (s, c) = lo.addingReportingOverflow(t2); h = hi &+ (c ? 1 : 0)
            (s, c) = s.addingReportingOverflow(carry); t1 = s; carry = h &+ (c ? 1 : 0)
            (hi, lo) = m.multipliedFullWidth(by: modulus.limbs.3)
            (s, c) = lo.addingReportingOverflow(t3); h = hi &+ (c ? 1 : 0)
            (s, c) = s.addingReportingOverflow(carry); t2 = s; carry = h &+ (c ? 1 : 0)
            (s, c) = t4.addingReportingOverflow(carry); t3 = s; t4 = t5 &+ (c ? 1 : 0)
        }
        let t = UInt256(limbs: (t0, t1, t2, t3))
        let (reduced, borrow) = UInt256.subtracting(t, modulus)
        let keepReduced = 0 &- (t4 | (borrow ^ 1))
        return UInt256.select(keepReduced, reduced, t)
    }

    func square(_ a: UInt256) -> UInt256 { multiply(a, a) }

    /// Into Montgomery form: a·R mod m.
    func toMontgomery(_ a: UInt256) -> UInt256 { multiply(reduce(a), rSquared) }

    /// Out of Montgomery form: a·R^−1 mod m.
    func fromMontgomery(_ a: UInt256) -> UInt256 { multiply(a, .one) }

    /// The Montgomery form of R·1, i.e. one.
    var one: UInt256 { toMontgomery(.one) }

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
