import SpecTesting
import Testing
@testable import SCTP

/// The graceful close of RFC 9260 §9.2, driven chunk by chunk: what each SHUTDOWN state
/// refuses, answers and retransmits.
@Suite struct SCTPShutdownRuleTests {
    @Test(.spec("RFC9260-4-10", "RFC9260-4-12", "RFC9260-9.2-8", "RFC9260-9.2-9", "RFC9260-3.3.8-2", "RFC9260-6-1"))
    func shutdownReceivedRefusesNewDataButFinishesWhatIsOutstanding() throws {
        var p = SCTPScriptedPeer(seed: 100)
        var sentTSNs: [UInt32] = []
        for _ in 0..<3 { sentTSNs += try p.userSends(300).data.map(\.tsn) }
        #expect(sentTSNs == [p.firstTSN, p.firstTSN &+ 1, p.firstTSN &+ 2])
        // The peer reports the second and third chunk in a Gap Ack Block, then sends SHUTDOWN
        // acknowledging nothing cumulatively (SHUTDOWN has no Gap Ack Blocks).
        p.now = .milliseconds(50)
        p.send([p.sack(chunks: 0, gaps: [(2, 3)])])
        let shutdown = p.send([.shutdown(cumulativeTSNAck: p.firstTSN &- 1)])
        #expect(p.association.state == .shutdownReceived)
        #expect(!shutdown.chunks.contains(.shutdownAck), "DATA is still outstanding")
        // No new send requests in SHUTDOWN-RECEIVED.
        #expect(throws: SCTPSendError.notEstablished(.shutdownReceived)) {
            try p.association.send([1], stream: 0, payloadProtocolIdentifier: 53, at: p.now)
        }
        // A ULP shutdown request is ignored: nothing is sent, the state stays.
        p.association.shutdown(at: p.now)
        let ignored = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(ignored.packets.isEmpty && p.association.state == .shutdownReceived)
        // Normal data transmission goes on: T3-rtx retransmits the chunk still outstanding,
        // and only that one (the SHUTDOWN's missing gap blocks are no renege).
        guard let timer = p.nextTimer() else { Issue.record("no T3-rtx running"); return }
        #expect(timer.output.data.map(\.tsn) == [p.firstTSN])
        #expect(p.association.state == .shutdownReceived)
        // The endpoint keeps responding to SHUTDOWN: once everything is acknowledged, SHUTDOWN ACK.
        let done = p.send([.shutdown(cumulativeTSNAck: p.firstTSN &+ 2)])
        #expect(done.chunks == [.shutdownAck])
        #expect(p.association.state == .shutdownAckSent)
        #expect(throws: SCTPSendError.notEstablished(.shutdownAckSent)) {
            try p.association.send([1], stream: 0, payloadProtocolIdentifier: 53, at: p.now)
        }
        // No DATA leaves SHUTDOWN-ACK-SENT, even when a retransmission timer fires.
        guard let again = p.nextTimer() else { Issue.record("no T2-shutdown running"); return }
        #expect(again.output.chunks == [.shutdownAck])
    }

    @Test(.spec("RFC9260-9.2-2", "RFC9260-9.2-3", "RFC9260-9.2-5", "RFC9260-9.2-6", "RFC9260-9.2-10"))
    func shutdownIsRetransmittedOnT2WithTheLatestCumulativeTSN() throws {
        var configuration = SCTPAssociationConfiguration()
        configuration.maximumAssociationRetransmissions = 4
        configuration.rtoMaximum = .seconds(3)
        var p = SCTPScriptedPeer(seed: 101, configuration: configuration)
        p.send([p.nextData()])
        p.association.shutdown(at: p.now)
        let first = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(first.chunks.filter(\.isShutdown) == [.shutdown(cumulativeTSNAck: 1000)])
        #expect(p.association.state == .shutdownSent)
        #expect(p.association.t2Deadline == p.now + p.association.sender.rto)
        // A DATA packet in SHUTDOWN-SENT is answered at once with SHUTDOWN, and T2 restarts.
        p.now = .milliseconds(500)
        let answer = p.send([p.nextData()])
        #expect(answer.chunks.filter(\.isShutdown) == [.shutdown(cumulativeTSNAck: 1001)])
        #expect(p.association.t2Deadline == .milliseconds(1500))
        // T2 expiries: SHUTDOWN again with the latest cumulative TSN, the RTO doubling up to
        // RTO.Max, Association.Max.Retrans times; then the peer is unreachable.
        var shutdownTimes: [Duration] = []
        var closedAt: Duration?
        for _ in 0..<40 where closedAt == nil {
            guard let timer = p.nextTimer() else { break }
            for chunk in timer.output.chunks where chunk.isShutdown {
                #expect(chunk == .shutdown(cumulativeTSNAck: 1001))
                shutdownTimes.append(timer.time)
            }
            if timer.output.events.contains(.closed(.timedOut)) { closedAt = timer.time }
        }
        #expect(shutdownTimes == [.milliseconds(1500), .milliseconds(3500), .milliseconds(6500), .milliseconds(9500)])
        #expect(closedAt == .milliseconds(12500))
        #expect(p.association.state == .closed)
    }

    @Test(.spec("RFC9260-9.2-16", "RFC9260-9.2-17", "RFC9260-9.2-18", "RFC9260-9.2-3"))
    func shutdownAckIsRetransmittedOnT2ThenGivenUp() {
        var configuration = SCTPAssociationConfiguration()
        configuration.maximumAssociationRetransmissions = 3
        var p = SCTPScriptedPeer(seed: 102, configuration: configuration)
        let ack = p.send([.shutdown(cumulativeTSNAck: p.firstTSN &- 1)])
        #expect(ack.chunks == [.shutdownAck] && p.association.state == .shutdownAckSent)
        var ackTimes: [Duration] = []
        var closed = false
        for _ in 0..<40 where !closed {
            guard let timer = p.nextTimer() else { break }
            if timer.output.chunks.contains(.shutdownAck) { ackTimes.append(timer.time) }
            closed = timer.output.events.contains(.closed(.timedOut))
        }
        // RTO 1 s, doubling: resent at 1, 3 and 7 s; the fourth expiry (15 s) gives up.
        #expect(ackTimes == [.seconds(1), .seconds(3), .seconds(7)])
        #expect(closed && p.now == .seconds(15) && p.association.state == .closed)
    }

    @Test(.spec("RFC9260-9.2-27", "RFC9260-9.2-28"))
    func shutdownAckInShutdownAckSentCompletesTheClose() {
        var p = SCTPScriptedPeer(seed: 103)
        p.association.shutdown(at: p.now)
        let shutdown = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(shutdown.chunks == [.shutdown(cumulativeTSNAck: 999)])
        // The SHUTDOWNs cross: SHUTDOWN ACK at once, SHUTDOWN-ACK-SENT, T2 restarted.
        p.now = .milliseconds(300)
        let crossed = p.send([.shutdown(cumulativeTSNAck: p.firstTSN &- 1)])
        #expect(crossed.chunks == [.shutdownAck])
        #expect(p.association.state == .shutdownAckSent)
        #expect(p.association.t2Deadline == .milliseconds(300) + p.association.sender.rto)
        // The peer's SHUTDOWN ACK: stop T2, SHUTDOWN COMPLETE (peer's tag, T bit clear), all gone.
        let complete = p.send([.shutdownAck])
        #expect(complete.packets.count == 1)
        #expect(complete.packets.first?.chunks == [.shutdownComplete(reflectedTag: false)])
        #expect(complete.packets.first?.verificationTag == p.peerTag)
        #expect(complete.events == [.closed(.shutdown)])
        #expect(p.association.state == .closed && p.deadline() == nil)
        let after = p.send([p.nextData()])
        #expect(after.packets.isEmpty && after.events.isEmpty)
    }

    @Test(.spec("RFC9260-8.5.1-10"))
    func shutdownCompleteWithTheWrongTagIsDiscarded() {
        var p = SCTPScriptedPeer(seed: 104)
        p.send([.shutdown(cumulativeTSNAck: p.firstTSN &- 1)])
        #expect(p.association.state == .shutdownAckSent)
        let local = p.association.localVerificationTag
        // T bit clear needs our tag; T bit set needs the peer's tag. Anything else is dropped.
        for (reflected, tag) in [(false, local ^ 1), (false, p.peerTag), (true, local), (true, p.peerTag ^ 1)] {
            let out = p.send([.shutdownComplete(reflectedTag: reflected)], tag: tag)
            #expect(out.packets.isEmpty && out.events.isEmpty, "T=\(reflected) tag \(tag)")
            #expect(p.association.state == .shutdownAckSent)
        }
        let accepted = p.send([.shutdownComplete(reflectedTag: true)], tag: p.peerTag)
        #expect(accepted.events == [.closed(.shutdown)])
    }

    @Test(.spec("RFC9260-9.2-24"))
    func initInShutdownAckSentGetsTheShutdownAckAgain() {
        var p = SCTPScriptedPeer(seed: 105)
        p.send([.shutdown(cumulativeTSNAck: p.firstTSN &- 1)])
        let out = p.send([.initiation(SCTPScriptedPeer.peerInit(tag: 0x7777))], tag: 0)
        #expect(out.chunks == [.shutdownAck])
        #expect(out.packets.first?.verificationTag == p.peerTag)
        #expect(p.association.state == .shutdownAckSent)
    }

    @Test(.spec("RFC9260-5.2.4-7"))
    func aRestartedPeersCookieInShutdownAckSentIsRefused() throws {
        var p = SCTPScriptedPeer(seed: 106)
        // While established, the peer "restarts": its new INIT gets an INIT ACK with a new tag.
        let restart = p.send([.initiation(SCTPScriptedPeer.peerInit(tag: 0x0bad_cafe, initialTSN: 77))], tag: 0)
        guard case .initiationAck(let ack)? = restart.chunks.first, let cookie = ack.stateCookie else {
            Issue.record("no INIT ACK"); return
        }
        let oldLocal = p.association.localVerificationTag
        p.send([.shutdown(cumulativeTSNAck: p.firstTSN &- 1)])
        #expect(p.association.state == .shutdownAckSent)
        let out = p.send([.cookieEcho(cookie: cookie)], tag: ack.initiateTag)
        #expect(out.chunks.first == .shutdownAck)
        let errors = out.chunks.compactMap { if case .error(let causes) = $0 { return causes } else { return nil } }.flatMap { $0 }
        #expect(errors.map(\.code) == [SCTPErrorCause.cookieReceivedWhileShuttingDown])
        #expect(!out.chunks.contains(.cookieAck))
        #expect(p.association.state == .shutdownAckSent)
        #expect(p.association.localVerificationTag == oldLocal && p.association.peerTag == p.peerTag)
    }

    @Test(.spec("RFC9260-9.2-7"))
    func anyPacketFromThePeerRestartsT2AndItsCount() {
        var configuration = SCTPAssociationConfiguration()
        configuration.maximumAssociationRetransmissions = 2
        var p = SCTPScriptedPeer(seed: 107, configuration: configuration)
        p.association.shutdown(at: p.now)
        _ = SCTPScriptedPeer.collect(&p.association, at: p.now)
        guard let first = p.nextTimer() else { Issue.record("no T2"); return }
        #expect(first.time == .seconds(1) && first.output.chunks.contains(where: \.isShutdown))
        // A HEARTBEAT from the peer at 2 s: the count clears and T2 restarts (RTO now 2 s).
        p.now = .seconds(2)
        let answer = p.send([.heartbeat(info: [1, 2, 3, 4])])
        #expect(answer.chunks.contains(.heartbeatAck(info: [1, 2, 3, 4])))
        #expect(p.association.t2Deadline == .seconds(4))
        var shutdownTimes: [Duration] = []
        var closedAt: Duration?
        for _ in 0..<20 where closedAt == nil {
            guard let timer = p.nextTimer() else { break }
            if timer.output.chunks.contains(where: \.isShutdown) { shutdownTimes.append(timer.time) }
            if timer.output.events.contains(.closed(.timedOut)) { closedAt = timer.time }
        }
        // Two more retransmissions (Max.Retrans 2) counted afresh, then the peer is unreachable.
        #expect(shutdownTimes == [.seconds(4), .seconds(8)])
        #expect(closedAt == .seconds(16))
    }
}
