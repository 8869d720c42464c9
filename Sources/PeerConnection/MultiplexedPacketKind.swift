/// What a datagram on the one 5-tuple WebRTC uses is, from its first byte: RFC 5764 §5.1.2 as
/// RFC 7983 §7 updated it.
public enum MultiplexedPacketKind: Sendable, Equatable {
    case stun, zrtp, dtls, turnChannel, rtp, unknown

    /// Classifies a datagram by `firstByte`.
    public init(firstByte: UInt8) {
        // spec: RFC8835-3.5-5 DTLS and RTP share one port pair, told apart by the first byte
        // spec: RFC5764-5.1.2-2 the first-byte method (with RFC 7983's ranges)
        switch firstByte {
        case 0...3: self = .stun
        case 16...19: self = .zrtp
        case 20...63: self = .dtls
        case 64...79: self = .turnChannel
        case 128...191: self = .rtp
        default: self = .unknown
        }
    }
}
