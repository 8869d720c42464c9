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

/// A TCP connection of ICE-TCP (RFC 6544), named by whoever made it: the agent names the
/// connections it asks the owner to open, the owner names those it accepted.
public enum ICEConnectionHandle: Sendable, Equatable, Hashable {
    /// Opened by the owner at the agent's request (`ICEEvent.openTCP`).
    case opened(Int)
    /// Accepted by the owner on a passive candidate's listening socket.
    case accepted(Int)
}

/// Bytes to send: a UDP datagram from the base `source` (the local socket) to `destination`,
/// or, when `connection` is set, bytes for that TCP connection, already framed (RFC 4571).
public struct ICETransmit: Sendable, Equatable {
    public var source: STUNTransportAddress
    public var destination: STUNTransportAddress
    public var bytes: [UInt8]
    /// The TCP connection to write to, or nil for UDP.
    public var connection: ICEConnectionHandle?

    public init(source: STUNTransportAddress, destination: STUNTransportAddress, bytes: [UInt8], connection: ICEConnectionHandle? = nil) {
        self.source = source
        self.destination = destination
        self.bytes = bytes
        self.connection = connection
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

/// What the agent reports to its owner. The rare cases with large payloads (candidates, pairs)
/// are `indirect`, so that the enum, copied for every datagram, stays small.
public enum ICEEvent: Sendable, Equatable {
    /// A local candidate to signal to the peer (trickle it, or put it in the description).
    indirect case localCandidate(ICECandidate)
    /// No more local candidates will come in this generation (signal end-of-candidates).
    case gatheringComplete
    case stateChanged(ICEConnectionState)
    /// A role conflict (487, or a request that showed one) switched the role.
    case roleChanged(ICERole)
    /// Data goes on this pair from now on.
    indirect case selectedPair(ICESelectedPair)
    /// Application data (not STUN) that arrived from a known remote address.
    case received([UInt8], from: STUNTransportAddress, to: STUNTransportAddress)
    /// A remote candidate names this host (mDNS `.local`); answer with `resolved(hostname:to:)`.
    case resolveHostname(String)
    /// No binding response arrived on the selected pair for the consent timeout (RFC 7675);
    /// sending on it has stopped.
    indirect case consentExpired(ICESelectedPair)
    /// Open a TCP connection from the interface `from` (any port) to `to`, then report
    /// `.tcpConnected` or `.tcpFailed` (ICE-TCP active candidates, RFC 6544 §7.1).
    case openTCP(ICEConnectionHandle, from: [UInt8], to: STUNTransportAddress)
    /// Close this TCP connection: ICE no longer needs it (RFC 6544 §8).
    case closeTCP(ICEConnectionHandle)
}

/// What the owner feeds the agent.
public enum ICEInput: Sendable, Equatable {
    /// A datagram that arrived from `from` on the local socket `to`.
    case datagram([UInt8], from: STUNTransportAddress, to: STUNTransportAddress)
    /// Nothing arrived; the deadline of the last `.timeout` output has passed.
    case timeout
    /// A connection the agent asked for (`openTCP`) is established.
    case tcpConnected(ICEConnectionHandle)
    /// A connection could not be established, or broke.
    case tcpFailed(ICEConnectionHandle)
    /// The owner accepted a connection on a passive TCP candidate's socket `local` from `remote`
    /// (name it `.accepted(n)`, n unique among accepted connections).
    case tcpAccepted(ICEConnectionHandle, local: STUNTransportAddress, remote: STUNTransportAddress)
    /// Bytes read from a TCP connection (any piece of the stream).
    case tcpData([UInt8], ICEConnectionHandle)
}

/// What `poll` returns: drain until `.timeout`, then wait for a datagram or that time.
public enum ICEOutput: Sendable, Equatable {
    case transmit(ICETransmit)
    case event(ICEEvent)
    /// Poll again at this time at the latest (nil: only a new input can change anything).
    case timeout(Duration?)
}
