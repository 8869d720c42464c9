/// Which side of the DTLS handshake this endpoint took; it decides the parity of the stream
/// identifiers this side may pick for channels it opens in band (RFC 8832 §4, §6).
public enum DataChannelRole: Sendable, Hashable {
    /// The DTLS client: opens channels on even stream identifiers.
    case client
    /// The DTLS server: opens channels on odd stream identifiers.
    case server

    /// Whether `stream` has the parity this role uses for channels it opens.
    public func owns(_ stream: UInt16) -> Bool {
        switch self {
        // spec: RFC8832-4-3 the DTLS client uses even stream identifiers, the server odd ones
        case .client: return stream % 2 == 0
        case .server: return stream % 2 == 1
        }
    }
}
