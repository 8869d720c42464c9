/// Why a candidate line could not be read.
public enum ICECandidateError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String, reason: String)
    case unsupportedTransport(String)
    case unknownCandidateType(String)

    public var description: String {
        switch self {
        case .malformed(let line, let reason): return "candidate \"\(line)\": \(reason)"
        case .unsupportedTransport(let transport): return "candidate transport \(transport) is neither UDP nor TCP"
        case .unknownCandidateType(let type): return "candidate type \(type) is not host, srflx, prflx or relay"
        }
    }
}
