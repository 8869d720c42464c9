import SpecTesting
import Testing
import Wire
@testable import SCTP

/// RFC 3758 (PR-SCTP) rules, one association driven by a scripted peer.
@Suite struct SCTPPartialReliabilityRuleTests {
    static func forwards(_ out: SCTPScriptedPeer.Output) -> [SCTPForwardTSNChunk] {
        out.chunks.compactMap { if case .forwardTSN(let f) = $0 { return f } else { return nil } }
    }

    static func errorCauses(_ out: SCTPScriptedPeer.Output) -> [SCTPErrorCause] {
        out.chunks.compactMap { if case .error(let causes) = $0 { return causes } else { return nil } }.flatMap { $0 }
    }

    static func fire(_ peer: inout SCTPScriptedPeer) -> (time: Duration, output: SCTPScriptedPeer.Output)? {
        peer.nextTimer()
    }

    static var withoutPRSCTP: SCTPAssociationConfiguration {
        var configuration = SCTPAssociationConfiguration()
        configuration.offersPartialReliability = false
        return configuration
    }

    @Test(.spec("RFC3758-3.3.2-1", "RFC3758-3.3.1-2", "RFC3758-3.3.2-4", "RFC3758-3.3.2-6", "RFC3758-3.3.2-8", "RFC3758-4.2-1",
                "RFC3758-4.2-2", "RFC3758-4.2-3"))
    func withoutPRSCTPForwardTSNIsUnknown() throws {
        var association = SCTPAssociation(configuration: Self.withoutPRSCTP, random: SeededGenerator(seed: 80))
        let answer = SCTPScriptedPeer.deliver(&association, [.initiation(SCTPScriptedPeer.peerInit())], tag: 0, at: .zero)
        guard case .initiationAck(let ack)? = answer.packets.first?.chunks.first, let cookie = ack.stateCookie else {
            Issue.record("no INIT ACK"); return
        }
        // The peer's Forward-TSN-Supported comes back as an unrecognized parameter; ours is absent.
        #expect(!ack.parameters.contains { $0.type == SCTPParameter.forwardTSNSupported })
        #expect(ack.parameters.contains { $0.type == SCTPParameter.unrecognizedParameter && $0.value.starts(with: [0xc0, 0x00, 0x00, 0x04]) })
        let established = SCTPScriptedPeer.deliver(&association, [.cookieEcho(cookie: cookie)], tag: ack.initiateTag, at: .zero)
        #expect(established.events.contains { if case .connected(_, _, false, _, _) = $0 { return true } else { return false } })
        #expect(!association.peerSupportsPartialReliability)
        // A FORWARD TSN is treated as an unknown chunk: ERROR, and the cumulative TSN stays.
        let before = association.receiver.cumulativeTSN
        let out = SCTPScriptedPeer.deliver(&association, [.forwardTSN(SCTPForwardTSNChunk(newCumulativeTSN: before &+ 5))],
                                           tag: association.localVerificationTag, at: .zero)
        #expect(Self.errorCauses(out).map(\.code) == [SCTPErrorCause.unrecognizedChunkType])
        #expect(association.receiver.cumulativeTSN == before)
        #expect(association.state == .established)
        // Nor does it send anything partially reliable.
        #expect(throws: SCTPSendError.partialReliabilityUnsupported) {
            try association.send([1], stream: 0, payloadProtocolIdentifier: 53, options: .init(reliability: .maximumRetransmissions(0)), at: .zero)
        }
    }

    @Test(.spec("RFC3758-3.3.2-2"))
    func anInitAckWithForwardTSNSupportedIsReportedWhenPRSCTPIsOff() throws {
        var association = SCTPAssociation(configuration: Self.withoutPRSCTP, random: SeededGenerator(seed: 81))
        association.connect(at: .zero)
        let first = SCTPScriptedPeer.collect(&association, at: .zero)
        guard case .initiation(let initiation)? = first.packets.first?.chunks.first else { Issue.record("no INIT"); return }
        var ack = SCTPScriptedPeer.peerInit(tag: 0x0bad_cafe)
        ack.parameters = [SCTPParameter(type: SCTPParameter.stateCookie, value: [1, 2, 3, 4])] + ack.parameters
        let out = SCTPScriptedPeer.deliver(&association, [.initiationAck(ack)], tag: initiation.initiateTag, at: .zero)
        #expect(out.chunks.first.map { if case .cookieEcho = $0 { return true } else { return false } } == true)
        let causes = Self.errorCauses(out)
        #expect(causes.map(\.code) == [SCTPErrorCause.unrecognizedParameters])
        #expect(causes.first?.information.starts(with: [0xc0, 0x00]) == true)
    }

    @Test(.spec("RFC3758-3.3.3-1", "RFC3758-3.3.3-2", "RFC3758-3.3.3-3"))
    func aPeerThatDoesNotRecognizeForwardTSNSupportedGetsNoPRSCTP() throws {
        var peer = SCTPScriptedPeer(seed: 82)
        #expect(peer.association.peerSupportsPartialReliability)
        let report = SCTPErrorCause(code: SCTPErrorCause.unrecognizedParameters, information: [0x80, 0x08, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00,
                                                                                              0xc0, 0x00, 0x00, 0x04])
        let out = peer.send([.error(causes: [report])])
        #expect(out.events.contains(.peerError([report])))
        #expect(!peer.association.peerSupportsPartialReliability)
        #expect(throws: SCTPSendError.partialReliabilityUnsupported) {
            try peer.userSends(10, options: .init(reliability: .lifetime(.seconds(1))))
        }
    }

    @Test(.spec("RFC3758-3.5-12", "RFC3758-3.2-3", "RFC3758-3.2-4", "RFC3758-3.2-1", "RFC3758-3.5-14", "RFC3758-3.5-15", "RFC3758-4.3-2",
                "RFC3758-4.3-3", "RFC3758-3.4-1", "RFC3758-3.5-19", "RFC3758-3.5-20", "RFC3758-4.3-1", "RFC3758-3.5-22"))
    func abandonedMessagesAreSkippedOncePerStream() throws {
        var peer = SCTPScriptedPeer(seed: 83)
        let once = SCTPSendOptions(reliability: .maximumRetransmissions(0))
        for (stream, options) in [(UInt16(2), once), (2, once), (2, once), (3, once),
                                  (4, SCTPSendOptions(unordered: true, reliability: .maximumRetransmissions(0)))] {
            try peer.association.send([UInt8](repeating: 9, count: 10), stream: stream, payloadProtocolIdentifier: 53, options: options, at: peer.now)
        }
        #expect(SCTPScriptedPeer.collect(&peer.association, at: peer.now).data.count == 5)
        let cwndBefore = peer.association.sender.cwnd
        // Nothing is acknowledged: at T3 every chunk is abandoned instead of retransmitted.
        let (time, out) = try #require(Self.fire(&peer))
        #expect(out.data.isEmpty, "nothing is retransmitted")
        let forward = try #require(Self.forwards(out).first)
        #expect(forward.newCumulativeTSN == peer.firstTSN &+ 4)
        // Each ordered stream once, with its highest SSN; the unordered message is not listed.
        #expect(forward.skipped == [.init(streamIdentifier: 2, messageIdentifier: 2), .init(streamIdentifier: 3, messageIdentifier: 0)])
        // The FORWARD TSN left at the moment of the decision, and T3 runs for it.
        #expect(peer.association.sender.t3Deadline != nil)
        #expect(peer.association.sender.t3Deadline! > time)
        // The T3 expiry reduced cwnd as for a retransmission; abandoning added no credit.
        #expect(peer.association.sender.cwnd <= cwndBefore)
        // Unanswered, the FORWARD TSN is sent again at the next T3 expiry (A5).
        let (_, again) = try #require(Self.fire(&peer))
        #expect(Self.forwards(again).first?.newCumulativeTSN == peer.firstTSN &+ 4)
        // Acknowledged: nothing more.
        let done = peer.send([peer.sack(chunks: 5)])
        #expect(Self.forwards(done).isEmpty)
        #expect(peer.association.sender.isIdle)
    }

    @Test(.spec("RFC3758-3.5-17", "RFC3758-4.1-2", "RFC3758-4.1-8", "RFC3758-4.1-10", "RFC3758-4.1-11"))
    func anExpiredMessageIsSkippedInThePacketWithTheNextData() throws {
        var peer = SCTPScriptedPeer(seed: 84)
        // Lifetime 2.5 s: it outlives the first T3 (1 s) and is retransmitted, then expires.
        let first = try peer.userSends(100, stream: 1, options: .init(reliability: .lifetime(.milliseconds(2500))))
        #expect(first.data.count == 1)
        let (_, retransmission) = try #require(Self.fire(&peer))
        #expect(retransmission.data.map(\.tsn) == [peer.firstTSN], "still alive: retransmitted like a reliable message")
        peer.now += .milliseconds(1000)
        try peer.userSends(100, stream: 5)
        // The next T3 (at 3 s) finds it expired; its FORWARD TSN shares the packet with DATA.
        let (time, out) = try #require(Self.fire(&peer))
        #expect(time >= .milliseconds(2500))
        let packet = try #require(out.packets.first { $0.chunks.contains { if case .forwardTSN = $0 { return true } else { return false } } })
        #expect(packet.chunks.contains { $0.isData }, "FORWARD TSN bundled with DATA")
        #expect(Self.forwards(out).first?.newCumulativeTSN == peer.firstTSN)
    }

    @Test(.spec("RFC3758-4.1-7", "RFC3758-4.1-9"))
    func anExpiredQueuedMessageNeverGetsATSN() throws {
        var peer = SCTPScriptedPeer(seed: 85)
        // The peer's window closes after one message.
        try peer.userSends(100, stream: 1)
        peer.now += .milliseconds(10)
        peer.send([peer.sack(chunks: 1, window: 0)])
        let next = peer.association.sender.nextTSN
        let probe = try peer.userSends(50, stream: 1)   // one zero-window probe may go
        try peer.userSends(100, stream: 2, options: .init(reliability: .lifetime(.milliseconds(100))))
        #expect(probe.data.count <= 1)
        #expect(peer.association.sender.queuedBytes >= 100)
        // The window stays shut past the lifetime; the message is dropped without a TSN. The
        // 50-byte message goes as the zero window probe (one RTO after the window closed, RFC
        // 9260 §6.1), so it alone takes a TSN.
        peer.advance(to: .seconds(2))
        peer.send([.selectiveAck(SCTPSackChunk(cumulativeTSNAck: next, advertisedReceiverWindowCredit: 100_000))])
        #expect(peer.association.sender.nextTSN == next &+ 1, "one TSN for the probe, none for the expired message")
        #expect(peer.association.sender.queuedBytes == 0)
        #expect(peer.association.statistics.messagesAbandoned == 1)
    }

    @Test(.spec("RFC3758-3.5-13"))
    func aForwardTSNThatWouldNotFitAPacketStopsEarlier() throws {
        var peerInit = SCTPSchedulerTests.interleavingPeerInit()
        peerInit.inboundStreams = 400
        var peer = SCTPScriptedPeer(seed: 86, peerInit: peerInit)
        let streams = 160   // 160 I-FORWARD-TSN entries of 8 bytes do not fit in 1200 bytes
        for stream in 0..<streams {
            try peer.association.send([7], stream: UInt16(stream), payloadProtocolIdentifier: 53,
                                      options: .init(reliability: .maximumRetransmissions(0)), at: peer.now)
        }
        let sent = SCTPScriptedPeer.collect(&peer.association, at: peer.now).data.count
        #expect(sent == streams)
        let (_, out) = try #require(Self.fire(&peer))
        let forward = try #require(Self.forwards(out).first)
        #expect(forward.isIForwardTSN)
        #expect(out.bytes.allSatisfy { $0.count <= 1200 })
        #expect(SerialNumber.less(forward.newCumulativeTSN, peer.firstTSN &+ UInt32(streams - 1)))
        #expect(forward.skipped.count == Int(forward.newCumulativeTSN &- peer.firstTSN) + 1)
        // Once the peer acknowledges that, the rest follows.
        let rest = peer.send([.selectiveAck(SCTPSackChunk(cumulativeTSNAck: forward.newCumulativeTSN, advertisedReceiverWindowCredit: 100_000))])
        #expect(Self.forwards(rest).first?.newCumulativeTSN == peer.firstTSN &+ UInt32(streams - 1))
    }

    @Test(.spec("RFC3758-3.5-21", "RFC3758-3.5-5", "RFC3758-3.5-6"))
    func outOfOrderSacksAreJudgedByTheCumulativeAckOnly() throws {
        var peer = SCTPScriptedPeer(seed: 87)
        try peer.userSends(10, stream: 1, options: .init(reliability: .maximumRetransmissions(0)))
        try peer.userSends(10, stream: 1)
        let (_, out) = try #require(Self.fire(&peer))
        #expect(Self.forwards(out).first?.newCumulativeTSN == peer.firstTSN)
        // The peer's SACK still acknowledges nothing (cumulative TSN below the Advanced.Peer.Ack.Point)
        // but is not out of order: its window is taken, then the PR-SCTP steps run again.
        peer.now += .milliseconds(10)
        let again = peer.send([.selectiveAck(SCTPSackChunk(cumulativeTSNAck: peer.firstTSN &- 1, advertisedReceiverWindowCredit: 54_321))])
        #expect(peer.association.sender.peerReceiverWindow == 54_321)
        #expect(Self.forwards(again).first?.newCumulativeTSN == peer.firstTSN)
        // An older SACK than the last one is ignored.
        peer.send([peer.sack(chunks: 2, window: 60_000)])
        peer.send([.selectiveAck(SCTPSackChunk(cumulativeTSNAck: peer.firstTSN &- 1, advertisedReceiverWindowCredit: 1))])
        #expect(peer.association.sender.peerReceiverWindow == 60_000)
    }

    @Test(.spec("RFC3758-3.6-1", "RFC3758-3.6-3", "RFC3758-3.6-4", "RFC3758-3.6-5", "RFC3758-3.6-6", "RFC3758-3.6-8", "RFC3758-3.6-9"))
    func theReceiverSkipsAndKeepsItsQueuesStraight() throws {
        var peer = SCTPScriptedPeer(seed: 88)
        let base = peer.peerNextTSN
        // SSN 0 of stream 0: first fragment only (its other fragment is abandoned by the peer).
        peer.send([peer.nextData(100, stream: 0, ssn: 0, unordered: false, beginning: true, ending: false)])
        peer.peerNextTSN &+= 1                                                // base+1 never arrives
        let held = peer.send([peer.nextData(50, stream: 0, ssn: 1, unordered: false)])   // SSN 1 waits for SSN 0
        #expect(held.messages.isEmpty)
        #expect(held.sacks.last?.gapBlocks.isEmpty == false)
        #expect(peer.association.receiver.bufferedBytes == 150)
        // FORWARD TSN over both TSNs of SSN 0: SSN 1 goes up at once; the stranded fragment is dropped.
        let skipped = peer.send([.forwardTSN(SCTPForwardTSNChunk(newCumulativeTSN: base &+ 1,
                                                                 skipped: [.init(streamIdentifier: 0, messageIdentifier: 0)]))])
        #expect(skipped.messages.map(\.payload.count) == [50])
        #expect(peer.association.receiver.cumulativeTSN == base &+ 2)
        #expect(peer.association.receiver.bufferedBytes == 0 && peer.association.receiver.fragments.isEmpty)
        // A SACK follows as for DATA (now or within the delayed-ack time), with no gap reported.
        var sack = skipped.sacks.last
        if sack == nil { sack = peer.nextTimer()?.output.sacks.last }
        #expect(sack?.cumulativeTSNAck == base &+ 2)
        #expect(sack?.gapBlocks.isEmpty == true)
        // An old FORWARD TSN changes nothing and is answered with a SACK at once.
        let stale = peer.send([.forwardTSN(SCTPForwardTSNChunk(newCumulativeTSN: base &+ 1))])
        #expect(peer.association.receiver.cumulativeTSN == base &+ 2)
        #expect(stale.sacks.last?.cumulativeTSNAck == base &+ 2)
        // The usual DATA rules hold afterwards: a duplicate is reported as one.
        let duplicate = peer.send([.data(SCTPDataChunk(tsn: base, streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 53,
                                                       userData: [1, 2, 3][...], unordered: false, beginning: true, ending: false))])
        #expect(duplicate.sacks.last?.duplicateTSNs == [base])
    }

    @Test(.spec("RFC3758-3.5-16"))
    func reliableTrafficNeverUsesForwardTSN() throws {
        var sim = SCTPFeatureTests.connected(seed: 89, path: .init(delay: .milliseconds(5), loss: 0.1),
                                             a: SCTPFeatureTests.fastRecovery, b: SCTPFeatureTests.fastRecovery)
        var forwards = 0
        sim.observe = { _, packet in
            forwards += packet.chunks.filter { if case .forwardTSN = $0 { return true } else { return false } }.count
        }
        for i in 0..<100 { try sim.a.send(SCTPLossTests.payload(i, size: 2000), stream: 1, payloadProtocolIdentifier: 53, at: sim.now) }
        sim.drainBoth()
        let done = sim.run(until: { $0.a.sender.isIdle }, limit: .seconds(120))
        #expect(done)
        #expect(sim.a.statistics.dataChunksRetransmitted > 0, "the loss made retransmissions")
        #expect(forwards == 0)
    }

    @Test(.spec("RFC3758-3.1-1", "RFC3758-3.1-2", "RFC3758-3.3.1-1", "RFC3758-3.3.2-3", "RFC3758-3.3.2-5", "RFC3758-3.3.2-7"))
    func forwardTSNSupportedIsAnnouncedAndRespected() throws {
        var association = SCTPAssociation(random: SeededGenerator(seed: 104))
        association.connect(at: .zero)
        let first = SCTPScriptedPeer.collect(&association, at: .zero)
        guard case .initiation(let initiation)? = first.packets.first?.chunks.first else { Issue.record("no INIT"); return }
        #expect(initiation.parameters.contains { $0.type == 0xc000 && $0.value.isEmpty })
        // To a peer whose INIT has no Forward-TSN-Supported, the INIT ACK still carries it ...
        var plainInit = SCTPScriptedPeer.peerInit()
        plainInit.parameters = []
        var responder = SCTPAssociation(random: SeededGenerator(seed: 105))
        let answer = SCTPScriptedPeer.deliver(&responder, [.initiation(plainInit)], tag: 0, at: .zero)
        guard case .initiationAck(let ack)? = answer.packets.first?.chunks.first, let cookie = ack.stateCookie else { Issue.record("no INIT ACK"); return }
        #expect(ack.parameters.contains { $0.type == SCTPParameter.forwardTSNSupported })
        // ... but the association never skips anything: no partial reliability, no FORWARD TSN.
        _ = SCTPScriptedPeer.deliver(&responder, [.cookieEcho(cookie: cookie)], tag: ack.initiateTag, at: .zero)
        #expect(responder.state == .established && !responder.peerSupportsPartialReliability)
        #expect(throws: SCTPSendError.partialReliabilityUnsupported) {
            try responder.send([1], stream: 0, payloadProtocolIdentifier: 53, options: .init(reliability: .maximumRetransmissions(0)), at: .zero)
        }
        try responder.send([1], stream: 0, payloadProtocolIdentifier: 53, at: .zero)
        responder.sender.forwardTSNNeeded = true   // even if something asked for one
        var now = Duration.zero
        var forwards = 0
        for _ in 0..<5 {
            let out = SCTPScriptedPeer.collect(&responder, at: now)
            forwards += out.chunks.filter { if case .forwardTSN = $0 { return true } else { return false } }.count
            guard case .timeout(let deadline?) = responder.poll(at: now) else { break }
            now = deadline
            responder.handle(.timeout, at: now)
        }
        #expect(forwards == 0)
    }

    @Test(.spec("RFC3758-3.5-3"), .spec("RFC9260-7.2-4"))
    func anAbandonedChunkEarnsNoCongestionWindow() throws {
        var peer = SCTPScriptedPeer(seed: 113)
        let x = try peer.userSends(1000, stream: 1, options: .init(reliability: .lifetime(.milliseconds(50))))
        #expect(x.data.count == 1)
        // X expires unacknowledged: abandoned, out of the flight, skipped by a FORWARD TSN.
        let expired = peer.advance(to: .milliseconds(60))
        #expect(Self.forwards(expired).first?.newCumulativeTSN == peer.firstTSN)
        #expect(peer.association.sender.flightSize == 0)
        // Reliable data fills the window again.
        for _ in 0..<5 { try peer.association.send([UInt8](repeating: 2, count: 1150), stream: 2, payloadProtocolIdentifier: 53, at: peer.now) }
        _ = SCTPScriptedPeer.collect(&peer.association, at: peer.now)
        let cwnd = peer.association.sender.cwnd
        #expect(peer.association.sender.flightSize >= cwnd, "the window is fully used")
        #expect(cwnd < peer.association.sender.ssthresh, "slow start")
        // One SACK acknowledges X (abandoned) and the first reliable chunk: only the reliable
        // chunk counts, whole with its padding: 16 + 1150 bytes padded to 1168 (crediting X's
        // 1016 too would add a full MTU, 1200).
        peer.now += .milliseconds(10)
        peer.send([peer.sack(chunks: 2)])
        #expect(peer.association.sender.cwnd == cwnd + 1168)
    }
}
