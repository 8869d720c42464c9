/// The media direction attributes `a=sendrecv`, `a=sendonly`, `a=recvonly` and `a=inactive`
/// (RFC 8866 §6.7). Read with ``SDPAttributeHolder/direction``, set with
/// ``SDPAttributeHolder/setDirection(_:)``.
public enum SDPDirection: String, Sendable, Hashable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    /// The direction the other side takes in an answer (sendonly and recvonly swap).
    public var reversed: SDPDirection {
        switch self {
        case .sendonly: return .recvonly
        case .recvonly: return .sendonly
        default: return self
        }
    }
}
