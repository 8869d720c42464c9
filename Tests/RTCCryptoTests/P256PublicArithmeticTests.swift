import SpecTesting
import Testing
@testable import RTCCrypto

/// The variable-time verification path against the constant-time arithmetic it replaced.
/// Wycheproof checks answers for a few hundred fixed inputs; these tests compare the two
/// computations on many seeded random inputs, and aim at the cases the fast path treats
/// specially (the identity, P + P and P + (−P) inside the incomplete Jacobian additions,
/// zero scalars, x-coordinates in [n, p)).
@Suite struct P256PublicArithmeticTests {
    typealias Curve = RTCCrypto.P256

    /// ECDSA verification as it was before the variable-time path: s⁻¹ by Fermat,
    /// u1·G + u2·Q with the constant-time table and window, one field inversion, x mod n.
    static func constantTimeIsValid(_ signature: ECDSASignature, forDigest digest: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let q = Curve.decodePoint(publicKey),
              Curve.isValidScalar(signature.r), Curve.isValidScalar(signature.s) else { return false }
        let n = Curve.order
        let w = n.invert(n.toMontgomery(signature.s))
        let u1 = n.fromMontgomery(n.multiply(n.toMontgomery(P256Signing.bitsToInteger(digest)), w))
        let u2 = n.fromMontgomery(n.multiply(n.toMontgomery(signature.r), w))
        guard let point = (Curve.multiplyGenerator(by: u1) + q.multiplied(by: u2)).affine else { return false }
        return n.reduce(point.x) == signature.r
    }

    static func randomScalar(_ rng: inout SeededGenerator) -> UInt256 {
        Curve.order.reduce(UInt256(bigEndian: rng.bytes(32)))
    }

    /// −k mod n.
    static func negated(_ k: UInt256) -> UInt256 {
        Curve.order.subtract(.zero, Curve.order.reduce(k))
    }

    /// u1·G + u2·Q, fast and constant-time, agree (as affine points, or both the identity) for
    /// random scalars and keys, for zero scalars, for results that are the identity, and for
    /// small multiples of ±G where the Jacobian additions meet their exceptional cases.
    @Test func linearCombinationDifferentialAgainstConstantTime() throws {
        let f = Curve.field, n = Curve.order
        var rng = SeededGenerator(state: 0x9256)
        var cases: [(u1: UInt256, u2: UInt256, d: UInt256)] = []
        for index in 0..<24 {
            let d = Self.randomScalar(&rng), u2 = Self.randomScalar(&rng)
            switch index % 4 {
            case 0: cases.append((Self.randomScalar(&rng), u2, d))
            case 1: cases.append((.zero, u2, d))
            case 2: cases.append((Self.randomScalar(&rng), .zero, d))
            default:
                // u1 = −u2·d: u1·G + u2·(d·G) is the identity.
                let product = n.multiply(n.toMontgomery(u2), d)   // (u2·R)·d·R⁻¹ = u2·d
                cases.append((Self.negated(product), u2, d))
            }
        }
        // Q = ±G, ±3G with small scalars: the first two additions land on the same or the
        // opposite point (doubling and identity inside the Jacobian formulas).
        let small: [UInt256] = [.one, UInt256(limbs: (2, 0, 0, 0)), UInt256(limbs: (3, 0, 0, 0)),
                                Self.negated(.one), Self.negated(UInt256(limbs: (3, 0, 0, 0)))]
        for d in [UInt256.one, UInt256(limbs: (3, 0, 0, 0)), Self.negated(.one)] {
            for u1 in small { for u2 in small { cases.append((u1, u2, d)) } }
        }
        for (u1, u2, d) in cases {
            let (qx, qy) = try #require(Curve.multiplyGenerator(by: d).affine)
            let q = Curve.AffinePoint(x: f.toMontgomery(qx), y: f.toMontgomery(qy))
            let fast = Curve.publicLinearCombination(u1, u2, q).affine
            let reference = (Curve.multiplyGenerator(by: u1) + Curve.Point(x: q.x, y: q.y, z: f.one).multiplied(by: u2)).affine
            #expect(fast?.x == reference?.x && fast?.y == reference?.y, "u1 \(u1.bigEndianBytes) u2 \(u2.bigEndianBytes)")
        }
        #expect(cases.count == 24 + 75)
    }

