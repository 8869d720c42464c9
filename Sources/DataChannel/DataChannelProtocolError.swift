/// Something wrong that the peer or the association did, reported as an
/// ``DataChannelEvent/error(_:_:)`` event. The endpoint never traps on input.
public enum DataChannelProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A PPID 50 message did not decode; the channel on that stream is closed (RFC 8832 §6).
    case malformedDCEP(stream: UInt16, DCEPError)
    /// DATA_CHANNEL_OPEN on a stream of this side's parity; refused and the stream reset.
    case openWithWrongParity(stream: UInt16)
    /// DATA_CHANNEL_OPEN on a stream already in use; that channel is closed.
    case openOnStreamInUse(stream: UInt16)
    /// DATA_CHANNEL_ACK on a stream where no OPEN of ours waits for one; ignored.
    case unexpectedAck(stream: UInt16)
    /// User data on a stream with no channel; the stream is reset (RFC 8832 §6).
    case dataOnUnknownStream(stream: UInt16, ppid: DataChannelPPID)
    /// A PPID data channels do not use; the channel is closed (RFC 8831 §6.6).
    case unsupportedPPID(stream: UInt16, ppid: DataChannelPPID)
    /// A string message (PPID 51 or 54) that is not UTF-8; the message is dropped.
    case invalidUTF8(stream: UInt16, byteCount: Int)
    /// A deprecated partial message (PPID 52/54) mixed string and binary fragments, or grew past
    /// the reassembly limit; the fragments are dropped.
    case invalidPartialMessage(stream: UInt16, reason: String)
    /// A stream identifier at or above the number of streams the association allows.
    case streamOutOfRange(stream: UInt16, maximumStreams: Int)
    /// The association ended without a graceful shutdown (RFC 8831 §6.2); every channel closed.
    case associationAborted(reason: String)

    public var description: String {
        switch self {
        case let .malformedDCEP(stream, error): return "stream \(stream): \(error)"
        case let .openWithWrongParity(stream): return "DATA_CHANNEL_OPEN on stream \(stream), which has this side's parity"
        case let .openOnStreamInUse(stream): return "DATA_CHANNEL_OPEN on stream \(stream), which is in use"
        case let .unexpectedAck(stream): return "unexpected DATA_CHANNEL_ACK on stream \(stream)"
        case let .dataOnUnknownStream(stream, ppid): return "\(ppid) message on stream \(stream), which has no channel"
        case let .unsupportedPPID(stream, ppid): return "unsupported \(ppid) on stream \(stream)"
        case let .invalidUTF8(stream, count): return "string message of \(count) bytes on stream \(stream) is not UTF-8"
        case let .invalidPartialMessage(stream, reason): return "partial message on stream \(stream): \(reason)"
        case let .streamOutOfRange(stream, maximum): return "stream \(stream) is not below the limit of \(maximum) streams"
        case let .associationAborted(reason): return "SCTP association aborted: \(reason)"
        }
    }
}
