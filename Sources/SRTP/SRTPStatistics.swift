/// Packet and failure counts of an ``SRTPSession``: the record RFC 3711 §3.3 asks receivers
/// to keep of replayed and unauthentic packets ("the event SHOULD be logged").
public struct SRTPStatistics: Sendable, Equatable {
    public var rtpProtected = 0
    public var rtpUnprotected = 0
    public var rtcpProtected = 0
    public var rtcpUnprotected = 0
    /// Failures by category.
    public var malformed = 0
    public var authenticationFailures = 0
    public var replays = 0
    public var keyManagementFailures = 0
    public var resourceFailures = 0

    public init() {}

    mutating func count(_ error: SRTPError) {
        switch error.category {
        case .malformed: malformed += 1
        // spec: RFC3711-3.3-4 authentication failures are recorded
        case .authentication: authenticationFailures += 1
        // spec: RFC3711-3.3-3 replays are recorded
        case .replay: replays += 1
        case .keyManagement: keyManagementFailures += 1
        case .resources: resourceFailures += 1
        }
    }
}
