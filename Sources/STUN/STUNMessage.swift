import RTCCrypto
import Wire

/// One attribute as it appeared on the wire: type, value, and the padding bytes that
/// followed it (kept so that a parsed message re-encodes byte for byte).
public struct STUNAttribute: Sendable, Equatable {
    public var type: UInt16
    public var value: [UInt8]
    /// Bytes after the value up to the next 32-bit boundary (zeros when built here).
    public var padding: [UInt8]

    /// An attribute with zero padding.
    public init(type: UInt16, value: [UInt8]) {
        self.type = type
        self.value = value
        // spec: RFC8489-14-4 padding bits are set to zero on sending
        padding = [UInt8](repeating: 0, count: Padding.count(for: value.count))
    }

    init(type: UInt16, value: [UInt8], padding: [UInt8]) {
        self.type = type
        self.value = value
        self.padding = padding
    }
}

/// A STUN message (RFC 8489 §5): header and attributes in wire order.
public struct STUNMessage: Sendable, Equatable {
    /// 0x2112A442.
    public static let magicCookie: UInt32 = 0x2112_a442
    static let fingerprintXOR: UInt32 = 0x5354_554e

    public var type: STUNMessageType
    /// 96-bit transaction ID.
    public var transactionID: [UInt8]
    public var attributes: [STUNAttribute]

    /// A message with no attributes yet.
    public init(type: STUNMessageType, transactionID: [UInt8], attributes: [STUNAttribute] = []) {
        precondition(transactionID.count == 12, "a transaction ID is 96 bits")
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    /// Whether `bytes` starts like a STUN message (first two bits zero, magic cookie) — the
    /// check a multiplexed port makes before parsing.
    public static func looksLikeSTUN<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        let b = Array(bytes.prefix(8))
        return b.count == 8 && b[0] & 0xc0 == 0 && b[4] == 0x21 && b[5] == 0x12 && b[6] == 0xa4 && b[7] == 0x42
    }

    /// ``looksLikeSTUN(_:)`` for an array, the form datagrams arrive in: every datagram on the
    /// port is asked this, so no copy and no generic dispatch.
    @inlinable
    public static func looksLikeSTUN(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 8 && bytes[0] & 0xc0 == 0 && bytes[4] == 0x21 && bytes[5] == 0x12 && bytes[6] == 0xa4 && bytes[7] == 0x42
    }

    /// Parses a whole datagram (or a framed message) as one STUN message.
    public init(parsing bytes: [UInt8]) throws(STUNError) {
        var reader = ByteReader(bytes)
        do {
            let typeField = try reader.readUInt16("message type")
            // spec: RFC8489-5-1 the two most significant bits must be zero
            guard typeField & 0xc000 == 0 else { throw STUNError.notSTUN(reason: "the first two bits are not zero") }
            let length = Int(try reader.readUInt16("message length"))
            let cookie = try reader.readUInt32("magic cookie")
            // spec: RFC8489-5-3 the magic cookie is 0x2112A442
            guard cookie == STUNMessage.magicCookie else {
                throw STUNError.notSTUN(reason: "magic cookie 0x\(String(cookie, radix: 16)), expected 0x2112a442")
            }
            transactionID = Array(try reader.readBytes(12, field: "transaction ID"))
            // spec: RFC8489-5-7 the length counts the bytes after the 20-byte header
            guard length == reader.remaining, length % 4 == 0 else {
                throw STUNError.badLength(declared: length, available: reader.remaining)
            }
            type = STUNMessageType(rawValue: typeField)
            attributes = []
            var sawFingerprint = false
            while !reader.isAtEnd {
                let start = reader.offset
                guard !sawFingerprint else { throw STUNError.attributeAfterFingerprint(offset: start) }
                // spec: RFC8489-14-1 attributes are TLV: 16-bit type, 16-bit length, value
                let attributeType = try reader.readUInt16("attribute type")
                // spec: RFC8489-14-3 the length is that of the value, before padding
                let valueLength = Int(try reader.readUInt16("attribute length"))
                let value = Array(try reader.readBytes(valueLength, field: "\(STUNAttributeType.name(of: attributeType)) value"))
                // spec: RFC8489-14-2 each attribute ends on a 32-bit boundary
                // spec: RFC8489-14-4 padding is ignored by the receiver (and kept for re-encoding)
                let padding = Array(try reader.readBytes(Padding.count(for: valueLength), field: "padding"))
                // spec: RFC8489-14-5 a type may repeat; every occurrence is kept in order
                attributes.append(STUNAttribute(type: attributeType, value: value, padding: padding))
                if attributeType == STUNAttributeType.fingerprint { sawFingerprint = true }
            }
        } catch let error as STUNError {
            throw error
        } catch let error as WireError {
            throw .malformed(error)
        } catch {
            throw .notSTUN(reason: "\(error)")
        }
    }

