/// The NIST P-256 curve (secp256r1, FIPS 186-4 §D.1.2.3): y² = x³ − 3x + b over GF(p).
///
/// Points are kept in homogeneous projective coordinates (X : Y : Z), x = X/Z, y = Y/Z, with
/// coordinates in Montgomery form, and added with the complete formulas of Renes, Costello and
/// Batina ("Complete addition formulas for prime order elliptic curves", 2016, Algorithm 4 for
/// a = −3). Complete formulas have no exceptional cases (doubling, the identity, P + (−P)),
/// so scalar multiplication needs no branch on secret data. Signature verification, whose inputs
/// are all public, uses the faster variable-time arithmetic of `P256PublicArithmetic.swift`.
enum P256 {
    static let field = MontgomeryModulus(modulus: UInt256(hex: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"))
    static let order = MontgomeryModulus(modulus: UInt256(hex: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"))
    static let b = field.toMontgomery(UInt256(hex: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"))
    static let generator = Point(
        x: field.toMontgomery(UInt256(hex: "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")),
        y: field.toMontgomery(UInt256(hex: "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")),
        z: field.one)

    /// A point in projective coordinates (Montgomery form).
    struct Point: Sendable {
        var x: UInt256
        var y: UInt256
        var z: UInt256

        /// The identity, (0 : 1 : 0).
        static var identity: Point { Point(x: .zero, y: P256.field.one, z: .zero) }

        /// `a` when `mask` is all ones, else `b`.
        static func select(_ mask: UInt64, _ a: Point, _ b: Point) -> Point {
            Point(x: UInt256.select(mask, a.x, b.x), y: UInt256.select(mask, a.y, b.y), z: UInt256.select(mask, a.z, b.z))
        }

        /// P + Q for any P, Q (Algorithm 4 of Renes–Costello–Batina, a = −3).
        static func + (p: Point, q: Point) -> Point {
            let f = P256.field
            let b = P256.b
            var t0 = f.multiply(p.x, q.x)
            var t1 = f.multiply(p.y, q.y)
            var t2 = f.multiply(p.z, q.z)
            var t3 = f.add(p.x, p.y)
            var t4 = f.add(q.x, q.y)
            t3 = f.multiply(t3, t4)
            t4 = f.add(t0, t1)
            t3 = f.subtract(t3, t4)
            t4 = f.add(p.y, p.z)
            var x3 = f.add(q.y, q.z)
            t4 = f.multiply(t4, x3)
            x3 = f.add(t1, t2)
            t4 = f.subtract(t4, x3)
            x3 = f.add(p.x, p.z)
            var y3 = f.add(q.x, q.z)
            x3 = f.multiply(x3, y3)
            y3 = f.add(t0, t2)
            y3 = f.subtract(x3, y3)
            var z3 = f.multiply(b, t2)
            x3 = f.subtract(y3, z3)
            z3 = f.add(x3, x3)
            x3 = f.add(x3, z3)
            z3 = f.subtract(t1, x3)
            x3 = f.add(t1, x3)
            y3 = f.multiply(b, y3)
            t1 = f.add(t2, t2)
            t2 = f.add(t1, t2)
            y3 = f.subtract(y3, t2)
            y3 = f.subtract(y3, t0)
            t1 = f.add(y3, y3)
            y3 = f.add(t1, y3)
            t1 = f.add(t0, t0)
            t0 = f.add(t1, t0)
            t0 = f.subtract(t0, t2)
            t1 = f.multiply(t4, y3)
            t2 = f.multiply(t0, y3)
            y3 = f.multiply(x3, z3)
            y3 = f.add(y3, t2)
            x3 = f.multiply(t3, x3)
            x3 = f.subtract(x3, t1)
            z3 = f.multiply(t4, z3)
            t1 = f.multiply(t3, t0)
            z3 = f.add(z3, t1)
            return Point(x: x3, y: y3, z: z3)
        }

        /// 2P (Algorithm 6 of Renes–Costello–Batina, a = −3): cheaper than P + P, and as complete.
        func doubled() -> Point {
            let f = P256.field
            let b = P256.b
            var t0 = f.square(x)
            let t1 = f.square(y)
            var t2 = f.square(z)
            var t3 = f.multiply(x, y)
            t3 = f.add(t3, t3)
            var z3 = f.multiply(x, z)
            z3 = f.add(z3, z3)
            var y3 = f.multiply(b, t2)
            y3 = f.subtract(y3, z3)
            var x3 = f.add(y3, y3)
            y3 = f.add(x3, y3)
            x3 = f.subtract(t1, y3)
            y3 = f.add(t1, y3)
            y3 = f.multiply(x3, y3)
            x3 = f.multiply(x3, t3)
            t3 = f.add(t2, t2)
            t2 = f.add(t2, t3)
            z3 = f.multiply(b, z3)
            z3 = f.subtract(z3, t2)
            z3 = f.subtract(z3, t0)
            t3 = f.add(z3, z3)
            z3 = f.add(z3, t3)
            t3 = f.add(t0, t0)
            t0 = f.add(t3, t0)
            t0 = f.subtract(t0, t2)
            t0 = f.multiply(t0, z3)
            y3 = f.add(y3, t0)
            t0 = f.multiply(y, z)
            t0 = f.add(t0, t0)
            z3 = f.multiply(t0, z3)
            x3 = f.subtract(x3, z3)
            z3 = f.multiply(t0, t1)
            z3 = f.add(z3, z3)
            z3 = f.add(z3, z3)
            return Point(x: x3, y: y3, z: z3)
        }

        /// k·P with a fixed 4-bit window: 64 rounds of four doublings and one addition of a
        /// table entry chosen by scanning the whole table, whatever k is.
        func multiplied(by k: UInt256) -> Point {
            var table = [Point.identity, self]
            for i in 2..<16 { table.append(table[i - 1] + self) }
            var result = Point.identity
            for window in stride(from: 63, through: 0, by: -1) {
                result = result.doubled().doubled().doubled().doubled()
                let digit = (k[window / 16] >> UInt64(4 * (window % 16))) & 0xf
                var chosen = Point.identity
                for (index, entry) in table.enumerated() {
                    let same = UInt64(index) ^ digit
                    let mask = 0 &- (((same | (0 &- same)) >> 63) ^ 1)
                    chosen = Point.select(mask, entry, chosen)
                }
                result = result + chosen
            }
            return result
        }

        /// Affine coordinates (out of Montgomery form), or nil for the identity.
        var affine: (x: UInt256, y: UInt256)? {
            let f = P256.field
            guard z.isZeroMask == 0 else { return nil }
            let inverse = f.invert(z)
            return (f.fromMontgomery(f.multiply(x, inverse)), f.fromMontgomery(f.multiply(y, inverse)))
        }
    }

    /// Fixed-base table for the generator: entry [w][d] = d·16^w·G for the 64 four-bit windows
    /// of a scalar, so k·G needs 64 additions and no doublings. Built once, on first use.
    static let generatorTable: [[Point]] = {
        var table: [[Point]] = []
        var base = generator
        for _ in 0..<64 {
            var row = [Point.identity, base]
            for d in 2..<16 { row.append(row[d - 1] + base) }
            table.append(row)
            base = base.doubled().doubled().doubled().doubled()
        }
        return table
    }()

    /// k·G through ``generatorTable``; each window's entry is chosen by scanning its whole row.
    static func multiplyGenerator(by k: UInt256) -> Point {
        var result = Point.identity
        for window in 0..<64 {
            let digit = (k[window / 16] >> UInt64(4 * (window % 16))) & 0xf
            var chosen = Point.identity
            for (index, entry) in generatorTable[window].enumerated() {
                let same = UInt64(index) ^ digit
                let mask = 0 &- (((same | (0 &- same)) >> 63) ^ 1)
                chosen = Point.select(mask, entry, chosen)
            }
            result = result + chosen
        }
        return result
    }

    /// Decodes an uncompressed SEC 1 point (0x04 ‖ X ‖ Y), checking that both coordinates are
    /// below p and that the point is on the curve (an invalid point could leak the key).
    static func decodePoint(_ bytes: [UInt8]) -> Point? {
        guard bytes.count == 65, bytes[0] == 0x04 else { return nil }
        let x = UInt256(bigEndian: bytes[1..<33]), y = UInt256(bigEndian: bytes[33..<65])
        guard x < field.modulus, y < field.modulus else { return nil }
        let f = field
        let mx = f.toMontgomery(x), my = f.toMontgomery(y)
        // y² = x³ − 3x + b
        let left = f.square(my)
        let x3 = f.multiply(f.square(mx), mx)
        let threeX = f.add(f.add(mx, mx), mx)
        let right = f.add(f.subtract(x3, threeX), b)
        guard left == right else { return nil }
        return Point(x: mx, y: my, z: f.one)
    }

    /// 0x04 ‖ X ‖ Y for a point other than the identity.
    static func encode(_ point: Point) -> [UInt8]? {
        guard let (x, y) = point.affine else { return nil }
        return [0x04] + x.bigEndianBytes + y.bigEndianBytes
    }

    /// Whether 1 ≤ k < n.
    static func isValidScalar(_ k: UInt256) -> Bool {
        k.isZeroMask == 0 && k < order.modulus
    }
}
