import SpecTesting
import Testing
@testable import SCTP

/// The receiver's acknowledgements and window (RFC 9260 §6.2, §6.5, §6.6), serial number
/// arithmetic across the wrap (§1.6), and the DATA chunk's layout (§3.3.1).
@Suite struct SCTPReceiverWindowTests {
    @Test(.spec("RFC9260-6.2-9", "RFC9260-6.2-10", "RFC9260-6.2-12", "RFC9260-6-13"))
    func atMostOneSackPerPacketAndBundledFragmentsAreReassembled() {
        var p = SCTPScriptedPeer(seed: 1400)
        var sacks = 0, packets = 0
        var delivered: [SCTPMessage] = []
        // 20 packets, each bundling a whole message and the two halves of another (ordered, SSN i).
        for i in 0..<20 {
            p.now = .milliseconds(10 * i)
            let out = p.send([p.nextData(50), p.nextData(300, ssn: UInt32(i), unordered: false, ending: false),
                              p.nextData(300, ssn: UInt32(i), unordered: false, beginning: false)])
            packets += 1
            sacks += out.sacks.count
            delivered += out.messages
            #expect(out.sacks.count <= 1)
        }
        #expect(sacks <= packets && sacks >= packets / 2)
        #expect(delivered.count == 40)
        #expect(delivered.filter { !$0.unordered }.map(\.payload.count) == Array(repeating: 600, count: 20))
    }

    @Test(.spec("RFC9260-6.2-13", "RFC9260-6.2-15", "RFC9260-6.2-7", "RFC9260-5.1-19"))
    func theDelayedAckTimeIsConfigurableButNeverAbove500ms() {
        for (configured, expected) in [(Duration.seconds(2), Duration.milliseconds(500)), (.milliseconds(100), .milliseconds(100))] {
            var configuration = SCTPAssociationConfiguration()
            configuration.delayedAckTimeout = configured
            var p = SCTPScriptedPeer(seed: 1401, configuration: configuration)
            // The first DATA is acknowledged at once; the next packet waits for the timer; the one after goes at once.
            #expect(p.send([p.nextData()]).sacks.count == 1)
            p.now = .seconds(1)
            #expect(p.send([p.nextData()]).sacks.isEmpty)
            #expect(p.association.receiver.delayedAckDeadline == .seconds(1) + expected)
            p.now = .seconds(1) + .milliseconds(1)
            #expect(p.send([p.nextData()]).sacks.count == 1, "every second packet")
            p.now = .seconds(2)
            #expect(p.send([p.nextData()]).sacks.isEmpty)
            guard let timer = p.nextTimer() else { Issue.record("no delayed-ack timer"); continue }
            #expect(timer.time == .seconds(2) + expected)
            #expect(timer.output.sacks.count == 1)
        }
    }

    @Test(.spec("RFC9260-6.2-22"))
    func aDuplicateBundledWithNewDataIsAcknowledgedAtOnce() {
        var p = SCTPScriptedPeer(seed: 1402)
        let first = p.nextData()
        #expect(p.send([first]).sacks.count == 1)
        p.now = .milliseconds(10)
        let out = p.send([first, p.nextData()])
        #expect(out.sacks.count == 1)
        #expect(out.sacks.first?.duplicateTSNs == [1000] && out.sacks.first?.cumulativeTSNAck == 1001)
    }

    @Test(.spec("RFC9260-6.6-4"))
    func anUnorderedChunksSequenceNumberIsIgnored() {
        var p = SCTPScriptedPeer(seed: 1403)
        let out = p.send([p.nextData(10, ssn: 777, unordered: true), p.nextData(20, ssn: 0, unordered: false)])
        #expect(out.messages.map(\.payload.count) == [10, 20], "the ordered SSN 0 is not held behind 777")
        #expect(p.association.receiver.streams[0]?.nextIdentifier == 1)
    }

    @Test(.spec("RFC9260-6.5-3", "RFC9260-3-2", "RFC9260-12.4-3"))
    func anInvalidStreamErrorTravelsWithTheSack() {
        var p = SCTPScriptedPeer(seed: 1404, peerInit: SCTPScriptedPeer.peerInit(outboundStreams: 2))
        let out = p.send([p.nextData(stream: 5)])
        #expect(out.packets.count == 1)
        #expect(out.packets.first?.chunks.map(\.type).sorted() == [SCTPChunkType.selectiveAck, SCTPChunkType.error].sorted())
    }

