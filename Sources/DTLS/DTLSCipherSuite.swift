/// The cipher suites offered and accepted: ECDHE with AES-GCM (RFC 5289), the ones WebRTC
/// endpoints use (RFC 8827 §6.5 makes the first mandatory).
// spec: RFC6347-4.1.2.2-1 no RC4: only AES-GCM suites exist here
// spec: RFC8827-6.5-10 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 with P-256 is supported
// spec: RFC8827-6.5-12 every suite has forward secrecy (ECDHE) and is AEAD
public enum DTLSCipherSuite: UInt16, Sendable, CaseIterable {
    case ecdheECDSAWithAES128GCMSHA256 = 0xc02b
    case ecdheECDSAWithAES256GCMSHA384 = 0xc02c
    case ecdheRSAWithAES128GCMSHA256 = 0xc02f

    /// AES key length.
    var keyLength: Int { self == .ecdheECDSAWithAES256GCMSHA384 ? 32 : 16 }
    /// Whether the PRF and transcript hash are SHA-384 (else SHA-256).
    var usesSHA384: Bool { self == .ecdheECDSAWithAES256GCMSHA384 }
    /// Whether the server authenticates with ECDSA (else RSA).
    var isECDSA: Bool { self != .ecdheRSAWithAES128GCMSHA256 }
}
