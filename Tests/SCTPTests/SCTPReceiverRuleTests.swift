import SpecTesting
import Testing
@testable import SCTP

/// The data receiver's rules (RFC 9260 §3.3.4, §6.2, §6.7, §6.10, §7.2.4): when SACKs go out
/// and what they say, driven by a scripted peer's DATA.
@Suite struct SCTPReceiverRuleTests {
    @Test(.spec("RFC9260-6.2-2", "RFC9260-6.2-4", "RFC9260-6.2-5"))
    func aFullReceiveWindowDropsNewDataAndSaysSoAtOnce() {
        var configuration = SCTPAssociationConfiguration()
        configuration.receiveWindow = 4000
        var p = SCTPScriptedPeer(seed: 300, configuration: configuration)
        // The first fragment of a message fills the whole window (it waits for the rest).
        let first = p.send([p.nextData(4000, unordered: false, ending: false)])
        #expect(first.sacks == [SCTPSackChunk(cumulativeTSNAck: 1000, advertisedReceiverWindowCredit: 0)])
        // The next packet would normally be acknowledged after a delay; this one is dropped, so at once.
        p.now = .milliseconds(10)
        let dropped = p.send([p.nextData(100, unordered: false, beginning: false, ending: false)])
        #expect(dropped.sacks == [SCTPSackChunk(cumulativeTSNAck: 1000, advertisedReceiverWindowCredit: 0)])
        // A whole message beyond it is dropped too: no gap block, no delivery.
        p.now = .milliseconds(20)
        let beyond = p.send([p.nextData(100)])
        #expect(beyond.sacks == [SCTPSackChunk(cumulativeTSNAck: 1000, advertisedReceiverWindowCredit: 0)])
        #expect(beyond.messages.isEmpty)
        #expect(p.association.statistics.dataChunksDroppedForSpace == 2)
    }

    @Test(.spec("RFC9260-6.2-8", "RFC9260-6.2-20", "RFC9260-7.2.4-1"))
    func sacksGoOutEverySecondPacketWithinTheDelayAndAtOnceWhenAsked() {
        var p = SCTPScriptedPeer(seed: 301)
        #expect(p.send([p.nextData()]).sacks.count == 1, "the first DATA is acknowledged at once")
        // One packet: delayed, then acknowledged within 200 ms of its arrival.
        p.now = .milliseconds(10)
        #expect(p.send([p.nextData(), p.nextData()]).sacks.isEmpty)
        guard let timer = p.nextTimer() else { Issue.record("no delayed-ack timer"); return }
        #expect(timer.time <= .milliseconds(210))
        #expect(timer.output.sacks.map(\.cumulativeTSNAck) == [1002])
        // Every second packet (not chunk) is acknowledged at once.
        p.now = .milliseconds(300)
        #expect(p.send([p.nextData()]).sacks.isEmpty)
        #expect(p.send([p.nextData()]).sacks.map(\.cumulativeTSNAck) == [1004])
        // The I bit asks for an immediate SACK.
        p.now = .milliseconds(400)
        #expect(p.send([p.nextData(immediate: true)]).sacks.map(\.cumulativeTSNAck) == [1005])
        // A hole: every packet with DATA is acknowledged until it is filled.
        p.now = .milliseconds(500)
        _ = p.nextData()
        for i in 1...3 {
            let out = p.send([p.nextData()])
            #expect(out.sacks.count == 1 && out.sacks.first?.cumulativeTSNAck == 1005, "packet \(i) after the hole")
            #expect(out.sacks.first?.gapBlocks.count == 1)
        }
        let filled = p.send([.data(SCTPDataChunk(tsn: 1006, streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 53,
                                                 userData: [1][...], unordered: true))])
        #expect(filled.sacks.map(\.cumulativeTSNAck) == [1009])
        // Filled: back to one SACK per two packets.
        p.now = .milliseconds(600)
        #expect(p.send([p.nextData()]).sacks.isEmpty)
    }

    @Test(.spec("RFC9260-6.2-14"))
    func sackDelayIsNeverAboveHalfASecond() {
        var configuration = SCTPAssociationConfiguration()
        configuration.delayedAckTimeout = .seconds(2)
        var p = SCTPScriptedPeer(seed: 302, configuration: configuration)
        p.send([p.nextData()])
        p.now = .milliseconds(100)
        #expect(p.send([p.nextData()]).sacks.isEmpty)
        guard let timer = p.nextTimer() else { Issue.record("no delayed-ack timer"); return }
        #expect(timer.output.sacks.count == 1)
        #expect(timer.time - .milliseconds(100) <= .milliseconds(500))
    }

