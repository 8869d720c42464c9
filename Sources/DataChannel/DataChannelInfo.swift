/// A snapshot of one channel, as ``DataChannelEndpoint/channels`` lists it.
public struct DataChannelInfo: Sendable, Hashable {
    /// The channel (its stream identifier).
    public let id: DataChannelID
    /// The channel's label.
    public let label: String
    /// The channel's options; for a channel the peer opened, those of its DATA_CHANNEL_OPEN.
    public let options: DataChannelOptions
    /// The channel's state.
    public let state: DataChannelState
    /// Whether this side created the channel.
    public let isLocal: Bool
}
