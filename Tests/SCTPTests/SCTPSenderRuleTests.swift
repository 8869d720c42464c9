import SpecTesting
import Testing
@testable import SCTP

/// The data sender's rules (RFC 9260 §6.1, §6.3, §6.5, §7.2), each driven by a scripted peer
/// whose SACKs and windows the test chooses.
@Suite struct SCTPSenderRuleTests {
    @Test(.spec("RFC9260-6.1-3", "RFC9260-6.1-6", "RFC9260-6.1-5", "RFC9260-6.2.1-1", "RFC9260-6.1-8"))
    func aZeroWindowStopsNewDataExceptOneProbe() throws {
        var p = SCTPScriptedPeer(seed: 200, peerInit: SCTPScriptedPeer.peerInit(window: 1500))
        #expect(try p.userSends(1000).data.map(\.tsn) == [p.firstTSN])
        // rwnd is 1500 - 1000 outstanding = 500, smaller than the next 1000-byte chunk.
        #expect(try p.userSends(1000).data.isEmpty)
        // The peer acknowledges everything but has no room: one zero window probe, nothing in flight
        // before it, one RTO after the window closed (§6.1).
        p.now = .milliseconds(100)
        #expect(p.send([p.sack(chunks: 1, window: 0)]).data.isEmpty)
        guard let first = p.nextTimer() else { Issue.record("no probe timer"); return }
        #expect(first.time == .milliseconds(100) + p.association.sender.rto)
        #expect(first.output.data.map(\.tsn) == [p.firstTSN &+ 1])
        #expect(try p.userSends(1000).data.isEmpty)
        // The probe is dropped by the peer: still a zero window; nothing new while the probe is in flight.
        p.now = first.time + .milliseconds(100)
        #expect(p.send([p.sack(chunks: 1, window: 0)]).data.isEmpty)
        // T3-rtx sends the probe again (and only the probe).
        guard let timer = p.nextTimer() else { Issue.record("no T3-rtx"); return }
        #expect(timer.output.data.map(\.tsn) == [p.firstTSN &+ 1])
        #expect(try p.userSends(1000).data.isEmpty)
        // The window opens to 1500: the next 1000-byte chunk fits, the one after does not.
        let opened = p.send([p.sack(chunks: 2, window: 1500)])
        #expect(opened.data.map(\.tsn) == [p.firstTSN &+ 2])
        // rwnd follows a_rwnd less what is outstanding (§6.2.1): 1500 - 1000.
        #expect(p.association.sender.peerWindowAvailable == 500)
    }

    @Test(.spec("RFC9260-6.1-23", "RFC9260-6.1-25"))
    func t3StartsWithTheFirstTransmissionAndIsNotRestartedByNewData() throws {
        var p = SCTPScriptedPeer(seed: 201)
        #expect(p.association.sender.t3Deadline == nil)
        try p.userSends(100)
        let rto = p.association.sender.rto
        #expect(p.association.sender.t3Deadline == rto)
        p.now = .milliseconds(400)
        #expect(try p.userSends(100).data.count == 1)
        #expect(p.association.sender.t3Deadline == rto, "new data does not restart a running T3-rtx")
        p.now = .milliseconds(500)
        p.send([p.sack(chunks: 2)])
        #expect(p.association.sender.t3Deadline == nil)
        p.now = .milliseconds(600)
        try p.userSends(100)
        #expect(p.association.sender.t3Deadline == .milliseconds(600) + p.association.sender.rto)
    }

    @Test(.spec("RFC9260-6.1-24", "RFC9260-6.1-25", "RFC9260-7.2.4-3", "RFC9260-6.1-26"))
    func t3RestartsOnlyWhenTheEarliestOutstandingChunkIsRetransmitted() throws {
        var p = SCTPScriptedPeer(seed: 202)
        for _ in 0..<10 { try p.association.send([UInt8](repeating: 1, count: 100), stream: 0, payloadProtocolIdentifier: 53, at: p.now) }
        let burst = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(burst.data.count == 10)
        #expect(p.association.sender.t3Deadline == .seconds(1))
        // Three SACKs, each newly acknowledging a higher TSN, leave the first chunk missing three times.
        p.now = .milliseconds(100)
        var out = SCTPScriptedPeer.Output()
        for end: UInt16 in 2...4 { out = p.send([p.sack(chunks: 0, gaps: [(2, end)])]) }
        #expect(out.data.map(\.tsn) == [p.firstTSN], "fast retransmission of the earliest outstanding chunk")
        #expect(p.association.sender.t3Deadline == .milliseconds(1100), "restarted: the earliest chunk was retransmitted")
        // Now the fifth chunk goes missing three times; the first is still outstanding.
        p.now = .milliseconds(200)
        for end: UInt16 in 6...8 { out = p.send([p.sack(chunks: 0, gaps: [(2, 4), (6, end)])]) }
        #expect(out.data.map(\.tsn) == [p.firstTSN &+ 4])
        #expect(p.association.sender.t3Deadline == .milliseconds(1100), "not restarted: the earliest chunk was not retransmitted")
    }

