/// An SRTP protection profile: the cipher, the authentication and their key and tag sizes
/// (RFC 3711 §5, RFC 6188, RFC 7714), with the DTLS-SRTP identifier where one exists
/// (RFC 5764 §4.1.2, RFC 7714 §14.2).
public enum SRTPProfile: String, Sendable, CaseIterable, CustomStringConvertible {
    /// AES-128 counter mode, HMAC-SHA1 with an 80-bit tag (the RFC 3711 default).
    case aes128CmHmacSha1_80 = "AES_CM_128_HMAC_SHA1_80"
    /// AES-128 counter mode, HMAC-SHA1 with a 32-bit SRTP tag (80-bit for SRTCP).
    case aes128CmHmacSha1_32 = "AES_CM_128_HMAC_SHA1_32"
    /// AES-192 counter mode (RFC 6188), HMAC-SHA1-80.
    case aes192CmHmacSha1_80 = "AES_192_CM_HMAC_SHA1_80"
    /// AES-192 counter mode (RFC 6188), HMAC-SHA1 with a 32-bit SRTP tag.
    case aes192CmHmacSha1_32 = "AES_192_CM_HMAC_SHA1_32"
    /// AES-256 counter mode (RFC 6188), HMAC-SHA1-80.
    case aes256CmHmacSha1_80 = "AES_256_CM_HMAC_SHA1_80"
    /// AES-256 counter mode (RFC 6188), HMAC-SHA1 with a 32-bit SRTP tag.
    case aes256CmHmacSha1_32 = "AES_256_CM_HMAC_SHA1_32"
    /// No encryption, HMAC-SHA1-80 (the NULL cipher of RFC 3711 §4.1.3).
    case nullHmacSha1_80 = "NULL_HMAC_SHA1_80"
    /// No encryption, HMAC-SHA1 with a 32-bit SRTP tag.
    case nullHmacSha1_32 = "NULL_HMAC_SHA1_32"
    // spec: RFC7714-12-1 both AEAD_AES_128_GCM and AEAD_AES_256_GCM
    /// AES-128-GCM (RFC 7714), 16-byte tag.
    case aeadAES128GCM = "AEAD_AES_128_GCM"
    /// AES-256-GCM (RFC 7714), 16-byte tag.
    case aeadAES256GCM = "AEAD_AES_256_GCM"

    /// How packets are encrypted.
    public enum Cipher: Sendable { case aesCounterMode, null, aesGCM }

    public var description: String { rawValue }

    /// The cipher.
    public var cipher: Cipher {
        switch self {
        case .aeadAES128GCM, .aeadAES256GCM: return .aesGCM
        case .nullHmacSha1_80, .nullHmacSha1_32: return .null
        default: return .aesCounterMode
        }
    }

    /// Whether the profile is an AEAD one (RFC 7714): no separate HMAC.
    public var isAEAD: Bool { cipher == .aesGCM }

    // spec: RFC7714-3-2 the master key is as large as the encryption key derived from it
    /// Master key length in bytes, which is also the session encryption key length and the
    /// key length of the key-derivation PRF (RFC 6188 §3.1: AES_192/256_CM_PRF for AES-192/256;
    /// RFC 7714 §11: the AES_CM PRF of the GCM key's size).
    public var masterKeyLength: Int {
        switch self {
        case .aes128CmHmacSha1_80, .aes128CmHmacSha1_32, .nullHmacSha1_80, .nullHmacSha1_32, .aeadAES128GCM:
            // spec: RFC3711-5.1-2 the session encryption key is 128 bits by default
            // spec: RFC7714-11-1 AEAD_AES_128_GCM takes its keys from the 128-bit AES-CM PRF
            return 16
        // spec: RFC6188-3.1-1 AES-192 keys come from AES_192_CM_PRF (the 24-byte master key's PRF)
        case .aes192CmHmacSha1_80, .aes192CmHmacSha1_32: return 24
        // spec: RFC6188-3.1-2 AES-256 keys from AES_256_CM_PRF
        // spec: RFC7714-11-2 AEAD_AES_256_GCM from AES_256_CM_PRF
        case .aes256CmHmacSha1_80, .aes256CmHmacSha1_32, .aeadAES256GCM: return 32
        }
    }

    /// Master (and session) salt length in bytes: 112 bits for counter mode, 96 for GCM.
    public var masterSaltLength: Int {
        // spec: RFC3711-5.1-3 the session salt is 112 bits
        // spec: RFC3711-5.3-2 the master salt is 112 bits by default
        isAEAD ? 12 : 14
    }

    /// Session authentication key length in bytes (HMAC-SHA1: 160 bits; none for AEAD).
    public var authenticationKeyLength: Int {
        // spec: RFC3711-5.2-2 n_a is 160 bits, n_tag 80 bits, no keystream prefix for HMAC-SHA1
        // spec: RFC7714-7.1-1 AEAD profiles authenticate with the AEAD tag alone
        // spec: RFC7714-7.1-2 with no additional SRTP/SRTCP authentication tag
        isAEAD ? 0 : 20
    }

    /// SRTP authentication tag length in bytes.
    // spec: RFC3711-4.2-2 n_tag (like n_a) is fixed by the profile, hence for the key
    public var srtpTagLength: Int {
        switch self {
        case .aes128CmHmacSha1_32, .aes192CmHmacSha1_32, .aes256CmHmacSha1_32, .nullHmacSha1_32: return 4
        case .aeadAES128GCM, .aeadAES256GCM:
            // spec: RFC7714-1-2 AEAD tags are a full 16 octets
            // spec: RFC7714-1-1 never truncated
            // spec: RFC7714-10-7 the AEAD tag is 16 octets
            return 16
        default: return 10
        }
    }

    /// SRTCP authentication tag length in bytes: the _32 profiles still use 80 bits for SRTCP.
    public var srtcpTagLength: Int {
        // spec: RFC3711-5.2-3 SRTCP's HMAC-SHA1 tag is never shorter than 80 bits
        // spec: RFC3711-9.5-3 so SRTCP never runs with weak or NULL authentication
        isAEAD ? 16 : 10
    }

    /// The DTLS-SRTP protection profile identifier (RFC 5764 §4.1.2, RFC 7714 §14.2), if any.
    public var dtlsSRTPIdentifier: UInt16? {
        switch self {
        case .aes128CmHmacSha1_80: return 0x0001
        case .aes128CmHmacSha1_32: return 0x0002
        case .nullHmacSha1_80: return 0x0005
        case .nullHmacSha1_32: return 0x0006
        case .aeadAES128GCM: return 0x0007
        case .aeadAES256GCM: return 0x0008
        default: return nil
        }
    }

    /// The profile with a DTLS-SRTP identifier.
    public init?(dtlsSRTPIdentifier: UInt16) {
        guard let profile = SRTPProfile.allCases.first(where: { $0.dtlsSRTPIdentifier == dtlsSRTPIdentifier }) else { return nil }
        self = profile
    }
}
