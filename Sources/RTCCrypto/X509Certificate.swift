import SwiftASN1

/// An X.509 certificate (RFC 5280 §4.1) as WebRTC uses it: a self-signed ECDSA P-256
/// certificate to present in DTLS, and a peer's certificate whose key and fingerprint matter
/// (not its chain: identity comes from the fingerprint in signalling, RFC 8827 §6.5).
public struct X509Certificate: Sendable, Equatable {
    /// Why a certificate could not be parsed or made.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// The DER does not have the structure of a certificate; `reason` says where.
        case malformed(reason: String)
        /// A validity time cannot be encoded (before 1950 or after 9999).
        case invalidValidity
        /// The signing key is not a valid P-256 private key.
        case invalidPrivateKey
    }

    /// A signature algorithm, by OID.
    public enum SignatureAlgorithm: Sendable, Equatable {
        case ecdsaWithSHA256, ecdsaWithSHA384, ecdsaWithSHA512
        case rsaWithSHA256, rsaWithSHA384, rsaWithSHA512, rsaWithSHA1, rsaPSS
        case other(String)

        init(oid: ASN1ObjectIdentifier) {
            switch oid.description {
            case "1.2.840.10045.4.3.2": self = .ecdsaWithSHA256
            case "1.2.840.10045.4.3.3": self = .ecdsaWithSHA384
            case "1.2.840.10045.4.3.4": self = .ecdsaWithSHA512
            case "1.2.840.113549.1.1.11": self = .rsaWithSHA256
            case "1.2.840.113549.1.1.12": self = .rsaWithSHA384
            case "1.2.840.113549.1.1.13": self = .rsaWithSHA512
            case "1.2.840.113549.1.1.5": self = .rsaWithSHA1
            case "1.2.840.113549.1.1.10": self = .rsaPSS
            default: self = .other(oid.description)
            }
        }

        /// The hash the signature is made with, which RFC 8122 §5.1 also asks fingerprints of.
        public var hash: Fingerprint.Algorithm? {
            switch self {
            case .ecdsaWithSHA256, .rsaWithSHA256: return .sha256
            case .ecdsaWithSHA384, .rsaWithSHA384: return .sha384
            case .ecdsaWithSHA512, .rsaWithSHA512: return .sha512
            case .rsaWithSHA1: return .sha1
            case .rsaPSS, .other: return nil
            }
        }
    }

    /// A subject public key.
    public enum PublicKey: Sendable, Equatable {
        /// An uncompressed P-256 point (0x04 ‖ X ‖ Y).
        case p256([UInt8])
        /// An RSA key: modulus and public exponent, big-endian without sign bytes.
        case rsa(modulus: [UInt8], exponent: [UInt8])
        /// Any other algorithm (OID, and the curve OID for EC keys).
        case other(algorithm: String, parameters: String?)
    }

    /// The DER encoding, exactly as received or made.
    public let derEncoded: [UInt8]
    /// The DER of the TBSCertificate, which the signature covers.
    public let tbsCertificate: [UInt8]
    /// 1 for v1 certificates (no version field), 3 for v3.
    public let version: Int
    /// The serial number's content bytes.
    public let serialNumber: [UInt8]
    public let signatureAlgorithm: SignatureAlgorithm
    public let publicKey: PublicKey
    /// Validity, as seconds since 1970-01-01T00:00:00Z.
    public let notBefore: Int64
    public let notAfter: Int64
    /// The signature value (DER ECDSA signature, or the RSA signature block).
    public let signature: [UInt8]

    static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    static let prime256v1: ASN1ObjectIdentifier = [1, 2, 840, 10045, 3, 1, 7]
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    static let commonName: ASN1ObjectIdentifier = [2, 5, 4, 3]

    /// Parses a DER certificate. Extensions and names are skipped, not interpreted.
    public init(derEncoded: [UInt8]) throws(Error) {
        do {
            let root = try DER.parse(derEncoded)
            var parsed: (tbs: [UInt8], version: Int, serial: [UInt8], algorithm: SignatureAlgorithm, key: PublicKey,
                         notBefore: Int64, notAfter: Int64, signature: [UInt8])?
            try DER.sequence(root, identifier: .sequence) { nodes in
                guard let tbsNode = nodes.next() else { throw Error.malformed(reason: "no TBSCertificate") }
                var fields = try X509Certificate.parseTBS(tbsNode)
                let algorithm = try X509Certificate.parseAlgorithm(&nodes)
                guard let signatureNode = nodes.next() else { throw Error.malformed(reason: "no signature value") }
                let bits = try ASN1BitString(derEncoded: signatureNode)
                fields.tbs = Array(tbsNode.encodedBytes)
                parsed = (fields.tbs, fields.version, fields.serial, SignatureAlgorithm(oid: algorithm.oid), fields.key,
                          fields.notBefore, fields.notAfter, Array(bits.bytes))
            }
            guard let parsed else { throw Error.malformed(reason: "empty") }
            self.derEncoded = derEncoded
            tbsCertificate = parsed.tbs
            version = parsed.version
            serialNumber = parsed.serial
            signatureAlgorithm = parsed.algorithm
            publicKey = parsed.key
            notBefore = parsed.notBefore
            notAfter = parsed.notAfter
            signature = parsed.signature
        } catch let error as Error {
            throw error
        } catch {
            throw .malformed(reason: "\(error)")
        }
    }

    private static func parseAlgorithm(_ nodes: inout ASN1NodeCollection.Iterator) throws -> (oid: ASN1ObjectIdentifier, parameters: ASN1Node?) {
        guard let node = nodes.next() else { throw Error.malformed(reason: "missing AlgorithmIdentifier") }
        return try DER.sequence(node, identifier: .sequence) { inner in
            guard let oidNode = inner.next() else { throw Error.malformed(reason: "AlgorithmIdentifier without OID") }
            let oid = try ASN1ObjectIdentifier(derEncoded: oidNode)
            return (oid, inner.next())
        }
    }

    private static func parseTBS(_ node: ASN1Node) throws
        -> (tbs: [UInt8], version: Int, serial: [UInt8], key: PublicKey, notBefore: Int64, notAfter: Int64) {
        try DER.sequence(node, identifier: .sequence) { nodes in
            // version [0] EXPLICIT INTEGER DEFAULT v1
            var version = 1
            var next = nodes.next()
            if let tagged = next, tagged.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                let value: Int = try DER.explicitlyTagged(tagged, tagNumber: 0, tagClass: .contextSpecific) { try Int(derEncoded: $0) }
                version = value + 1
                next = nodes.next()
            }
            guard let serialNode = next else { throw Error.malformed(reason: "no serialNumber") }
            let serial = try ArraySlice<UInt8>(derEncoded: serialNode)
            _ = try parseAlgorithm(&nodes)                      // signature (inner copy)
            guard nodes.next() != nil else { throw Error.malformed(reason: "no issuer") }
            guard let validityNode = nodes.next() else { throw Error.malformed(reason: "no validity") }
            let (notBefore, notAfter) = try DER.sequence(validityNode, identifier: .sequence) { times in
                (try parseTime(times.next()), try parseTime(times.next()))
            }
            guard nodes.next() != nil else { throw Error.malformed(reason: "no subject") }
            guard let spkiNode = nodes.next() else { throw Error.malformed(reason: "no subjectPublicKeyInfo") }
            let key = try DER.sequence(spkiNode, identifier: .sequence) { spki in
                let algorithm = try parseAlgorithm(&spki)
                guard let keyNode = spki.next() else { throw Error.malformed(reason: "no subjectPublicKey") }
                let keyBits = Array(try ASN1BitString(derEncoded: keyNode).bytes)
                return try publicKey(algorithm: algorithm.oid, parameters: algorithm.parameters, bits: keyBits)
            }
            while nodes.next() != nil {}                       // unique IDs, extensions
            return ([], version, Array(serial), key, notBefore, notAfter)
        }
    }

    private static func publicKey(algorithm: ASN1ObjectIdentifier, parameters: ASN1Node?, bits: [UInt8]) throws -> PublicKey {
        if algorithm == ecPublicKey {
            let curve = try parameters.map { try ASN1ObjectIdentifier(derEncoded: $0) }
            if curve == prime256v1 { return .p256(bits) }
            return .other(algorithm: algorithm.description, parameters: curve?.description)
        }
        if algorithm == rsaEncryption {
            let rsa = try DER.parse(bits)
            return try DER.sequence(rsa, identifier: .sequence) { fields in
                guard let modulus = fields.next(), let exponent = fields.next() else { throw Error.malformed(reason: "RSA key") }
                return .rsa(modulus: Array(try ArraySlice<UInt8>(derEncoded: modulus).drop { $0 == 0 }),
                            exponent: Array(try ArraySlice<UInt8>(derEncoded: exponent).drop { $0 == 0 }))
            }
        }
        return .other(algorithm: algorithm.description, parameters: nil)
    }

    private static func parseTime(_ node: ASN1Node?) throws -> Int64 {
        guard let node else { throw Error.malformed(reason: "missing time") }
        if node.identifier == .utcTime {
            let time = try UTCTime(derEncoded: node)
            return CivilTime.secondsSinceEpoch(year: time.year, month: time.month, day: time.day,
                                               hours: time.hours, minutes: time.minutes, seconds: time.seconds)
        }
        let time = try GeneralizedTime(derEncoded: node)
        return CivilTime.secondsSinceEpoch(year: time.year, month: time.month, day: time.day,
                                           hours: time.hours, minutes: time.minutes, seconds: Int(time.seconds))
    }

    /// A self-signed ECDSA P-256 / SHA-256 v3 certificate for `privateKey`, with the given
    /// serial number (positive, up to 20 bytes: RFC 5280 §4.1.2.2) and validity. The caller
    /// supplies the time and the serial's randomness, so nothing here reads a clock or an RNG.
    public static func selfSigned(privateKey: [UInt8], serialNumber: [UInt8], commonName: String = "SpecRTC",
                                  notBefore: Int64, notAfter: Int64) throws(Error) -> X509Certificate {
        let publicKey: [UInt8]
        do { publicKey = try P256KeyAgreement.publicKey(privateKey: privateKey) } catch { throw .invalidPrivateKey }
        let der: [UInt8]
        do {
            var tbs = DER.Serializer()
            try tbs.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(2, explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific)   // v3
                try coder.serialize(ArraySlice(serialNumber.drop { $0 == 0 }.prefix(20)))
                try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(ecdsaWithSHA256) }
                try serializeName(commonName, into: &coder)
                try coder.appendConstructedNode(identifier: .sequence) { validity in
                    try serializeTime(notBefore, into: &validity)
                    try serializeTime(notAfter, into: &validity)
                }
                try serializeName(commonName, into: &coder)
                try coder.appendConstructedNode(identifier: .sequence) { spki in
                    try spki.appendConstructedNode(identifier: .sequence) { algorithm in
                        try algorithm.serialize(ecPublicKey)
                        try algorithm.serialize(prime256v1)
                    }
                    try spki.serialize(ASN1BitString(bytes: publicKey[...]))
                }
            }
            let tbsBytes = tbs.serializedBytes
            let signature = try P256Signing.signature(for: tbsBytes, privateKey: privateKey)
            var certificate = DER.Serializer()
            try certificate.appendConstructedNode(identifier: .sequence) { coder in
                coder.serializeRawBytes(tbsBytes)
                try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(ecdsaWithSHA256) }
                try coder.serialize(ASN1BitString(bytes: signature.derRepresentation[...]))
            }
            der = certificate.serializedBytes
        } catch let error as Error {
            throw error
        } catch {
            throw .malformed(reason: "cannot encode: \(error)")
        }
        return try X509Certificate(derEncoded: der)
    }

    private static func serializeName(_ commonName: String, into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { name in
            try name.appendConstructedNode(identifier: .set) { set in
                try set.appendConstructedNode(identifier: .sequence) { attribute in
                    try attribute.serialize(X509Certificate.commonName)
                    try attribute.serialize(ASN1UTF8String(commonName))
                }
            }
        }
    }

    /// UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5).
    private static func serializeTime(_ seconds: Int64, into coder: inout DER.Serializer) throws {
        let t = CivilTime(secondsSinceEpoch: seconds)
        guard (1950...9999).contains(t.year) else { throw Error.invalidValidity }
        if t.year < 2050 {
            try coder.serialize(UTCTime(year: t.year, month: t.month, day: t.day, hours: t.hours, minutes: t.minutes, seconds: t.seconds))
        } else {
            try coder.serialize(GeneralizedTime(year: t.year, month: t.month, day: t.day, hours: t.hours, minutes: t.minutes,
                                                seconds: t.seconds, fractionalSeconds: 0))
        }
    }

    /// Whether the certificate's own key verifies its signature (ECDSA P-256, or RSA with
    /// PKCS#1 v1.5; RSA-PSS parameters are not parsed yet, so PSS-signed certificates answer false).
    public var hasValidSelfSignature: Bool {
        guard let hash = signatureAlgorithm.hash else { return false }
        if case .rsa(let modulus, let exponent) = publicKey {
            guard let key = try? RSAPublicKey(modulus: modulus, exponent: exponent) else { return false }
            switch hash {
            case .sha256: return key.isValidPKCS1v15Signature(signature, for: tbsCertificate, hash: SHA256.self)
            case .sha384: return key.isValidPKCS1v15Signature(signature, for: tbsCertificate, hash: SHA384.self)
            case .sha512: return key.isValidPKCS1v15Signature(signature, for: tbsCertificate, hash: SHA512.self)
            case .sha1: return key.isValidPKCS1v15Signature(signature, for: tbsCertificate, hash: SHA1.self)
            }
        }
        guard case .p256(let key) = publicKey, let parsed = try? ECDSASignature(derRepresentation: signature) else { return false }
        switch hash {
        case .sha256: return P256Signing.isValid(parsed, for: tbsCertificate, publicKey: key, hash: SHA256.self)
        case .sha384: return P256Signing.isValid(parsed, for: tbsCertificate, publicKey: key, hash: SHA384.self)
        case .sha512: return P256Signing.isValid(parsed, for: tbsCertificate, publicKey: key, hash: SHA512.self)
        case .sha1: return P256Signing.isValid(parsed, for: tbsCertificate, publicKey: key, hash: SHA1.self)
        }
    }

    /// The certificate's fingerprint with `algorithm` (RFC 8122 §5).
    public func fingerprint(_ algorithm: Fingerprint.Algorithm = .sha256) -> Fingerprint {
        Fingerprint(algorithm: algorithm, digest: algorithm.digest(derEncoded))
    }
}

/// Calendar arithmetic for certificate times (proleptic Gregorian, UTC).
struct CivilTime: Equatable {
    var year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int

    /// Days-from-civil conversion (the standard era-based algorithm).
    static func secondsSinceEpoch(year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146097 + dayOfEra - 719468
        return Int64(days) * 86400 + Int64(hours * 3600 + minutes * 60 + seconds)
    }

    init(year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int) {
        (self.year, self.month, self.day, self.hours, self.minutes, self.seconds) = (year, month, day, hours, minutes, seconds)
    }

    init(secondsSinceEpoch: Int64) {
        let days = Int(secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86400 : (secondsSinceEpoch - 86399) / 86400)
        let secondOfDay = Int(secondsSinceEpoch - Int64(days) * 86400)
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day,
                  hours: secondOfDay / 3600, minutes: secondOfDay % 3600 / 60, seconds: secondOfDay % 60)
    }
}
