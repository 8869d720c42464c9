/// A `c=` line, or the connection part of other fields: network type, address type and address
/// (RFC 8866 §5.7).
///
/// For multicast the address may carry `/ttl` (IPv4) and `/number-of-addresses`; they are split
/// out into ``ttl`` and ``numberOfAddresses``. WebRTC only ever uses `IN IP4 0.0.0.0` or a unicast
/// address.
public struct SDPConnection: Sendable, Hashable {
    /// Network type, normally `IN`.
    public var networkType: String
    /// Address type, normally `IP4` or `IP6`.
    public var addressType: String
    /// The address (without the slash suffixes).
    public var address: String
    /// The IPv4 multicast time to live, 0-255.
    public var ttl: UInt8?
    /// How many consecutive multicast addresses the line stands for.
    public var numberOfAddresses: UInt32?

    /// Creates a connection.
    public init(networkType: String = "IN", addressType: String = "IP4", address: String = "0.0.0.0",
                ttl: UInt8? = nil, numberOfAddresses: UInt32? = nil) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
        self.ttl = ttl
        self.numberOfAddresses = numberOfAddresses
    }

    /// The text after `c=`.
    public var sdpValue: String {
        var text = "\(networkType) \(addressType) \(address)"
        if let ttl { text += "/\(ttl)" }
        if let numberOfAddresses { text += "/\(numberOfAddresses)" }
        return text
    }

    /// Parses the text after `c=`; on error returns the failing field and why.
    static func parse(_ value: String) -> Result<SDPConnection, FieldError> {
        let fields = SDPSyntax.fields(value)
        guard fields.count == 3 else {
            return .failure(FieldError(field: "connection", offset: 0, detail: "expected <nettype> <addrtype> <address>, found \(fields.count) fields"))
        }
        guard SDPSyntax.isToken(fields[0]) else { return .failure(FieldError(field: "nettype", offset: 0, detail: "not a token")) }
        let addressOffset = fields[0].utf8.count + fields[1].utf8.count + 2
        guard SDPSyntax.isToken(fields[1]) else {
            return .failure(FieldError(field: "addrtype", offset: fields[0].utf8.count + 1, detail: "not a token"))
        }
        let isIP4 = fields[1] == "IP4"
        let isIP6 = fields[1] == "IP6"
        // Other address types are `extn-addr` (a non-ws-string): slashes are part of the address.
        let parts = isIP4 || isIP6 ? fields[2].split(separator: "/", omittingEmptySubsequences: false) : [fields[2]]
        guard SDPSyntax.isNonWhitespace(parts[0]) else {
            return .failure(FieldError(field: "connection-address", offset: addressOffset, detail: "empty address"))
        }
        var connection = SDPConnection(networkType: String(fields[0]), addressType: String(fields[1]), address: String(parts[0]))
        if isIP4 {
            if parts.count == 1 {
                // spec: RFC8866-5.7-6 an IP4 multicast address needs a TTL
                if isIPv4Multicast(parts[0]) {
                    return .failure(FieldError(field: "connection-address", offset: addressOffset, detail: "IP4 multicast address without a TTL"))
                }
                return .success(connection)
            }
            // spec: RFC8866-5.7-12 no slash notation for unicast addresses
            guard !isIPv4Address(parts[0]) || isIPv4Multicast(parts[0]) else {
                return .failure(FieldError(field: "connection-address", offset: addressOffset, detail: "slash notation on a unicast address"))
            }
            guard parts.count <= 3 else {
                return .failure(FieldError(field: "connection-address", offset: addressOffset, detail: "too many \"/\" suffixes"))
            }
            // spec: RFC8866-5.7-7 TTL in 0-255
            guard let ttl = SDPSyntax.number(parts[1], as: UInt8.self) else {
                return .failure(FieldError(field: "ttl", offset: addressOffset, detail: "\"\(parts[1])\" is not a TTL in 0-255"))
            }
            connection.ttl = ttl
            if parts.count == 3 {
                guard let count = SDPSyntax.number(parts[2], as: UInt32.self) else {
                    return .failure(FieldError(field: "numaddr", offset: addressOffset, detail: "\"\(parts[2])\" is not a number"))
                }
                connection.numberOfAddresses = count
            }
        } else if isIP6, parts.count > 1 {
            // spec: RFC8866-5.7-9 no TTL for IP6 multicast: only "/numaddr" may follow
            guard parts.count == 2 else {
                return .failure(FieldError(field: "connection-address", offset: addressOffset, detail: "an IP6 address takes at most \"/numaddr\", no TTL"))
            }
            guard let count = SDPSyntax.number(parts[1], as: UInt32.self) else {
                return .failure(FieldError(field: "numaddr", offset: addressOffset, detail: "\"\(parts[1])\" is not a number"))
            }
            connection.numberOfAddresses = count
        }
        return .success(connection)
    }

    static func isIPv4Address<S: StringProtocol>(_ text: S) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { $0.utf8.count <= 3 && SDPSyntax.number($0, as: UInt8.self) != nil }
    }

    static func isIPv4Multicast<S: StringProtocol>(_ text: S) -> Bool {
        guard isIPv4Address(text), let first = text.split(separator: ".").first,
              let octet = SDPSyntax.number(first, as: UInt8.self) else { return false }
        return (224...239).contains(octet)
    }
}

/// A field that does not follow its grammar: its name, byte offset in the value, and why.
struct FieldError: Error {
    var field: String
    var offset: Int
    var detail: String
}
