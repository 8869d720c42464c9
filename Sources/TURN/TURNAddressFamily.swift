import STUN

/// The relayed address family a TURN client asks for (RFC 8656 §7.1).
public enum TURNAddressFamily: Sendable, Equatable {
    /// IPv4 only (a server's default).
    case ipv4
    /// IPv6 only (REQUESTED-ADDRESS-FAMILY).
    case ipv6
    /// Both (ADDITIONAL-ADDRESS-FAMILY), where the server supports it.
    case dual

    /// Whether a relayed `address` is of a family asked for.
    func accepts(_ address: STUNTransportAddress) -> Bool {
        switch self {
        case .ipv4: return !address.isIPv6
        case .ipv6: return address.isIPv6
        case .dual: return true
        }
    }
}
