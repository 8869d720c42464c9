/// The kind of a session description (W3C `RTCSdpType`, RFC 8829 §4.1.8).
public enum SessionDescriptionType: String, Sendable, Equatable {
    case offer, answer, pranswer, rollback
}

/// A session description as the application passes it around (W3C `RTCSessionDescriptionInit`):
/// its type and its SDP text.
public struct RTCSessionDescription: Sendable, Equatable {
    public var type: SessionDescriptionType
    public var sdp: String
    public init(type: SessionDescriptionType, sdp: String) {
        self.type = type
        self.sdp = sdp
    }
}

/// Where offer/answer is (RFC 8829 §3.2, W3C `RTCSignalingState`).
public enum SignalingState: String, Sendable, Equatable {
    case stable
    case haveLocalOffer = "have-local-offer"
    case haveRemoteOffer = "have-remote-offer"
    case haveLocalPranswer = "have-local-pranswer"
    case haveRemotePranswer = "have-remote-pranswer"
    case closed
}

/// A trickled candidate as signalled (W3C `RTCIceCandidateInit`): the attribute text
/// (`candidate:…`, empty for end-of-candidates) and which m-section it belongs to.
public struct ICECandidateInit: Sendable, Equatable {
    public var candidate: String
    public var sdpMid: String?
    public var sdpMLineIndex: Int?
    public init(candidate: String, sdpMid: String? = nil, sdpMLineIndex: Int? = nil) {
        self.candidate = candidate
        self.sdpMid = sdpMid
        self.sdpMLineIndex = sdpMLineIndex
    }
}

/// How the transports of several m-sections are bundled (RFC 8829 §4.1.1).
public enum BundlePolicy: String, Sendable, Equatable {
    /// One transport for everything; the offer says so from the start (the default here).
    case maxBundle = "max-bundle"
    /// One transport per media kind until the answer accepts BUNDLE.
    case balanced
    /// One transport per m-section until the answer accepts BUNDLE.
    case maxCompat = "max-compat"
}

/// What an m-section carries.
public enum MediaKind: String, Sendable, Equatable {
    case audio, video, application
    /// Any other media type (`text`, `message`, …), kept so the m-line can be answered.
    case other
}

/// Why a JSEP call was refused. Each case says what was wrong, in words a developer can act on.
public enum JSEPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The call is not allowed in this signaling state (RFC 8829 §3.2 / W3C).
    case invalidState(String, SignalingState)
    /// The SDP text did not parse.
    case malformedSDP(String)
    /// The SDP parsed but breaks a JSEP or offer/answer rule.
    case invalidDescription(String)
    /// setLocalDescription was given something other than the last offer or answer created.
    case modifiedDescription
    /// A candidate named no m-section, or did not parse.
    case invalidCandidate(String)
    /// The peer connection is closed.
    case closed
    /// Something this implementation does not do (yet), said plainly.
    case unsupported(String)

    public var description: String {
        switch self {
        case let .invalidState(call, state): return "\(call) is not allowed in signaling state \(state.rawValue)"
        case .malformedSDP(let why): return "malformed SDP: \(why)"
        case .invalidDescription(let why): return "invalid description: \(why)"
        case .modifiedDescription: return "the description differs from the one createOffer/createAnswer made (SDP munging is not supported)"
        case .invalidCandidate(let why): return "invalid candidate: \(why)"
        case .closed: return "the peer connection is closed"
        case .unsupported(let what): return "unsupported: \(what)"
        }
    }
}
