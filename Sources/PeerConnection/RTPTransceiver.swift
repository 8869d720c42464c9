/// Which way media flows on a transceiver (W3C `RTCRtpTransceiverDirection`, the SDP direction
/// attributes of RFC 4566 §6 / RFC 8866 §6.7).
public enum RTPTransceiverDirection: String, Sendable, Equatable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    public var sends: Bool { self == .sendrecv || self == .sendonly }
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The same flow seen from the other side.
    public var reversed: RTPTransceiverDirection { RTPTransceiverDirection(sends: receives, receives: sends) }

    /// The answer's direction when this side wants `local` and the offer said `self` (RFC 3264
    /// §6.1: send only what the offerer receives, receive only what it sends).
    public func answer(wanting local: RTPTransceiverDirection) -> RTPTransceiverDirection {
        RTPTransceiverDirection(sends: local.sends && receives, receives: local.receives && sends)
    }
}

/// One codec of an m-section: its payload type, `a=rtpmap`, `a=fmtp` and `a=rtcp-fb` lines.
public struct RTPCodec: Sendable, Equatable {
    public var payloadType: UInt8
    public var name: String
    public var clockRate: Int
    /// Audio channels (the rtpmap's encoding parameters), when given.
    public var channels: Int?
    /// The `a=fmtp` parameters, as written.
    public var parameters: String?
    /// The `a=rtcp-fb` values for this payload type (`nack`, `nack pli`, `ccm fir`, …).
    public var feedback: [String]

    public init(payloadType: UInt8, name: String, clockRate: Int, channels: Int? = nil, parameters: String? = nil, feedback: [String] = []) {
        self.payloadType = payloadType
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.parameters = parameters
        self.feedback = feedback
    }

    /// Whether `other` is the same codec (name, clock rate, channels; for H.264 also the
    /// packetization mode), whatever its payload type.
    public func matches(_ other: RTPCodec) -> Bool {
        guard name.lowercased() == other.name.lowercased(), clockRate == other.clockRate,
              (channels ?? 1) == (other.channels ?? 1) else { return false }
        if name.lowercased() == "h264" { return packetizationMode == other.packetizationMode }
        return true
    }

    var packetizationMode: String {
        parameters?.split(separator: ";").map { $0.trimmingPrefix(" ") }
            .first { $0.hasPrefix("packetization-mode=") }.map { String($0.dropFirst("packetization-mode=".count)) } ?? "0"
    }

    /// The codecs offered for audio: Opus and G.711 μ-law and A-law, which RFC 7874 §3 makes
    /// mandatory to implement.
    public static let defaultAudio = [
        RTPCodec(payloadType: 111, name: "opus", clockRate: 48_000, channels: 2, parameters: "minptime=10;useinbandfec=1"),
        RTPCodec(payloadType: 0, name: "PCMU", clockRate: 8000),
        RTPCodec(payloadType: 8, name: "PCMA", clockRate: 8000),
    ]

    /// The codecs offered for video: VP8 and H.264 Constrained Baseline, which RFC 7742 §5 makes
    /// mandatory to implement, with NACK, PLI and FIR feedback.
    public static let defaultVideo = [
        RTPCodec(payloadType: 96, name: "VP8", clockRate: 90_000, feedback: ["nack", "nack pli", "ccm fir"]),
        RTPCodec(payloadType: 97, name: "H264", clockRate: 90_000,
                 parameters: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
                 feedback: ["nack", "nack pli", "ccm fir"]),
    ]

    /// The static payload types RFC 3551 §6 defines, for offers that omit their rtpmap.
    static func staticCodec(_ payloadType: UInt8) -> RTPCodec? {
        switch payloadType {
        case 0: return RTPCodec(payloadType: 0, name: "PCMU", clockRate: 8000)
        case 8: return RTPCodec(payloadType: 8, name: "PCMA", clockRate: 8000)
        case 9: return RTPCodec(payloadType: 9, name: "G722", clockRate: 8000)
        default: return nil
        }
    }
}

/// An RTP header extension of an m-section (`a=extmap`, RFC 8285).
public struct RTPHeaderExtension: Sendable, Equatable {
    public var id: Int
    public var uri: String
    public init(id: Int, uri: String) {
        self.id = id
        self.uri = uri
    }

    /// The MID header extension that BUNDLE needs (RFC 8843 §15.2).
    public static let midURI = "urn:ietf:params:rtp-hdrext:sdes:mid"
}

/// A transceiver as the application holds it.
public struct TransceiverHandle: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public var description: String { "transceiver #\(rawValue)" }
}

/// An RTP transceiver (W3C `RTCRtpTransceiver`) as JSEP negotiates it: its m-section, its
/// wanted and negotiated directions and its codecs. Media itself arrives with the media issues;
/// the negotiation is complete already.
public struct RTPTransceiver: Sendable, Equatable {
    public let handle: TransceiverHandle
    public let kind: MediaKind
    /// What the application wants.
    public var direction: RTPTransceiverDirection
    /// What the last answer settled, nil before one (or once stopped).
    public var currentDirection: RTPTransceiverDirection?
    /// The m-section's mid, once an applied description associated one.
    public var mid: String?
    public var stopped: Bool
    /// The codecs this side offers, in preference order.
    public var codecs: [RTPCodec]
    /// The codecs the last answer settled on.
    public var negotiatedCodecs: [RTPCodec]
    /// Made by a remote offer (removed again if that offer is rolled back, RFC 8829 §5.7).
    var createdByRemoteOffer: Bool

    init(handle: TransceiverHandle, kind: MediaKind, direction: RTPTransceiverDirection, mid: String? = nil,
         createdByRemoteOffer: Bool = false) {
        self.handle = handle
        self.kind = kind
        self.direction = direction
        self.mid = mid
        self.stopped = false
        self.codecs = kind == .video ? RTPCodec.defaultVideo : RTPCodec.defaultAudio
        self.negotiatedCodecs = []
        self.createdByRemoteOffer = createdByRemoteOffer
    }
}
