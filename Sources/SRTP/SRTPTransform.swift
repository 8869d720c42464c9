import RTCCrypto

/// The cipher and authentication of one direction (SRTP or SRTCP) under one set of session
/// keys, ready for per-packet use: AES schedules, GHASH key and HMAC states are prepared once.
final class SRTPTransform: Sendable {
    let profile: SRTPProfile
    private let counterMode: AES?
    private let gcm: AESGCM?
    private let hmac: HMACSHA1Key?
    /// The session salt as big-endian halves of a 16-byte block (salt, then zeros).
    private let salt: (UInt64, UInt64)

    init(profile: SRTPProfile, keys: SRTPSessionKeys, backend: CryptoBackend) throws(SRTPConfigurationError) {
        guard keys.encryptionKey.count == profile.masterKeyLength else {
            throw .invalidSessionKeys(profile: profile, reason: "encryption key of \(keys.encryptionKey.count) bytes")
        }
        guard keys.salt.count == profile.masterSaltLength else {
            throw .invalidSessionKeys(profile: profile, reason: "salt of \(keys.salt.count) bytes")
        }
        guard keys.authenticationKey.count == profile.authenticationKeyLength else {
            throw .invalidSessionKeys(profile: profile, reason: "authentication key of \(keys.authenticationKey.count) bytes")
        }
        self.profile = profile
        do {
            switch profile.cipher {
            case .aesCounterMode:
                // spec: RFC3711-5.1-1 AES in segmented integer counter mode
                counterMode = try AES(key: keys.encryptionKey, backend: backend)
                gcm = nil
            case .aesGCM:
                counterMode = nil
                gcm = try AESGCM(key: keys.encryptionKey, backend: backend)
            case .null:
                // spec: RFC3711-5.1-4 the NULL cipher is implemented
                counterMode = nil
                gcm = nil
            }
        } catch {
            throw .invalidSessionKeys(profile: profile, reason: "\(error)")
        }
        // spec: RFC3711-5.2-1 HMAC-SHA1 authenticates the non-AEAD profiles
        hmac = profile.isAEAD ? nil : HMACSHA1Key(key: keys.authenticationKey, backend: backend)
        var block = [UInt8](repeating: 0, count: 16)
        for (i, byte) in keys.salt.enumerated() { block[i] = byte }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<8 { high = high << 8 | UInt64(block[i]); low = low << 8 | UInt64(block[8 + i]) }
        salt = (high, low)
    }

    // MARK: Counter mode and HMAC (RFC 3711)

    /// XORs the AES-CM keystream for (SSRC, index) into `data`; the NULL cipher leaves it.
    func applyKeystream(ssrc: UInt32, index: UInt64, to data: UnsafeMutableRawBufferPointer) {
        // spec: RFC3711-4.1.3-1 the NULL cipher copies the plaintext unchanged
        guard let aes = counterMode, !data.isEmpty else { return }
        // spec: RFC3711-4.2.1-1 SRTP_PREFIX_LENGTH is 0: the whole keystream encrypts
        // spec: RFC3711-4.1-2 (no keystream prefix is reserved, so none is used for encryption)
        // spec: RFC3711-4.1.1-3 IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16)
        // spec: RFC3711-4.1.1-4 for SRTCP, i is the SRTCP index and the keys are SRTCP's
        // spec: RFC3711-4.1.1-7 the IV is distinct for distinct (SSRC, index) under one key
        // spec: RFC3711-4.1.1-1 so each packet gets its own keystream segment
        let iv = (salt.0 ^ UInt64(ssrc), salt.1 ^ (index << 16))
        // spec: RFC3711-4.1.1-2 the keystream is AES blocks of increasing counter under k_e
        var stream = AESCTR(aes: aes, counter: (iv.0, iv.1))
        stream.apply(to: data)
    }

    /// Writes the tag over `message ‖ suffix` (the authenticated portion and, for SRTP, the ROC).
    func authenticate(_ message: UnsafeRawBufferPointer, suffix: UnsafeRawBufferPointer, tag: UnsafeMutableRawBufferPointer) {
        // spec: RFC3711-4.2.1-2 the tag is HMAC(k_a, M)
        // spec: RFC3711-4.2.1-3 truncated to the n_tag left-most bits
        hmac?.authenticate(message, suffix: suffix, tag: tag)
    }

    /// Whether this transform authenticates with HMAC-SHA1 (AES-CM and NULL profiles).
    var usesHMAC: Bool { hmac != nil }

    /// ``authenticate(_:suffix:tag:)`` for two packets under this transform at once (the two
    /// SHA-1 computations interleaved).
    func authenticate(_ first: UnsafeRawBufferPointer, suffix firstSuffix: UnsafeRawBufferPointer, tag firstTag: UnsafeMutableRawBufferPointer,
                      _ second: UnsafeRawBufferPointer, suffix secondSuffix: UnsafeRawBufferPointer, tag secondTag: UnsafeMutableRawBufferPointer) {
        // spec: RFC3711-4.2.1-2 the tag is HMAC(k_a, M)
        // spec: RFC3711-4.2.1-3 truncated to the n_tag left-most bits
        hmac?.authenticate(first, suffix: firstSuffix, tag: firstTag, second, suffix: secondSuffix, tag: secondTag)
    }

    /// Whether `tag` authenticates `message ‖ suffix` (constant time).
    func verify(_ tag: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer, suffix: UnsafeRawBufferPointer) -> Bool {
        hmac?.verify(tag, for: message, suffix: suffix) ?? false
    }

    // MARK: AES-GCM (RFC 7714)

    /// The 12-byte IV of RFC 7714 §8.1 (SRTP: 00 00 ‖ SSRC ‖ ROC ‖ SEQ) or §9.1 (SRTCP:
    /// 00 00 ‖ SSRC ‖ 00 00 ‖ 0 ‖ index), XORed with the salt, as big-endian halves.
    // spec: RFC7714-10-3 the nonce is 12 octets
    // spec: RFC7714-10-4 exactly 12
    func gcmNonce(ssrc: UInt32, srtpIndex: UInt64) -> (high: UInt64, low: UInt32) {
        let high = UInt64(ssrc) << 16 | (srtpIndex >> 32)
        return (high ^ salt.0, UInt32(truncatingIfNeeded: srtpIndex) ^ UInt32(truncatingIfNeeded: salt.1 >> 32))
    }

    func gcmNonce(ssrc: UInt32, srtcpIndex: UInt32) -> (high: UInt64, low: UInt32) {
        (UInt64(ssrc) << 16 ^ salt.0, srtcpIndex ^ UInt32(truncatingIfNeeded: salt.1 >> 32))
    }

    func seal(_ data: UnsafeMutableRawBufferPointer, nonce: (high: UInt64, low: UInt32), aad: UnsafeRawBufferPointer,
              aadSuffix: UnsafeRawBufferPointer, tag: UnsafeMutableRawBufferPointer) {
        // The tag length is the profile's 16 bytes, which AESGCM accepts.
        try? gcm?.seal(inPlace: data, nonce: nonce, aad: aad, aadSuffix: aadSuffix, tag: tag)
    }

    func open(_ data: UnsafeMutableRawBufferPointer, nonce: (high: UInt64, low: UInt32), aad: UnsafeRawBufferPointer,
              aadSuffix: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer) -> Bool {
        guard let gcm else { return false }
        do {
            try gcm.open(inPlace: data, nonce: nonce, aad: aad, aadSuffix: aadSuffix, tag: tag)
            return true
        } catch {
            return false
        }
    }
}