    /// The wire form, with the attributes as they are (no integrity or fingerprint added).
    public var encoded: [UInt8] { encode(attributes, lengthOverride: nil) }

    private func encode(_ attributes: [STUNAttribute], lengthOverride: Int?) -> [UInt8] {
        var writer = ByteWriter(capacity: 20 + attributes.reduce(0) { $0 + 4 + $1.value.count + $1.padding.count })
        writer.writeUInt16(type.rawValue)
        let length = attributes.reduce(0) { $0 + 4 + $1.value.count + $1.padding.count }
        writer.writeUInt16(UInt16(lengthOverride ?? length))
        writer.writeUInt32(STUNMessage.magicCookie)
        writer.writeBytes(transactionID)
        for attribute in attributes {
            writer.writeUInt16(attribute.type)
            writer.writeUInt16(UInt16(attribute.value.count))
            writer.writeBytes(attribute.value)
            writer.writeBytes(attribute.padding)
        }
        return writer.bytes
    }

    /// The first attribute of `type` (RFC 8489 §14: only the first occurrence needs processing).
    public func attribute(_ type: UInt16) -> STUNAttribute? {
        // spec: RFC8489-14-6 only the first occurrence of a type is processed
        attributes.first { $0.type == type }
    }

    /// Comprehension-required attribute types this build does not understand: a request
    /// carrying any gets a 420 with UNKNOWN-ATTRIBUTES listing them.
    public var unknownComprehensionRequired: [UInt16] {
        // spec: RFC8489-6.3-1 unknown comprehension-optional attributes are ignored (not listed)
        attributes.map(\.type).filter { STUNAttributeType.isComprehensionRequired($0) && !STUNAttributeType.isKnown($0) }
    }

    // MARK: - Integrity and fingerprint

    /// Appends MESSAGE-INTEGRITY (HMAC-SHA1 with `key`, RFC 8489 §14.5), computed over the
    /// message so far with the length field counting through this attribute.
    public mutating func appendMessageIntegrity(key: [UInt8]) {
        let prefix = encode(attributes, lengthOverride: encodedAttributeLength + 24)
        attributes.append(STUNAttribute(type: STUNAttributeType.messageIntegrity, value: HMAC<SHA1>.authenticate(prefix, key: key)))
    }

    /// Appends MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256 with `key`, RFC 8489 §14.6), 32 bytes.
    public mutating func appendMessageIntegritySHA256(key: [UInt8]) {
        let prefix = encode(attributes, lengthOverride: encodedAttributeLength + 36)
        attributes.append(STUNAttribute(type: STUNAttributeType.messageIntegritySHA256,
                                        value: HMAC<SHA256>.authenticate(prefix, key: key)))
    }