    @Test(.spec("RFC9260-6.2-34", "RFC9260-6.2-29", "RFC9260-6.2-35", "RFC9260-6.2-6"))
    func dataOnceAcknowledgedInAGapBlockIsNeverRevoked() {
        var configuration = SCTPAssociationConfiguration()
        configuration.receiveWindow = 3000
        var p = SCTPScriptedPeer(seed: 1405, configuration: configuration)
        _ = p.nextData()   // TSN 1000 is lost
        let held = p.send([p.nextData(1000, ending: false), p.nextData(1000, beginning: false, ending: false)])
        #expect(held.sacks.first?.gapBlocks == [.init(start: 2, end: 3)])
        // 1000 bytes free, less than a packet (and half the buffer): advertised as 0 (receiver SWS avoidance).
        #expect(held.sacks.first?.advertisedReceiverWindowCredit == 0)
        // A chunk that does not fit the window is dropped; what was acknowledged stays acknowledged.
        p.now = .milliseconds(10)
        let full = p.send([p.nextData(1500, beginning: false)])
        #expect(full.sacks.first?.gapBlocks == [.init(start: 2, end: 3)])
        #expect(p.association.statistics.dataChunksDroppedForSpace == 1)
        #expect(p.association.receiver.bufferedBytes == 2000)
    }

    @Test(.spec("RFC9260-1.6-1", "RFC9260-1.6-2", "RFC9260-1.6-4"))
    func tsnsWrapFrom2To32Minus1ToZero() throws {
        // Receiving: the peer starts just below the wrap.
        var p = SCTPScriptedPeer(seed: 1406, peerInit: SCTPScriptedPeer.peerInit(initialTSN: 0xffff_fffe))
        let out = p.send([p.nextData(), p.nextData(), p.nextData()])
        #expect(out.messages.count == 3 && out.sacks.last?.cumulativeTSNAck == 0)
        // Just past the wrap with a hole: TSN 1 missing, 2 received.
        p.peerNextTSN = 2
        let gap = p.send([p.nextData()])
        #expect(gap.sacks.first?.cumulativeTSNAck == 0 && gap.sacks.first?.gapBlocks == [.init(start: 2, end: 2)])
        // Sending: our TSNs run 0xfffffffe, 0xffffffff, 0.
        let c = p.association.configuration
        var sender = SCTPAssociation.Sender(initialTSN: 0xffff_fffe, configuration: c)
        sender.peerReceiverWindow = 1_000_000
        sender.ssthresh = 1_000_000
        sender.start(configuration: c)
        p.association.sender = sender
        var tsns: [UInt32] = []
        for _ in 0..<3 { tsns += try p.userSends(100).data.map(\.tsn) }
        #expect(tsns == [0xffff_fffe, 0xffff_ffff, 0])
        // A SACK with a gap block across the wrap, then the cumulative ack past it.
        p.now = .milliseconds(10)
        p.send([.selectiveAck(SCTPSackChunk(cumulativeTSNAck: 0xffff_fffe, advertisedReceiverWindowCredit: 1_000_000,
                                            gapBlocks: [.init(start: 2, end: 2)]))])
        #expect(p.association.bufferedAmount == 100)
        p.send([.selectiveAck(SCTPSackChunk(cumulativeTSNAck: 0, advertisedReceiverWindowCredit: 1_000_000))])
        #expect(p.association.bufferedAmount == 0 && p.association.sender.cumulativeAckPoint == 0)
    }

    @Test(.spec("RFC9260-1.6-5"))
    func orderedStreamSequenceNumbersWrapAt16Bits() {
        var p = SCTPScriptedPeer(seed: 1407)
        p.association.receiver.streams[3] = .init(nextIdentifier: 65535)
        // SSN 0 arrives before 65535: held, then both delivered in order.
        let early = p.send([p.nextData(2, stream: 3, ssn: 0, unordered: false)])
        #expect(early.messages.isEmpty)
        let late = p.send([p.nextData(1, stream: 3, ssn: 65535, unordered: false)])
        #expect(late.messages.map(\.payload.count) == [1, 2])
        #expect(p.association.receiver.streams[3]?.nextIdentifier == 1)
    }

