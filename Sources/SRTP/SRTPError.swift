/// Why a packet could not be protected or unprotected. Every failure has a case with its
/// context; ``category`` groups them for counting.
public enum SRTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer bytes than the headers, MKI and tag need.
    case packetTooShort(length: Int, needed: Int)
    /// The RTP or RTCP version field is not 2.
    case unsupportedVersion(UInt8)
    /// The buffer has no room for the trailer protection adds.
    case bufferTooSmall(needed: Int, capacity: Int)
    /// The authentication tag does not match (RFC 3711 §4.2 "AUTHENTICATION FAILURE").
    case authenticationFailed(ssrc: UInt32, index: UInt64)
    /// The packet index was already received.
    case replayed(ssrc: UInt32, index: UInt64)
    /// The packet index is behind the replay window.
    case tooOld(ssrc: UInt32, index: UInt64, highest: UInt64)
    /// The MKI names no master key of this context.
    case unknownMKI([UInt8])
    /// The master key has protected all the packets it may (2^48 SRTP, 2^31 SRTCP) or the
    /// index would cycle back: a new master key is needed.
    case keyExhausted(ssrc: UInt32)
    /// A new stream (SSRC) arrived but the context already holds its limit of streams.
    case tooManyStreams(limit: Int)
    /// The packet would need more keystream than one IV may produce (2^16 blocks).
    case packetTooLong(length: Int)

    /// Kinds of failure, for counters.
    public enum Category: String, Sendable, CaseIterable {
        case malformed, authentication, replay, keyManagement, resources
    }

    /// The kind of failure.
    public var category: Category {
        switch self {
        case .packetTooShort, .unsupportedVersion, .packetTooLong: return .malformed
        case .authenticationFailed: return .authentication
        case .replayed, .tooOld: return .replay
        case .unknownMKI, .keyExhausted: return .keyManagement
        case .bufferTooSmall, .tooManyStreams: return .resources
        }
    }

    public var description: String {
        switch self {
        case let .packetTooShort(length, needed): return "packet of \(length) bytes is shorter than the \(needed) its headers, MKI and tag need"
        case .unsupportedVersion(let version): return "version \(version), not 2"
        case let .bufferTooSmall(needed, capacity): return "protection needs \(needed) bytes of buffer, \(capacity) given"
        case let .authenticationFailed(ssrc, index): return "authentication failed (SSRC \(ssrc), index \(index))"
        case let .replayed(ssrc, index): return "replayed packet (SSRC \(ssrc), index \(index))"
        case let .tooOld(ssrc, index, highest): return "packet index \(index) of SSRC \(ssrc) is behind the replay window (highest \(highest))"
        case .unknownMKI(let mki): return "unknown MKI \(mki.map { String($0, radix: 16) })"
        case .keyExhausted(let ssrc): return "the master key is exhausted for SSRC \(ssrc): re-key"
        case .tooManyStreams(let limit): return "new stream refused: the context already has \(limit) streams"
        case .packetTooLong(let length): return "packet of \(length) bytes exceeds one IV's keystream"
        }
    }
}

/// Why a context cannot be built from the given keys and options.
public enum SRTPConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidMasterKeyLength(profile: SRTPProfile, length: Int)
    case invalidMasterSaltLength(profile: SRTPProfile, length: Int)
    case invalidSessionKeys(profile: SRTPProfile, reason: String)
    /// MKIs of one context must all have the configured length, be distinct, and be present
    /// on every key when any is (or absent on the single key when none is).
    case invalidMKI(reason: String)
    /// The replay window holds at least 64 packets (RFC 3711 §3.3.2).
    case replayWindowTooSmall(Int)
    case noMasterKey

    public var description: String {
        switch self {
        case let .invalidMasterKeyLength(profile, length): return "\(profile) needs a \(profile.masterKeyLength)-byte master key, not \(length)"
        case let .invalidMasterSaltLength(profile, length): return "\(profile) needs a \(profile.masterSaltLength)-byte master salt, not \(length)"
        case let .invalidSessionKeys(profile, reason): return "session keys do not fit \(profile): \(reason)"
        case .invalidMKI(let reason): return "MKI: \(reason)"
        case .replayWindowTooSmall(let size): return "replay window of \(size) packets is below the minimum of 64"
        case .noMasterKey: return "no master key"
        }
    }
}

/// A batch operation stopped at one packet: those before it are done, it and those after it
/// are left as they were.
public struct SRTPBatchError: Error, Equatable, Sendable {
    /// The position of the packet that failed.
    public let index: Int
    /// Why it failed.
    public let error: SRTPError
}
