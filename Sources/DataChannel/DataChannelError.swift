/// Why an application call on ``DataChannelEndpoint`` was refused. Nothing is sent when one of
/// these is thrown.
public enum DataChannelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Both `maxRetransmits` and `maxPacketLifeTime` were given; a channel has one policy.
    case conflictingReliability(maxRetransmits: UInt32, maxPacketLifeTime: UInt32)
    /// A negotiated channel needs an explicit stream identifier.
    case negotiatedWithoutID
    /// Every stream identifier of this side's parity below the stream limit is in use.
    case noFreeStreamID(maximumStreams: Int)
    /// A channel opened in band must use a stream of this side's parity (RFC 8832 §6).
    case wrongParity(stream: UInt16, role: DataChannelRole)
    /// The stream is part of an existing channel or still being reset (RFC 8831 §6.5).
    case streamInUse(stream: UInt16)
    /// The stream identifier is not below the number of streams the association allows.
    case streamOutOfRange(stream: UInt16, maximumStreams: Int)
    /// The label or protocol has more UTF-8 bytes than DATA_CHANNEL_OPEN can carry.
    case fieldTooLong(field: String, length: Int)
    /// No channel has this identifier.
    case unknownChannel(DataChannelID)
    /// The channel is closing or closed; nothing more can be sent on it.
    case channelNotOpen(DataChannelID, state: DataChannelState)
    /// The message is larger than the peer's maximum message size (RFC 8841 §6.1).
    case messageTooLarge(size: Int, maximum: Int)
    /// The SCTP association has closed; no channel can be created.
    case associationClosed

    public var description: String {
        switch self {
        case let .conflictingReliability(count, milliseconds):
            return "maxRetransmits (\(count)) and maxPacketLifeTime (\(milliseconds) ms) cannot both be set"
        case .negotiatedWithoutID: return "a negotiated data channel needs an id"
        case let .noFreeStreamID(maximum): return "no free stream identifier below \(maximum)"
        case let .wrongParity(stream, role):
            return "stream \(stream) has the peer's parity; the DTLS \(role) opens \(role == .client ? "even" : "odd") streams"
        case let .streamInUse(stream): return "stream \(stream) is in use"
        case let .streamOutOfRange(stream, maximum): return "stream \(stream) is not below the limit of \(maximum) streams"
        case let .fieldTooLong(field, length): return "\(field) of \(length) bytes exceeds 65535"
        case let .unknownChannel(id): return "\(id) does not exist"
        case let .channelNotOpen(id, state): return "\(id) is \(state)"
        case let .messageTooLarge(size, maximum): return "message of \(size) bytes exceeds the peer's maximum of \(maximum)"
        case .associationClosed: return "the SCTP association is closed"
        }
    }
}
