import SpecTesting
import Testing
@testable import SCTP

/// Chunk-level rules that have no better home (RFC 9260 §3.3, §6.1, §6.3.3, §6.8): the SACK
/// example of §3.3.4, chunks behind an ABORT, the ERROR beside a COOKIE ECHO, the checksum paths,
/// T3-rtx marking, the send window's limit.
@Suite struct SCTPChunkRuleTests {
    @Test(.spec("RFC9260-3.3.4-3"))
    func theSackOfTheRFCsExampleIsBuiltByteForByte() {
        var configuration = SCTPAssociationConfiguration()
        configuration.receiveWindow = 4660
        var p = SCTPScriptedPeer(seed: 1500, configuration: configuration, peerInit: SCTPScriptedPeer.peerInit(initialTSN: 10))
        func data(_ tsn: UInt32) -> SCTPChunk {
            .data(SCTPDataChunk(tsn: tsn, streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 53, userData: [1][...], unordered: true))
        }
        // TSNs 10, 11, 12, 14, 15 and 17 have arrived; 13 and 16 are missing.
        let out = p.send([10, 11, 12, 14, 15, 17].map(data))
        guard let bytes = out.bytes.first, bytes.count >= 12 + 4 + 20 else { Issue.record("no SACK"); return }
        #expect(bytes[12] == SCTPChunkType.selectiveAck)
        #expect(Array(bytes[16..<36]) == [0, 0, 0, 12,  0, 0, 0x12, 0x34,  0, 2, 0, 0,  0, 2, 0, 3,  0, 5, 0, 5])
    }

    @Test(.spec("RFC9260-3.3.7-3"))
    func chunksBehindAnAbortAreIgnoredAndOurAbortsTravelAlone() {
        var p = SCTPScriptedPeer(seed: 1501)
        let out = p.send([.abort(reflectedTag: false, causes: []), .heartbeat(info: [0, 1, 0, 8, 1, 1, 1, 1]), p.nextData()])
        #expect(out.packets.isEmpty)
        #expect(out.events == [.closed(.abortedByPeer([]))])
        #expect(p.association.statistics.dataChunksReceived == 0)
        // Ours: the ABORT alone, even with DATA and a SACK pending.
        var q = SCTPScriptedPeer(seed: 1502)
        try? q.association.send([1, 2, 3], stream: 0, payloadProtocolIdentifier: 53, at: q.now)
        q.association.abort(reason: "bye", at: q.now)
        let mine = SCTPScriptedPeer.collect(&q.association, at: q.now)
        #expect(mine.packets.count == 1 && mine.packets.first?.chunks.count == 1)
    }