    /// Appends FINGERPRINT (RFC 8489 §14.7); it must be the last attribute.
    // spec: RFC8489-14.7-1 any message, of any method and class, may carry FINGERPRINT
    public mutating func appendFingerprint() {
        let prefix = encode(attributes, lengthOverride: encodedAttributeLength + 8)
        let crc = CRC32.checksum(prefix) ^ STUNMessage.fingerprintXOR
        var value: [UInt8] = []
        for shift in stride(from: 24, through: 0, by: -8) { value.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        // spec: RFC8489-14.7-2 FINGERPRINT is appended last, after the integrity attributes
        attributes.append(STUNAttribute(type: STUNAttributeType.fingerprint, value: value))
    }

    private var encodedAttributeLength: Int { attributes.reduce(0) { $0 + 4 + $1.value.count + $1.padding.count } }

    /// Whether FINGERPRINT is present, last, and correct.
    public var hasValidFingerprint: Bool {
        guard let last = attributes.last, last.type == STUNAttributeType.fingerprint, last.value.count == 4 else { return false }
        let before = Array(attributes.dropLast())
        let prefix = encode(before, lengthOverride: before.reduce(0) { $0 + 4 + $1.value.count + $1.padding.count } + 8)
        let expected = CRC32.checksum(prefix) ^ STUNMessage.fingerprintXOR
        let actual = UInt32(last.value[0]) << 24 | UInt32(last.value[1]) << 16 | UInt32(last.value[2]) << 8 | UInt32(last.value[3])
        return expected == actual
    }

    /// Whether MESSAGE-INTEGRITY verifies with `key` (attributes after it other than
    /// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored, as RFC 8489 §14.5 says).
    public func hasValidMessageIntegrity(key: [UInt8]) -> Bool {
        verifyIntegrity(type: STUNAttributeType.messageIntegrity, key: key) { HMAC<SHA1>.authenticate($0, key: $1) }
    }

    /// Whether MESSAGE-INTEGRITY-SHA256 verifies with `key`; truncated values (16–32 bytes, a
    /// multiple of 4) compare on their length.
    public func hasValidMessageIntegritySHA256(key: [UInt8]) -> Bool {
        verifyIntegrity(type: STUNAttributeType.messageIntegritySHA256, key: key) { HMAC<SHA256>.authenticate($0, key: $1) }
    }

    private func verifyIntegrity(type: UInt16, key: [UInt8], mac: ([UInt8], [UInt8]) -> [UInt8]) -> Bool {
        guard let index = attributes.firstIndex(where: { $0.type == type }) else { return false }
        let tag = attributes[index].value
        if type == STUNAttributeType.messageIntegrity {
            guard tag.count == 20 else { return false }
        } else {
            // spec: RFC8489-14.6-1 the value is 16 to 32 bytes and a multiple of 4
            guard (16...32).contains(tag.count), tag.count % 4 == 0 else { return false }
        }
        let before = Array(attributes[..<index])
        let through = before.reduce(0) { $0 + 4 + $1.value.count + $1.padding.count } + 4 + tag.count + attributes[index].padding.count
        let prefix = encode(before, lengthOverride: through)
        return ConstantTime.equals(mac(prefix, key).prefix(tag.count), tag)
    }
}

/// How STUN derives HMAC keys from credentials (RFC 8489 §9.1.1, §9.2.2).
public enum STUNCredentials {
    /// Short-term credentials: the key is the password (RFC 8489 §9.1.1; OpaqueString
    /// preparation is the identity for the ASCII passwords ICE generates).
    public static func shortTermKey(password: String) -> [UInt8] { Array(password.utf8) }

    /// Long-term credentials with the MD5 password algorithm: MD5(username ":" realm ":" password).
    public static func longTermKeyMD5(username: String, realm: String, password: String) -> [UInt8] {
        MD5.hash(Array("\(username):\(realm):\(password)".utf8))
    }

    /// Long-term credentials with the SHA-256 password algorithm.
    public static func longTermKeySHA256(username: String, realm: String, password: String) -> [UInt8] {
        SHA256.hash(Array("\(username):\(realm):\(password)".utf8))
    }
}
