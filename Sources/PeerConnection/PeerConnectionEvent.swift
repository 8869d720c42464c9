import ICE

/// What a ``PeerConnection`` tells its owner: the transport's events and signaling's.
public enum PeerConnectionEvent: Sendable, Equatable {
    /// Something from ICE, DTLS, SCTP or a data channel.
    case transport(PeerTransportEvent)
    /// A local candidate to trickle to the peer, with the m-section it belongs to.
    indirect case localCandidate(ICECandidateInit)
    /// Trickling is over for this generation (an empty candidate in W3C terms).
    case endOfLocalCandidates
    case signalingStateChanged(SignalingState)
    /// Something changed that needs an offer/answer exchange (a first data channel).
    case negotiationNeeded
}

/// What ``PeerConnection/poll(at:)`` returns.
public enum PeerConnectionOutput: Sendable, Equatable {
    case transmit(ICETransmit)
    case event(PeerConnectionEvent)
    /// Poll again at this time at the latest (nil: only an input or a call can change anything).
    case timeout(Duration?)
}
