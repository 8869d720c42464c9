/// A data channel's identity: the SCTP stream identifier of its incoming and outgoing stream.
///
/// RFC 8831 §6.4 realizes a data channel as the pair of one incoming and one outgoing SCTP stream
/// with the same identifier, so the stream identifier names the channel in both directions.
public struct DataChannelID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The SCTP stream identifier (0 to 65534).
    public let stream: UInt16

    /// The channel on `stream`.
    public init(_ stream: UInt16) { self.stream = stream }

    public static func < (lhs: DataChannelID, rhs: DataChannelID) -> Bool { lhs.stream < rhs.stream }

    public var description: String { "data channel \(stream)" }
}
