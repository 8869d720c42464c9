/// RSA signature verification (RFC 8017): RSASSA-PKCS1-v1_5 (§8.2.2) and RSASSA-PSS with
/// MGF1 (§8.1.2, §9.1.2), for peers whose DTLS certificates carry RSA keys. Only public-key
/// operations are done here, so nothing secret is involved.
public struct RSAPublicKey: Sendable, Equatable {
    /// Why a key is refused.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// The modulus is even, shorter than 1024 bits or longer than 8192 bits, or the exponent is not odd and > 1.
        case unsupportedKey(reason: String)
    }

    let modulus: [UInt64]     // little-endian limbs
    let exponent: [UInt8]
    /// Modulus length in bytes (k).
    public let byteCount: Int
    let bitCount: Int
    private let context: MontgomeryContext

    /// A key from its big-endian modulus and public exponent.
    public init(modulus: [UInt8], exponent: [UInt8]) throws(Error) {
        let trimmed = Array(modulus.drop { $0 == 0 })
        guard let last = trimmed.last, last & 1 == 1 else { throw .unsupportedKey(reason: "the modulus must be odd") }
        let bits = trimmed.count * 8 - trimmed[0].leadingZeroBitCount
        guard (1024...8192).contains(bits) else { throw .unsupportedKey(reason: "modulus of \(bits) bits") }
        let e = Array(exponent.drop { $0 == 0 })
        guard let eLast = e.last, eLast & 1 == 1, e != [1] else { throw .unsupportedKey(reason: "the exponent must be odd and above 1") }
        self.modulus = BigNumber.limbs(trimmed)
        self.exponent = e
        byteCount = trimmed.count
        bitCount = bits
        context = MontgomeryContext(modulus: self.modulus)
    }

    public static func == (a: Self, b: Self) -> Bool { a.modulus == b.modulus && a.exponent == b.exponent }

    /// RSAVP1: s^e mod n as k bytes, or nil when the signature is not an integer below n of k bytes.
    func publicOperation(_ signature: [UInt8]) -> [UInt8]? {
        guard signature.count == byteCount else { return nil }
        let s = BigNumber.limbs(signature)
        guard BigNumber.compare(s, modulus) < 0 else { return nil }
        return BigNumber.bytes(context.power(s, exponent: exponent), count: byteCount)
    }

    /// RSASSA-PKCS1-v1_5 verification: the encoded message is rebuilt from the digest and
    /// compared whole (no parsing of the padding), for SHA-1/256/384/512.
    public func isValidPKCS1v15Signature<H: HashFunction>(_ signature: [UInt8], for message: [UInt8], hash: H.Type) -> Bool {
        guard let em = publicOperation(signature), let prefix = RSAPublicKey.digestInfoPrefix(H.self) else { return false }
        let t = prefix + H.hash(message)
        guard byteCount >= t.count + 11 else { return false }
        let expected = [0x00, 0x01] + [UInt8](repeating: 0xff, count: byteCount - t.count - 3) + [0x00] + t
        return em == expected
    }

    /// RSASSA-PSS verification with MGF1 over the same hash and the given salt length
    /// (TLS uses the hash length, RFC 8446 §4.2.3).
    public func isValidPSSSignature<H: HashFunction>(_ signature: [UInt8], for message: [UInt8], hash: H.Type,
                                                    saltLength: Int = H.digestByteCount) -> Bool {
        guard let decoded = publicOperation(signature) else { return false }
        let emBits = bitCount - 1
        let emLength = (emBits + 7) / 8
        // EM is the integer as emLen bytes: when emLen < k, the leading byte must be zero.
        guard decoded.prefix(byteCount - emLength).allSatisfy({ $0 == 0 }) else { return false }
        let em = Array(decoded.suffix(emLength))
        let hLength = H.digestByteCount
        guard saltLength >= 0, emLength >= hLength + saltLength + 2, em.last == 0xbc else { return false }
        let maskedDB = Array(em.prefix(emLength - hLength - 1))
        let h = Array(em[(emLength - hLength - 1)..<(emLength - 1)])
        let unusedBits = 8 * emLength - emBits
        let topMask: UInt8 = unusedBits == 0 ? 0xff : 0xff >> UInt8(unusedBits)
        guard maskedDB[0] & ~topMask == 0 else { return false }
        var db = zip(maskedDB, RSAPublicKey.mgf1(seed: h, length: maskedDB.count, hash: H.self)).map { $0 ^ $1 }
        db[0] &= topMask
        let paddingLength = emLength - hLength - saltLength - 2
        guard db.prefix(paddingLength).allSatisfy({ $0 == 0 }), db[paddingLength] == 0x01 else { return false }
        let salt = db.suffix(saltLength)
        let mPrime = [UInt8](repeating: 0, count: 8) + H.hash(message) + salt
        return H.hash(mPrime) == h
    }

    /// MGF1 (RFC 8017 §B.2.1).
    static func mgf1<H: HashFunction>(seed: [UInt8], length: Int, hash: H.Type) -> [UInt8] {
        var output: [UInt8] = []
        var counter: UInt32 = 0
        while output.count < length {
            var counterBytes: [UInt8] = []
            counterBytes.appendBigEndian(counter)
            output += H.hash(seed + counterBytes)
            counter += 1
        }
        return Array(output.prefix(length))
    }

    /// The DER DigestInfo prefix of RFC 8017 §9.2 note 1.
    static func digestInfoPrefix<H: HashFunction>(_: H.Type) -> [UInt8]? {
        switch ObjectIdentifier(H.self) {
        case ObjectIdentifier(SHA1.self): return [0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14]
        case ObjectIdentifier(SHA256.self): return [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]
        case ObjectIdentifier(SHA384.self): return [0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30]
        case ObjectIdentifier(SHA512.self): return [0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40]
        default: return nil
        }
    }
}