    @Test(.spec("RFC9260-3.3.1-1", "RFC9260-3.3.1-10", "RFC9260-3.3.1-11"))
    func aDataChunkIsLaidOutAsTheRFCShowsWithPaddingOutsideTheLength() {
        let chunk = SCTPChunk.data(SCTPDataChunk(tsn: 0x0102_0304, streamIdentifier: 0x0506, messageIdentifier: 0x0708,
                                                 payloadProtocolIdentifier: 0x090a_0b0c, userData: [0xaa, 0xbb, 0xcc, 0xdd, 0xee][...],
                                                 unordered: true, beginning: true, ending: true))
        let bytes = SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: 1, chunks: [chunk]).encoded()
        let c = Array(bytes[12...])
        #expect(c == [0, 0x07, 0, 21, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0, 0, 0])
        #expect((try? SCTPPacket(parsing: bytes))?.chunks == [chunk])
    }

    @Test(.spec("RFC9260-6.9-9"))
    func dataLeavesRoomForTheSackItTravelsWith() throws {
        var p = SCTPScriptedPeer(seed: 1408)
        // Many holes: the next SACK is large.
        let chunks = (0..<100).map { i in
            SCTPChunk.data(SCTPDataChunk(tsn: 1001 + 2 * UInt32(i), streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 53,
                                         userData: [1][...], unordered: true))
        }
        p.association.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: p.association.localVerificationTag,
                                                chunks: chunks).encoded()), at: p.now)
        // The user sends before the SACK has gone out: SACK and DATA share the packets, none too large.
        try p.association.send([UInt8](repeating: 3, count: 1000), stream: 0, payloadProtocolIdentifier: 53, at: p.now)
        let out = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(out.sacks.count == 1 && out.data.count == 1)
        #expect(out.bytes.allSatisfy { $0.count <= 1200 })
    }
}

/// Window updates and the I bit (RFC 9260 §6.2, §3.3.1).
@Suite struct SCTPWindowUpdateTests {
    @Test(.spec("RFC9260-6.2-11"))
    func aWindowThatOpensIsAnnouncedAtOnce() {
        var configuration = SCTPAssociationConfiguration()
        configuration.receiveWindow = 20_000
        var p = SCTPScriptedPeer(seed: 1800, configuration: configuration)
        // A message in three fragments: the first packet is acknowledged at once (first DATA),
        // the second waits for the delayed-ack timer (the window only shrank).
        #expect(p.send([p.nextData(5000, ending: false)]).sacks.first?.advertisedReceiverWindowCredit == 15_000)
        p.now = .milliseconds(10)
        _ = p.send([p.nextData(5000, beginning: false, ending: false)])
        // The packet after it is the second since the SACK anyway; start over with a fresh count.
        p.now = .milliseconds(20)
        #expect(p.send([p.nextData(10, beginning: false, ending: false)]).sacks.count == 1)
        // The last fragment: the message goes up and 10 kB of window open, announced at once
        // though only one packet came since the last SACK.
        p.now = .milliseconds(30)
        let out = p.send([p.nextData(10, beginning: false)])
        #expect(out.messages.count == 1)
        #expect(out.sacks.first?.advertisedReceiverWindowCredit == 20_000)
        // A small message changes no window: its SACK waits.
        p.now = .milliseconds(40)
        #expect(p.send([p.nextData(10)]).sacks.isEmpty)
    }

    @Test(.spec("RFC9260-3.3.1-2", "RFC9260-6.1-29"))
    func theLastDataBeforeShutdownAsksForAnImmediateSack() throws {
        var p = SCTPScriptedPeer(seed: 1801)
        for _ in 0..<3 { try p.association.send([1, 2, 3], stream: 0, payloadProtocolIdentifier: 53, at: p.now) }
        p.association.shutdown(at: p.now)
        let out = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(out.data.map(\.immediate) == [false, false, true])
        // Without a shutdown, no I bit.
        var q = SCTPScriptedPeer(seed: 1802)
        #expect(try q.userSends(10).data.map(\.immediate) == [false])
    }
}
