/// The content of a DATA_CHANNEL_OPEN message (RFC 8832 §5.1): the properties both directions of
/// the new channel share.
public struct DCEPOpen: Sendable, Hashable {
    /// Whether messages are delivered in order (the Channel Type's high-order bit is clear).
    public let ordered: Bool
    /// The reliability policy (Channel Type plus Reliability Parameter).
    public let reliability: DataChannelReliability
    /// The channel's priority (RFC 8831 §6.4), e.g. 128, 256, 512 or 1024.
    public let priority: UInt16
    /// The channel's name; may be empty.
    public let label: String
    /// The subprotocol from the WebSocket Subprotocol Name Registry; empty when unspecified.
    public let `protocol`: String

    /// An OPEN; throws ``DCEPError/fieldTooLong(field:length:)`` when the label or the protocol has
    /// more UTF-8 bytes than its 16-bit length field can count.
    public init(ordered: Bool, reliability: DataChannelReliability, priority: UInt16,
                label: String, protocol: String) throws(DCEPError) {
        guard label.utf8.count <= Int(UInt16.max) else {
            throw .fieldTooLong(field: "Label", length: label.utf8.count)
        }
        guard `protocol`.utf8.count <= Int(UInt16.max) else {
            throw .fieldTooLong(field: "Protocol", length: `protocol`.utf8.count)
        }
        self.ordered = ordered
        self.reliability = reliability
        self.priority = priority
        self.label = label
        self.protocol = `protocol`
    }

    /// The Channel Type field for this OPEN.
    public var channelType: DataChannelType { DataChannelType(ordered: ordered, reliability: reliability) }
}
