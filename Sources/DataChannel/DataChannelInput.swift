/// What the owner (the PeerConnection, wiring the SCTP association) feeds the endpoint.
public enum DataChannelInput: Sendable, Hashable {
    /// The SCTP association is up, with the stream counts both sides agreed on; channels created
    /// before now send their DATA_CHANNEL_OPEN.
    case associationEstablished(maxOutboundStreams: Int, maxInboundStreams: Int)
    /// A complete SCTP user message arrived on incoming stream `stream`.
    case message(stream: UInt16, ppid: DataChannelPPID, payload: [UInt8])
    /// SCTP handed `byteCount` payload bytes of messages on `stream` to the wire, in the order
    /// the endpoint submitted them; the channel's buffered amount goes down.
    case sent(stream: UInt16, byteCount: Int)
    /// The peer reset these incoming streams (RFC 6525): it is closing those channels.
    case incomingStreamsReset([UInt16])
    /// The resets of these outgoing streams, asked for by `.resetStreams`, are done.
    case outgoingStreamsResetDone([UInt16])
    /// The association shut down gracefully; every channel is closed.
    case associationClosed
    /// The association ended without a graceful shutdown (ABORT, failure); every channel is
    /// closed with an error.
    case associationAborted(reason: String)
}
