/// What the endpoint tells the application.
public enum DataChannelEvent: Sendable, Hashable {
    /// A channel is open: a local one on DATA_CHANNEL_ACK (or at once when negotiated), a remote
    /// one when its DATA_CHANNEL_OPEN arrived (the endpoint has answered with an ACK).
    case opened(DataChannelID, label: String, protocol: String, options: DataChannelOptions)
    /// An application message arrived.
    case message(DataChannelID, DataChannelMessage)
    /// The channel's buffered amount fell to or below its low threshold.
    case bufferedAmountLow(DataChannelID)
    /// The channel started closing (this side called close, or the peer reset its stream).
    case closing(DataChannelID)
    /// Both directions of the channel are reset; its stream identifier is free again.
    case closed(DataChannelID)
    /// The peer or the association did something wrong; the channel, when known, is named.
    case error(DataChannelID?, DataChannelProtocolError)
}
