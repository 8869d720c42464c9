/// The knobs of an SCTP association. Defaults follow RFC 9260 §16 and what WebRTC peers
/// use over DTLS (port 5000, a 1200-byte packet size so a DTLS record fits a typical path).
public struct SCTPAssociationConfiguration: Sendable {
    /// SCTP ports; WebRTC uses 5000 unless SDP says otherwise (RFC 8841 §5).
    public var localPort: UInt16 = 5000
    public var remotePort: UInt16 = 5000
    /// Streams we ask to open and the most we accept (RFC 8831 §6.2 wants 65535 for both).
    // spec: RFC8831-6.2-1 65535 streams are asked for by default
    public var outboundStreams: UInt16 = 65535
    public var maximumInboundStreams: UInt16 = 65535
    /// The receive buffer we advertise (a_rwnd) and never exceed.
    public var receiveWindow: UInt32 = 1024 * 1024
    /// The largest SCTP packet we send (before DTLS).
    // spec: RFC8261-5-7 a safe packet size of 1200 bytes or less
    public var maximumPacketSize: Int = 1200
    /// The largest packet path MTU discovery probes for (RFC 8261 §4, RFC 4821); at or below
    /// `maximumPacketSize` there is no probing. The owner sets it to what its lower layers can
    /// carry in one datagram (a DTLS record holds at most 16 KiB).
    public var maximumProbePacketSize: Int = 1200
    /// Bytes of user messages that may wait in the send queue (not yet acknowledged).
    public var sendQueueLimit: Int = 16 * 1024 * 1024
    /// The largest user message accepted, in either direction.
    public var maximumMessageSize: Int = 256 * 1024
    /// RTO bounds and start (RFC 9260 §16: 1 s, 1 s, 60 s).
    public var rtoInitial: Duration = .seconds(1)
    public var rtoMinimum: Duration = .seconds(1)
    public var rtoMaximum: Duration = .seconds(60)
    /// Association.Max.Retrans and Max.Init.Retransmits.
    public var maximumAssociationRetransmissions: Int = 10
    public var maximumInitRetransmissions: Int = 8
    /// Valid.Cookie.Life.
    public var cookieLifetime: Duration = .seconds(60)
    /// HB.interval (added to the RTO between HEARTBEATs on an idle path).
    public var heartbeatInterval: Duration = .seconds(30)
    /// The delayed-SACK timer (at most 500 ms; RFC 9260 §6.2).
    public var delayedAckTimeout: Duration = .milliseconds(200)
    /// Max.Burst: new DATA packets sent in one go.
    public var maximumBurst: Int = 4
    /// Offer I-DATA (RFC 8260); used when both sides offer it.
    // spec: RFC8831-6.1-8 message interleaving is offered by default
    // spec: RFC8831-6.6-7 so that a large message does not block the others
    public var offersInterleaving: Bool = true
    /// Offer PR-SCTP (RFC 3758).
    public var offersPartialReliability: Bool = true
    /// Offer stream reconfiguration (RFC 6525).
    public var offersReconfiguration: Bool = true

    public init() {}
}
