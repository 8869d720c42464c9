import RTCCrypto
import Wire

/// Why a DTLS connection failed or a record was refused.
public enum DTLSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field could not be read.
    case malformed(WireError)
    case unexpectedContentType(UInt8)
    case unsupportedVersion(UInt16)
    case recordOverflow(Int)
    /// A handshake message arrived that the state machine does not expect now.
    case unexpectedMessage(String)
    /// The peer offers nothing we can agree on (cipher suite, group, SRTP profile, EMS).
    case handshakeFailure(String)
    /// The peer's certificate does not match the fingerprint from signalling.
    case fingerprintMismatch(expected: [Fingerprint], actual: Fingerprint)
    case badCertificate(String)
    /// A signature (ServerKeyExchange, CertificateVerify) does not verify.
    case badSignature(String)
    /// The peer's Finished does not match the transcript.
    case badFinished
    /// The peer sent a fatal alert.
    case alertReceived(level: UInt8, description: UInt8)
    /// Flights were retransmitted the maximum number of times without an answer.
    case timeout
    /// The peer asked to renegotiate, which is refused (RFC 5746 is supported only to say so).
    case renegotiationRefused
    /// The connection is not in a state that allows the call.
    case notConnected

    public var description: String {
        switch self {
        case .malformed(let error): return "malformed: \(error)"
        case .unexpectedContentType(let type): return "unknown record content type \(type)"
        case .unsupportedVersion(let version): return "unsupported version 0x\(String(version, radix: 16))"
        case .recordOverflow(let length): return "record of \(length) bytes exceeds the limit"
        case .unexpectedMessage(let what): return "unexpected message: \(what)"
        case .handshakeFailure(let why): return "handshake failure: \(why)"
        case let .fingerprintMismatch(expected, actual):
            return "certificate fingerprint \(actual) matches none of the signalled \(expected.map(\.description).joined(separator: ", "))"
        case .badCertificate(let why): return "bad certificate: \(why)"
        case .badSignature(let what): return "signature does not verify: \(what)"
        case .badFinished: return "Finished does not match the handshake transcript"
        case let .alertReceived(level, description): return "alert received (level \(level), description \(description))"
        case .timeout: return "handshake timed out after the last retransmission"
        case .renegotiationRefused: return "renegotiation refused"
        case .notConnected: return "not connected"
        }
    }
}
