/// One SCTP user message for the association to send (RFC 8831 §6.6): the payload goes on
/// outgoing stream `stream` with PPID `ppid`, ordered or not, under `reliability`.
public struct DataChannelOutgoingMessage: Sendable, Hashable {
    /// The outgoing SCTP stream identifier (the channel's ID).
    public let stream: UInt16
    /// The payload protocol identifier for the DATA chunk.
    public let ppid: DataChannelPPID
    /// The user message; never empty (an empty application message is one zero byte).
    public let payload: [UInt8]
    /// Send with ordered delivery (false: set the U bit).
    public let ordered: Bool
    /// The PR-SCTP policy for this message.
    public let reliability: DataChannelReliability
    /// The channel's priority, for the stream scheduler (RFC 8831 §6.4, RFC 8260).
    public let priority: UInt16

    /// A message to send.
    public init(stream: UInt16, ppid: DataChannelPPID, payload: [UInt8], ordered: Bool,
                reliability: DataChannelReliability, priority: UInt16) {
        self.stream = stream
        self.ppid = ppid
        self.payload = payload
        self.ordered = ordered
        self.reliability = reliability
        self.priority = priority
    }
}
