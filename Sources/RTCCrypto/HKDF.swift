/// HKDF (RFC 5869): extract a pseudorandom key from input keying material, then expand it.
/// DTLS 1.3's key schedule is built on it.
public enum HKDF<H: HashFunction> {
    /// Why an expansion cannot be done.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// RFC 5869 §2.3: L must be at most 255 × HashLen.
        case outputTooLong(requested: Int, maximum: Int)
    }

    /// HKDF-Extract (§2.2): PRK = HMAC-Hash(salt, IKM); an absent salt is HashLen zeros.
    public static func extract<S: Collection, I: Collection>(salt: S?, inputKeyMaterial: I) -> [UInt8]
    where S.Element == UInt8, I.Element == UInt8 {
        // An empty salt and HashLen zeros give the same HMAC key once padded to a block.
        let key: [UInt8] = if let salt { Array(salt) } else { [UInt8](repeating: 0, count: H.digestByteCount) }
        return HMAC<H>.authenticate(inputKeyMaterial, key: key)
    }

    /// HKDF-Expand (§2.3): T(i) = HMAC-Hash(PRK, T(i-1) | info | i), output the first L bytes.
    public static func expand<P: Collection, N: Collection>(pseudorandomKey: P, info: N, length: Int) throws(Error) -> [UInt8]
    where P.Element == UInt8, N.Element == UInt8 {
        let maximum = 255 * H.digestByteCount
        guard length >= 0, length <= maximum else { throw .outputTooLong(requested: length, maximum: maximum) }
        var output: [UInt8] = []
        output.reserveCapacity(length)
        var previous: [UInt8] = []
        var counter: UInt8 = 1
        let keyed = HMAC<H>(key: pseudorandomKey)
        while output.count < length {
            var mac = keyed
            mac.update(previous)
            mac.update(info)
            mac.update([counter])
            previous = mac.finalize()
            output += previous
            counter &+= 1
        }
        return Array(output.prefix(length))
    }

    /// Extract then expand.
    public static func deriveKey<S: Collection, I: Collection, N: Collection>(
        inputKeyMaterial: I, salt: S?, info: N, length: Int
    ) throws(Error) -> [UInt8] where S.Element == UInt8, I.Element == UInt8, N.Element == UInt8 {
        try expand(pseudorandomKey: extract(salt: salt, inputKeyMaterial: inputKeyMaterial), info: info, length: length)
    }
}
