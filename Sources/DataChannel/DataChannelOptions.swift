/// What the application asks for when it creates a channel (RFC 8831 §6.4, §6.5), in the shape
/// of the W3C `RTCDataChannelInit` dictionary.
public struct DataChannelOptions: Sendable, Hashable {
    /// Deliver messages in the order they were sent (default true).
    public var ordered: Bool
    /// Retransmit a message at most this many times (partial reliability); excludes
    /// ``maxPacketLifeTime``.
    public var maxRetransmits: UInt32?
    /// Stop (re)transmitting a message this many milliseconds after it was sent (partial
    /// reliability); excludes ``maxRetransmits``.
    public var maxPacketLifeTime: UInt32?
    /// The subprotocol name; empty when unspecified.
    public var `protocol`: String
    /// The application agreed on this channel with the peer out of band (RFC 8831 §6.5): no
    /// DATA_CHANNEL_OPEN is sent, and ``id`` is required.
    public var negotiated: Bool
    /// The stream identifier to use: required when ``negotiated``; otherwise optional, and then
    /// it must have this side's parity (RFC 8832 §6).
    public var id: UInt16?
    /// The channel's priority (RFC 8831 §6.4): 128 below normal, 256 normal (default), 512 high,
    /// 1024 extra high.
    public var priority: UInt16

    /// Options; the defaults give a reliable, ordered, in-band negotiated channel of normal priority.
    public init(ordered: Bool = true, maxRetransmits: UInt32? = nil, maxPacketLifeTime: UInt32? = nil,
                // spec: RFC8831-6.4-2 the default priority is 256, "normal"
                protocol: String = "", negotiated: Bool = false, id: UInt16? = nil, priority: UInt16 = 256) {
        self.ordered = ordered
        self.maxRetransmits = maxRetransmits
        self.maxPacketLifeTime = maxPacketLifeTime
        self.protocol = `protocol`
        self.negotiated = negotiated
        self.id = id
        self.priority = priority
    }

    /// The reliability policy these options describe; throws when both limits are set.
    public func reliability() throws(DataChannelError) -> DataChannelReliability {
        switch (maxRetransmits, maxPacketLifeTime) {
        case (nil, nil): return .reliable
        case (let count?, nil): return .maxRetransmits(count)
        case (nil, let milliseconds?): return .maxLifetime(milliseconds: milliseconds)
        case (let count?, let milliseconds?):
            throw .conflictingReliability(maxRetransmits: count, maxPacketLifeTime: milliseconds)
        }
    }
}
