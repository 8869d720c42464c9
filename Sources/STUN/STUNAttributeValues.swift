import Wire

/// A transport address in MAPPED-ADDRESS, XOR-MAPPED-ADDRESS and their relatives (RFC 8489 §14.1, §14.2).
public struct STUNTransportAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    public var address: [UInt8]
    public var port: UInt16

    public init(address: [UInt8], port: UInt16) {
        precondition(address.count == 4 || address.count == 16, "IPv4 or IPv6 address bytes")
        self.address = address
        self.port = port
    }

    public var isIPv6: Bool { address.count == 16 }

    public var description: String {
        if !isIPv6 { return address.map(String.init).joined(separator: ".") + ":\(port)" }
        var groups: [String] = []
        for i in 0..<8 { groups.append(String(UInt16(address[2 * i]) << 8 | UInt16(address[2 * i + 1]), radix: 16)) }
        return "[" + groups.joined(separator: ":") + "]:\(port)"
    }

    /// Decodes the value of MAPPED-ADDRESS (or, with `xorWith` = the transaction ID, an
    /// XOR-…-ADDRESS attribute).
    public static func decode(_ value: [UInt8], type: UInt16, xorWith transactionID: [UInt8]?) throws(STUNError) -> STUNTransportAddress {
        guard value.count >= 4 else { throw .invalidAttribute(type: type, offset: 0, reason: "shorter than 4 bytes") }
        // spec: RFC8489-14.1-3 the first 8 bits are ignored by receivers
        let family = value[1]
        var port = UInt16(value[2]) << 8 | UInt16(value[3])
        var address = Array(value[4...])
        switch family {
        case 0x01:
            // spec: RFC8489-14.1-1 an IPv4 address is 32 bits
            guard address.count == 4 else { throw .invalidAttribute(type: type, offset: 0, reason: "IPv4 address of \(address.count) bytes") }
        case 0x02:
            // spec: RFC8489-14.1-2 an IPv6 address is 128 bits
            guard address.count == 16 else { throw .invalidAttribute(type: type, offset: 0, reason: "IPv6 address of \(address.count) bytes") }
        default:
            throw .invalidAttribute(type: type, offset: 0, reason: "address family 0x\(String(family, radix: 16))")
        }
        if let transactionID {
            let key = STUNTransportAddress.xorKey(transactionID)
            port ^= 0x2112
            for i in address.indices { address[i] ^= key[i] }
        }
        return STUNTransportAddress(address: address, port: port)
    }

    /// The value bytes; XORed with the cookie (and transaction ID for IPv6) when `xorWith` is given.
    public func encode(xorWith transactionID: [UInt8]?) -> [UInt8] {
        var port = self.port
        var address = self.address
        if let transactionID {
            let key = STUNTransportAddress.xorKey(transactionID)
            port ^= 0x2112
            for i in address.indices { address[i] ^= key[i] }
        }
        // spec: RFC8489-14.1-3 the first 8 bits are sent as zero
        return [0, isIPv6 ? 0x02 : 0x01, UInt8(port >> 8), UInt8(port & 0xff)] + address
    }

    /// The magic cookie followed by the transaction ID: the XOR key (RFC 8489 §14.2).
    private static func xorKey(_ transactionID: [UInt8]) -> [UInt8] { [0x21, 0x12, 0xa4, 0x42] + transactionID }
}

/// ERROR-CODE (RFC 8489 §14.8).
public struct STUNErrorCode: Sendable, Equatable {
    /// 300 to 699.
    public var code: Int
    public var reason: String

    public init(code: Int, reason: String) {
        precondition((300...699).contains(code), "STUN error codes are 300 to 699")
        self.code = code
        self.reason = reason
    }

    static func decode(_ value: [UInt8]) throws(STUNError) -> STUNErrorCode {
        let type = STUNAttributeType.errorCode
        guard value.count >= 4 else { throw .invalidAttribute(type: type, offset: 0, reason: "shorter than 4 bytes") }
        // spec: RFC8489-14.8-3 the reserved bits are ignored
        let errorClass = Int(value[2] & 0x07)
        let number = Int(value[3])
        // spec: RFC8489-14.8-4 the class is between 3 and 6
        guard (3...6).contains(errorClass) else { throw .invalidAttribute(type: type, offset: 2, reason: "class \(errorClass)") }
        // spec: RFC8489-14.8-5 the number is between 0 and 99
        guard number <= 99 else { throw .invalidAttribute(type: type, offset: 3, reason: "number \(number)") }
        return STUNErrorCode(code: errorClass * 100 + number, reason: String(decoding: value[4...], as: UTF8.self))
    }

    func encode() -> [UInt8] {
        [0, 0, UInt8(code / 100), UInt8(code % 100)] + Array(STUNText.limited(reason).utf8)
    }
}

/// Length limits of STUN's text attributes (RFC 8489 §14.3, §14.8, §14.9, §14.10, §14.14).
enum STUNText {
    /// Fewer than 128 characters and at most 509 bytes when sending.
    static func limited(_ text: String) -> String {
        var result = ""
        for character in text.prefix(127) {
            if result.utf8.count + String(character).utf8.count > 509 { break }
            result.append(character)
        }
        return result
    }
}

