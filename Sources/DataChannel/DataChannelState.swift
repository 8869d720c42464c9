/// Where a channel is in its life (the W3C `RTCDataChannelState` values).
public enum DataChannelState: Sendable, Hashable, CustomStringConvertible {
    /// Created; waiting for the association or for the peer's DATA_CHANNEL_ACK.
    case connecting
    /// Messages flow in both directions.
    case open
    /// One side reset its outgoing stream; waiting for both directions to be reset.
    case closing
    /// Both directions are reset (or the association ended). A closed channel no longer appears
    /// in ``DataChannelEndpoint/channels``; its stream identifier is free again.
    case closed

    public var description: String {
        switch self {
        case .connecting: return "connecting"
        case .open: return "open"
        case .closing: return "closing"
        case .closed: return "closed"
        }
    }
}
