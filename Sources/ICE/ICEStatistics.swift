/// Counters of what the agent did and dropped, so nothing is lost silently.
public struct ICEStatistics: Sendable, Equatable {
    public var checksSent = 0
    public var checksReceived = 0
    public var successResponses = 0
    public var errorResponses = 0
    public var transactionTimeouts = 0
    /// Requests answered with 400/401/487.
    public var requestsRejected = 0
    /// STUN messages dropped: bad FINGERPRINT or integrity, unknown transaction, asymmetric.
    public var stunDropped = 0
    /// Non-STUN datagrams from addresses that are no remote candidate.
    public var dataDropped = 0
    public var dataSent = 0
    public var dataReceived = 0
    public var consentChecksSent = 0
    public var ignoredRemoteCandidates = 0
    public var roleConflicts = 0

    public init() {}
}
