import RTCCrypto

/// The SRTP key derivation (RFC 3711 §4.3): session keys and salts from a master key and
/// master salt, with the AES counter-mode PRF of the master key's size (RFC 3711 §4.3.3,
/// RFC 6188 §3 for 192 and 256 bits).
public enum SRTPKeyDerivation {
    /// What a derived key is for (the `<label>` of RFC 3711 §4.3.1 and §4.3.2).
    public enum Label: UInt8, Sendable, CaseIterable {
        // spec: RFC3711-4.3.1-9 one label per kind of key
        case srtpEncryption = 0x00
        case srtpAuthentication = 0x01
        case srtpSalt = 0x02
        case srtcpEncryption = 0x03
        case srtcpAuthentication = 0x04
        case srtcpSalt = 0x05
    }

    /// `length` bytes of PRF output for `label` at `index` (the 48-bit SRTP index, or the
    /// SRTCP index) with key derivation rate `rate` (0: derive once).
    ///
    /// A 96-bit master salt (AEAD profiles) is placed in the salt's leading bytes and padded
    /// with two zero bytes, as libsrtp and other stacks do, since RFC 7714 §11 reuses the
    /// 112-bit-salt PRF without saying how a shorter salt is aligned.
    public static func derive(label: Label, length: Int, masterKey: [UInt8], masterSalt: [UInt8],
                              index: UInt64 = 0, rate: UInt64 = 0) throws(AES.Error) -> [UInt8] {
        let aes = try AES(key: masterKey)
        // spec: RFC3711-4.3.1-14 with rate 0 the derivation happens once (r = 0)
        // spec: RFC3711-4.3.1-8 r = index DIV key_derivation_rate; key_id = label || r
        let r = rate == 0 ? 0 : index / rate
        // key_id is 56 bits (8-bit label, 48-bit r), right-aligned against the 112-bit salt.
        var x = [UInt8](repeating: 0, count: 16)
        for (i, byte) in masterSalt.prefix(14).enumerated() { x[i] = byte }
        x[7] ^= label.rawValue
        for i in 0..<6 { x[8 + i] ^= UInt8(truncatingIfNeeded: r >> UInt64(40 - 8 * i)) }
        // spec: RFC3711-4.3.3-1 PRF_n(k_master, x) is AES-CM under k_master with IV x·2^16, truncated to n bits
        // spec: RFC3711-4.3.1-11 the n-bit key (or salt) is PRF_n(k_master, x)
        // spec: RFC3711-5.3-1 the default KDF: this PRF with a 128-bit master key
        // spec: RFC3711-4.3.1-7 the PRF is AES-CM with m = 128 or more
        var stream = AESCTR(aes: aes, counterBlock: x)
        var output = [UInt8](repeating: 0, count: length)
        stream.apply(to: &output)
        return output
    }
}

/// The session keys of one master key for one direction of RTP or RTCP: what the packet
/// transforms use (RFC 3711 §4.3.1, "The session keys and salt SHALL now be derived").
public struct SRTPSessionKeys: Sendable, Equatable {
    /// Session encryption key (k_e); empty for the NULL cipher's key is still derived.
    public var encryptionKey: [UInt8]
    /// Session authentication key (k_a); empty for AEAD profiles.
    public var authenticationKey: [UInt8]
    /// Session salt (k_s): 14 bytes, or 12 for AEAD.
    public var salt: [UInt8]

    /// Keys given directly (as in the RFC 7714 test vectors).
    public init(encryptionKey: [UInt8], authenticationKey: [UInt8], salt: [UInt8]) {
        self.encryptionKey = encryptionKey
        self.authenticationKey = authenticationKey
        self.salt = salt
    }

    /// The SRTP (`rtcp == false`) or SRTCP session keys derived from a master key.
    public init(profile: SRTPProfile, masterKey: [UInt8], masterSalt: [UInt8], rtcp: Bool,
                index: UInt64 = 0, rate: UInt64 = 0) throws(SRTPConfigurationError) {
        guard masterKey.count == profile.masterKeyLength else {
            throw .invalidMasterKeyLength(profile: profile, length: masterKey.count)
        }
        guard masterSalt.count == profile.masterSaltLength else {
            throw .invalidMasterSaltLength(profile: profile, length: masterSalt.count)
        }
        // spec: RFC3711-4.3.2-2 SRTCP uses labels 0x03 to 0x05 and its own index
        // spec: RFC3711-4.3.1-1 every profile, AEAD included, takes its keys from this derivation
        let labels: (SRTPKeyDerivation.Label, SRTPKeyDerivation.Label, SRTPKeyDerivation.Label) = rtcp
            ? (.srtcpEncryption, .srtcpAuthentication, .srtcpSalt) : (.srtpEncryption, .srtpAuthentication, .srtpSalt)
        do {
            // spec: RFC3711-4.3.1-12 k_e, k_a and k_s from labels 0x00, 0x01, 0x02
            // spec: RFC3711-4.3.1-6 the salting key is derived too
            encryptionKey = try SRTPKeyDerivation.derive(label: labels.0, length: profile.masterKeyLength,
                                                         masterKey: masterKey, masterSalt: masterSalt, index: index, rate: rate)
            authenticationKey = profile.authenticationKeyLength == 0 ? [] :
                try SRTPKeyDerivation.derive(label: labels.1, length: profile.authenticationKeyLength,
                                             masterKey: masterKey, masterSalt: masterSalt, index: index, rate: rate)
            salt = try SRTPKeyDerivation.derive(label: labels.2, length: profile.masterSaltLength,
                                                masterKey: masterKey, masterSalt: masterSalt, index: index, rate: rate)
        } catch {
            throw .invalidMasterKeyLength(profile: profile, length: masterKey.count)
        }
    }
}
