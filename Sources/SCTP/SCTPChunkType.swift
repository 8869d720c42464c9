/// Chunk type codes (RFC 9260 §3.2, RFC 3758, RFC 6525, RFC 8260, RFC 4895).
public enum SCTPChunkType {
    public static let data: UInt8 = 0
    public static let initiation: UInt8 = 1
    public static let initiationAck: UInt8 = 2
    public static let selectiveAck: UInt8 = 3
    public static let heartbeat: UInt8 = 4
    public static let heartbeatAck: UInt8 = 5
    public static let abort: UInt8 = 6
    public static let shutdown: UInt8 = 7
    public static let shutdownAck: UInt8 = 8
    public static let error: UInt8 = 9
    public static let cookieEcho: UInt8 = 10
    public static let cookieAck: UInt8 = 11
    public static let ecne: UInt8 = 12
    public static let cwr: UInt8 = 13
    public static let shutdownComplete: UInt8 = 14
    public static let auth: UInt8 = 15
    /// I-DATA (RFC 8260 §2.1).
    public static let iData: UInt8 = 64
    /// RE-CONFIG (RFC 6525 §3.1).
    public static let reconfig: UInt8 = 130
    /// FORWARD TSN (RFC 3758 §3.2).
    public static let forwardTSN: UInt8 = 192
    /// I-FORWARD-TSN (RFC 8260 §2.3).
    public static let iForwardTSN: UInt8 = 194

    /// A readable name for a chunk type, for errors and explanations.
    public static func name(of type: UInt8) -> String {
        switch type {
        case data: return "DATA"
        case initiation: return "INIT"
        case initiationAck: return "INIT ACK"
        case selectiveAck: return "SACK"
        case heartbeat: return "HEARTBEAT"
        case heartbeatAck: return "HEARTBEAT ACK"
        case abort: return "ABORT"
        case shutdown: return "SHUTDOWN"
        case shutdownAck: return "SHUTDOWN ACK"
        case error: return "ERROR"
        case cookieEcho: return "COOKIE ECHO"
        case cookieAck: return "COOKIE ACK"
        case ecne: return "ECNE"
        case cwr: return "CWR"
        case shutdownComplete: return "SHUTDOWN COMPLETE"
        case auth: return "AUTH"
        case iData: return "I-DATA"
        case reconfig: return "RE-CONFIG"
        case forwardTSN: return "FORWARD TSN"
        case iForwardTSN: return "I-FORWARD-TSN"
        default: return "chunk type \(type)"
        }
    }

    /// What a receiver does with a chunk type it does not know, from the type's two high bits.
    public enum UnrecognizedAction: Equatable, Sendable {
        /// 00: stop processing the packet and discard it.
        case discardPacket
        /// 01: stop, discard the packet, and report it in an ERROR chunk.
        case discardPacketAndReport
        /// 10: skip the chunk and go on with the packet.
        case skip
        /// 11: skip the chunk, go on, and report it in an ERROR chunk.
        case skipAndReport
    }

    /// The action RFC 9260 §3.2 encodes in the two highest bits of a chunk type.
    public static func unrecognizedAction(for type: UInt8) -> UnrecognizedAction {
        switch type >> 6 {
        case 0: return .discardPacket
        case 1: return .discardPacketAndReport
        case 2: return .skip
        default: return .skipAndReport
        }
    }
}
