import RTCCrypto

/// One master key of an SRTP context, with its salt and, when MKIs are in use, its Master Key
/// Identifier (RFC 3711 §3.1, §3.2.1).
public struct SRTPMasterKey: Sendable, Equatable {
    /// The master key.
    public var key: [UInt8]
    /// The master salt.
    public var salt: [UInt8]
    /// The MKI carried in each packet protected with this key; empty when MKIs are not used.
    public var mki: [UInt8]

    public init(key: [UInt8], salt: [UInt8], mki: [UInt8] = []) {
        self.key = key
        self.salt = salt
        self.mki = mki
    }
}

/// How an ``SRTPSession`` protects or unprotects: profile, keys and receiver options.
public struct SRTPConfiguration: Sendable {
    /// The protection profile.
    public var profile: SRTPProfile
    /// The master keys; the first protects outgoing packets until ``SRTPSession/activate(mki:)``
    /// picks another. With MKIs, incoming packets name their key.
    public var masterKeys: [SRTPMasterKey]
    /// Replay window in packets (at least 64). The default suits video, whose bursts reorder
    /// more than audio's.
    public var replayWindowSize: Int = 1024
    /// key_derivation_rate (RFC 3711 §4.3.1): 0 derives session keys once; r > 0 derives
    /// them again whenever index mod r is 0. Fixed for the life of the master keys.
    public var keyDerivationRate: UInt64 = 0
    /// Whether outgoing SRTCP is encrypted (the E flag); authentication always applies.
    public var encryptRTCP: Bool = true
    /// Whether the sender may protect the same index twice (a retransmission of identical
    /// bytes). Off by default: a repeated index with other bytes would reuse keystream.
    public var allowRepeatedTransmission: Bool = false
    /// The most streams (SSRCs) the context keeps; packets of further streams are refused.
    public var maximumStreams: Int = 1024
    /// The AES/GHASH/SHA-1 implementation.
    public var backend: CryptoBackend = .best

    /// A configuration with one or more master keys.
    public init(profile: SRTPProfile, masterKeys: [SRTPMasterKey]) {
        self.profile = profile
        self.masterKeys = masterKeys
    }

    /// A configuration with one master key and no MKI (the DTLS-SRTP case).
    public init(profile: SRTPProfile, key: [UInt8], salt: [UInt8]) {
        self.init(profile: profile, masterKeys: [SRTPMasterKey(key: key, salt: salt)])
    }

    /// The MKI length shared by every key (0 without MKIs), after checking the keys agree.
    func validatedMKILength() throws(SRTPConfigurationError) -> Int {
        guard let first = masterKeys.first else { throw .noMasterKey }
        let length = first.mki.count
        // spec: RFC3711-3.2.1-2 the MKI length is fixed for the context's lifetime
        guard masterKeys.allSatisfy({ $0.mki.count == length }) else {
            throw .invalidMKI(reason: "every master key needs an MKI of the same length")
        }
        if length == 0, masterKeys.count > 1 {
            throw .invalidMKI(reason: "several master keys need MKIs to tell them apart")
        }
        guard Set(masterKeys.map(\.mki)).count == masterKeys.count else { throw .invalidMKI(reason: "MKIs repeat") }
        return length
    }
}