extension STUNAttribute {
    /// USERNAME (RFC 8489 §14.3): fewer than 509 bytes when sending.
    public static func username(_ name: String) -> STUNAttribute {
        // spec: RFC8489-14.3-1 fewer than 509 bytes of UTF-8
        STUNAttribute(type: STUNAttributeType.username, value: Array(Array(name.utf8).prefix(508)))
    }

    /// SOFTWARE (RFC 8489 §14.14).
    public static func software(_ description: String) -> STUNAttribute {
        // spec: RFC8489-14.14-2 fewer than 128 characters (at most 509 bytes)
        STUNAttribute(type: STUNAttributeType.software, value: Array(STUNText.limited(description).utf8))
    }

    /// REALM (RFC 8489 §14.9).
    public static func realm(_ realm: String) -> STUNAttribute {
        // spec: RFC8489-14.9-1 fewer than 128 characters
        STUNAttribute(type: STUNAttributeType.realm, value: Array(STUNText.limited(realm).utf8))
    }

    /// NONCE (RFC 8489 §14.10).
    public static func nonce(_ nonce: String) -> STUNAttribute {
        // spec: RFC8489-14.10-1 fewer than 128 characters
        STUNAttribute(type: STUNAttributeType.nonce, value: Array(STUNText.limited(nonce).utf8))
    }

    /// ERROR-CODE.
    public static func errorCode(_ error: STUNErrorCode) -> STUNAttribute {
        STUNAttribute(type: STUNAttributeType.errorCode, value: error.encode())
    }

    /// XOR-MAPPED-ADDRESS for the message with `transactionID`.
    public static func xorMappedAddress(_ address: STUNTransportAddress, transactionID: [UInt8]) -> STUNAttribute {
        STUNAttribute(type: STUNAttributeType.xorMappedAddress, value: address.encode(xorWith: transactionID))
    }

    /// MAPPED-ADDRESS (RFC 3489 compatibility).
    public static func mappedAddress(_ address: STUNTransportAddress) -> STUNAttribute {
        STUNAttribute(type: STUNAttributeType.mappedAddress, value: address.encode(xorWith: nil))
    }

    /// PRIORITY (RFC 8445 §7.1.1).
    public static func priority(_ value: UInt32) -> STUNAttribute {
        var writer = ByteWriter()
        writer.writeUInt32(value)
        return STUNAttribute(type: STUNAttributeType.priority, value: writer.bytes)
    }

    /// ICE-CONTROLLING / ICE-CONTROLLED with the agent's tiebreaker (RFC 8445 §7.1.3).
    public static func iceRole(controlling: Bool, tiebreaker: UInt64) -> STUNAttribute {
        var writer = ByteWriter()
        writer.writeUInt64(tiebreaker)
        return STUNAttribute(type: controlling ? STUNAttributeType.iceControlling : STUNAttributeType.iceControlled, value: writer.bytes)
    }

    /// USE-CANDIDATE (RFC 8445 §7.1.2), no value.
    public static var useCandidate: STUNAttribute { STUNAttribute(type: STUNAttributeType.useCandidate, value: []) }

    /// UNKNOWN-ATTRIBUTES (RFC 8489 §14.13).
    public static func unknownAttributes(_ types: [UInt16]) -> STUNAttribute {
        var writer = ByteWriter()
        for type in types { writer.writeUInt16(type) }
        return STUNAttribute(type: STUNAttributeType.unknownAttributes, value: writer.bytes)
    }
}

extension STUNMessage {
    /// XOR-MAPPED-ADDRESS, decoded.
    public func xorMappedAddress() throws(STUNError) -> STUNTransportAddress? {
        guard let attribute = attribute(STUNAttributeType.xorMappedAddress) else { return nil }
        return try STUNTransportAddress.decode(attribute.value, type: attribute.type, xorWith: transactionID)
    }

    /// MAPPED-ADDRESS, decoded.
    public func mappedAddress() throws(STUNError) -> STUNTransportAddress? {
        guard let attribute = attribute(STUNAttributeType.mappedAddress) else { return nil }
        return try STUNTransportAddress.decode(attribute.value, type: attribute.type, xorWith: nil)
    }

    /// ERROR-CODE, decoded.
    public func errorCode() throws(STUNError) -> STUNErrorCode? {
        guard let attribute = attribute(STUNAttributeType.errorCode) else { return nil }
        return try STUNErrorCode.decode(attribute.value)
    }

    /// A UTF-8 text attribute (USERNAME, SOFTWARE, REALM, NONCE), up to 763 bytes as receivers
    /// must accept (RFC 8489 §14.3).
    public func text(_ type: UInt16) throws(STUNError) -> String? {
        guard let attribute = attribute(type) else { return nil }
        // spec: RFC8489-14.3-2 up to 763 bytes are parsed
        guard attribute.value.count <= 763 else { throw .invalidAttribute(type: type, offset: 0, reason: "\(attribute.value.count) bytes (at most 763)") }
        return String(decoding: attribute.value, as: UTF8.self)
    }

    /// A 32- or 64-bit integer attribute (PRIORITY, ICE-CONTROLLED, ICE-CONTROLLING).
    public func integer(_ type: UInt16) throws(STUNError) -> UInt64? {
        guard let attribute = attribute(type) else { return nil }
        guard attribute.value.count == 4 || attribute.value.count == 8 else {
            throw .invalidAttribute(type: type, offset: 0, reason: "\(attribute.value.count) bytes for an integer")
        }
        return attribute.value.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