    @Test(.spec("RFC9260-6.5-6", "RFC9260-6.5-7"))
    func streamSequenceNumbersWrapAndUnorderedMessagesLeaveThemAlone() throws {
        var p = SCTPScriptedPeer(seed: 203)
        // Skip ahead instead of sending 65534 messages first.
        p.association.sender.nextOrderedIdentifier[1] = 65534
        for unordered in [false, true, false, true, false, false] {
            try p.association.send([5], stream: 1, payloadProtocolIdentifier: 53, options: .init(unordered: unordered), at: p.now)
        }
        let out = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(out.data.count == 6)
        #expect(out.data.filter { !$0.unordered }.map(\.messageIdentifier) == [65534, 65535, 0, 1])
    }

    @Test(.spec("RFC9260-7.2.1-6", "RFC9260-7.2.1-7", "RFC9260-6.1-22", "RFC9260-6.1-11", "RFC9260-7.2.1-8", "RFC9260-7.2-4"))
    func slowStartGrowsOnlyAFullWindowByAtMostOneMTU() throws {
        var p = SCTPScriptedPeer(seed: 204)
        let mtu = p.association.configuration.maximumPacketSize
        let initial = p.association.congestionWindow
        // A window far from full: acknowledging it does not grow cwnd.
        try p.userSends(100)
        p.send([p.sack(chunks: 1)])
        #expect(p.association.congestionWindow == initial)
        // Fill the window with full-size chunks; what does not fit is accepted and waits.
        var sent = 1
        for _ in 0..<12 { sent += try p.userSends(1172).data.count }
        let flight = p.association.sender.flightSize
        #expect(flight >= initial && flight < initial + 1172 - 1, "sent up to cwnd, not past cwnd + PMDCS - 1")
        #expect(sent - 1 < 12 && p.association.sender.queuedBytes > 0)
        // One chunk acknowledged while the window is full: cwnd grows by the chunk acknowledged,
        // counted whole: 1172 bytes of data in a 1188-byte DATA chunk.
        let one = p.send([p.sack(chunks: 2)])
        #expect(p.association.congestionWindow == initial + 1172 + SCTPDataChunk.headerSize(iData: false))
        #expect(!one.data.isEmpty, "transmission resumes once acknowledged")
        // Two chunks (2376 bytes) acknowledged with the window full: growth is capped at one MTU.
        let before = p.association.congestionWindow
        #expect(p.association.sender.flightSize >= before)
        p.send([p.sack(chunks: 4)])
        #expect(p.association.congestionWindow == before + mtu)
    }

    @Test(.spec("RFC9260-7.2.2-4", "RFC9260-7.2.2-1", "RFC9260-7.2.2-2", "RFC9260-7.2.2-3"))
    func congestionAvoidanceGrowsByAtMostOneMTUPerRoundTrip() throws {
        var p = SCTPScriptedPeer(seed: 205)
        let mtu = p.association.configuration.maximumPacketSize
        p.association.sender.ssthresh = 2000
        for _ in 0..<40 { try p.association.send([UInt8](repeating: 2, count: 1172), stream: 0, payloadProtocolIdentifier: 53, at: p.now) }
        var highestSent = SCTPScriptedPeer.collect(&p.association, at: p.now).data.count
        var acked = 0
        for round in 1...3 {
            // One round trip: the peer acknowledges, one SACK per chunk, what was in flight at its start.
            let start = p.association.congestionWindow
            let roundEnd = highestSent
            p.now += .milliseconds(50)
            while acked < roundEnd {
                acked += 1
                highestSent += p.send([p.sack(chunks: acked)]).data.count
            }
            let growth = p.association.congestionWindow - start
            #expect(growth <= mtu, "round \(round): cwnd grew by \(growth)")
            #expect(growth == mtu, "round \(round): a full window grows by one MTU")
        }
    }

    @Test(.spec("RFC9260-6.3.1-1", "RFC9260-6.3.1-2"))
    func oneRTTMeasurementPerRoundTrip() throws {
        var p = SCTPScriptedPeer(seed: 206)
        for _ in 0..<3 { try p.userSends(100) }
        p.now = .milliseconds(100)
        p.send([p.sack(chunks: 1)])
        #expect(p.association.smoothedRoundTripTime == .milliseconds(100))
        // The other two chunks of the same round trip give no further measurement.
        p.now = .milliseconds(150)
        p.send([p.sack(chunks: 2)])
        p.now = .milliseconds(400)
        p.send([p.sack(chunks: 3)])
        #expect(p.association.smoothedRoundTripTime == .milliseconds(100))
        // The next round trip is measured: SRTT = 7/8 * 100 + 1/8 * 300.
        p.now = .seconds(1)
        try p.userSends(100)
        p.now = .milliseconds(1300)
        p.send([p.sack(chunks: 4)])
        #expect(p.association.smoothedRoundTripTime == .milliseconds(125))
        // And again, with a second chunk sent during the round trip left unmeasured.
        p.now = .seconds(2)
        try p.userSends(100)
        p.now = .milliseconds(2050)
        try p.userSends(100)
        p.now = .milliseconds(2100)
        p.send([p.sack(chunks: 5)])
        #expect(p.association.smoothedRoundTripTime == .microseconds(121_875))
        p.now = .milliseconds(2500)
        p.send([p.sack(chunks: 6)])
        #expect(p.association.smoothedRoundTripTime == .microseconds(121_875))
    }
}
