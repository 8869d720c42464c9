/// ECDSA on P-256 (FIPS 186-4 §6) with deterministic nonces (RFC 6979 §3.2): the same key
/// and message always give the same signature, and no random number generator is needed.
public enum P256Signing {
    /// Why signing was refused.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// The private key is not an integer in [1, n − 1] of 32 bytes.
        case invalidPrivateKey
    }

    /// Signs `message`, hashed with `H` (SHA-256 for ecdsa_secp256r1_sha256).
    public static func signature<H: HashFunction>(for message: [UInt8], privateKey: [UInt8],
                                                  hash: H.Type = SHA256.self) throws(Error) -> ECDSASignature {
        try signature(forDigest: H.hash(message), privateKey: privateKey, hash: H.self)
    }

    /// Signs a digest made with `H`; `H` also drives the RFC 6979 nonce generator.
    public static func signature<H: HashFunction>(forDigest digest: [UInt8], privateKey: [UInt8],
                                                  hash: H.Type = SHA256.self) throws(Error) -> ECDSASignature {
        guard privateKey.count == 32 else { throw .invalidPrivateKey }
        let d = UInt256(bigEndian: privateKey)
        guard P256.isValidScalar(d) else { throw .invalidPrivateKey }
        let n = P256.order
        let e = bitsToInteger(digest)
        let dm = n.toMontgomery(d), em = n.toMontgomery(e)
        var nonces = DeterministicNonces<H>(privateKey: d, digest: digest)
        while true {
            let k = nonces.next()
            guard let point = P256.multiplyGenerator(by: k).affine else { continue }
            let r = n.reduce(point.x)
            guard r.isZeroMask == 0 else { continue }
            let kInverse = n.invert(n.toMontgomery(k))
            let s = n.fromMontgomery(n.multiply(kInverse, n.add(em, n.multiply(n.toMontgomery(r), dm))))
            guard s.isZeroMask == 0 else { continue }
            return ECDSASignature(r: r, s: s)
        }
    }

    /// Whether `signature` is valid for `message` (hashed with `H`) under an uncompressed
    /// public key. An invalid key or an out-of-range r or s is simply not valid.
    public static func isValid<H: HashFunction>(_ signature: ECDSASignature, for message: [UInt8],
                                                publicKey: [UInt8], hash: H.Type = SHA256.self) -> Bool {
        isValid(signature, forDigest: H.hash(message), publicKey: publicKey)
    }

    /// Whether `signature` is valid for a digest under an uncompressed public key.
    ///
    /// Variable time: the public key, the signature and the digest are all public, so this
    /// uses the faster variable-time arithmetic of `P256PublicArithmetic.swift` (branches and
    /// table indices depend on them). It never handles a secret.
    public static func isValid(_ signature: ECDSASignature, forDigest digest: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let q = P256.decodePoint(publicKey),
              P256.isValidScalar(signature.r), P256.isValidScalar(signature.s) else { return false }
        let (u1, u2) = verificationScalars(signature, forDigest: digest)
        // decodePoint gives Z = 1: (X, Y) are the affine coordinates.
        let point = P256.publicLinearCombination(u1, u2, P256.AffinePoint(x: q.x, y: q.y))
        return point.hasXCoordinate(congruentTo: signature.r)
    }

    /// u1 = e·s⁻¹ and u2 = r·s⁻¹ mod n (SEC 1 §4.1.4), for 1 ≤ s < n. Variable time (s is public).
    static func verificationScalars(_ signature: ECDSASignature, forDigest digest: [UInt8]) -> (u1: UInt256, u2: UInt256) {
        let n = P256.order
        let w = n.inverseVariableTime(signature.s)
        // A Montgomery product of a·R and w is a·w, out of Montgomery form.
        let u1 = n.multiply(n.toMontgomery(bitsToInteger(digest)), w)
        let u2 = n.multiply(n.toMontgomery(signature.r), w)
        return (u1, u2)
    }

    /// bits2int (RFC 6979 §2.3.2) for qlen = 256, then reduced below n: the leftmost 256 bits.
    static func bitsToInteger(_ digest: [UInt8]) -> UInt256 {
        let leftmost = Array(digest.prefix(32))
        let padded = leftmost.count < 32 ? [UInt8](repeating: 0, count: 32 - leftmost.count) + leftmost : leftmost
        return P256.order.reduce(UInt256(bigEndian: padded))
    }
}

/// The HMAC_DRBG-based nonce generator of RFC 6979 §3.2 for a 256-bit group order.
struct DeterministicNonces<H: HashFunction> {
    private var k: [UInt8]
    private var v: [UInt8]
    private var first = true

    init(privateKey: UInt256, digest: [UInt8]) {
        let x = privateKey.bigEndianBytes
        let h = P256Signing.bitsToInteger(digest).bigEndianBytes   // bits2octets(h1)
        v = [UInt8](repeating: 0x01, count: H.digestByteCount)     // step b
        k = [UInt8](repeating: 0x00, count: H.digestByteCount)     // step c
        k = HMAC<H>.authenticate(v + [0x00] + x + h, key: k)       // step d
        v = HMAC<H>.authenticate(v, key: k)                        // step e
        k = HMAC<H>.authenticate(v + [0x01] + x + h, key: k)       // step f
        v = HMAC<H>.authenticate(v, key: k)                        // step g
    }

    /// The next candidate k in [1, n − 1] (step h).
    mutating func next() -> UInt256 {
        while true {
            if !first {
                k = HMAC<H>.authenticate(v + [0x00], key: k)
                v = HMAC<H>.authenticate(v, key: k)
            }
            first = false
            var t: [UInt8] = []
            while t.count < 32 {
                v = HMAC<H>.authenticate(v, key: k)
                t += v
            }
            let candidate = UInt256(bigEndian: t.prefix(32))
            if P256.isValidScalar(candidate) { return candidate }
        }
    }
}
