import RTCCrypto

/// How a ``DTLSConnection`` behaves: role, identity, what it offers and accepts, timers.
public struct DTLSConfiguration: Sendable {
    /// Client (sends the first ClientHello) or server.
    public enum Role: Sendable { case client, server }

    public var role: Role
    /// Our self-signed certificate and its P-256 private key.
    public var certificate: X509Certificate
    public var privateKey: [UInt8]
    /// The peer certificate fingerprints from signalling (`a=fingerprint`); the handshake
    /// fails unless the peer's certificate matches one. Empty accepts any certificate, which
    /// only tests should do.
    public var remoteFingerprints: [Fingerprint]
    /// DTLS-SRTP protection profiles in preference order (RFC 5764 §4.1.2, RFC 7714 §14.2);
    /// empty omits use_srtp.
    // spec: RFC8827-6.5-11 SRTP_AES128_CM_HMAC_SHA1_80 (0x0001) is always offered by default
    // spec: RFC8827-6.5-5 and no profile with NULL encryption is
    public var srtpProfiles: [UInt16] = [0x0007, 0x0001, 0x0008, 0x0002]
    public var cipherSuites: [DTLSCipherSuite] = [.ecdheECDSAWithAES128GCMSHA256, .ecdheECDSAWithAES256GCMSHA384, .ecdheRSAWithAES128GCMSHA256]
    public var groups: [DTLSNamedGroup] = [.x25519, .secp256r1]
    /// Largest datagram sent (records are packed and handshake messages fragmented to fit).
    public var maximumTransmissionUnit = 1200
    /// Refuse peers without Extended Master Secret (RFC 7627 §5.2 allows either; we refuse by default).
    public var requireExtendedMasterSecret = true
    /// Server: answer a ClientHello without a valid cookie with a HelloVerifyRequest.
    // spec: RFC6347-4.2.1-16 the cookie exchange is on by default
    // spec: RFC6347-5-1 servers use it unless told amplification is no concern
    // spec: RFC6347-4.2.1-15 and it can be turned off
    public var requireCookie = true
    /// Server: the secret cookies are made with (any bytes; random per process is fine).
    public var cookieSecret: [UInt8] = []
    /// Server: ask for and require the client's certificate (WebRTC authenticates both sides).
    public var requireClientCertificate = true
    /// First retransmission timeout; it doubles after each retransmission up to 60 s.
    public var initialRetransmissionTimeout: Duration = .seconds(1)
    /// Retransmissions of one flight before the handshake fails.
    public var maximumRetransmissions = 7
    /// Emit ``DTLSEvent/keyLog(_:)`` lines in the NSS key log format (for Wireshark).
    public var keyLog = false

    public init(role: Role, certificate: X509Certificate, privateKey: [UInt8], remoteFingerprints: [Fingerprint]) {
        self.role = role
        self.certificate = certificate
        self.privateKey = privateKey
        self.remoteFingerprints = remoteFingerprints
    }
}

/// What a connection reports to its owner.
public enum DTLSEvent: Sendable, Equatable {
    /// The handshake completed. (Indirect: the certificate inside would otherwise make every
    /// application-data event as large as itself.)
    indirect case connected(DTLSConnectionInfo)
    /// Application data arrived.
    case applicationData([UInt8])
    /// The peer sent close_notify (and ours went back).
    case closed
    /// The connection failed; a fatal alert has been sent when there was one to send.
    case failed(DTLSError)
    /// An NSS key log line (`CLIENT_RANDOM …`), when asked for.
    case keyLog(String)
}

/// What the handshake agreed.
public struct DTLSConnectionInfo: Sendable, Equatable {
    public var cipherSuite: DTLSCipherSuite
    public var group: DTLSNamedGroup
    /// The DTLS-SRTP protection profile, when use_srtp was agreed.
    public var srtpProfile: UInt16?
    /// The peer's certificate; nil only for a client a server chose not to authenticate
    /// (``DTLSConfiguration/requireClientCertificate`` off).
    public var peerCertificate: X509Certificate?
}

/// SRTP master keys and salts from a DTLS-SRTP handshake (RFC 5764 §4.2), for our side and the peer's.
public struct DTLSSRTPKeyingMaterial: Sendable, Equatable {
    public var profile: UInt16
    public var localKey: [UInt8], localSalt: [UInt8]
    public var remoteKey: [UInt8], remoteSalt: [UInt8]
}
