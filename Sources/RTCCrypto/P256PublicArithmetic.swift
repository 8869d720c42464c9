/// Variable-time P-256 arithmetic for signature verification, where every input (the public
/// key, the signature, the digest) is public. Nothing here may ever see a private key or a
/// nonce: branches, table indices and loop counts depend on the values. Signing and ECDH keep
/// the constant-time ``P256/Point`` arithmetic.
///
/// Points are in Jacobian coordinates (X : Y : Z), x = X/Z², y = Y/Z³, coordinates in Montgomery
/// form, with the incomplete but cheaper a = −3 formulas; the exceptional cases (the identity,
/// P + P, P + (−P)) are caught by branches instead.
extension P256 {
    /// A point in Jacobian coordinates (Montgomery form); Z = 0 is the identity.
    struct JacobianPoint: Sendable {
        var x: UInt256
        var y: UInt256
        var z: UInt256

        /// The identity (1 : 1 : 0).
        static var identity: JacobianPoint { JacobianPoint(x: P256.field.one, y: P256.field.one, z: .zero) }

        /// An affine point (Montgomery form) with Z = 1.
        init(_ point: AffinePoint) {
            self.init(x: point.x, y: point.y, z: P256.field.one)
        }

        init(x: UInt256, y: UInt256, z: UInt256) {
            self.x = x
            self.y = y
            self.z = z
        }

        /// Whether this is the identity.
        var isIdentity: Bool { z == .zero }

        /// −P.
        var negated: JacobianPoint { JacobianPoint(x: x, y: P256.field.subtract(.zero, y), z: z) }

        /// 2P ("dbl-2001-b" of the Explicit-Formulas Database, a = −3: 3M + 5S). Also right for
        /// the identity (Z stays 0); P-256 has no point of order 2, so no other case is special.
        func doubled() -> JacobianPoint {
            let f = P256.field
            let delta = f.square(z)
            let gamma = f.square(y)
            let beta = f.multiply(x, gamma)
            // α = 3(X − δ)(X + δ) = 3X² − 3Z⁴, the a = −3 slope numerator.
            let product = f.multiply(f.subtract(x, delta), f.add(x, delta))
            let alpha = f.add(f.add(product, product), product)
            let fourBeta = f.add(f.add(beta, beta), f.add(beta, beta))
            let eightBeta = f.add(fourBeta, fourBeta)
            let x3 = f.subtract(f.square(alpha), eightBeta)
            // Z3 = (Y + Z)² − γ − δ = 2YZ, a square being cheaper than a product here.
            let z3 = f.subtract(f.subtract(f.square(f.add(y, z)), gamma), delta)
            let gammaSquared = f.square(gamma)
            let twoGammaSquared = f.add(gammaSquared, gammaSquared)
            let fourGammaSquared = f.add(twoGammaSquared, twoGammaSquared)
            let y3 = f.subtract(f.multiply(alpha, f.subtract(fourBeta, x3)), f.add(fourGammaSquared, fourGammaSquared))
            return JacobianPoint(x: x3, y: y3, z: z3)
        }

