/// A TURN server URI (RFC 7065): `turn:host[:port][?transport=udp|tcp]` or
/// `turns:host[:port][?transport=tcp|udp]`, as WebRTC's iceServers carry them.
public struct TURNServerURI: Sendable, Equatable, CustomStringConvertible {
    /// How the client reaches the server.
    public enum Transport: String, Sendable, Equatable {
        case udp, tcp
        /// TLS over TCP (`turns:`).
        case tls
        /// DTLS over UDP (`turns:…?transport=udp`).
        case dtls
    }

    /// Why a URI was refused.
    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        case unknownScheme(String)
        case missingHost(String)
        case invalidPort(String)
        case unknownTransport(String)

        public var description: String {
            switch self {
            case .unknownScheme(let uri): return "\(uri): the scheme is neither turn: nor turns:"
            case .missingHost(let uri): return "\(uri): no host"
            case .invalidPort(let uri): return "\(uri): the port is not 1–65535"
            case .unknownTransport(let uri): return "\(uri): transport is neither udp nor tcp"
            }
        }
    }

    public var host: String
    public var port: UInt16
    public var transport: Transport

    public init(host: String, port: UInt16? = nil, transport: Transport) {
        self.host = host
        self.transport = transport
        self.port = port ?? (transport == .tls || transport == .dtls ? 5349 : 3478)
    }

    /// Parses `text`.
    public init(_ text: String) throws(Error) {
        let secure: Bool
        var rest: Substring
        if text.lowercased().hasPrefix("turns:") {
            secure = true
            rest = text.dropFirst(6)
        } else if text.lowercased().hasPrefix("turn:") {
            secure = false
            rest = text.dropFirst(5)
        } else {
            throw .unknownScheme(text)
        }
        var transportName: Substring? = nil
        if let question = rest.firstIndex(of: "?") {
            let query = rest[rest.index(after: question)...]
            rest = rest[..<question]
            guard query.lowercased().hasPrefix("transport=") else { throw .unknownTransport(text) }
            transportName = query.dropFirst("transport=".count)
        }
        let host: Substring
        var port: UInt16? = nil
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = UInt16(after.dropFirst()), value > 0 else { throw .invalidPort(text) }
                port = value
            } else if !after.isEmpty {
                throw .invalidPort(text)
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let value = UInt16(rest[rest.index(after: colon)...]), value > 0 else { throw .invalidPort(text) }
            port = value
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw .missingHost(text) }
        let transport: Transport
        switch transportName?.lowercased() {
        case nil: transport = secure ? .tls : .udp
        case "udp": transport = secure ? .dtls : .udp
        case "tcp": transport = secure ? .tls : .tcp
        default: throw .unknownTransport(text)
        }
        self.init(host: String(host), port: port, transport: transport)
    }

    /// The URI, with `turns:` exactly when TLS or DTLS carries TURN.
    public var description: String {
        // spec: RFC8656-4.1-1 "turns" for TLS-over-TCP and DTLS-over-UDP, "turn" otherwise
        let scheme = transport == .tls || transport == .dtls ? "turns" : "turn"
        let hostText = host.contains(":") ? "[\(host)]" : host
        let query: String
        switch transport {
        case .udp: query = "?transport=udp"
        case .tcp, .tls: query = "?transport=tcp"
        case .dtls: query = "?transport=udp"
        }
        return "\(scheme):\(hostText):\(port)\(query)"
    }
}