    @Test(.spec("RFC9260-3.3.3-20"))
    func unrecognizedInitAckParametersGoInAnErrorBesideTheCookieEcho() {
        var (association, _) = SCTPStateRuleTests.waiting(seed: 1503)
        let ack = SCTPInitChunk(initiateTag: 0x0606_0606, advertisedReceiverWindowCredit: 100_000, outboundStreams: 4, inboundStreams: 4,
                                initialTSN: 3, parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: [1, 2, 3, 4]),
                                                            SCTPParameter(type: 0xc0aa, value: [9, 9, 9, 9])])
        let out = SCTPScriptedPeer.deliver(&association, [.initiationAck(ack)], tag: association.localVerificationTag, at: .zero)
        #expect(out.packets.count == 1)
        #expect(out.packets.first?.chunks.map(\.type) == [SCTPChunkType.cookieEcho, SCTPChunkType.error])
        guard case .error(let causes)? = out.packets.first?.chunks.last else { return }
        #expect(causes.first?.code == SCTPErrorCause.unrecognizedParameters)
    }

    @Test(.spec("RFC9260-6.8-5", "RFC9260-6.8-2"))
    func theHardwareChecksumHasASoftwareTwin() throws {
        var p = SCTPScriptedPeer(seed: 1504)
        let out = try p.userSends(777)
        guard let bytes = out.bytes.first else { Issue.record("nothing sent"); return }
        let stored = bytes.withUnsafeBytes { SCTPPacket.storedChecksum($0) }
        for hardware in [false, true] {
            #expect(bytes.withUnsafeBytes { SCTPPacket.checksum(of: $0, hardware: hardware) } == stored)
        }
    }

    @Test(.spec("RFC9260-6.3.3-3"))
    func aT3ExpiryMarksEveryOutstandingChunkForRetransmission() throws {
        var p = SCTPScriptedPeer(seed: 1505)
        for _ in 0..<4 { try p.userSends(1000) }
        guard let timer = p.nextTimer() else { Issue.record("no T3"); return }
        // cwnd is one MTU now: the earliest chunks go (as cwnd allows), the rest wait, marked.
        let first = timer.output.data.map(\.tsn)
        #expect(first.first == p.firstTSN && first.count < 4)
        #expect(p.association.sender.retransmitMarked == 4 - first.count)
        // The SACK for them lets the marked chunks go as cwnd allows.
        p.now = timer.time + .milliseconds(50)
        let next = p.send([p.sack(chunks: first.count)])
        #expect(next.data.map(\.tsn).first == p.firstTSN &+ UInt32(first.count))
        #expect(next.data.allSatisfy { SerialNumber.less($0.tsn, p.firstTSN &+ 4) })
    }

    @Test(.spec("RFC9260-6.1-28", "RFC9260-6.1-27", "RFC9260-1.6-3"))
    func theSendWindowHoldsAtMost65535Chunks() throws {
        var configuration = SCTPAssociationConfiguration()
        configuration.maximumBurst = 1_000_000
        var p = SCTPScriptedPeer(seed: 1506, configuration: configuration, peerInit: SCTPScriptedPeer.peerInit(window: 0xffff_ffff))
        p.association.sender.cwnd = 1 << 40
        for _ in 0..<66_000 {
            try p.association.send([1], stream: 0, payloadProtocolIdentifier: 53, at: p.now)
        }
        _ = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(p.association.sender.outstandingCount == SCTPAssociation.maximumOutstandingChunks)
        #expect(p.association.sender.queuedBytes == 66_000 - 65535)
        // Acknowledging some lets as many more go.
        p.now = .milliseconds(10)
        let more = p.send([p.sack(chunks: 100)])
        #expect(more.data.count == 100)
        #expect(p.association.sender.outstandingCount == SCTPAssociation.maximumOutstandingChunks)
    }
}

/// The answers to one packet fit in one packet (RFC 9260 §12.4).
@Suite struct SCTPResponseLimitTests {
    @Test(.spec("RFC9260-12.4-2"))
    func manyHeartbeatsInOnePacketGetOnePacketOfAnswers() {
        var p = SCTPScriptedPeer(seed: 1700)
        let heartbeats = (0..<30).map { i in SCTPChunk.heartbeat(info: [0, 1, 0, 104] + [UInt8](repeating: UInt8(i), count: 100)) }
        let out = p.send(heartbeats)
        #expect(out.packets.count == 1)
        #expect(out.bytes.allSatisfy { $0.count <= 1200 })
        let acks = out.chunks.filter { if case .heartbeatAck = $0 { return true }; return false }
        #expect(acks.count >= 5 && acks.count < 30)
        // Nothing is left over for a second packet later.
        #expect(p.association.pendingControl.isEmpty)
    }

    @Test(.spec("RFC9260-12.4-2", "RFC9260-12.4-3"))
    func errorsAndASackForOnePacketShareOnePacket() {
        var p = SCTPScriptedPeer(seed: 1701, peerInit: SCTPScriptedPeer.peerInit(outboundStreams: 2))
        // 150 DATA chunks, every other TSN, on a stream that does not exist: 150 ERRORs and 150 gaps.
        let chunks = (0..<150).map { i in
            SCTPChunk.data(SCTPDataChunk(tsn: 1001 + 2 * UInt32(i), streamIdentifier: 9, messageIdentifier: 0, payloadProtocolIdentifier: 53,
                                         userData: [1][...], unordered: true))
        }
        let out = p.send(chunks)
        #expect(out.packets.count == 1)
        #expect(out.bytes.allSatisfy { $0.count <= 1200 })
        #expect(out.sacks.count == 1)
        #expect(out.chunks.contains { if case .error = $0 { return true }; return false })
    }
}
