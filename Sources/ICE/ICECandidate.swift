import STUN

/// The kinds of candidate (RFC 8445 §5.1.1).
public enum ICECandidateType: String, Sendable, Equatable, Hashable, CaseIterable {
    case host, srflx, prflx, relay

    /// The RFC's recommended type preferences.
    public var typePreference: UInt32 {
        // spec: RFC8445-5.1.2.2-1 126 host, 110 peer-reflexive, 100 server-reflexive, 0 relayed
        // spec: RFC8445-5.1.2.1-1 one value per type, distinct across types, within 0…126
        // spec: RFC8445-5.1.2.1-2 peer-reflexive above server-reflexive
        switch self {
        case .host: return 126
        case .prflx: return 110
        case .srflx: return 100
        case .relay: return 0
        }
    }
}

/// The transport a candidate uses.
public enum ICETransportProtocol: String, Sendable, Equatable, Hashable {
    case udp = "UDP"
    case tcp = "TCP"
}

/// An ICE candidate: what an agent signals to its peer in an `a=candidate` line (RFC 8839 §5.1).
public struct ICECandidate: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Candidates from the same base, type, server and transport share a foundation (§5.1.1.3).
    public var foundation: String
    /// 1 for RTP (or everything, with RTP/RTCP multiplexing).
    public var component: Int
    public var transport: ICETransportProtocol
    public var priority: UInt32
    /// The IP address, or nil when the candidate names a host (an mDNS `.local` name).
    public var address: STUNTransportAddress?
    /// The host name when the candidate carries one instead of an address.
    public var hostname: String?
    public var port: UInt16
    public var type: ICECandidateType
    /// `raddr`/`rport`: the base of a reflexive candidate or the mapped address of a relayed one.
    public var relatedAddress: STUNTransportAddress?
    /// `tcptype` of an ICE-TCP candidate (RFC 6544): active, passive or so.
    public var tcpType: String?
    /// Extension attributes in the order they appeared (`generation 0`, `ufrag …`, `network-id …`).
    public var extensions: [(name: String, value: String)]

    /// A candidate at an IP transport address.
    public init(foundation: String, component: Int = 1, transport: ICETransportProtocol = .udp, priority: UInt32,
                address: STUNTransportAddress, type: ICECandidateType, relatedAddress: STUNTransportAddress? = nil) {
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.hostname = nil
        self.port = address.port
        self.type = type
        self.relatedAddress = relatedAddress
        self.tcpType = nil
        self.extensions = []
    }

    /// The candidate's priority by the RFC's formula (RFC 8445 §5.1.2.1).
    public static func priority(type: ICECandidateType, localPreference: UInt16, component: Int) -> UInt32 {
        // spec: RFC8445-5.1.2-2 the formula of §5.1.2.1
        // spec: RFC8445-5.1.2.1-3 local preference within 0…65535 (the type makes it so)
        // spec: RFC8445-5.1.2.1-7 the component ID is within 1…256
        precondition((1...256).contains(component), "component IDs are 1…256")
        return type.typePreference << 24 | UInt32(localPreference) << 8 | UInt32(256 - component)
    }

    public static func == (lhs: ICECandidate, rhs: ICECandidate) -> Bool {
        lhs.foundation == rhs.foundation && lhs.component == rhs.component && lhs.transport == rhs.transport
            && lhs.priority == rhs.priority && lhs.address == rhs.address && lhs.hostname == rhs.hostname
            && lhs.port == rhs.port && lhs.type == rhs.type && lhs.relatedAddress == rhs.relatedAddress
            && lhs.tcpType == rhs.tcpType && lhs.extensions.elementsEqual(rhs.extensions, by: { $0 == $1 })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(foundation)
        hasher.combine(component)
        hasher.combine(priority)
        hasher.combine(address)
        hasher.combine(hostname)
        hasher.combine(port)
    }

    public var description: String { sdpAttribute }
}