        /// P + Q for Jacobian P and Q (12M + 4S), branching on the exceptional cases.
        static func + (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint {
            if p.isIdentity { return q }
            if q.isIdentity { return p }
            let f = P256.field
            let z1z1 = f.square(p.z), z2z2 = f.square(q.z)
            let u1 = f.multiply(p.x, z2z2), u2 = f.multiply(q.x, z1z1)
            let s1 = f.multiply(p.y, f.multiply(q.z, z2z2)), s2 = f.multiply(q.y, f.multiply(p.z, z1z1))
            let h = f.subtract(u2, u1), r = f.subtract(s2, s1)
            // Same x: either the same point (double it) or opposite points (the identity).
            if h == .zero { return r == .zero ? p.doubled() : .identity }
            return combine(h: h, r: r, u1: u1, s1: s1, z: f.multiply(f.multiply(p.z, q.z), h))
        }

        /// P + A for an affine A ("mixed" addition, 8M + 3S), branching on the exceptional cases.
        static func + (p: JacobianPoint, a: AffinePoint) -> JacobianPoint {
            if p.isIdentity { return JacobianPoint(a) }
            let f = P256.field
            let z1z1 = f.square(p.z)
            let u2 = f.multiply(a.x, z1z1)
            let s2 = f.multiply(a.y, f.multiply(p.z, z1z1))
            let h = f.subtract(u2, p.x), r = f.subtract(s2, p.y)
            if h == .zero { return r == .zero ? p.doubled() : .identity }
            return combine(h: h, r: r, u1: p.x, s1: p.y, z: f.multiply(p.z, h))
        }

        /// The common tail of both additions, with U1 = X1·Z2², S1 = Y1·Z2³, H = U2 − U1,
        /// R = S2 − S1 and Z3 = Z1·Z2·H: X3 = R² − H³ − 2·U1·H², Y3 = R·(U1·H² − X3) − S1·H³.
        @inline(__always)
        private static func combine(h: UInt256, r: UInt256, u1: UInt256, s1: UInt256, z: UInt256) -> JacobianPoint {
            let f = P256.field
            let hh = f.square(h)
            let hhh = f.multiply(h, hh)
            let v = f.multiply(u1, hh)
            let x3 = f.subtract(f.subtract(f.square(r), hhh), f.add(v, v))
            let y3 = f.subtract(f.multiply(r, f.subtract(v, x3)), f.multiply(s1, hhh))
            return JacobianPoint(x: x3, y: y3, z: z)
        }

        /// Affine coordinates (out of Montgomery form), or nil for the identity.
        var affine: (x: UInt256, y: UInt256)? {
            guard !isIdentity else { return nil }
            let f = P256.field
            let inverse = f.invert(z)
            let inverseSquared = f.square(inverse)
            return (f.fromMontgomery(f.multiply(x, inverseSquared)),
                    f.fromMontgomery(f.multiply(y, f.multiply(inverseSquared, inverse))))
        }

        /// Whether x mod n = r for this point's affine x, without inverting Z: x ≡ X/Z² (mod p)
        /// and x < p, so x mod n = r means x = r or, when r + n < p, x = r + n; each candidate
        /// is checked as X = candidate·Z². (Verification, SEC 1 §4.1.4, compares x mod n with
        /// r.) False for the identity. Variable time: for public values.
        func hasXCoordinate(congruentTo r: UInt256) -> Bool {
            guard !isIdentity else { return false }
            let f = P256.field
            let zz = f.square(z)
            if f.multiply(f.toMontgomery(r), zz) == x { return true }
            // p − n < 2^128, so this second candidate only exists for rare, small r.
            let (candidate, carry) = UInt256.adding(r, P256.order.modulus)
            guard carry == 0, candidate < f.modulus else { return false }
            return f.multiply(f.toMontgomery(candidate), zz) == x
        }
    }

    /// A point in affine coordinates (Montgomery form), never the identity.
    struct AffinePoint: Sendable {
        var x: UInt256
        var y: UInt256

        /// −A.
        var negated: AffinePoint { AffinePoint(x: x, y: P256.field.subtract(.zero, y)) }
    }

    /// The wNAF window width for u2·Q: 8 odd multiples of Q are computed per verification.
    static let publicKeyWindowWidth = 5
    /// The wNAF window width for u1·G, whose table is computed once.
    static let generatorWindowWidth = 7

    /// G, 3G, 5G, …, (2^(w−1) − 1)·G in affine form for w = ``generatorWindowWidth``: affine,
    /// so each of u1's digits costs a mixed addition. Built once, on first use, with one field
    /// inversion for the whole table (Montgomery's trick).
    static let generatorOddMultiples: [AffinePoint] = {
        let count = 1 << (generatorWindowWidth - 2)
        let twiceG = generator.doubled()
        var projective = [generator]
        for index in 1..<count { projective.append(projective[index - 1] + twiceG) }
        // The constant-time points are homogeneous (x = X/Z): one inversion of ∏Z, then each
        // 1/Zᵢ from the prefix products.
        let f = field
        var prefix: [UInt256] = []
        var running = f.one
        for point in projective {
            prefix.append(running)
            running = f.multiply(running, point.z)
        }
        var inverse = f.invert(running)   // 1/(Z0·…·Zk)
        var table = [AffinePoint](repeating: AffinePoint(x: .zero, y: .zero), count: count)
        for index in stride(from: count - 1, through: 0, by: -1) {
            let point = projective[index]
            let zInverse = f.multiply(inverse, prefix[index])
            inverse = f.multiply(inverse, point.z)
            table[index] = AffinePoint(x: f.multiply(point.x, zInverse), y: f.multiply(point.y, zInverse))
        }
        return table
    }()

