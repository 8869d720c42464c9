import RTCCrypto
import Wire

/// The State Cookie an INIT ACK carries (RFC 9260 §5.1.3): everything needed to create the
/// association when the COOKIE ECHO comes back, so nothing is kept between the two, with an
/// HMAC-SHA-256 over it under a secret only this endpoint knows.
struct SCTPStateCookie: Equatable {
    var localTag: UInt32
    var peerTag: UInt32
    var localInitialTSN: UInt32
    var peerInitialTSN: UInt32
    var peerReceiverWindow: UInt32
    var peerOutboundStreams: UInt16
    var peerInboundStreams: UInt16
    var localOutboundStreams: UInt16
    var localInboundStreams: UInt16
    /// Bit 0: PR-SCTP, bit 1: I-DATA, bit 2: RE-CONFIG, as both sides support them.
    var features: UInt8
    var tieTagLocal: UInt32
    var tieTagPeer: UInt32
    /// When the cookie was made, in microseconds of the association's clock.
    var createdMicroseconds: UInt64
    var lifetimeMicroseconds: UInt64
    /// The association's ports (ours, the peer's).
    var localPort: UInt16 = 5000
    var peerPort: UInt16 = 5000

    static let macSize = 32
    static let bodySize = 4 * 5 + 2 * 4 + 1 + 4 * 2 + 8 * 2 + 2 * 2

    func sealed(secret: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: SCTPStateCookie.bodySize + SCTPStateCookie.macSize)
        w.writeUInt32(localTag); w.writeUInt32(peerTag)
        w.writeUInt32(localInitialTSN); w.writeUInt32(peerInitialTSN)
        w.writeUInt32(peerReceiverWindow)
        w.writeUInt16(peerOutboundStreams); w.writeUInt16(peerInboundStreams)
        w.writeUInt16(localOutboundStreams); w.writeUInt16(localInboundStreams)
        w.writeUInt8(features)
        w.writeUInt32(tieTagLocal); w.writeUInt32(tieTagPeer)
        // spec: RFC9260-5.1.3-2 a timestamp, the lifespan, the tags and the port numbers
        // spec: RFC9260-5.1.3-6 nothing else: only what the INIT and INIT ACK already showed the peer
        // spec: RFC9260-5.1.3-7 in 89 bytes with the MAC
        // spec: RFC9260-3.3.11-3 as small as it can be
        w.writeUInt64(createdMicroseconds); w.writeUInt64(lifetimeMicroseconds)
        w.writeUInt16(localPort); w.writeUInt16(peerPort)
        var bytes = w.bytes
        // spec: RFC9260-5.1.3-1 the State Cookie carries a MAC over its contents
        // spec: RFC9260-5.1.3-3 HMAC-SHA-256 as the MAC
        bytes += HMAC<SHA256>.authenticate(bytes, key: secret)
        return bytes
    }

    /// The creation time a cookie claims (before its MAC is checked: it only picks the secret).
    static func createdMicroseconds(of cookie: [UInt8]) -> UInt64? {
        guard cookie.count == bodySize + macSize else { return nil }
        let offset = 4 * 5 + 2 * 4 + 1 + 4 * 2
        return cookie[offset..<(offset + 8)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Opens a cookie; nil when its size or MAC is wrong.
    init?(opening cookie: [UInt8], secret: [UInt8]) {
        guard cookie.count == SCTPStateCookie.bodySize + SCTPStateCookie.macSize else { return nil }
        let body = cookie[..<SCTPStateCookie.bodySize]
        let mac = Array(cookie[SCTPStateCookie.bodySize...])
        // spec: RFC9260-5.1.5-4 the computed MAC must equal the cookie's, or the packet is discarded silently
        // spec: RFC9260-5.1.5-3 a cookie whose MAC does not verify is discarded with its packet
        guard HMAC<SHA256>.verify(mac, for: body, key: secret) else { return nil }
        var r = ByteReader(body)
        do {
            localTag = try r.readUInt32(); peerTag = try r.readUInt32()
            localInitialTSN = try r.readUInt32(); peerInitialTSN = try r.readUInt32()
            peerReceiverWindow = try r.readUInt32()
            peerOutboundStreams = try r.readUInt16(); peerInboundStreams = try r.readUInt16()
            localOutboundStreams = try r.readUInt16(); localInboundStreams = try r.readUInt16()
            features = try r.readUInt8()
            tieTagLocal = try r.readUInt32(); tieTagPeer = try r.readUInt32()
            createdMicroseconds = try r.readUInt64(); lifetimeMicroseconds = try r.readUInt64()
            localPort = try r.readUInt16(); peerPort = try r.readUInt16()
        } catch {
            return nil
        }
    }

    init(localTag: UInt32, peerTag: UInt32, localInitialTSN: UInt32, peerInitialTSN: UInt32, peerReceiverWindow: UInt32,
         peerOutboundStreams: UInt16, peerInboundStreams: UInt16, localOutboundStreams: UInt16, localInboundStreams: UInt16,
         features: UInt8, tieTagLocal: UInt32, tieTagPeer: UInt32, createdMicroseconds: UInt64, lifetimeMicroseconds: UInt64,
         localPort: UInt16 = 5000, peerPort: UInt16 = 5000) {
        self.localPort = localPort
        self.peerPort = peerPort
        self.localTag = localTag
        self.peerTag = peerTag
        self.localInitialTSN = localInitialTSN
        self.peerInitialTSN = peerInitialTSN
        self.peerReceiverWindow = peerReceiverWindow
        self.peerOutboundStreams = peerOutboundStreams
        self.peerInboundStreams = peerInboundStreams
        self.localOutboundStreams = localOutboundStreams
        self.localInboundStreams = localInboundStreams
        self.features = features
        self.tieTagLocal = tieTagLocal
        self.tieTagPeer = tieTagPeer
        self.createdMicroseconds = createdMicroseconds
        self.lifetimeMicroseconds = lifetimeMicroseconds
    }
}
