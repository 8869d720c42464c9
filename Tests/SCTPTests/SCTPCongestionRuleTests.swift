import SpecTesting
import Testing
@testable import SCTP

/// Congestion control details (RFC 9260 §6.1 rule B, Max.Burst, §7.2.1–§7.2.4): overbooking,
/// bursts, the idle decay of cwnd, the order of cwnd rules in one SACK, zero window probing.
@Suite struct SCTPCongestionRuleTests {
    static func configuration(burst: Int) -> SCTPAssociationConfiguration {
        var c = SCTPAssociationConfiguration()
        c.maximumBurst = burst
        return c
    }

    @Test(.spec("RFC9260-7.2.4-6"))
    func growthFromASackComesBeforeItsFastRetransmitCut() throws {
        var p = SCTPScriptedPeer(seed: 1300, configuration: Self.configuration(burst: 100))
        p.association.sender.cwnd = 20_000
        for _ in 0..<40 { try p.userSends(1000) }
        // Twenty 1016-byte chunks (1000 bytes of data each) fill the 20,000-byte window.
        #expect(p.association.sender.flightSize == 20 * 1016)
        p.now = .milliseconds(50)
        // f + 2 is lost; f + 3 and f + 4 arrive (offsets 4, 5 from cumulative f - 1).
        p.send([p.sack(chunks: 0, gaps: [(4, 4)])])
        p.send([p.sack(chunks: 0, gaps: [(4, 5)])])
        #expect(p.association.congestionWindow == 20_000)
        // This SACK advances the cumulative ack over f and f + 1 (slow start, window full: +1 MTU)
        // and gives f + 2 its third miss indication. Growth first: ssthresh = (20000 + 1200) / 2.
        p.send([p.sack(chunks: 2, gaps: [(2, 4)])])
        #expect(p.association.statistics.fastRetransmissions == 1)
        #expect(p.association.sender.ssthresh == 10_600)
        #expect(p.association.congestionWindow == 10_600)
    }

    @Test(.spec("RFC9260-6.1-12", "RFC9260-6.1-13", "RFC9260-7.2.1-4", "RFC9260-7.2-2", "RFC9260-6.1-19", "RFC9260-6-11"))
    func cwndIsOverbookedByLessThanOneChunkInOnePacket() throws {
        var p = SCTPScriptedPeer(seed: 1301, configuration: Self.configuration(burst: 100))
        // Queued at once, then sent: DATA chunks are bundled.
        for _ in 0..<30 {
            try p.association.send([UInt8](repeating: 1, count: 300), stream: 0, payloadProtocolIdentifier: 53, at: p.now)
        }
        let packets = SCTPScriptedPeer.collect(&p.association, at: p.now).packets
        let cwnd = p.association.congestionWindow
        let flight = p.association.sender.flightSize
        #expect(cwnd == 4404)
        let chunkLength = 300 + SCTPDataChunk.headerSize(iData: false)
        #expect(flight >= cwnd && flight - cwnd < chunkLength, "overbooked by \(flight - cwnd)")
        // Several DATA chunks per packet, and only the last packet goes beyond cwnd.
        #expect(packets.allSatisfy { $0.chunks.count <= 3 } && packets.contains { $0.chunks.count == 3 })
        var inFlight = 0
        for (i, packet) in packets.enumerated() {
            #expect(inFlight < cwnd, "packet \(i) left with cwnd already full")
            inFlight += packet.chunks.count * chunkLength
        }
        #expect(inFlight == flight)
    }

    @Test(.spec("RFC9260-6.1-15", "RFC9260-6.1-17", "RFC9260-6.1-18"))
    func maxBurstLimitsPacketsNotTheWindow() throws {
        var p = SCTPScriptedPeer(seed: 1302)
        p.association.sender.cwnd = 100_000
        var dataPackets = 0
        for _ in 0..<20 { dataPackets += try p.userSends(1000).packets.count }
        #expect(dataPackets == 4, "Max.Burst = 4 packets")
        #expect(p.association.congestionWindow == 100_000, "cwnd itself is not changed")
        // A SACK allows the next burst.
        p.now = .milliseconds(50)
        #expect(p.send([p.sack(chunks: 1)]).data.count == 4)
    }

    @Test(.spec("RFC9260-7.1-3", "RFC9260-7.2.1-10", "RFC9260-7.2.1-11", "RFC9260-7.2.2-5"))
    func anIdlePathsCwndDecaysOncePerRTO() throws {
        var p = SCTPScriptedPeer(seed: 1303)
        try p.userSends(1000)
        p.now = .milliseconds(50)
        p.send([p.sack(chunks: 1)])
        #expect(p.association.sender.rto == .seconds(1))
        // A grown window in congestion avoidance.
        p.association.sender.cwnd = 40_000
        p.association.sender.ssthresh = 10_000
        // Sent again within one RTO of the last DATA: no decay.
        p.now = .milliseconds(900)
        try p.userSends(1000)
        #expect(p.association.congestionWindow == 40_000)
        p.now = .milliseconds(950)
        p.send([p.sack(chunks: 2)])
        // 3.5 RTOs without DATA: ssthresh takes cwnd, then three halvings.
        p.now = .milliseconds(900 + 3500)
        try p.userSends(1000)
        #expect(p.association.sender.ssthresh == 40_000)
        #expect(p.association.congestionWindow == 5000)
        p.now = .milliseconds(4500)
        p.send([p.sack(chunks: 3)])
        // A long pause: never below 4 * PMDCS (and never raised by it).
        let floor = 4 * p.association.pathMaximumDataChunkSize
        p.now = .seconds(100)
        try p.userSends(1000)
        #expect(p.association.congestionWindow == min(5000, max(2500, floor)))
    }

