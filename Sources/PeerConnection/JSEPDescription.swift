import ICE
import RTCCrypto
import STUN

/// The parts of a session description JSEP acts on, read from or written to SDP by
/// `JSEPDescription+SDP.swift`. Attributes JSEP does not act on stay in the SDP text.
public struct JSEPDescription: Sendable, Equatable {
    /// `o=` session id and version (RFC 8829 §5.2.1).
    public var sessionID: UInt64
    public var sessionVersion: UInt64
    /// The mids of each `a=group:BUNDLE`, in order; the first mid of a group is its tag.
    public var bundleGroups: [[String]]
    /// `a=ice-lite` at session level.
    public var iceLite: Bool
    public var sections: [JSEPMediaSection]

    public init(sessionID: UInt64, sessionVersion: UInt64, bundleGroups: [[String]] = [], iceLite: Bool = false,
                sections: [JSEPMediaSection] = []) {
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.bundleGroups = bundleGroups
        self.iceLite = iceLite
        self.sections = sections
    }

    /// The index of the section whose transport the others share: the first live one.
    public var bundleTagIndex: Int? { sections.firstIndex { !$0.isRejected } }

    /// The index of the section with `mid`.
    public func index(ofMid mid: String) -> Int? { sections.firstIndex { $0.mid == mid } }
}

/// The DTLS role an m-section's `a=setup` names (RFC 8842 §5, RFC 4145 §4).
public enum DTLSSetupRole: String, Sendable, Equatable {
    case actpass, active, passive, holdconn
}

/// One m-section as JSEP sees it.
public struct JSEPMediaSection: Sendable, Equatable {
    public var kind: MediaKind
    /// The media type as written (`audio`, `video`, `application`, or anything else, kept).
    public var media: String
    /// 0 marks the section rejected (or bundle-only).
    public var port: UInt16
    public var proto: String
    public var formats: [String]
    public var mid: String?
    public var iceCredentials: ICECredentials?
    public var iceOptions: [String]
    public var fingerprints: [Fingerprint]
    public var setup: DTLSSetupRole?
    /// `a=tls-id` (RFC 8842 §4): names the DTLS association.
    public var tlsID: String?
    public var candidates: [ICECandidate]
    public var endOfCandidates: Bool
    public var bundleOnly: Bool
    /// `a=sctp-port` (RFC 8841 §5.1).
    public var sctpPort: UInt16?
    /// `a=max-message-size` (RFC 8841 §6.1).
    public var maxMessageSize: Int?
    /// The direction attribute, for media sections.
    public var direction: String?
    public var rtcpMux: Bool
    /// `a=rtcp-mux-only` (RFC 8858) and `a=rtcp-rsize` (RFC 5506).
    public var rtcpMuxOnly = false
    public var rtcpReducedSize = false
    /// The codecs of a media section, in the m-line's order.
    public var codecs: [RTPCodec] = []
    /// `a=extmap` lines.
    public var headerExtensions: [RTPHeaderExtension] = []
    /// The transceiver this side made the section for (not written to SDP).
    public var transceiver: TransceiverHandle?
    /// The default candidate's address for `m=`'s port and `c=` (RFC 8839 §4.2.1.2); nil writes
    /// port 9 and `IN IP4 0.0.0.0`, the values for no candidate yet.
    public var defaultAddress: STUNTransportAddress?

    public init(kind: MediaKind, media: String? = nil, port: UInt16 = 9, proto: String, formats: [String], mid: String? = nil,
                iceCredentials: ICECredentials? = nil, iceOptions: [String] = [], fingerprints: [Fingerprint] = [],
                setup: DTLSSetupRole? = nil, tlsID: String? = nil, candidates: [ICECandidate] = [], endOfCandidates: Bool = false,
                bundleOnly: Bool = false, sctpPort: UInt16? = nil, maxMessageSize: Int? = nil,
                direction: String? = nil, rtcpMux: Bool = false) {
        self.kind = kind
        self.media = media ?? kind.rawValue
        self.port = port
        self.proto = proto
        self.formats = formats
        self.mid = mid
        self.iceCredentials = iceCredentials
        self.iceOptions = iceOptions
        self.fingerprints = fingerprints
        self.setup = setup
        self.tlsID = tlsID
        self.candidates = candidates
        self.endOfCandidates = endOfCandidates
        self.bundleOnly = bundleOnly
        self.sctpPort = sctpPort
        self.maxMessageSize = maxMessageSize
        self.direction = direction
        self.rtcpMux = rtcpMux
    }

    /// Whether this is a data channel section (RFC 8829 §5.1.2), valid or not.
    public var isDataChannel: Bool {
        // spec: RFC8829-5.1.2-7 UDP/DTLS/SCTP, TCP/DTLS/SCTP and the old DTLS/SCTP are all received
        kind == .application && ["UDP/DTLS/SCTP", "TCP/DTLS/SCTP", "DTLS/SCTP"].contains(proto)
            && (formats.contains("webrtc-datachannel") || proto == "DTLS/SCTP")
    }

    /// Why a data channel section cannot be accepted as it is, or nil when it can.
    public var dataChannelDefect: String? {
        guard isDataChannel else { return "not a data channel m-section" }
        // spec: RFC8841-9.2-1 direction attributes play no part for a data m-section (not read here)
        // spec: RFC8841-4.3-2 exactly one fmt value on the m-line
        guard formats.count == 1 else { return "\(formats.count) fmt values, not one" }
        // spec: RFC8841-5.1-1 without a=sctp-port the m-line is invalid
        guard sctpPort != nil else { return "no a=sctp-port" }
        return nil
    }

    /// Whether this is an RTP m-section with a profile JSEP accepts (RFC 8829 §5.1.2).
    public var isMedia: Bool {
        // spec: RFC8829-5.1.2-4 the RTP profiles an offer may use are all accepted
        (kind == .audio || kind == .video)
            && ["UDP/TLS/RTP/SAVPF", "TCP/DTLS/RTP/SAVPF", "UDP/TLS/RTP/SAVP", "TCP/DTLS/RTP/SAVP",
                "RTP/SAVPF", "RTP/SAVP", "RTP/AVPF", "RTP/AVP"].contains(proto)
    }

    /// Rejected: port 0 without bundle-only (RFC 3264 §6, RFC 8843 §6).
    public var isRejected: Bool { port == 0 && !bundleOnly }
}
