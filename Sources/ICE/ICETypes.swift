import STUN

/// Which side nominates (RFC 8445 §6.1.1).
public enum ICERole: String, Sendable, Equatable {
    case controlling, controlled
}

/// The agent's overall progress, as an application sees it.
public enum ICEConnectionState: String, Sendable, Equatable {
    /// No checks yet (no remote credentials or candidates).
    case new
    /// Checks are running and nothing works yet.
    case checking
    /// A valid pair exists; data can flow before nomination (RFC 8445 §12.1).
    case connected
    /// A pair is selected (nominated).
    case completed
    /// Every pair failed after the end of candidates, or consent was lost (RFC 7675).
    case failed
    /// Closed by the application.
    case closed
}

/// Server-reflexive gathering progress.
public enum ICEGatheringState: String, Sendable, Equatable {
    case new, gathering, complete
}

/// The state of one candidate pair in the checklist (RFC 8445 §6.1.2.6).
public enum ICECandidatePairState: String, Sendable, Equatable {
    case frozen, waiting, inProgress, succeeded, failed
}

/// A datagram to send: from the base `source` (the local socket) to `destination`.
public struct ICETransmit: Sendable, Equatable {
    public var source: STUNTransportAddress
    public var destination: STUNTransportAddress
    public var bytes: [UInt8]

    public init(source: STUNTransportAddress, destination: STUNTransportAddress, bytes: [UInt8]) {
        self.source = source
        self.destination = destination
        self.bytes = bytes
    }
}

/// The pair the agent sends data on.
public struct ICESelectedPair: Sendable, Equatable {
    public var local: ICECandidate
    public var remote: ICECandidate
    /// Where data leaves from (the local candidate's base).
    public var source: STUNTransportAddress
    public var destination: STUNTransportAddress
}

/// What the agent reports to its owner.
public enum ICEEvent: Sendable, Equatable {
    /// A local candidate to signal to the peer (trickle it, or put it in the description).
    case localCandidate(ICECandidate)
    /// No more local candidates will come in this generation (signal end-of-candidates).
    case gatheringComplete
    case stateChanged(ICEConnectionState)
    /// A role conflict (487, or a request that showed one) switched the role.
    case roleChanged(ICERole)
    /// Data goes on this pair from now on.
    case selectedPair(ICESelectedPair)
    /// Application data (not STUN) that arrived from a known remote address.
    case received([UInt8], from: STUNTransportAddress, to: STUNTransportAddress)
    /// A remote candidate names this host (mDNS `.local`); answer with `resolved(hostname:to:)`.
    case resolveHostname(String)
    /// No binding response arrived on the selected pair for the consent timeout (RFC 7675);
    /// sending on it has stopped.
    case consentExpired(ICESelectedPair)
}

/// What the owner feeds the agent.
public enum ICEInput: Sendable, Equatable {
    /// A datagram that arrived from `from` on the local socket `to`.
    case datagram([UInt8], from: STUNTransportAddress, to: STUNTransportAddress)
    /// Nothing arrived; the deadline of the last `.timeout` output has passed.
    case timeout
}

/// What `poll` returns: drain until `.timeout`, then wait for a datagram or that time.
public enum ICEOutput: Sendable, Equatable {
    case transmit(ICETransmit)
    case event(ICEEvent)
    /// Poll again at this time at the latest (nil: only a new input can change anything).
    case timeout(Duration?)
}
