/// The Channel Type field of DATA_CHANNEL_OPEN (RFC 8832 §5.1, registry of §8.2.2).
///
/// The high-order bit says that delivery is unordered; the low bits name the reliability policy.
public enum DataChannelType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// DATA_CHANNEL_RELIABLE: reliable, in order.
    case reliable = 0x00
    /// DATA_CHANNEL_RELIABLE_UNORDERED: reliable, unordered.
    case reliableUnordered = 0x80
    /// DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT: limited retransmissions, in order.
    case partialReliableRexmit = 0x01
    /// DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED: limited retransmissions, unordered.
    case partialReliableRexmitUnordered = 0x81
    /// DATA_CHANNEL_PARTIAL_RELIABLE_TIMED: limited lifetime, in order.
    case partialReliableTimed = 0x02
    /// DATA_CHANNEL_PARTIAL_RELIABLE_TIMED_UNORDERED: limited lifetime, unordered.
    case partialReliableTimedUnordered = 0x82

    /// The type for a channel with this delivery order and reliability policy.
    public init(ordered: Bool, reliability: DataChannelReliability) {
        switch (ordered, reliability) {
        case (true, .reliable): self = .reliable
        case (false, .reliable): self = .reliableUnordered
        case (true, .maxRetransmits): self = .partialReliableRexmit
        case (false, .maxRetransmits): self = .partialReliableRexmitUnordered
        case (true, .maxLifetime): self = .partialReliableTimed
        case (false, .maxLifetime): self = .partialReliableTimedUnordered
        }
    }

    /// Whether messages are delivered in order (the high-order bit is clear).
    public var isOrdered: Bool { rawValue & 0x80 == 0 }

    /// Whether the Reliability Parameter carries a value (false for the reliable types, whose
    /// parameter is ignored).
    public var isPartiallyReliable: Bool { rawValue & 0x7F != 0 }

    /// The reliability policy this type gives the Reliability Parameter `parameter`.
    public func reliability(parameter: UInt32) -> DataChannelReliability {
        switch rawValue & 0x7F {
        case 0x01: return .maxRetransmits(parameter)
        case 0x02: return .maxLifetime(milliseconds: parameter)
        // spec: RFC8832-5.1-1 the parameter of a reliable channel is ignored on receipt
        default: return .reliable
        }
    }

    public var description: String {
        switch self {
        case .reliable: return "DATA_CHANNEL_RELIABLE"
        case .reliableUnordered: return "DATA_CHANNEL_RELIABLE_UNORDERED"
        case .partialReliableRexmit: return "DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT"
        case .partialReliableRexmitUnordered: return "DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED"
        case .partialReliableTimed: return "DATA_CHANNEL_PARTIAL_RELIABLE_TIMED"
        case .partialReliableTimedUnordered: return "DATA_CHANNEL_PARTIAL_RELIABLE_TIMED_UNORDERED"
        }
    }
}
