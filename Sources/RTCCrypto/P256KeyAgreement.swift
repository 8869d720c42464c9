/// ECDH on P-256 (SEC 1 §3.3.1, RFC 8422 §5.10): the shared secret is the x-coordinate of d·Q.
public enum P256KeyAgreement {
    /// Why a key or a key agreement was refused.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// The private key is not an integer in [1, n − 1] of 32 bytes.
        case invalidPrivateKey
        /// The public key is not an uncompressed point on the curve.
        case invalidPublicKey
    }

    /// The uncompressed public key (65 bytes) for a 32-byte private key.
    public static func publicKey(privateKey: [UInt8]) throws(Error) -> [UInt8] {
        guard privateKey.count == 32 else { throw .invalidPrivateKey }
        let d = UInt256(bigEndian: privateKey)
        guard P256.isValidScalar(d) else { throw .invalidPrivateKey }
        return P256.encode(P256.multiplyGenerator(by: d))!
    }

    /// The 32-byte shared secret with a peer's uncompressed public key, after checking that
    /// the key is a point on the curve.
    public static func sharedSecret(privateKey: [UInt8], peerPublicKey: [UInt8]) throws(Error) -> [UInt8] {
        guard privateKey.count == 32 else { throw .invalidPrivateKey }
        let d = UInt256(bigEndian: privateKey)
        guard P256.isValidScalar(d) else { throw .invalidPrivateKey }
        guard let q = P256.decodePoint(peerPublicKey) else { throw .invalidPublicKey }
        // P-256 has prime order and cofactor 1: d·Q is the identity only if Q is, and Q is not.
        guard let shared = q.multiplied(by: d).affine else { throw .invalidPublicKey }
        return shared.x.bigEndianBytes
    }
}
