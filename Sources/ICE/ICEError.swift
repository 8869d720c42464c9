import STUN

/// Why the agent refused an application call.
public enum ICEError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A loopback, site-local, IPv4-compatible or IPv4-mapped address offered as a host candidate.
    case excludedHostAddress(STUNTransportAddress, reason: String)
    /// The same host address was added twice.
    case duplicateHostAddress(STUNTransportAddress)
    /// No valid pair to send on (checks have not succeeded yet).
    case notConnected
    /// Consent expired on the selected pair (RFC 7675 §5.1): sending stopped.
    case consentExpired
    /// The agent was closed.
    case closed
    /// Gathering completed (end-of-candidates was signalled): no more local candidates.
    case gatheringComplete
    /// The role can no longer be chosen: checks have started.
    case checksStarted

    public var description: String {
        switch self {
        case .excludedHostAddress(let address, let reason): return "host address \(address) is excluded: \(reason)"
        case .duplicateHostAddress(let address): return "host address \(address) was already added"
        case .notConnected: return "no valid candidate pair to send on yet"
        case .consentExpired: return "consent to send expired on the selected pair (RFC 7675)"
        case .closed: return "the ICE agent is closed"
        case .checksStarted: return "checks have started; the ICE role can change only through a role conflict"
        case .gatheringComplete: return "gathering is complete (end-of-candidates was signalled); no more local candidates"
        }
    }
}
