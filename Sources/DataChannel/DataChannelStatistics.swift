/// Counters over the endpoint's life, for diagnostics and the W3C stats.
public struct DataChannelStatistics: Sendable, Hashable {
    /// Application messages handed to SCTP.
    public var messagesSent = 0
    /// Application payload bytes handed to SCTP.
    public var bytesSent = 0
    /// Application messages delivered to the application.
    public var messagesReceived = 0
    /// Application payload bytes delivered to the application.
    public var bytesReceived = 0
    /// String messages dropped because they were not UTF-8.
    public var droppedInvalidUTF8 = 0
    /// Other incoming messages dropped (unknown stream, unsupported PPID, bad fragments).
    public var droppedOther = 0
    /// DCEP messages that did not decode or broke the procedure.
    public var protocolErrors = 0

    /// All counters at zero.
    public init() {}
}
