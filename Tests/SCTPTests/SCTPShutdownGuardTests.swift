import SpecTesting
import Testing
@testable import SCTP

/// What goes with a SHUTDOWN (RFC 9260 §9.2: a SACK for gaps, T5-shutdown-guard), the states
/// on the way out (§4), and what a closed association keeps (§14.2).
@Suite struct SCTPShutdownGuardTests {
    @Test(.spec("RFC9260-9.2-11", "RFC9260-9.2-4", "RFC9260-3.3.8-3", "RFC9260-6.2-19", "RFC9260-6.2-16", "RFC9260-8.3-2"))
    func aShutdownWithGapsGoesWithASack() {
        var p = SCTPScriptedPeer(seed: 1200)
        // TSN 1000 and 1002 arrive, 1001 is missing.
        let first = p.nextData()
        _ = p.nextData()
        let third = p.nextData()
        p.send([first, third])
        p.association.shutdown(at: p.now)
        let out = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(out.packets.count == 1)
        #expect(out.packets.first?.chunks.map(\.type) == [SCTPChunkType.selectiveAck, SCTPChunkType.shutdown])
        #expect(out.sacks.first?.cumulativeTSNAck == 1000 && out.sacks.first?.gapBlocks == [.init(start: 2, end: 2)])
        #expect(out.chunks.contains(.shutdown(cumulativeTSNAck: 1000)))
        #expect(p.association.heartbeatDeadline == nil, "no HEARTBEATs once SHUTDOWN is sent")
        // Without gaps the SHUTDOWN acknowledges alone.
        var q = SCTPScriptedPeer(seed: 1201)
        q.send([q.nextData()])
        q.association.shutdown(at: q.now)
        #expect(SCTPScriptedPeer.collect(&q.association, at: q.now).chunks == [.shutdown(cumulativeTSNAck: 1000)])
    }

    @Test(.spec("RFC9260-4-9"))
    func dataInShutdownSentIsAcknowledgedAtOnce() {
        var p = SCTPScriptedPeer(seed: 1202)
        p.send([p.nextData()])
        p.association.shutdown(at: p.now)
        _ = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(p.association.state == .shutdownSent)
        // Two more DATA packets, in order: each is acknowledged at once (no delayed-SACK timer wait).
        p.now = .milliseconds(10)
        #expect(p.send([p.nextData()]).chunks.contains(.shutdown(cumulativeTSNAck: 1001)))
        p.now = .milliseconds(20)
        let out = p.send([p.nextData()])
        #expect(out.chunks.contains(.shutdown(cumulativeTSNAck: 1002)))
        #expect(out.packets.count == 1)
    }

    @Test(.spec("RFC9260-9.2-12", "RFC9260-9.2-13", "RFC9260-9.2-14"))
    func theShutdownGuardAbortsAShutdownThatNeverEnds() {
        var configuration = SCTPAssociationConfiguration()
        configuration.maximumAssociationRetransmissions = 1000
        configuration.rtoMaximum = .seconds(2)
        var p = SCTPScriptedPeer(seed: 1203, configuration: configuration)
        p.association.shutdown(at: p.now)
        _ = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(p.association.t5Deadline == .seconds(10), "5 × RTO.Max")
        var last = SCTPScriptedPeer.Output()
        var time: Duration = .zero
        var shutdowns = 0
        while p.association.state != .closed, time < .seconds(60) {
            guard let fired = p.nextTimer() else { break }
            time = fired.time
            last = fired.output
            shutdowns += fired.output.chunks.filter(\.isShutdown).count
        }
        #expect(p.association.state == .closed)
        #expect(time == .seconds(10))
        #expect(shutdowns >= 3, "T2 kept resending SHUTDOWN until T5 fired")
        #expect(last.chunks == [.abort(reflectedTag: false, causes: [])])
        #expect(last.packets.first?.verificationTag == p.peerTag)
        #expect(last.events == [.closed(.timedOut)])
    }

    @Test(.spec("RFC9260-4-11", "RFC9260-3.3.9-1", "RFC9260-6-5"))
    func shutdownReceivedSendsWhatIsQueuedThenTheShutdownAck() throws {
        var p = SCTPScriptedPeer(seed: 1204)
        for _ in 0..<6 { try p.userSends(1000) }
        let sent = Int(p.association.sender.nextTSN &- p.firstTSN)
        #expect(sent < 6, "some messages still queued")
        p.now = .milliseconds(50)
        let afterShutdown = p.send([.shutdown(cumulativeTSNAck: p.firstTSN &- 1)])
        #expect(p.association.state == .shutdownReceived)
        #expect(!afterShutdown.chunks.contains(.shutdownAck))
        // The peer acknowledges what it has: the rest goes out, still in SHUTDOWN-RECEIVED.
        p.now = .milliseconds(100)
        let rest = p.send([p.sack(chunks: sent)])
        #expect((afterShutdown.data + rest.data).map(\.tsn).last == p.firstTSN &+ 5)
        #expect(p.association.state == .shutdownReceived)
        // Everything acknowledged: SHUTDOWN ACK, SHUTDOWN-ACK-SENT.
        p.now = .milliseconds(150)
        let done = p.send([p.sack(chunks: 6)])
        #expect(done.chunks.contains(.shutdownAck))
        #expect(p.association.state == .shutdownAckSent)
    }

    @Test(.spec("RFC9260-14.2-1"))
    func aClosedAssociationKeepsNoState() throws {
        var p = SCTPScriptedPeer(seed: 1205)
        for _ in 0..<10 { try p.userSends(1000, stream: 2) }
        // A message in reassembly and one out of order.
        p.send([p.nextData(500, ending: false)])
        _ = p.nextData()
        p.send([p.nextData()])
        #expect(p.association.receiver.bufferedBytes > 0 && !p.association.receiver.received.isEmpty)
        p.association.abort(reason: "done", at: p.now)
        _ = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(p.association.state == .closed)
        #expect(p.association.bufferedAmount == 0)
        #expect(p.association.receiver.bufferedBytes == 0 && p.association.receiver.received.isEmpty)
        #expect(p.association.receiver.fragments.isEmpty && p.association.pendingControl.isEmpty)
        #expect(p.association.nextDeadline() == nil)
    }
}
