import DataChannel

/// Why the transport refused a data channel call.
public enum PeerTransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No channel has this handle (never created, or closed).
    case unknownChannel(DataChannelHandle)
    /// The channel is created but waits for the DTLS role: nothing can be sent on it yet.
    case channelPending(DataChannelHandle)
    /// The data channel layer refused.
    case dataChannel(DataChannelError)
    /// The transport is closed.
    case closed

    public var description: String {
        switch self {
        case .unknownChannel(let handle): return "no data channel \(handle)"
        case .channelPending(let handle): return "\(handle) waits for the DTLS role; it is not open yet"
        case .dataChannel(let error): return "\(error)"
        case .closed: return "the transport is closed"
        }
    }
}
