/// What `poll()` returns to the owner.
public enum DataChannelOutput: Sendable, Hashable {
    /// Hand this user message to the SCTP association.
    case send(DataChannelOutgoingMessage)
    /// Ask SCTP to reset these outgoing streams (RFC 6525); report completion with
    /// `.outgoingStreamsResetDone`.
    case resetStreams([UInt16])
    /// Tell the application.
    case event(DataChannelEvent)
}
