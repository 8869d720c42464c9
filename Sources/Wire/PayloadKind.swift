/// What a UDP payload on a WebRTC 5-tuple is, from its first byte, as RFC 5764 §5.1.2
/// demultiplexes it (with the ranges RFC 7983 §7 added: ZRTP and TURN channels). The
/// PeerConnection's transport and the capture decoder both classify with it.
public enum PayloadKind: String, Sendable, Equatable {
    /// 0–3: STUN (RFC 5764 assigns 0–1, RFC 7983 widens to 0–3).
    case stun = "STUN"
    /// 16–19: ZRTP.
    case zrtp = "ZRTP"
    /// 20–63: DTLS.
    case dtls = "DTLS"
    /// 64–79: TURN ChannelData.
    case turnChannel = "TURN ChannelData"
    /// 128–191 with a second byte of 192–223: RTCP (RFC 5761 §4 packet types 200–204 and 192–223).
    case rtcp = "RTCP"
    /// 128–191 otherwise: RTP.
    case rtp = "RTP"
    /// Anything else, or an empty payload.
    case unknown = "unknown"

    /// Classifies a payload.
    public static func classify<C: Collection>(_ payload: C) -> PayloadKind where C.Element == UInt8 {
        guard let first = payload.first else { return .unknown }
        switch first {
        case 0...3: return .stun
        case 16...19: return .zrtp
        case 20...63: return .dtls
        case 64...79: return .turnChannel
        case 128...191:
            let second = payload.dropFirst().first.map { $0 } ?? 0
            return (192...223).contains(second) ? .rtcp : .rtp
        default: return .unknown
        }
    }

    /// Where the rule for this kind is written.
    public var reference: String {
        switch self {
        case .stun, .dtls, .rtp: return "RFC 5764 §5.1.2"
        case .rtcp: return "RFC 5761 §4"
        case .zrtp, .turnChannel: return "RFC 7983 §7"
        case .unknown: return ""
        }
    }
}
