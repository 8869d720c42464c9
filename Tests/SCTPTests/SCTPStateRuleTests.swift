import SpecTesting
import Testing
@testable import SCTP

/// Chunks that arrive in the wrong state, bad INIT ACKs, and the COOKIE ECHO timer.
@Suite struct SCTPStateRuleTests {
    /// Feeds one packet and returns what comes out (packets and events) until the association waits.
    static func feed(_ association: inout SCTPAssociation, _ chunks: [SCTPChunk], tag: UInt32, at now: Duration = .zero)
        -> (packets: [SCTPPacket], events: [SCTPEvent]) {
        association.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: tag, chunks: chunks).encoded()), at: now)
        return drain(&association, at: now)
    }

    static func drain(_ association: inout SCTPAssociation, at now: Duration) -> (packets: [SCTPPacket], events: [SCTPEvent]) {
        var packets: [SCTPPacket] = [], events: [SCTPEvent] = []
        while true {
            switch association.poll(at: now) {
            case .transmit(let bytes): packets.append(try! SCTPPacket(parsing: bytes))
            case .event(let event): events.append(event)
            case .timeout: return (packets, events)
            }
        }
    }

    /// An association that sent INIT and waits in COOKIE-WAIT.
    static func waiting(seed: UInt64) -> (SCTPAssociation, SCTPInitChunk) {
        var association = SCTPAssociation(random: SeededGenerator(seed: seed))
        association.connect(at: .zero)
        let out = drain(&association, at: .zero)
        guard case .initiation(let initiation)? = out.packets.first?.chunks.first else { fatalError("no INIT") }
        return (association, initiation)
    }

    @Test(.spec("RFC9260-3.3.3-6", "RFC9260-3.3.3-9", "RFC9260-3.3.3-12", "RFC9260-3.3.3-15", "RFC9260-3.3.3-2", "RFC9260-5.1.2-2"))
    func badInitAcksEndTheSetup() {
        let good = SCTPInitChunk(initiateTag: 500, advertisedReceiverWindowCredit: 100_000, outboundStreams: 5, inboundStreams: 5, initialTSN: 9,
                                 parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: [1, 2, 3, 4])])
        let broken: [SCTPInitChunk] = [
            { var c = good; c.initiateTag = 0; return c }(),
            { var c = good; c.advertisedReceiverWindowCredit = 1499; return c }(),
            { var c = good; c.outboundStreams = 0; return c }(),
            { var c = good; c.inboundStreams = 0; return c }(),
            { var c = good; c.parameters.append(SCTPParameter(type: SCTPParameter.hostNameAddress, value: Array("h.example\0".utf8))); return c }(),
        ]
        for (i, ack) in broken.enumerated() {
            var (association, initiation) = Self.waiting(seed: 40 + UInt64(i))
            let out = Self.feed(&association, [.initiationAck(ack)], tag: initiation.initiateTag)
            #expect(association.state == .closed, "case \(i)")
            #expect(out.packets.contains { if case .abort? = $0.chunks.first { return true }; return false }, "case \(i)")
            #expect(out.events.contains { if case .closed(.abortedLocally) = $0 { return true }; return false }, "case \(i)")
        }
        var (association, initiation) = Self.waiting(seed: 49)
        let out = Self.feed(&association, [.initiationAck(good)], tag: initiation.initiateTag)
        #expect(association.state == .cookieEchoed)
        #expect(out.packets.first?.chunks.first == .cookieEcho(cookie: [1, 2, 3, 4]))
    }

    @Test(.spec("RFC9260-5.1.4-3", "RFC9260-5.1.4-4", "RFC9260-4-6", "RFC9260-4-7", "RFC9260-4-8"))
    func cookieEchoIsRetransmittedThenGivenUp() {
        var (association, initiation) = Self.waiting(seed: 50)
        let ack = SCTPInitChunk(initiateTag: 600, advertisedReceiverWindowCredit: 100_000, outboundStreams: 5, inboundStreams: 5, initialTSN: 9,
                                parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: [9, 9, 9, 9])])
        var echoes = Self.feed(&association, [.initiationAck(ack)], tag: initiation.initiateTag).packets.count
        var now = Duration.zero
        var closed = false
        for _ in 0..<50 where !closed {
            guard case .timeout(let deadline?) = association.poll(at: now) else { break }
            now = deadline
            association.handle(.timeout, at: now)
            let out = Self.drain(&association, at: now)
            echoes += out.packets.filter { $0.chunks.first == .cookieEcho(cookie: [9, 9, 9, 9]) && $0.verificationTag == 600 }.count
            closed = out.events.contains(.closed(.timedOut))
        }
        #expect(echoes == 9, "the COOKIE ECHO and Max.Init.Retransmits (8) retransmissions")
        #expect(closed)
    }

    @Test(.spec("RFC9260-3.3.3-7", "RFC9260-5.2.3-1", "RFC9260-5.2.5-1", "RFC9260-8.5.1-11", "RFC9260-9.2-20", "RFC9260-6-8",
                "RFC9260-6-2", "RFC9260-6-4"))
    func chunksOutOfStateAreDiscarded() {
        var sim = SCTPSimulation(seed: 51)
        _ = sim.connect()
        let tag = sim.b.localVerificationTag
        let strayAck = SCTPInitChunk(initiateTag: 700, advertisedReceiverWindowCredit: 100_000, outboundStreams: 5, inboundStreams: 5, initialTSN: 1,
                                     parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: [1, 2, 3, 4])])
        let before = sim.b.peerTag
        for chunks in [[SCTPChunk.initiationAck(strayAck)], [.cookieAck], [.shutdownComplete(reflectedTag: false)]] {
            let out = Self.feed(&sim.b, chunks, tag: tag, at: sim.now)
            #expect(out.packets.isEmpty && out.events.isEmpty)
            #expect(sim.b.state == .established && sim.b.peerTag == before)
        }
        // DATA and SACK before the association exists are not processed.
        var (waiting, initiation) = Self.waiting(seed: 52)
        let data = SCTPDataChunk(tsn: 1, streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 51, userData: [1][...])
        let out = Self.feed(&waiting, [.data(data), .selectiveAck(.init(cumulativeTSNAck: 0, advertisedReceiverWindowCredit: 5000))], tag: initiation.initiateTag)
        #expect(out.events.isEmpty && waiting.state == .cookieWait && waiting.statistics.dataChunksReceived == 0)
    }

    @Test(.spec("RFC9260-9.2-26"))
    func shutdownWhileSettingUpIsDiscarded() {
        var (association, initiation) = Self.waiting(seed: 53)
        let out = Self.feed(&association, [.shutdown(cumulativeTSNAck: 0)], tag: initiation.initiateTag)
        #expect(out.packets.isEmpty && association.state == .cookieWait)
    }

    @Test(.spec("RFC9260-7.2.1-1", "RFC9260-7.2.1-3", "RFC9260-5.1-20"))
    func congestionStateStartsAsTheRFCSays() {
        var sim = SCTPSimulation(seed: 54)
        _ = sim.connect()
        #expect(sim.a.congestionWindow == min(4 * 1200, max(2 * 1200, 4404)))
        #expect(sim.a.sender.ssthresh == Int(sim.b.configuration.receiveWindow))
        #expect(sim.a.sender.cumulativeAckPoint == sim.a.sender.nextTSN &- 1)
    }
}