/// Little-endian limb helpers for the public RSA arithmetic.
enum BigNumber {
    static func limbs(_ bigEndian: [UInt8]) -> [UInt64] {
        var limbs = [UInt64](repeating: 0, count: (bigEndian.count + 7) / 8)
        for (index, byte) in bigEndian.reversed().enumerated() { limbs[index / 8] |= UInt64(byte) << UInt64(8 * (index % 8)) }
        return limbs
    }

    static func bytes(_ limbs: [UInt64], count: Int) -> [UInt8] {
        (0..<count).map { i in
            let index = count - 1 - i
            return index / 8 < limbs.count ? UInt8(truncatingIfNeeded: limbs[index / 8] >> UInt64(8 * (index % 8))) : 0
        }
    }

    /// −1, 0 or 1 as a is below, equal to or above b (lengths may differ).
    static func compare(_ a: [UInt64], _ b: [UInt64]) -> Int {
        for i in stride(from: max(a.count, b.count) - 1, through: 0, by: -1) {
            let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }
}

/// Montgomery arithmetic modulo an odd multi-limb modulus (variable time: public data only).
struct MontgomeryContext: Sendable {
    let modulus: [UInt64]
    let n0: UInt64
    let rSquared: [UInt64]

    init(modulus: [UInt64]) {
        self.modulus = modulus
        var inverse: UInt64 = 1
        for _ in 0..<6 { inverse = inverse &* (2 &- modulus[0] &* inverse) }
        n0 = 0 &- inverse
        // R² mod n by doubling 1, 2·64·k times.
        var value = [UInt64](repeating: 0, count: modulus.count)
        value[0] = 1
        for _ in 0..<(2 * 64 * modulus.count) {
            var carry: UInt64 = 0
            for i in value.indices {
                let next = value[i] >> 63
                value[i] = value[i] << 1 | carry
                carry = next
            }
            if carry == 1 || BigNumber.compare(value, modulus) >= 0 { MontgomeryContext.subtract(&value, modulus) }
        }
        rSquared = value
    }

    static func subtract(_ a: inout [UInt64], _ b: [UInt64]) {
        var borrow: UInt64 = 0
        for i in a.indices {
            let (d1, b1) = a[i].subtractingReportingOverflow(b[i])
            let (d2, b2) = d1.subtractingReportingOverflow(borrow)
            a[i] = d2
            borrow = (b1 || b2) ? 1 : 0
        }
    }

    /// a·b·R^−1 mod n (CIOS).
    func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        let k = modulus.count
        var t = [UInt64](repeating: 0, count: k + 2)
        for i in 0..<k {
            var carry: UInt64 = 0
            for j in 0..<k {
                let (hi, lo) = a[j].multipliedFullWidth(by: b[i])
                let (s1, c1) = lo.addingReportingOverflow(t[j])
                let (s2, c2) = s1.addingReportingOverflow(carry)
                t[j] = s2
                carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
            }
            let (s, c) = t[k].addingReportingOverflow(carry)
            t[k] = s
            t[k + 1] = c ? 1 : 0
            let m = t[0] &* n0
            let (hi0, lo0) = m.multipliedFullWidth(by: modulus[0])
            let (_, c0) = lo0.addingReportingOverflow(t[0])
            carry = hi0 &+ (c0 ? 1 : 0)
            for j in 1..<k {
                let (hi, lo) = m.multipliedFullWidth(by: modulus[j])
                let (s1, c1) = lo.addingReportingOverflow(t[j])
                let (s2, c2) = s1.addingReportingOverflow(carry)
                t[j - 1] = s2
                carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
            }
            let (s3, c3) = t[k].addingReportingOverflow(carry)
            t[k - 1] = s3
            t[k] = t[k + 1] &+ (c3 ? 1 : 0)
        }
        var result = Array(t.prefix(k))
        if t[k] != 0 || BigNumber.compare(result, modulus) >= 0 { MontgomeryContext.subtract(&result, modulus) }
        return result
    }

    /// base^exponent mod n, for base < n.
    func power(_ base: [UInt64], exponent: [UInt8]) -> [UInt64] {
        var padded = base
        padded += [UInt64](repeating: 0, count: modulus.count - base.count)
        let x = multiply(padded, rSquared)
        var one = [UInt64](repeating: 0, count: modulus.count)
        one[0] = 1
        var result = multiply(one, rSquared)
        for byte in exponent {
            for bit in stride(from: 7, through: 0, by: -1) {
                result = multiply(result, result)
                if (byte >> UInt8(bit)) & 1 == 1 { result = multiply(result, x) }
            }
        }
        return multiply(result, one)
    }
}
