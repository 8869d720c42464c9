/// The knobs of an SCTP association. Defaults follow RFC 9260 §16 and what WebRTC peers
/// use over DTLS (port 5000, a 1200-byte packet size so a DTLS record fits a typical path).
public struct SCTPAssociationConfiguration: Sendable {
    /// SCTP ports; WebRTC uses 5000 unless SDP says otherwise (RFC 8841 §5).
    /// Port 0 is refused: setting it keeps the previous value.
    // spec: RFC9260-3.1-1 the Source Port Number is never 0
    public var localPort: UInt16 = 5000 { didSet { if localPort == 0 { localPort = oldValue } } }
    // spec: RFC9260-3.1-2 nor the Destination Port Number
    public var remotePort: UInt16 = 5000 { didSet { if remotePort == 0 { remotePort = oldValue } } }
    /// Streams we ask to open and the most we accept (RFC 8831 §6.2 wants 65535 for both);
    /// 0 is raised to 1.
    // spec: RFC8831-6.2-1 65535 streams are asked for by default
    // spec: RFC9260-3.3.2-13 the Number of Outbound Streams we announce is never 0
    public var outboundStreams: UInt16 = 65535 { didSet { outboundStreams = max(1, outboundStreams) } }
    // spec: RFC9260-3.3.2-15 nor the Number of Inbound Streams
    public var maximumInboundStreams: UInt16 = 65535 { didSet { maximumInboundStreams = max(1, maximumInboundStreams) } }
    /// The receive buffer we advertise (a_rwnd) and never exceed; at least 1500 bytes. It is fixed
    /// for the life of the association (the configuration is immutable once the association exists).
    // spec: RFC9260-3.3.2-10 the a_rwnd in our INIT is never below 1500
    // spec: RFC9260-3.3.3-8 nor in our INIT ACK
    // spec: RFC9260-3.3.2-12 the receive buffer is never reduced during the association
    // spec: RFC9260-3.3.3-10 (the same for the side that sent the INIT ACK)
    public var receiveWindow: UInt32 = 1024 * 1024 { didSet { receiveWindow = max(1500, receiveWindow) } }
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
    // spec: RFC9260-16-1 the defaults are the RECOMMENDED protocol parameters of §16
    // spec: RFC9260-16-2 RTO.Min is 1 second
    public var rtoInitial: Duration = .seconds(1)
    public var rtoMinimum: Duration = .seconds(1)
    public var rtoMaximum: Duration = .seconds(60)
    /// Association.Max.Retrans and Max.Init.Retransmits.
    public var maximumAssociationRetransmissions: Int = 10
    public var maximumInitRetransmissions: Int = 8
    /// Valid.Cookie.Life.
    public var cookieLifetime: Duration = .seconds(60)
    /// How long one State Cookie secret is used before a fresh one replaces it (the one before
    /// still opens the cookies it sealed).
    public var cookieSecretLifetime: Duration = .seconds(3600)
    // spec: RFC9260-8.3-16 the side effect of tuning HB.interval is stated for whoever tunes it
    /// HB.interval (added to the RTO between HEARTBEATs on an idle path). A shorter interval
    /// finds a dead peer sooner but costs more HEARTBEATs, and with RTO added the real spacing is
    /// never below one RTO (RFC 9260 §8.3).
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
