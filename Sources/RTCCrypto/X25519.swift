/// X25519 Diffie–Hellman (RFC 7748 §5, §6.1), constant-time Montgomery ladder.
public enum X25519 {
    /// Why a key agreement failed.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// A key or point is not 32 bytes.
        case wrongLength(Int)
        /// The shared secret is all zeros: the peer sent a low-order point (RFC 7748 §6.1).
        case lowOrderPoint
    }

    /// The u-coordinate of the base point, 9.
    public static let basePoint: [UInt8] = [9] + [UInt8](repeating: 0, count: 31)

    /// X25519(k, u): the scalar multiplication of RFC 7748 §5, on 32-byte strings.
    public static func scalarMultiply(scalar: [UInt8], point: [UInt8]) throws(Error) -> [UInt8] {
        guard scalar.count == 32 else { throw .wrongLength(scalar.count) }
        guard point.count == 32 else { throw .wrongLength(point.count) }
        var k = scalar
        // decodeScalar25519: clear the three low bits and the top bit, set bit 254.
        k[0] &= 248
        k[31] &= 127
        k[31] |= 64
        let x1 = Curve25519Field(bytes: point)
        var x2 = Curve25519Field.one, z2 = Curve25519Field.zero
        var x3 = x1, z3 = Curve25519Field.one
        var swap: UInt64 = 0
        for t in stride(from: 254, through: 0, by: -1) {
            let bit = UInt64((k[t >> 3] >> UInt8(t & 7)) & 1)
            swap ^= bit
            Curve25519Field.conditionalSwap(&x2, &x3, swap)
            Curve25519Field.conditionalSwap(&z2, &z3, swap)
            swap = bit
            let a = x2 + z2, aa = a.squared()
            let b = x2 - z2, bb = b.squared()
            let e = aa - bb
            let c = x3 + z3, d = x3 - z3
            let da = d * a, cb = c * b
            x3 = (da + cb).squared()
            z3 = x1 * (da - cb).squared()
            x2 = aa * bb
            z2 = e * (aa + e.times(121665))
        }
        Curve25519Field.conditionalSwap(&x2, &x3, swap)
        Curve25519Field.conditionalSwap(&z2, &z3, swap)
        return (x2 * z2.inverted()).bytes
    }

    /// The public key for a 32-byte private key: X25519(k, 9).
    public static func publicKey(privateKey: [UInt8]) throws(Error) -> [UInt8] {
        try scalarMultiply(scalar: privateKey, point: basePoint)
    }

    /// The shared secret with a peer's public key; an all-zero result (a low-order peer point)
    /// is refused, as RFC 7748 §6.1 allows and TLS 1.3 requires.
    public static func sharedSecret(privateKey: [UInt8], peerPublicKey: [UInt8]) throws(Error) -> [UInt8] {
        let secret = try scalarMultiply(scalar: privateKey, point: peerPublicKey)
        // spec: RFC7748-6.1-1 the all-zero shared secret is detected (in constant time) and refused
        guard !ConstantTime.equals(secret, [UInt8](repeating: 0, count: 32)) else { throw .lowOrderPoint }
        return secret
    }
}