    @Test(.spec("RFC9260-6.1-21"))
    func aPendingAcknowledgementRidesWithOutgoingData() throws {
        var p = SCTPScriptedPeer(seed: 303)
        p.send([p.nextData()])
        p.now = .milliseconds(10)
        #expect(p.send([p.nextData()]).sacks.isEmpty)
        let out = try p.userSends(100)
        #expect(out.packets.count == 1)
        #expect(out.packets.first?.chunks.map(\.isSack) == [true, false])
        #expect(out.sacks.first?.cumulativeTSNAck == 1001 && out.data.count == 1)
    }

    @Test(.spec("RFC9260-3.3.4-1", "RFC9260-6.2-28", "RFC9260-6.2-25", "RFC9260-6.2-26", "RFC9260-6.2-27", "RFC9260-3.3.2-12", "RFC9260-3.3.3-10"))
    func sacksCarryEveryFixedFieldAndTheCurrentWindow() {
        var configuration = SCTPAssociationConfiguration()
        configuration.receiveWindow = 100_000
        var p = SCTPScriptedPeer(seed: 304, configuration: configuration)
        // A fragment waits for reassembly: the window shrinks by its size.
        let held = p.send([p.nextData(1000, unordered: false, ending: false)])
        // A duplicate and a hole in the next packet.
        _ = p.nextData()
        let dup = SCTPChunk.data(SCTPDataChunk(tsn: 1000, streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 53,
                                               userData: [UInt8](repeating: 7, count: 1000)[...], ending: false))
        let gap = p.send([dup, p.nextData()])
        for (out, window, gaps, duplicates) in [(held, 99_000, 0, 0), (gap, 99_000, 1, 1)] {
            guard let bytes = out.bytes.first, bytes.count >= 28 else { Issue.record("no SACK"); continue }
            func u16(_ i: Int) -> Int { Int(bytes[i]) << 8 | Int(bytes[i + 1]) }
            func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) << 16 | UInt32(u16(i + 2)) }
            #expect(bytes[12] == SCTPChunkType.selectiveAck)
            #expect(u16(14) == 16 + 4 * gaps + 4 * duplicates, "chunk length covers the fixed fields and the lists")
            #expect(u32(16) == 1000, "Cumulative TSN Ack")
            #expect(u32(20) == UInt32(window), "a_rwnd")
            #expect(u16(24) == gaps && u16(26) == duplicates, "Number of Gap Ack Blocks, Number of Duplicate TSNs")
        }
        // The rest of the message completes it: delivered, and the window is whole again.
        p.now = .milliseconds(10)
        let done = p.send([.data(SCTPDataChunk(tsn: 1001, streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 53,
                                               userData: [1][...], beginning: false))])
        #expect(done.messages.count == 1 && done.messages.first?.payload.count == 1001)
        #expect(done.sacks.map(\.advertisedReceiverWindowCredit) == [100_000])
    }

    @Test(.spec("RFC9260-6.7-6"))
    func tooManyGapsStillMakeOneSack() {
        var p = SCTPScriptedPeer(seed: 305)
        // 400 holes in one packet: far more Gap Ack Blocks than fit in 1200 bytes.
        let chunks = (0..<400).map { i in
            SCTPChunk.data(SCTPDataChunk(tsn: 1001 + 2 * UInt32(i), streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 53,
                                         userData: [1][...], unordered: true))
        }
        let out = p.send(chunks)
        #expect(out.packets.count == 1)
        #expect(out.sacks.count == 1)
        #expect(out.bytes.allSatisfy { $0.count <= 1200 })
        let blocks = out.sacks.first?.gapBlocks ?? []
        #expect(blocks.count == (1200 - 12 - 16) / 4)
        #expect(blocks.first == .init(start: 2, end: 2), "from the lowest TSN up")
    }

    @Test(.spec("RFC9260-6.10-6"))
    func chunksAreProcessedInTheirOrderInThePacket() {
        var p = SCTPScriptedPeer(seed: 306)
        func message(_ byte: UInt8, tsn: UInt32) -> SCTPChunk {
            .data(SCTPDataChunk(tsn: tsn, streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 53, userData: [byte][...], unordered: true))
        }
        let a = SCTPErrorCause(code: 0x7001), b = SCTPErrorCause(code: 0x7002)
        let out = p.send([.error(causes: [a]), message(1, tsn: 1000), .error(causes: [b]), message(2, tsn: 1001)])
        let order: [String] = out.events.compactMap {
            switch $0 {
            case .peerError(let causes): return "error \(causes.map(\.code))"
            case .message(let m): return "message \(m.payload)"
            default: return nil
            }
        }
        #expect(order == ["error [\(0x7001)]", "message [1]", "error [\(0x7002)]", "message [2]"])
    }
}
