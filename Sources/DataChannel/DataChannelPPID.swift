/// An SCTP Payload Protocol Identifier as data channels use it (RFC 8831 §6.6, §8; RFC 8832 §8.1).
///
/// Any 32-bit value can be represented, so that a PPID the endpoint does not support still
/// reaches it and can be reported.
public struct DataChannelPPID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The PPID as carried in the SCTP DATA chunk.
    public let rawValue: UInt32

    /// The PPID with this value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// 50: a Data Channel Establishment Protocol message (RFC 8832 §8.1).
    public static let dcep = DataChannelPPID(rawValue: 50)
    /// 51: WebRTC String, a non-empty UTF-8 string.
    public static let string = DataChannelPPID(rawValue: 51)
    /// 52: WebRTC Binary Partial (deprecated): a fragment of a binary message; accepted, never sent.
    public static let binaryPartial = DataChannelPPID(rawValue: 52)
    /// 53: WebRTC Binary, non-empty binary data.
    public static let binary = DataChannelPPID(rawValue: 53)
    /// 54: WebRTC String Partial (deprecated): a fragment of a string; accepted, never sent.
    public static let stringPartial = DataChannelPPID(rawValue: 54)
    /// 56: WebRTC String Empty: an empty string, carried as one ignored byte.
    public static let stringEmpty = DataChannelPPID(rawValue: 56)
    /// 57: WebRTC Binary Empty: empty binary data, carried as one ignored byte.
    public static let binaryEmpty = DataChannelPPID(rawValue: 57)

    public var description: String {
        switch rawValue {
        case 50: return "DCEP (50)"
        case 51: return "WebRTC String (51)"
        case 52: return "WebRTC Binary Partial (52)"
        case 53: return "WebRTC Binary (53)"
        case 54: return "WebRTC String Partial (54)"
        case 56: return "WebRTC String Empty (56)"
        case 57: return "WebRTC Binary Empty (57)"
        default: return "PPID \(rawValue)"
        }
    }
}
