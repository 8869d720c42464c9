import SpecTesting
@testable import SCTP

/// One association under test, driven chunk by chunk by a scripted peer: the test writes
/// every packet the peer sends and reads every packet (and event) the association answers
/// with, on a clock it moves itself. The peer announces plain DATA (no I-DATA) so the
/// RFC 9260 chunks are what goes on the wire.
struct SCTPScriptedPeer {
    /// What the association put out for one input: packets (parsed and as bytes) and events.
    struct Output {
        var packets: [SCTPPacket] = []
        var bytes: [[UInt8]] = []
        var events: [SCTPEvent] = []
        /// The chunks of every packet, in order.
        var chunks: [SCTPChunk] { packets.flatMap(\.chunks) }
        var data: [SCTPDataChunk] { chunks.compactMap { if case .data(let d) = $0 { return d } else { return nil } } }
        var sacks: [SCTPSackChunk] { chunks.compactMap { if case .selectiveAck(let s) = $0 { return s } else { return nil } } }
        var messages: [SCTPMessage] { events.compactMap { if case .message(let m) = $0 { return m } else { return nil } } }
    }

    var association: SCTPAssociation
    var now: Duration = .zero
    /// The peer's Initiate Tag (what the association puts in every packet to the peer).
    let peerTag: UInt32
    /// The peer's next TSN for DATA it sends.
    var peerNextTSN: UInt32
    /// The association's first TSN.
    var firstTSN: UInt32 { association.localInitialTSN }

    /// The INIT the scripted peer sends.
    static func peerInit(tag: UInt32 = 0x5eed_0001, window: UInt32 = 1_000_000, outboundStreams: UInt16 = 16,
                         inboundStreams: UInt16 = 16, initialTSN: UInt32 = 1000) -> SCTPInitChunk {
        SCTPInitChunk(initiateTag: tag, advertisedReceiverWindowCredit: window, outboundStreams: outboundStreams,
                      inboundStreams: inboundStreams, initialTSN: initialTSN,
                      parameters: [SCTPParameter(type: SCTPParameter.forwardTSNSupported, value: []),
                                   SCTPParameter(type: SCTPParameter.supportedExtensions,
                                                 value: [SCTPChunkType.forwardTSN, SCTPChunkType.reconfig])])
    }

    /// An association that answered the peer's INIT and COOKIE ECHO: ESTABLISHED, passive side.
    init(seed: UInt64, configuration: SCTPAssociationConfiguration = .init(), peerInit: SCTPInitChunk = SCTPScriptedPeer.peerInit()) {
        association = SCTPAssociation(configuration: configuration, random: SeededGenerator(seed: seed))
        peerTag = peerInit.initiateTag
        peerNextTSN = peerInit.initialTSN
        let answer = Self.deliver(&association, [.initiation(peerInit)], tag: 0, at: .zero)
        guard case .initiationAck(let ack)? = answer.packets.first?.chunks.first, let cookie = ack.stateCookie else {
            fatalError("no INIT ACK with a cookie")
        }
        let established = Self.deliver(&association, [.cookieEcho(cookie: cookie)], tag: ack.initiateTag, at: .zero)
        precondition(association.state == .established && established.chunks.first == .cookieAck, "handshake failed")
    }

    /// Hands one packet to an association and collects what comes out until it waits.
    static func deliver(_ association: inout SCTPAssociation, _ chunks: [SCTPChunk], tag: UInt32, at now: Duration) -> Output {
        association.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: tag, chunks: chunks).encoded()), at: now)
        return collect(&association, at: now)
    }

    static func collect(_ association: inout SCTPAssociation, at now: Duration) -> Output {
        var out = Output()
        while true {
            switch association.poll(at: now) {
            case .transmit(let bytes):
                out.bytes.append(bytes)
                out.packets.append(try! SCTPPacket(parsing: bytes))
            case .event(let event): out.events.append(event)
            case .timeout: return out
            }
        }
    }

    /// The peer sends `chunks` (with the association's tag unless `tag` says otherwise).
    @discardableResult
    mutating func send(_ chunks: [SCTPChunk], tag: UInt32? = nil) -> Output {
        Self.deliver(&association, chunks, tag: tag ?? association.localVerificationTag, at: now)
    }

    /// The user of the association sends a message; returns what goes out at once.
    @discardableResult
    mutating func userSends(_ size: Int, stream: UInt16 = 0, options: SCTPSendOptions = .init()) throws -> Output {
        try association.send([UInt8](repeating: UInt8(truncatingIfNeeded: size), count: size), stream: stream,
                             payloadProtocolIdentifier: 53, options: options, at: now)
        return Self.collect(&association, at: now)
    }

    /// The association's next deadline.
    mutating func deadline() -> Duration? {
        guard case .timeout(let deadline) = association.poll(at: now) else { fatalError("output left undrained") }
        return deadline
    }

    /// Moves the clock to `time` (firing whatever timers are due) and collects the output.
    @discardableResult
    mutating func advance(to time: Duration) -> Output {
        now = time
        association.handle(.timeout, at: now)
        return Self.collect(&association, at: now)
    }

    /// Moves the clock to the association's next deadline; nil when none is set.
    mutating func nextTimer() -> (time: Duration, output: Output)? {
        guard let deadline = deadline() else { return nil }
        return (deadline, advance(to: deadline))
    }

    /// A DATA chunk from the peer carrying the next TSN: one whole message unless told otherwise.
    mutating func nextData(_ size: Int = 100, stream: UInt16 = 0, ssn: UInt32 = 0, unordered: Bool = true,
                           beginning: Bool = true, ending: Bool = true, immediate: Bool = false) -> SCTPChunk {
        defer { peerNextTSN &+= 1 }
        return .data(SCTPDataChunk(tsn: peerNextTSN, streamIdentifier: stream, messageIdentifier: ssn, payloadProtocolIdentifier: 53,
                                   userData: [UInt8](repeating: 7, count: size)[...], unordered: unordered,
                                   beginning: beginning, ending: ending, immediate: immediate))
    }

    /// A SACK from the peer acknowledging the association's TSNs up to `firstTSN + upTo - 1`
    /// (`upTo` chunks) and gap blocks given as offsets.
    func sack(chunks upTo: Int, gaps: [(UInt16, UInt16)] = [], window: UInt32 = 1_000_000) -> SCTPChunk {
        .selectiveAck(SCTPSackChunk(cumulativeTSNAck: firstTSN &+ UInt32(upTo) &- 1, advertisedReceiverWindowCredit: window,
                                    gapBlocks: gaps.map { .init(start: $0.0, end: $0.1) }))
    }
}

extension SCTPChunk {
    var isData: Bool { if case .data = self { return true }; return false }
    var isSack: Bool { if case .selectiveAck = self { return true }; return false }
    var isShutdown: Bool { if case .shutdown = self { return true }; return false }
}
