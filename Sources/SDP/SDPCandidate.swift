/// `a=candidate:` (RFC 8839 §5.1): one ICE candidate.
///
/// ```
/// candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
///                       connection-address SP port SP cand-type [SP rel-addr] [SP rel-port]
///                       *(SP cand-extension)
/// ```
/// Extensions (`generation`, `ufrag`, `network-id`, `tcptype` of RFC 6544, ...) are kept in
/// order as name/value pairs, so serializing gives back what was parsed.
public struct SDPCandidate: SDPAttributeValue, Hashable {
    public static let attributeName = "candidate"

    /// The candidate type after `typ`.
    public enum CandidateType: Sendable, Hashable {
        case host, srflx, prflx, relay
        /// A type RFC 8839 does not define (kept as text).
        case other(String)

        init(_ text: String) {
            switch text {
            case "host": self = .host
            case "srflx": self = .srflx
            case "prflx": self = .prflx
            case "relay": self = .relay
            default: self = .other(text)
            }
        }

        /// The text after `typ`.
        public var text: String {
            switch self {
            case .host: return "host"
            case .srflx: return "srflx"
            case .prflx: return "prflx"
            case .relay: return "relay"
            case .other(let text): return text
            }
        }
    }

    /// The ICE-TCP candidate kind (RFC 6544 §4.5), carried as the `tcptype` extension.
    public enum TCPType: String, Sendable, Hashable {
        case active, passive, so
    }

    /// One `name value` extension pair.
    public struct Extension: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// 1 to 32 ice-chars.
    public var foundation: String
    /// The component ID, 1 to 256 (1 for RTP, 2 for RTCP).
    public var component: UInt16
    /// The transport as written (`udp`, `UDP`, `tcp`, ...); compare case-insensitively.
    public var transport: String
    /// The candidate priority.
    public var priority: UInt32
    /// An IP address or an FQDN (e.g. an mDNS `.local` name).
    public var address: String
    public var port: UInt16
    public var type: CandidateType
    /// `raddr`, for srflx, prflx and relay candidates.
    public var relatedAddress: String?
    /// `rport`, for srflx, prflx and relay candidates.
    public var relatedPort: UInt16?
    /// Every extension pair after the related address, in order.
    public var extensions: [Extension]

    /// Creates a candidate; `tcpType`, when given, becomes the first extension.
    public init(foundation: String, component: UInt16 = 1, transport: String = "udp", priority: UInt32,
                address: String, port: UInt16, type: CandidateType, relatedAddress: String? = nil,
                relatedPort: UInt16? = nil, tcpType: TCPType? = nil, extensions: [Extension] = []) {
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.port = port
        self.type = type
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
        self.extensions = (tcpType.map { [Extension(name: "tcptype", value: $0.rawValue)] } ?? []) + extensions
    }

    /// Whether the transport is UDP.
    public var isUDP: Bool { transport.lowercased() == "udp" }

    /// The `tcptype` extension, if present and known.
    public var tcpType: TCPType? {
        extensions.first { $0.name == "tcptype" }.flatMap { TCPType(rawValue: $0.value) }
    }

    /// The value of the first extension called `name`.
    public func extensionValue(_ name: String) -> String? {
        extensions.first { $0.name == name }?.value
    }

    /// Parses a candidate as WebRTC APIs pass it around: with or without a leading `a=` and
    /// `candidate:`.
    public init(candidateLine: String) throws(SDPAttributeError) {
        var text = Substring(candidateLine)
        if text.hasPrefix("a=") { text = text.dropFirst(2) }
        if text.hasPrefix("candidate:") { text = text.dropFirst(10) }
        try self.init(sdpValue: String(text))
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let fields = SDPSyntax.fields(sdpValue)
        guard fields.count >= 8 else { throw Self.malformed(sdpValue, "expected at least 8 fields up to \"typ <type>\"") }
        guard (1...32).contains(fields[0].utf8.count), fields[0].utf8.allSatisfy(SDPSyntax.isICEChar) else {
            throw Self.malformed(sdpValue, "foundation is not 1 to 32 ice-chars")
        }
        guard fields[1].utf8.count <= 3, let component = SDPSyntax.number(fields[1], as: UInt16.self), (1...256).contains(component) else {
            throw Self.malformed(sdpValue, "component-id is not 1 to 256")
        }
        guard SDPSyntax.isToken(fields[2]) else { throw Self.malformed(sdpValue, "transport is not a token") }
        guard fields[3].utf8.count <= 10, let priority = SDPSyntax.number(fields[3], as: UInt32.self) else {
            throw Self.malformed(sdpValue, "priority is not a 32-bit number")
        }
        guard SDPSyntax.isNonWhitespace(fields[4]) else { throw Self.malformed(sdpValue, "empty connection-address") }
        guard let port = SDPSyntax.number(fields[5], as: UInt16.self) else { throw Self.malformed(sdpValue, "port is not 0 to 65535") }
        guard fields[6] == "typ", SDPSyntax.isToken(fields[7]) else { throw Self.malformed(sdpValue, "expected \"typ <candidate-type>\"") }
        foundation = String(fields[0])
        self.component = component
        transport = String(fields[2])
        self.priority = priority
        address = String(fields[4])
        self.port = port
        type = CandidateType(String(fields[7]))
        var index = 8
        if index + 1 < fields.count, fields[index] == "raddr" {
            guard SDPSyntax.isNonWhitespace(fields[index + 1]) else { throw Self.malformed(sdpValue, "empty raddr") }
            relatedAddress = String(fields[index + 1])
            index += 2
        }
        if index + 1 < fields.count, fields[index] == "rport" {
            guard let relatedPort = SDPSyntax.number(fields[index + 1], as: UInt16.self) else { throw Self.malformed(sdpValue, "rport is not 0 to 65535") }
            self.relatedPort = relatedPort
            index += 2
        }
        guard (fields.count - index) % 2 == 0 else { throw Self.malformed(sdpValue, "extension name without a value") }
        extensions = []
        while index < fields.count {
            guard SDPSyntax.isToken(fields[index]), SDPSyntax.isNonWhitespace(fields[index + 1]) else {
                throw Self.malformed(sdpValue, "extension \"\(fields[index])\" is not <token> <value>")
            }
            // spec: RFC8839-5.1-10 unknown extension name/value pairs are kept, not interpreted
            extensions.append(Extension(name: String(fields[index]), value: String(fields[index + 1])))
            index += 2
        }
    }

    public var sdpValue: String {
        var text = "\(foundation) \(component) \(transport) \(priority) \(address) \(port) typ \(type.text)"
        if let relatedAddress { text += " raddr \(relatedAddress)" }
        if let relatedPort { text += " rport \(relatedPort)" }
        for item in extensions { text += " \(item.name) \(item.value)" }
        return text
    }

    /// The candidate as `candidate:...`, the form of `RTCIceCandidate.candidate`.
    public var candidateLine: String { "candidate:" + sdpValue }
}
