/// How SCTP treats a channel's user messages when they are lost (RFC 8831 §6.4, RFC 8832 §5.1).
///
/// Partial reliability is the PR-SCTP extension (RFC 3758) with the limited-retransmission
/// policy of RFC 7496 and the timed policy of RFC 3758.
public enum DataChannelReliability: Sendable, Hashable, CustomStringConvertible {
    /// Retransmitted until acknowledged.
    case reliable
    /// Retransmitted at most this many times, then abandoned.
    case maxRetransmits(UInt32)
    /// Not transmitted or retransmitted once this many milliseconds have passed since the
    /// message was handed to SCTP.
    case maxLifetime(milliseconds: UInt32)

    /// The Reliability Parameter field of DATA_CHANNEL_OPEN for this policy (0 when reliable).
    public var parameter: UInt32 {
        switch self {
        case .reliable: return 0
        case .maxRetransmits(let count): return count
        case .maxLifetime(let milliseconds): return milliseconds
        }
    }

    public var description: String {
        switch self {
        case .reliable: return "reliable"
        case .maxRetransmits(let count): return "at most \(count) retransmissions"
        case .maxLifetime(let milliseconds): return "lifetime \(milliseconds) ms"
        }
    }
}