    /// P256Signing.isValid agrees with the constant-time verification on many signatures:
    /// valid ones, (r, n − s) (also valid), corrupted r, s, digest or key, r and s swapped,
    /// random pairs, and a digest chosen so that u1·G + u2·Q is the identity.
    @Test func verifyDifferentialAgainstConstantTime() throws {
        var rng = SeededGenerator(state: 0x5ec1)
        var accepted = 0, refused = 0
        for _ in 0..<16 {
            let privateKey = Self.randomScalar(&rng).bigEndianBytes
            let d = UInt256(bigEndian: privateKey)
            guard Curve.isValidScalar(d) else { continue }
            let publicKey = try P256KeyAgreement.publicKey(privateKey: privateKey)
            let otherKey = try P256KeyAgreement.publicKey(privateKey: Self.randomScalar(&rng).bigEndianBytes)
            let digest = rng.bytes(32)
            let signature = try P256Signing.signature(forDigest: digest, privateKey: privateKey)
            var flippedDigest = digest
            flippedDigest[Int.random(in: 0..<32, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            var flippedR = signature.r, flippedS = signature.s
            flippedR[Int.random(in: 0..<4, using: &rng)] ^= 1 << UInt64.random(in: 0..<64, using: &rng)
            flippedS[Int.random(in: 0..<4, using: &rng)] ^= 1 << UInt64.random(in: 0..<64, using: &rng)
            // e = −r·d mod n makes u1·G + u2·Q = s⁻¹(e + r·d)·G the identity.
            let n = Curve.order
            let identityDigest = Self.negated(n.multiply(n.toMontgomery(signature.r), d)).bigEndianBytes
            let trials: [(ECDSASignature, [UInt8], [UInt8])] = [
                (signature, digest, publicKey),
                (ECDSASignature(r: signature.r, s: Self.negated(signature.s)), digest, publicKey),
                (signature, flippedDigest, publicKey),
                (ECDSASignature(r: flippedR, s: signature.s), digest, publicKey),
                (ECDSASignature(r: signature.r, s: flippedS), digest, publicKey),
                (signature, digest, otherKey),
                (ECDSASignature(r: signature.s, s: signature.r), digest, publicKey),
                (ECDSASignature(r: Self.randomScalar(&rng), s: Self.randomScalar(&rng)), digest, publicKey),
                (signature, identityDigest, publicKey),
            ]
            for (index, (candidate, message, key)) in trials.enumerated() {
                let fast = P256Signing.isValid(candidate, forDigest: message, publicKey: key)
                #expect(fast == Self.constantTimeIsValid(candidate, forDigest: message, publicKey: key), "trial \(index)")
                if fast { accepted += 1 } else { refused += 1 }
                // Only the first two trials are valid signatures.
                #expect(fast == (index < 2), "trial \(index)")
            }
        }
        #expect(accepted >= 30 && refused >= 100)
    }

    /// The projective comparison X = r·Z² also finds x = r + n, which exists when r + n < p
    /// (p − n ≈ 2^128): checked on synthetic coordinates X = x·Z², since a curve point with
    /// x ≥ n cannot be found by sampling.
    @Test func projectiveXComparisonCoversRPlusN() throws {
        let f = Curve.field
        let n = Curve.order.modulus
        var rng = SeededGenerator(state: 0x7a11)
        let pMinusN = UInt256.subtracting(f.modulus, n).0
        for _ in 0..<16 {
            let z = f.toMontgomery(UInt256(bigEndian: rng.bytes(32)))
            let zz = f.square(z)
            // r < p − n, so x = r + n is below p: r and r + n both reduce to r.
            let r = UInt256(limbs: (rng.next(), rng.next() & (pMinusN.limbs.1 >> 1), 0, 0))
            let rPlusN = UInt256.adding(r, n).0
            for x in [r, rPlusN] {
                let point = Curve.JacobianPoint(x: f.multiply(f.toMontgomery(x), zz), y: f.one, z: z)
                #expect(point.hasXCoordinate(congruentTo: r))
                #expect(!point.hasXCoordinate(congruentTo: UInt256.adding(r, .one).0))
            }
            // A large r (above p − n): only x = r itself.
            let large = UInt256.subtracting(n, UInt256(limbs: (rng.next() | 1, 0, 0, 0))).0
            let point = Curve.JacobianPoint(x: f.multiply(f.toMontgomery(large), zz), y: f.one, z: z)
            #expect(point.hasXCoordinate(congruentTo: large))
        }
        #expect(!Curve.JacobianPoint.identity.hasXCoordinate(congruentTo: .one))
    }

    /// The binary extended Euclidean inverse mod n against Fermat's, including 1 and n − 1.
    @Test func variableTimeOrderInverseMatchesFermat() {
        let n = Curve.order
        var rng = SeededGenerator(state: 0x1417)
        var values: [UInt256] = [.one, UInt256(limbs: (2, 0, 0, 0)), Self.negated(.one), Self.negated(UInt256(limbs: (2, 0, 0, 0)))]
        for _ in 0..<64 { values.append(Self.randomScalar(&rng)) }
        for a in values where a != .zero {
            let fermat = n.fromMontgomery(n.invert(n.toMontgomery(a)))
            #expect(n.inverseVariableTime(a) == fermat, "\(a.bigEndianBytes)")
        }
        #expect(n.inverseVariableTime(.zero) == .zero)
    }
}
