/// The TLS 1.2 pseudorandom function (RFC 5246 §5): PRF(secret, label, seed) =
/// P_hash(secret, label + seed), with P_hash the HMAC-based expansion
/// A(0) = seed, A(i) = HMAC(secret, A(i-1)), output HMAC(secret, A(1) + seed) | HMAC(secret, A(2) + seed) | ….
/// DTLS 1.2 uses it for the master secret, the key block, Finished and the RFC 5705 exporter.
public enum TLSPRF<H: HashFunction> {
    /// `length` bytes of PRF(secret, label, seed).
    public static func derive<S: Collection, D: Collection>(secret: S, label: String, seed: D, length: Int) -> [UInt8]
    where S.Element == UInt8, D.Element == UInt8 {
        precondition(length >= 0, "length must not be negative")
        let labelAndSeed = Array(label.utf8) + Array(seed)
        let keyed = HMAC<H>(key: secret)
        var output: [UInt8] = []
        output.reserveCapacity(length + H.digestByteCount)
        var a = labelAndSeed
        while output.count < length {
            var next = keyed
            next.update(a)
            a = next.finalize()
            var block = keyed
            block.update(a)
            block.update(labelAndSeed)
            output += block.finalize()
        }
        return Array(output.prefix(length))
    }
}
