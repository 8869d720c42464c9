import Wire

/// TLS extension types used here (IANA TLS ExtensionType registry).
public enum DTLSExtensionType {
    public static let supportedGroups: UInt16 = 10
    public static let ecPointFormats: UInt16 = 11
    public static let signatureAlgorithms: UInt16 = 13
    public static let useSRTP: UInt16 = 14
    public static let extendedMasterSecret: UInt16 = 23
    public static let supportedVersions: UInt16 = 43
    public static let keyShare: UInt16 = 51
    public static let renegotiationInfo: UInt16 = 0xff01
}

/// Named groups (RFC 8422 §5.1.1, RFC 7748).
public enum DTLSNamedGroup: UInt16, Sendable, CaseIterable {
    case x25519 = 0x001d
    case secp256r1 = 0x0017
}

/// SignatureScheme / SignatureAndHashAlgorithm code points (RFC 5246 §7.4.1.4.1, RFC 8446 §4.2.3).
public enum DTLSSignatureScheme: UInt16, Sendable, CaseIterable {
    case ecdsaSecp256r1SHA256 = 0x0403
    case rsaPSSRSAESHA256 = 0x0804
    case rsaPKCS1SHA256 = 0x0401
    case ecdsaSecp384r1SHA384 = 0x0503
    case rsaPSSRSAESHA384 = 0x0805
    case rsaPKCS1SHA384 = 0x0501
}

/// An extension: type and opaque data.
public struct DTLSExtension: Sendable, Equatable {
    public var type: UInt16
    public var data: [UInt8]

    public init(type: UInt16, data: [UInt8]) {
        self.type = type
        self.data = data
    }

    /// Reads `extensions<0..2^16-1>` (absent entirely is allowed: an empty list).
    static func parseList(_ reader: inout ByteReader) throws(WireError) -> [DTLSExtension] {
        // spec: RFC5246-7.4.1.2-10 hellos with and without the extensions field are accepted
        guard !reader.isAtEnd else { return [] }
        let length = Int(try reader.readUInt16("extensions length"))
        var list = try reader.subReader(count: length, field: "extensions")
        var result: [DTLSExtension] = []
        while !list.isAtEnd {
            let type = try list.readUInt16("extension type")
            let dataLength = Int(try list.readUInt16("extension length"))
            result.append(DTLSExtension(type: type, data: Array(try list.readBytes(dataLength, field: "extension data"))))
        }
        return result
    }

    static func write(_ extensions: [DTLSExtension], to writer: inout ByteWriter) {
        guard !extensions.isEmpty else { return }
        let total = writer.reserveUInt16()
        for item in extensions {
            writer.writeUInt16(item.type)
            writer.writeUInt16(UInt16(item.data.count))
            writer.writeBytes(item.data)
        }
        writer.patch(total, value: UInt64(writer.count(after: total)))
    }

    // MARK: Builders and readers for the extensions used

    static func supportedGroups(_ groups: [DTLSNamedGroup]) -> DTLSExtension {
        var writer = ByteWriter()
        writer.writeUInt16(UInt16(2 * groups.count))
        for group in groups { writer.writeUInt16(group.rawValue) }
        return DTLSExtension(type: DTLSExtensionType.supportedGroups, data: writer.bytes)
    }

    static func signatureAlgorithms(_ schemes: [DTLSSignatureScheme]) -> DTLSExtension {
        var writer = ByteWriter()
        writer.writeUInt16(UInt16(2 * schemes.count))
        for scheme in schemes { writer.writeUInt16(scheme.rawValue) }
        return DTLSExtension(type: DTLSExtensionType.signatureAlgorithms, data: writer.bytes)
    }

    /// use_srtp (RFC 5764 §4.1.1): the profiles and an empty MKI.
    static func useSRTP(_ profiles: [UInt16]) -> DTLSExtension {
        var writer = ByteWriter()
        writer.writeUInt16(UInt16(2 * profiles.count))
        for profile in profiles { writer.writeUInt16(profile) }
        writer.writeUInt8(0)   // srtp_mki: empty
        return DTLSExtension(type: DTLSExtensionType.useSRTP, data: writer.bytes)
    }

    /// A list of 16-bit values with a 2-byte length (supported_groups, signature_algorithms,
    /// use_srtp's profiles).
    static func uint16List(_ data: [UInt8], field: String) throws(WireError) -> [UInt16] {
        var reader = ByteReader(data)
        let length = Int(try reader.readUInt16("\(field) length"))
        guard length % 2 == 0 else { throw reader.invalid(field, value: UInt64(length), width: 2, reason: "odd length") }
        var list = try reader.subReader(count: length, field: field)
        var values: [UInt16] = []
        while !list.isAtEnd { values.append(try list.readUInt16(field)) }
        return values
    }

    /// use_srtp's profiles and MKI.
    static func srtpProfiles(_ data: [UInt8]) throws(WireError) -> (profiles: [UInt16], mki: [UInt8]) {
        var reader = ByteReader(data)
        let length = Int(try reader.readUInt16("SRTPProtectionProfiles length"))
        var list = try reader.subReader(count: length, field: "SRTPProtectionProfiles")
        var profiles: [UInt16] = []
        while !list.isAtEnd { profiles.append(try list.readUInt16("SRTPProtectionProfile")) }
        let mkiLength = Int(try reader.readUInt8("srtp_mki length"))
        let mki = Array(try reader.readBytes(mkiLength, field: "srtp_mki"))
        return (profiles, mki)
    }
}

extension Array where Element == DTLSExtension {
    /// The first extension of `type`.
    func first(_ type: UInt16) -> DTLSExtension? { first { $0.type == type } }
}
