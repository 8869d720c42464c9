import DataChannel
import ICE
import PeerConnection

/// What an ``RTCPeerConnection`` reports, in order, through ``RTCPeerConnection/events``.
public enum RTCPeerConnectionEvent: Sendable {
    /// A local candidate to send to the peer; nil when gathering is complete.
    case iceCandidate(ICECandidateInit?)
    case connectionStateChange(PeerConnectionState)
    case iceConnectionStateChange(ICEConnectionState)
    case signalingStateChange(SignalingState)
    case negotiationNeeded
    /// The peer opened a channel.
    case dataChannel(RTCDataChannel)
    /// Every protocol event, with the time since the connection was made, for timelines and logs.
    case trace(PeerTransportEvent, at: Duration)
}

/// What an ``RTCDataChannel`` reports through ``RTCDataChannel/events``.
public enum RTCDataChannelEvent: Sendable, Equatable {
    case open
    case message(DataChannelMessage)
    case bufferedAmountLow
    case closing
    case close
    case error(String)
}