    @Test(.spec("RFC9260-6.1-7", "RFC9260-6.1-4", "RFC9260-6.1-10", "RFC9260-6.1-2"))
    func zeroWindowProbesDoNotCountAsErrorsWhileSacksArrive() throws {
        var p = SCTPScriptedPeer(seed: 1304, peerInit: SCTPScriptedPeer.peerInit(window: 1500))
        try p.userSends(1000)
        // rwnd 500: the next 1000-byte message is not cut down to fit (no silly window).
        let small = try p.userSends(1000)
        #expect(small.data.isEmpty)
        p.now = .milliseconds(100)
        // The window closes; while cwnd is full (made so by the test) no probe may go either.
        p.association.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: p.association.localVerificationTag,
                                                chunks: [p.sack(chunks: 1, window: 0)]).encoded()), at: p.now)
        p.association.sender.cwnd = 0
        #expect(SCTPScriptedPeer.collect(&p.association, at: p.now).data.isEmpty)
        p.association.sender.cwnd = 4404
        // The first probe goes one RTO after the window closed, whole (not cut to fit).
        guard let first = p.nextTimer() else { Issue.record("no probe timer"); return }
        let probe = first.output
        #expect(probe.data.map(\.tsn) == [p.firstTSN &+ 1])
        #expect(probe.data.first?.userData.count == 1000)
        // T3 retransmits the unanswered probe: one error...
        guard let timer = p.nextTimer() else { Issue.record("no T3"); return }
        #expect(timer.output.data.map(\.tsn) == [p.firstTSN &+ 1])
        #expect(p.association.sender.errorCount == 1)
        // ...but the peer keeps answering with SACKs (window still 0): the count goes back to 0.
        p.send([p.sack(chunks: 1, window: 0)])
        #expect(p.association.sender.errorCount == 0)
    }

    @Test(.spec("RFC9260-6.1-9"))
    func cwndDecaysWhileOnlyZeroWindowProbesGo() throws {
        var p = SCTPScriptedPeer(seed: 1306)
        p.association.sender.cwnd = 20_000
        try p.userSends(1000)
        // The peer takes the chunk but closes its window; more data waits.
        p.now = .milliseconds(50)
        #expect(p.send([p.sack(chunks: 1, window: 0)]).data.isEmpty)
        for _ in 0..<10 { #expect(try p.userSends(1000).data.isEmpty) }
        // Six probes, each answered at once with the window still closed.
        var probes = 0
        while probes < 6, let timer = p.nextTimer() {
            if !timer.output.data.isEmpty {
                probes += 1
                p.send([p.sack(chunks: 1 + probes, window: 0)])
            }
        }
        #expect(probes == 6)
        #expect(p.association.congestionWindow == 20_000, "probes leave cwnd alone while the window is closed")
        // The window opens right after the last probe was answered. No data but probes went for
        // six RTOs and more, so cwnd has decayed, once per RTO, to its floor of 4 * PMDCS
        // (4 * 1172); ssthresh keeps the cwnd from before.
        p.send([p.sack(chunks: 1 + probes, window: 1_000_000)])
        #expect(p.association.congestionWindow == 4 * 1172)
        #expect(p.association.sender.ssthresh == 20_000)
    }

    @Test(.spec("RFC9260-6.3.1-5", "RFC9260-6.3.1-6"))
    func noRTTFromChunksSentBeforeARetransmissionAndRTOHasACeiling() throws {
        var p = SCTPScriptedPeer(seed: 1305)
        for _ in 0..<4 { try p.userSends(1000) }
        // TSN f is the RTT probe; it is lost and fast-retransmitted.
        p.now = .milliseconds(40)
        p.send([p.sack(chunks: 0, gaps: [(2, 2)])])
        p.send([p.sack(chunks: 0, gaps: [(2, 3)])])
        p.send([p.sack(chunks: 0, gaps: [(2, 4)])])
        #expect(p.association.statistics.fastRetransmissions == 1)
        p.now = .milliseconds(80)
        p.send([p.sack(chunks: Int(p.association.sender.nextTSN &- p.firstTSN))])
        #expect(p.association.smoothedRoundTripTime == nil, "no measurement from a retransmitted round")
        // RTO.Max caps the RTO whatever the samples.
        p.association.sender.measureRTT(.seconds(100), configuration: p.association.configuration)
        #expect(p.association.sender.rto == .seconds(60))
    }
}
