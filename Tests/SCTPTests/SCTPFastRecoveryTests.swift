import SpecTesting
import Testing
@testable import SCTP

/// Fast Retransmit and Fast Recovery (RFC 9260 §7.2.4), driven by a scripted peer's SACKs.
@Suite struct SCTPFastRecoveryTests {
    /// A SACK from the peer that acknowledges nothing cumulatively and reports these gap blocks.
    static func gapSack(_ p: SCTPScriptedPeer, _ gaps: [(UInt16, UInt16)]) -> SCTPChunk {
        p.sack(chunks: 0, gaps: gaps)
    }

    @Test(.spec("RFC9260-7.2.4-4"))
    func aFastRetransmissionIgnoresAFullCongestionWindow() throws {
        var p = SCTPScriptedPeer(seed: 950)
        for _ in 0..<12 { try p.userSends(1000) }
        let f = p.firstTSN
        // TSN f is lost; the next ones are reported in gap blocks (offsets from cumulative f - 1).
        p.now = .milliseconds(50)
        p.send([Self.gapSack(p, [(2, 2)])])
        p.send([Self.gapSack(p, [(2, 3)])])
        // The third miss indication: f is marked for Fast Retransmit. Before the association builds
        // its next packet, the congestion window is made full.
        var association = p.association
        association.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: association.localVerificationTag,
                                              chunks: [Self.gapSack(p, [(2, 4)])]).encoded()), at: p.now)
        #expect(association.sender.fastRetransmitPending)
        association.sender.cwnd = 1
        let out = SCTPScriptedPeer.collect(&association, at: p.now)
        // The retransmission goes at once anyway, in one packet, and nothing new goes with it.
        #expect(out.data.map(\.tsn) == [f])
        #expect(out.packets.filter { $0.chunks.contains(where: \.isData) }.count == 1)
        #expect(association.statistics.fastRetransmissions == 1)
        // With the window still full, a later packet carries no new DATA.
        association.handle(.timeout, at: p.now + .milliseconds(1))
        #expect(SCTPScriptedPeer.collect(&association, at: p.now + .milliseconds(1)).data.isEmpty)
    }

    @Test(.spec("RFC9260-7.2.4-5"))
    func aSecondFastRetransmitInFastRecoveryLeavesCwndAndSsthresh() throws {
        var p = SCTPScriptedPeer(seed: 951)
        for _ in 0..<16 { try p.userSends(1000) }
        let sentFirst = p.association.sender.nextTSN &- p.firstTSN
        #expect(sentFirst == 4, "Max.Burst: four packets")
        p.now = .milliseconds(50)
        p.send([Self.gapSack(p, [(2, 2)])])
        p.send([Self.gapSack(p, [(2, 3)])])
        let first = p.send([Self.gapSack(p, [(2, 4)])])
        #expect(first.data.first?.tsn == p.firstTSN, "TSN f fast-retransmitted")
        #expect(p.association.sender.fastRecoveryExit != nil)
        let cwnd = p.association.congestionWindow
        let ssthresh = p.association.sender.ssthresh
        #expect(ssthresh == max(4404 / 2, 4 * 1200) && cwnd == ssthresh)
        // Now TSN f + 4 (offset 5) is lost as well, while f is still missing: three more SACKs with
        // newer TSNs (offsets 6, 7, 8) reported.
        p.send([Self.gapSack(p, [(2, 4), (6, 6)])])
        p.send([Self.gapSack(p, [(2, 4), (6, 7)])])
        let second = p.send([Self.gapSack(p, [(2, 4), (6, 8)])])
        #expect(second.data.first?.tsn == p.firstTSN &+ 4, "TSN f + 4 fast-retransmitted")
        #expect(p.association.statistics.fastRetransmissions == 2)
        // Still in the same Fast Recovery: neither cwnd nor ssthresh is reduced again.
        #expect(p.association.congestionWindow == cwnd)
        #expect(p.association.sender.ssthresh == ssthresh)
    }

    @Test(.spec("RFC9260-6.1-20"))
    func aRetransmissionAndNewDataShareAPacket() throws {
        var p = SCTPScriptedPeer(seed: 952)
        for _ in 0..<30 {
            try p.association.send([UInt8](repeating: 5, count: 300), stream: 0, payloadProtocolIdentifier: 53, at: p.now)
        }
        let sent = SCTPScriptedPeer.collect(&p.association, at: p.now).data.count
        #expect(sent < 30)
        let f = p.firstTSN
        p.now = .milliseconds(50)
        p.send([Self.gapSack(p, [(2, 2)])])
        p.send([Self.gapSack(p, [(2, 3)])])
        let out = p.send([Self.gapSack(p, [(2, 4)])])
        // The packet with the retransmission of f also carries new TSNs.
        guard let packet = out.packets.first(where: { $0.chunks.contains { if case .data(let d) = $0 { return d.tsn == f }; return false } }) else {
            Issue.record("f not retransmitted"); return
        }
        let tsns = packet.chunks.compactMap { if case .data(let d) = $0 { return d.tsn } else { return nil } }
        #expect(tsns.first == f)
        #expect(tsns.dropFirst().contains { SerialNumber.less(f &+ UInt32(sent), $0) || $0 == f &+ UInt32(sent) })
        #expect(p.association.packetSizeLimit >= out.bytes.map(\.count).max() ?? 0)
    }
}
