import RTCCrypto

/// One master key's derived transforms and usage counts. With a key derivation rate of 0
/// the transforms are derived once; with r > 0 they are re-derived per epoch (index DIV r).
struct SRTPKeyMaterial: Sendable {
    let master: SRTPMasterKey
    let profile: SRTPProfile
    // spec: RFC3711-4.3.1-5 the rate is fixed for the master key's lifetime
    let rate: UInt64
    let backend: CryptoBackend
    private(set) var rtp: SRTPTransform
    private(set) var rtcp: SRTPTransform
    private var rtpEpoch: UInt64 = 0
    private var rtcpEpoch: UInt64 = 0
    /// Packets protected with this master key, for the key's lifetime limits.
    var srtpPacketsProtected: UInt64 = 0
    var srtcpPacketsProtected: UInt64 = 0

    init(master: SRTPMasterKey, profile: SRTPProfile, rate: UInt64, backend: CryptoBackend) throws(SRTPConfigurationError) {
        self.master = master
        self.profile = profile
        self.rate = rate
        self.backend = backend
        // spec: RFC3711-4.3.1-2 the first key derivation happens before the first packet
        // spec: RFC3711-4.3.2-1 SRTCP uses the same master key and salt as SRTP
        // spec: RFC3711-3.4-11 and the same encryption transform (or NULL when not encrypting)
        // spec: RFC3711-3.4-12 and the same authentication transform
        // spec: RFC3711-3.2.1-8 but its own session keys (labels 0x03-0x05), never SRTP's
        rtp = try SRTPKeyMaterial.transform(master, profile, rtcp: false, index: 0, rate: rate, backend: backend)
        rtcp = try SRTPKeyMaterial.transform(master, profile, rtcp: true, index: 0, rate: rate, backend: backend)
    }

    /// Session keys given directly (no derivation; for test vectors and external key managers).
    init(rtpKeys: SRTPSessionKeys, rtcpKeys: SRTPSessionKeys, mki: [UInt8], profile: SRTPProfile, backend: CryptoBackend) throws(SRTPConfigurationError) {
        master = SRTPMasterKey(key: [], salt: [], mki: mki)
        self.profile = profile
        rate = 0
        self.backend = backend
        rtp = try SRTPTransform(profile: profile, keys: rtpKeys, backend: backend)
        rtcp = try SRTPTransform(profile: profile, keys: rtcpKeys, backend: backend)
    }

    /// The SRTP transform for `index`: the cached one, or (r > 0, another epoch) a fresh one,
    /// cached when it is the newest epoch.
    mutating func rtpTransform(index: UInt64) -> SRTPTransform {
        guard rate > 0 else { return rtp }
        // spec: RFC3711-4.3.1-4 with r > 0, keys are derived again whenever index mod r is 0
        // spec: RFC3711-4.3.1-3 further derivations follow key_derivation_rate
        let epoch = index / rate
        if epoch == rtpEpoch { return rtp }
        // The lengths were validated when the key was first derived, so derivation cannot fail.
        guard let fresh = try? SRTPKeyMaterial.transform(master, profile, rtcp: false, index: index, rate: rate, backend: backend) else { return rtp }
        if epoch > rtpEpoch { rtp = fresh; rtpEpoch = epoch }
        return fresh
    }

    /// The SRTCP transform for SRTCP `index`, as ``rtpTransform(index:)``.
    mutating func rtcpTransform(index: UInt32) -> SRTPTransform {
        guard rate > 0 else { return rtcp }
        let epoch = UInt64(index) / rate
        if epoch == rtcpEpoch { return rtcp }
        guard let fresh = try? SRTPKeyMaterial.transform(master, profile, rtcp: true, index: UInt64(index), rate: rate, backend: backend) else { return rtcp }
        if epoch > rtcpEpoch { rtcp = fresh; rtcpEpoch = epoch }
        return fresh
    }

    private static func transform(_ master: SRTPMasterKey, _ profile: SRTPProfile, rtcp: Bool, index: UInt64, rate: UInt64,
                                  backend: CryptoBackend) throws(SRTPConfigurationError) -> SRTPTransform {
        let keys = try SRTPSessionKeys(profile: profile, masterKey: master.key, masterSalt: master.salt, rtcp: rtcp, index: index, rate: rate)
        return try SRTPTransform(profile: profile, keys: keys, backend: backend)
    }
}
