import Wire

/// Certificate (RFC 5246 §7.4.2): a chain of DER certificates, sender's first.
public struct DTLSCertificateMessage: Sendable, Equatable {
    public var chain: [[UInt8]]

    public init(chain: [[UInt8]]) { self.chain = chain }

    public init(parsing body: [UInt8]) throws(DTLSError) {
        var reader = ByteReader(body)
        do {
            let total = Int(try reader.readUInt24("certificate_list length"))
            var list = try reader.subReader(count: total, field: "certificate_list")
            chain = []
            while !list.isAtEnd {
                let length = Int(try list.readUInt24("certificate length"))
                chain.append(Array(try list.readBytes(length, field: "certificate")))
            }
            try reader.expectEnd("Certificate")
        } catch {
            throw .malformed(error)
        }
    }

    public var encoded: [UInt8] {
        var writer = ByteWriter()
        writer.writeUInt24(UInt32(chain.reduce(0) { $0 + 3 + $1.count }))
        for certificate in chain {
            writer.writeUInt24(UInt32(certificate.count))
            writer.writeBytes(certificate)
        }
        return writer.bytes
    }
}

/// ServerKeyExchange for ECDHE (RFC 8422 §5.4): named curve, public point, signature.
public struct DTLSServerKeyExchange: Sendable, Equatable {
    public var group: UInt16
    public var publicKey: [UInt8]
    public var signatureScheme: UInt16
    public var signature: [UInt8]

    public init(group: UInt16, publicKey: [UInt8], signatureScheme: UInt16, signature: [UInt8]) {
        self.group = group
        self.publicKey = publicKey
        self.signatureScheme = signatureScheme
        self.signature = signature
    }

    public init(parsing body: [UInt8]) throws(DTLSError) {
        var reader = ByteReader(body)
        do throws(WireError) {
            let curveType = try reader.readUInt8("curve_type")
            guard curveType == 3 else { throw reader.invalid("curve_type", value: UInt64(curveType), width: 1, reason: "only named_curve (3)") }
            group = try reader.readUInt16("namedcurve")
            publicKey = Array(try reader.readBytes(Int(try reader.readUInt8("public length")), field: "public"))
            signatureScheme = try reader.readUInt16("signature algorithm")
            signature = Array(try reader.readBytes(Int(try reader.readUInt16("signature length")), field: "signature"))
            try reader.expectEnd("ServerKeyExchange")
        } catch {
            throw .malformed(error)
        }
    }

    /// ServerECDHParams, the part the signature covers after the two randoms.
    public var parameters: [UInt8] {
        [3, UInt8(group >> 8), UInt8(group & 0xff), UInt8(publicKey.count)] + publicKey
    }

    public var encoded: [UInt8] {
        parameters + [UInt8(signatureScheme >> 8), UInt8(signatureScheme & 0xff), UInt8(signature.count >> 8), UInt8(signature.count & 0xff)] + signature
    }
}

/// CertificateRequest (RFC 5246 §7.4.4).
public struct DTLSCertificateRequest: Sendable, Equatable {
    public var certificateTypes: [UInt8]
    public var signatureSchemes: [UInt16]

    public init(certificateTypes: [UInt8], signatureSchemes: [UInt16]) {
        self.certificateTypes = certificateTypes
        self.signatureSchemes = signatureSchemes
    }

    public init(parsing body: [UInt8]) throws(DTLSError) {
        var reader = ByteReader(body)
        do {
            certificateTypes = Array(try reader.readBytes(Int(try reader.readUInt8("certificate_types length")), field: "certificate_types"))
            let length = Int(try reader.readUInt16("supported_signature_algorithms length"))
            var list = try reader.subReader(count: length, field: "supported_signature_algorithms")
            signatureSchemes = []
            while !list.isAtEnd { signatureSchemes.append(try list.readUInt16("signature algorithm")) }
            let authorities = Int(try reader.readUInt16("certificate_authorities length"))
            try reader.skip(authorities, field: "certificate_authorities")
            try reader.expectEnd("CertificateRequest")
        } catch {
            throw .malformed(error)
        }
    }

    public var encoded: [UInt8] {
        var writer = ByteWriter()
        writer.writeUInt8(UInt8(certificateTypes.count)); writer.writeBytes(certificateTypes)
        writer.writeUInt16(UInt16(2 * signatureSchemes.count))
        for scheme in signatureSchemes { writer.writeUInt16(scheme) }
        writer.writeUInt16(0)   // no certificate authorities
        return writer.bytes
    }
}

/// A digitally-signed struct (CertificateVerify): scheme and signature.
public struct DTLSSignedData: Sendable, Equatable {
    public var scheme: UInt16
    public var signature: [UInt8]

    public init(scheme: UInt16, signature: [UInt8]) {
        self.scheme = scheme
        self.signature = signature
    }

    public init(parsing body: [UInt8]) throws(DTLSError) {
        var reader = ByteReader(body)
        do {
            scheme = try reader.readUInt16("signature algorithm")
            signature = Array(try reader.readBytes(Int(try reader.readUInt16("signature length")), field: "signature"))
            try reader.expectEnd("CertificateVerify")
        } catch {
            throw .malformed(error)
        }
    }

    public var encoded: [UInt8] { [UInt8(scheme >> 8), UInt8(scheme & 0xff), UInt8(signature.count >> 8), UInt8(signature.count & 0xff)] + signature }
}

/// ClientKeyExchange for ECDHE: the client's public point (RFC 8422 §5.7).
public enum DTLSClientKeyExchange {
    public static func parse(_ body: [UInt8]) throws(DTLSError) -> [UInt8] {
        var reader = ByteReader(body)
        do {
            let point = Array(try reader.readBytes(Int(try reader.readUInt8("ecdh_Yc length")), field: "ecdh_Yc"))
            try reader.expectEnd("ClientKeyExchange")
            return point
        } catch {
            throw .malformed(error)
        }
    }

    public static func encode(_ point: [UInt8]) -> [UInt8] { [UInt8(point.count)] + point }
}
