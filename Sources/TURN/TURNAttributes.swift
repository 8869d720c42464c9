import STUN
import Wire

extension STUNAttribute {
    /// CHANNEL-NUMBER (RFC 8656 §18.1): the number and two RFFU bytes sent as zero.
    public static func channelNumber(_ channel: UInt16) -> STUNAttribute {
        // spec: RFC8656-18.1-1 the RFFU field is zero on transmission
        STUNAttribute(type: STUNAttributeType.channelNumber, value: [UInt8(channel >> 8), UInt8(channel & 0xff), 0, 0])
    }

    /// LIFETIME (RFC 8656 §18.2), in seconds.
    public static func lifetime(seconds: UInt32) -> STUNAttribute {
        var writer = ByteWriter()
        writer.writeUInt32(seconds)
        return STUNAttribute(type: STUNAttributeType.lifetime, value: writer.bytes)
    }

    /// REQUESTED-TRANSPORT (RFC 8656 §18.8): the IP protocol number (17 for UDP) and RFFU zeros.
    public static func requestedTransport(protocolNumber: UInt8 = 17) -> STUNAttribute {
        // spec: RFC8656-18.8-1 the RFFU field is zero on transmission
        STUNAttribute(type: STUNAttributeType.requestedTransport, value: [protocolNumber, 0, 0, 0])
    }

    /// REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6): 0x01 IPv4, 0x02 IPv6, then 24 reserved zero bits.
    public static func requestedAddressFamily(ipv6: Bool) -> STUNAttribute {
        // spec: RFC8656-18.6-1 the reserved bits are sent as zero
        STUNAttribute(type: STUNAttributeType.requestedAddressFamily, value: [ipv6 ? 0x02 : 0x01, 0, 0, 0])
    }

    /// ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11) asking for an IPv6 relayed address besides IPv4.
    public static var additionalAddressFamilyIPv6: STUNAttribute {
        STUNAttribute(type: STUNAttributeType.additionalAddressFamily, value: [0x02, 0, 0, 0])
    }

    /// XOR-PEER-ADDRESS (RFC 8656 §18.3) for the message with `transactionID`.
    public static func xorPeerAddress(_ address: STUNTransportAddress, transactionID: [UInt8]) -> STUNAttribute {
        STUNAttribute(type: STUNAttributeType.xorPeerAddress, value: address.encode(xorWith: transactionID))
    }

    /// DATA (RFC 8656 §18.4).
    public static func data(_ bytes: [UInt8]) -> STUNAttribute {
        STUNAttribute(type: STUNAttributeType.data, value: bytes)
    }
}

extension STUNMessage {
    /// CHANNEL-NUMBER, its RFFU bytes ignored.
    public func channelNumber() throws(STUNError) -> UInt16? {
        guard let attribute = attribute(STUNAttributeType.channelNumber) else { return nil }
        guard attribute.value.count == 4 else {
            throw .invalidAttribute(type: attribute.type, offset: 0, reason: "\(attribute.value.count) bytes, expected 4")
        }
        // spec: RFC8656-18.1-1 the RFFU field is ignored on reception
        return UInt16(attribute.value[0]) << 8 | UInt16(attribute.value[1])
    }

    /// REQUESTED-TRANSPORT's protocol number, RFFU ignored.
    public func requestedTransport() throws(STUNError) -> UInt8? {
        guard let attribute = attribute(STUNAttributeType.requestedTransport) else { return nil }
        guard attribute.value.count == 4 else {
            throw .invalidAttribute(type: attribute.type, offset: 0, reason: "\(attribute.value.count) bytes, expected 4")
        }
        // spec: RFC8656-18.8-1 the RFFU field is ignored on reception
        return attribute.value[0]
    }

    /// XOR-RELAYED-ADDRESS (RFC 8656 §18.5), decoded.
    public func xorRelayedAddress() throws(STUNError) -> STUNTransportAddress? {
        guard let attribute = attribute(STUNAttributeType.xorRelayedAddress) else { return nil }
        return try STUNTransportAddress.decode(attribute.value, type: attribute.type, xorWith: transactionID)
    }

    /// Every XOR-RELAYED-ADDRESS (a dual allocation has an IPv4 and an IPv6 one).
    public func xorRelayedAddresses() throws(STUNError) -> [STUNTransportAddress] {
        var addresses: [STUNTransportAddress] = []
        for attribute in attributes where attribute.type == STUNAttributeType.xorRelayedAddress {
            addresses.append(try STUNTransportAddress.decode(attribute.value, type: attribute.type, xorWith: transactionID))
        }
        return addresses
    }

    /// ADDRESS-ERROR-CODE (RFC 8656 §18.12): the family, then an ERROR-CODE-style code and reason.
    public func addressErrorCode() throws(STUNError) -> (family: UInt8, code: Int, reason: String)? {
        guard let attribute = attribute(STUNAttributeType.addressErrorCode) else { return nil }
        let value = attribute.value
        guard value.count >= 4 else { throw .invalidAttribute(type: attribute.type, offset: 0, reason: "shorter than 4 bytes") }
        // spec: RFC8656-18.12-1 the reserved bits are ignored by the client
        let code = Int(value[2] & 0x07) * 100 + Int(value[3])
        return (value[0], code, String(decoding: value[4...], as: UTF8.self))
    }

    /// ICMP (RFC 8656 §18.13): the ICMP type and code a server relays.
    public func icmp() throws(STUNError) -> (type: UInt8, code: UInt8)? {
        guard let attribute = attribute(STUNAttributeType.icmp) else { return nil }
        guard attribute.value.count == 8 else { throw .invalidAttribute(type: attribute.type, offset: 0, reason: "\(attribute.value.count) bytes, expected 8") }
        // spec: RFC8656-18.13-1 the reserved bits are ignored on reception
        return (attribute.value[2], attribute.value[3])
    }

    /// XOR-PEER-ADDRESS (RFC 8656 §18.3), decoded.
    public func xorPeerAddress() throws(STUNError) -> STUNTransportAddress? {
        guard let attribute = attribute(STUNAttributeType.xorPeerAddress) else { return nil }
        return try STUNTransportAddress.decode(attribute.value, type: attribute.type, xorWith: transactionID)
    }
}