extension ICECandidate {
    /// Parses the value of an `a=candidate` attribute (with or without the `candidate:` prefix
    /// and the `a=`), as RFC 8839 §5.1's grammar defines it.
    public init(sdpAttribute text: String) throws(ICECandidateError) {
        var line = Substring(text)
        if line.hasPrefix("a=") { line = line.dropFirst(2) }
        if line.hasPrefix("candidate:") { line = line.dropFirst("candidate:".count) }
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 8 else { throw .malformed(text, reason: "fewer than 8 fields") }
        let foundation = String(fields[0])
        // foundation = 1*32 ice-char (ALPHA / DIGIT / "+" / "/")
        guard (1...32).contains(foundation.count), foundation.allSatisfy(ICECredentials.isICEChar) else {
            throw .malformed(text, reason: "foundation is not 1–32 ice-chars")
        }
        guard fields[1].count <= 3, let component = Int(fields[1]), (1...256).contains(component) else {
            throw .malformed(text, reason: "component ID is not 1–256")
        }
        let transport: ICETransportProtocol
        switch fields[2].uppercased() {
        case "UDP": transport = .udp
        case "TCP": transport = .tcp
        default: throw .unsupportedTransport(String(fields[2]))
        }
        guard fields[3].count <= 10, let priority = UInt32(fields[3]), priority >= 1, priority <= 0x7fff_ffff else {
            throw .malformed(text, reason: "priority is not 1…2^31−1")
        }
        guard let port = UInt16(fields[5]) else { throw .malformed(text, reason: "port is not 0…65535") }
        guard fields[6] == "typ" else { throw .malformed(text, reason: "`typ` expected as the seventh field") }
        guard let type = ICECandidateType(rawValue: String(fields[7])) else { throw .unknownCandidateType(String(fields[7])) }
        let connectionAddress = fields[4]
        var address: STUNTransportAddress? = nil
        var hostname: String? = nil
        if let bytes = IPAddressText.parse(connectionAddress) {
            address = STUNTransportAddress(address: bytes, port: port)
        } else if connectionAddress.contains(":") || connectionAddress.allSatisfy({ $0.isNumber || $0 == "." }) {
            throw .malformed(text, reason: "connection address \(connectionAddress) is not a valid IP address")
        } else {
            guard connectionAddress.count <= 253, connectionAddress.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
                throw .malformed(text, reason: "connection address is neither an IP address nor a host name")
            }
            hostname = String(connectionAddress)
        }
        var relatedIP: [UInt8]? = nil
        var relatedPort: UInt16? = nil
        var tcpType: String? = nil
        var extensions: [(name: String, value: String)] = []
        var index = 8
        while index < fields.count {
            guard index + 1 < fields.count else { throw .malformed(text, reason: "attribute \(fields[index]) has no value") }
            let name = fields[index], value = fields[index + 1]
            switch name {
            case "raddr":
                // A browser may hide the related address as 0.0.0.0 or a host name; keep IPs only.
                relatedIP = IPAddressText.parse(value)
            case "rport":
                guard let parsed = UInt16(value) else { throw .malformed(text, reason: "rport is not 0…65535") }
                relatedPort = parsed
            case "tcptype":
                tcpType = String(value)
            default:
                extensions.append((String(name), String(value)))
            }
            index += 2
        }
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.hostname = hostname
        self.port = port
        self.type = type
        self.relatedAddress = relatedIP.map { STUNTransportAddress(address: $0, port: relatedPort ?? 0) }
        self.tcpType = tcpType
        self.extensions = extensions
    }

    /// The value of the `a=candidate` attribute, with the `candidate:` prefix.
    public var sdpAttribute: String {
        let connection = address.map { IPAddressText.format($0.address) } ?? hostname ?? "0.0.0.0"
        var text = "candidate:\(foundation) \(component) \(transport.rawValue) \(priority) \(connection) \(port) typ \(type.rawValue)"
        if let relatedAddress {
            text += " raddr \(IPAddressText.format(relatedAddress.address)) rport \(relatedAddress.port)"
        }
        if let tcpType { text += " tcptype \(tcpType)" }
        for (name, value) in extensions { text += " \(name) \(value)" }
        return text
    }

    /// Whether the candidate names an mDNS host (RFC 8445 leaves the resolution to the using
    /// protocol; browsers hide host addresses behind `<uuid>.local`).
    public var needsResolution: Bool { address == nil && hostname != nil }
}
