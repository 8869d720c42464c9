import STUN

/// Why a TURN operation failed.
public enum TURNClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The credentials were refused (401 after a retry with them).
    case unauthorized(reason: String)
    /// The server answered with an error.
    case server(code: Int, reason: String)
    /// A transaction got no answer.
    case timeout(String)
    /// Answers came, but none passed the integrity check (RFC 8489 §9.2.5).
    case integrityViolation(String)
    case notAllocated
    case invalidChannel(UInt16)
    /// Data for a peer without a permission or channel.
    case noPermission(STUNTransportAddress)
    /// A peer of an address family the allocation has no relayed address for (RFC 8656 §10.1).
    case addressFamilyMismatch(STUNTransportAddress)
    /// The channel number was bound to another peer in this allocation (RFC 8656 §12).
    case channelInUse(UInt16)
    /// 437: the server no longer knows the allocation (RFC 8656 §5).
    case allocationMismatch
    /// 440: the server does not support the requested address family (RFC 8656 §7.4).
    case addressFamilyNotSupported
    /// The allocation's addresses are of a family the client did not ask for (RFC 8656 §7.3).
    case unexpectedAddressFamily(STUNTransportAddress)

    public var description: String {
        switch self {
        case .unauthorized(let reason): return "TURN server refused the credentials (401 \(reason))"
        case let .server(code, reason): return "TURN server error \(code) \(reason)"
        case .timeout(let what): return "no answer from the TURN server (\(what))"
        case .integrityViolation(let what): return "the TURN server's answers failed their integrity check (\(what))"
        case .notAllocated: return "no allocation"
        case .invalidChannel(let channel): return "channel 0x\(String(channel, radix: 16)) is outside 0x4000-0x4fff"
        case .noPermission(let peer): return "no permission for \(peer)"
        case .addressFamilyMismatch(let peer): return "no relayed address of \(peer)'s address family"
        case .channelInUse(let channel): return "channel 0x\(String(channel, radix: 16)) was bound to another peer"
        case .allocationMismatch: return "the TURN server no longer has the allocation (437)"
        case .addressFamilyNotSupported: return "the TURN server does not support the requested address family (440)"
        case .unexpectedAddressFamily(let address): return "the TURN server allocated \(address), of a family not requested"
        }
    }
}