    /// The width-w non-adjacent form of k < n: digits[i] is 0 or odd in (−2^(w−1), 2^(w−1)),
    /// k = Σ digits[i]·2^i, and of any w consecutive digits at most one is nonzero. 257 digits
    /// (one more than k's bits, for a final carry).
    static func nonAdjacentForm(_ k: UInt256, width: Int) -> [Int8] {
        var digits = [Int8](repeating: 0, count: 257)
        var remaining = k
        let window = UInt64(1) << UInt64(width), half = window >> 1
        var index = 0
        while remaining != .zero {
            if remaining.limbs.0 & 1 == 1 {
                let low = remaining.limbs.0 & (window - 1)
                if low >= half {
                    // A negative digit low − 2^w: k − digit = k + (2^w − low). k < n leaves
                    // room below 2^256 for that carry.
                    digits[index] = Int8(Int(low) - Int(window))
                    remaining = UInt256.adding(remaining, UInt256(limbs: (window - low, 0, 0, 0))).0
                } else {
                    digits[index] = Int8(low)
                    remaining.limbs.0 -= low   // clears the low bits, no borrow
                }
            }
            remaining = remaining.shiftedRightByOne
            index += 1
        }
        return digits
    }

    /// u1·G + u2·Q for public scalars u1, u2 < n and a public point Q, in variable time:
    /// Straus's interleaving, with one chain of doublings shared by both wNAF expansions;
    /// u1's digits add affine multiples of G from ``generatorOddMultiples``, u2's digits add
    /// Jacobian odd multiples of Q computed here.
    static func publicLinearCombination(_ u1: UInt256, _ u2: UInt256, _ q: AffinePoint) -> JacobianPoint {
        let gDigits = nonAdjacentForm(u1, width: generatorWindowWidth)
        let qDigits = nonAdjacentForm(u2, width: publicKeyWindowWidth)
        // Q, 3Q, 5Q, …, (2^(w−1) − 1)·Q.
        let qJacobian = JacobianPoint(q)
        let twiceQ = qJacobian.doubled()
        var qMultiples = [qJacobian]
        qMultiples.reserveCapacity(1 << (publicKeyWindowWidth - 2))
        for index in 1..<(1 << (publicKeyWindowWidth - 2)) { qMultiples.append(qMultiples[index - 1] + twiceQ) }
        let gMultiples = generatorOddMultiples

        var result = JacobianPoint.identity
        var top = 256
        while top >= 0 && gDigits[top] == 0 && qDigits[top] == 0 { top -= 1 }
        for index in stride(from: top, through: 0, by: -1) {
            result = result.doubled()
            let g = Int(gDigits[index]), d = Int(qDigits[index])
            if g > 0 { result = result + gMultiples[g >> 1] }
            else if g < 0 { result = result + gMultiples[(-g) >> 1].negated }
            if d > 0 { result = result + qMultiples[d >> 1] }
            else if d < 0 { result = result + qMultiples[(-d) >> 1].negated }
        }
        return result
    }
}

extension UInt256 {
    /// self >> 1.
    var shiftedRightByOne: UInt256 {
        UInt256(limbs: ((limbs.0 >> 1) | (limbs.1 << 63), (limbs.1 >> 1) | (limbs.2 << 63),
                        (limbs.2 >> 1) | (limbs.3 << 63), limbs.3 >> 1))
    }
}

extension MontgomeryModulus {
    /// a^−1 mod m for 0 < a < m, both in ordinary (not Montgomery) form, by the binary extended
    /// Euclidean algorithm: a few hundred shifts and subtractions instead of Fermat's 256
    /// squarings. Variable time: only for public values (a signature's s). Zero maps to zero.
    func inverseVariableTime(_ a: UInt256) -> UInt256 {
        guard a != .zero else { return .zero }
        // Invariants: x1·a ≡ u and x2·a ≡ v (mod m); gcd(u, v) = gcd(a, m) = 1.
        var u = a, v = modulus
        var x1 = UInt256.one, x2 = UInt256.zero
        while u != .one && v != .one {
            while u.limbs.0 & 1 == 0 {
                u = u.shiftedRightByOne
                x1 = halved(x1)
            }
            while v.limbs.0 & 1 == 0 {
                v = v.shiftedRightByOne
                x2 = halved(x2)
            }
            // Both odd and coprime: they differ unless both are 1, so neither becomes zero
            // while the other is above 1.
            if u < v {
                v = UInt256.subtracting(v, u).0
                x2 = subtract(x2, x1)
            } else {
                u = UInt256.subtracting(u, v).0
                x1 = subtract(x1, x2)
            }
        }
        return u == .one ? x1 : x2
    }

    /// x/2 mod m for x < m: x >> 1 when x is even, else (x + m) >> 1 (m is odd), keeping the
    /// carry of x + m as the top bit.
    private func halved(_ x: UInt256) -> UInt256 {
        guard x.limbs.0 & 1 == 1 else { return x.shiftedRightByOne }
        let (sum, carry) = UInt256.adding(x, modulus)
        var half = sum.shiftedRightByOne
        half.limbs.3 |= carry << 63
        return half
    }
}
