/// STUN attribute types (RFC 8489 §18.3, RFC 8445 §16.1, RFC 8656 §18) and their names.
public enum STUNAttributeType {
    public static let mappedAddress: UInt16 = 0x0001
    public static let username: UInt16 = 0x0006
    public static let messageIntegrity: UInt16 = 0x0008
    public static let errorCode: UInt16 = 0x0009
    public static let unknownAttributes: UInt16 = 0x000a
    public static let channelNumber: UInt16 = 0x000c
    public static let lifetime: UInt16 = 0x000d
    public static let xorPeerAddress: UInt16 = 0x0012
    public static let data: UInt16 = 0x0013
    public static let realm: UInt16 = 0x0014
    public static let nonce: UInt16 = 0x0015
    public static let xorRelayedAddress: UInt16 = 0x0016
    public static let requestedAddressFamily: UInt16 = 0x0017
    public static let evenPort: UInt16 = 0x0018
    public static let requestedTransport: UInt16 = 0x0019
    public static let dontFragment: UInt16 = 0x001a
    public static let messageIntegritySHA256: UInt16 = 0x001c
    public static let passwordAlgorithm: UInt16 = 0x001d
    public static let userhash: UInt16 = 0x001e
    public static let xorMappedAddress: UInt16 = 0x0020
    public static let reservationToken: UInt16 = 0x0022
    public static let priority: UInt16 = 0x0024
    public static let useCandidate: UInt16 = 0x0025
    public static let additionalAddressFamily: UInt16 = 0x8000
    public static let addressErrorCode: UInt16 = 0x8001
    public static let passwordAlgorithms: UInt16 = 0x8002
    public static let icmp: UInt16 = 0x8004
    public static let alternateDomain: UInt16 = 0x8003
    public static let software: UInt16 = 0x8022
    public static let alternateServer: UInt16 = 0x8023
    public static let fingerprint: UInt16 = 0x8028
    public static let iceControlled: UInt16 = 0x8029
    public static let iceControlling: UInt16 = 0x802a
    public static let responseOrigin: UInt16 = 0x802b
    public static let otherAddress: UInt16 = 0x802c

    private static let names: [UInt16: (String, String)] = [
        mappedAddress: ("MAPPED-ADDRESS", "RFC 8489 §14.1"), username: ("USERNAME", "RFC 8489 §14.3"),
        messageIntegrity: ("MESSAGE-INTEGRITY", "RFC 8489 §14.5"), errorCode: ("ERROR-CODE", "RFC 8489 §14.8"),
        unknownAttributes: ("UNKNOWN-ATTRIBUTES", "RFC 8489 §14.13"), channelNumber: ("CHANNEL-NUMBER", "RFC 8656 §18.1"),
        lifetime: ("LIFETIME", "RFC 8656 §18.2"), xorPeerAddress: ("XOR-PEER-ADDRESS", "RFC 8656 §18.3"),
        data: ("DATA", "RFC 8656 §18.4"), realm: ("REALM", "RFC 8489 §14.9"), nonce: ("NONCE", "RFC 8489 §14.10"),
        xorRelayedAddress: ("XOR-RELAYED-ADDRESS", "RFC 8656 §18.5"),
        requestedAddressFamily: ("REQUESTED-ADDRESS-FAMILY", "RFC 8656 §18.6"), evenPort: ("EVEN-PORT", "RFC 8656 §18.7"),
        requestedTransport: ("REQUESTED-TRANSPORT", "RFC 8656 §18.8"), dontFragment: ("DONT-FRAGMENT", "RFC 8656 §18.9"),
        messageIntegritySHA256: ("MESSAGE-INTEGRITY-SHA256", "RFC 8489 §14.6"),
        passwordAlgorithm: ("PASSWORD-ALGORITHM", "RFC 8489 §14.12"), userhash: ("USERHASH", "RFC 8489 §14.4"),
        xorMappedAddress: ("XOR-MAPPED-ADDRESS", "RFC 8489 §14.2"), reservationToken: ("RESERVATION-TOKEN", "RFC 8656 §18.10"),
        priority: ("PRIORITY", "RFC 8445 §16.1"), useCandidate: ("USE-CANDIDATE", "RFC 8445 §16.1"),
        passwordAlgorithms: ("PASSWORD-ALGORITHMS", "RFC 8489 §14.11"),
        additionalAddressFamily: ("ADDITIONAL-ADDRESS-FAMILY", "RFC 8656 §18.11"), addressErrorCode: ("ADDRESS-ERROR-CODE", "RFC 8656 §18.12"),
        icmp: ("ICMP", "RFC 8656 §18.13"), alternateDomain: ("ALTERNATE-DOMAIN", "RFC 8489 §14.16"),
        software: ("SOFTWARE", "RFC 8489 §14.14"), alternateServer: ("ALTERNATE-SERVER", "RFC 8489 §14.15"),
        fingerprint: ("FINGERPRINT", "RFC 8489 §14.7"), iceControlled: ("ICE-CONTROLLED", "RFC 8445 §16.1"),
        iceControlling: ("ICE-CONTROLLING", "RFC 8445 §16.1"), responseOrigin: ("RESPONSE-ORIGIN", "RFC 5780 §7.3"),
        otherAddress: ("OTHER-ADDRESS", "RFC 5780 §7.4"),
    ]

    /// The registered name, or `0xNNNN` for an unknown type.
    public static func name(of type: UInt16) -> String {
        names[type]?.0 ?? "0x" + String(repeating: "0", count: 4 - String(type, radix: 16).count) + String(type, radix: 16)
    }

    /// The section that defines the attribute, if known.
    public static func reference(of type: UInt16) -> String { names[type]?.1 ?? "RFC 8489 §14" }

    /// Whether this build knows the type.
    public static func isKnown(_ type: UInt16) -> Bool { names[type] != nil }

    /// Types 0x0000–0x7FFF are comprehension-required (RFC 8489 §14).
    public static func isComprehensionRequired(_ type: UInt16) -> Bool { type < 0x8000 }
}
