import SpecTesting
import Testing
@testable import SCTP

/// The weighted fair queueing stream scheduler (RFC 8260 §3.6) on its own and as the sender
/// uses it, with I-DATA (chunk by chunk) and with plain DATA (message by message).
@Suite struct SCTPSchedulerTests {
    /// A peer INIT that offers I-DATA (and I-FORWARD-TSN) besides PR-SCTP and RE-CONFIG.
    static func interleavingPeerInit() -> SCTPInitChunk {
        SCTPInitChunk(initiateTag: 0x5eed_0001, advertisedReceiverWindowCredit: 100_000_000, outboundStreams: 16,
                      inboundStreams: 16, initialTSN: 1000,
                      parameters: [SCTPParameter(type: SCTPParameter.forwardTSNSupported, value: []),
                                   SCTPParameter(type: SCTPParameter.supportedExtensions,
                                                 value: [SCTPChunkType.forwardTSN, SCTPChunkType.reconfig,
                                                         SCTPChunkType.iData, SCTPChunkType.iForwardTSN])])
    }

    /// Everything the association sends while the peer acknowledges each packet at once, until
    /// `limit` DATA chunks went out or the queue ran dry.
    static func drain(_ peer: inout SCTPScriptedPeer, limit: Int) -> [SCTPDataChunk] {
        var sent: [SCTPDataChunk] = []
        var out = SCTPScriptedPeer.collect(&peer.association, at: peer.now)
        while sent.count < limit {
            let data = out.data
            if data.isEmpty { break }
            sent += data
            let highest = data.map(\.tsn).max()!
            peer.now += .milliseconds(10)
            out = peer.send([.selectiveAck(SCTPSackChunk(cumulativeTSNAck: highest, advertisedReceiverWindowCredit: 100_000_000))])
        }
        return sent
    }

    @Test(.spec("RFC8260-3-2"), .spec("RFC8260-3-1"))
    func schedulerSharesCapacityByWeight() {
        var scheduler = SCTPStreamScheduler()
        scheduler.setWeight(128, for: 1)
        scheduler.setWeight(256, for: 2)
        scheduler.setWeight(1024, for: 3)
        for stream: UInt16 in [1, 2, 3] { scheduler.activate(stream) }
        var bytes: [UInt16: Int] = [:]
        for _ in 0..<1300 {
            let stream = scheduler.next()!
            bytes[stream, default: 0] += 1000
            scheduler.charge(stream, bytes: 1000)
        }
        // 128 : 256 : 1024 is 1 : 2 : 8.
        let unit = Double(bytes[1]!)
        #expect(abs(Double(bytes[2]!) / unit - 2) < 0.05)
        #expect(abs(Double(bytes[3]!) / unit - 8) < 0.1)
    }

    @Test(.spec("RFC8260-3-2"))
    func equalWeightsTakeTurnsAndIdleStreamsGetNoCredit() {
        var scheduler = SCTPStreamScheduler()
        scheduler.activate(4)
        scheduler.activate(7)
        var order: [UInt16] = []
        for _ in 0..<6 {
            let stream = scheduler.next()!
            order.append(stream)
            scheduler.charge(stream, bytes: 500)
        }
        #expect(order == [4, 7, 4, 7, 4, 7])
        // Stream 9 was idle: it joins at the current virtual time, it does not take 100 turns.
        for _ in 0..<100 { scheduler.charge(4, bytes: 500); scheduler.charge(7, bytes: 500) }
        scheduler.activate(9)
        var picks: [UInt16: Int] = [:]
        for _ in 0..<30 {
            let stream = scheduler.next()!
            picks[stream, default: 0] += 1
            scheduler.charge(stream, bytes: 500)
        }
        #expect(picks[9]! <= 11 && picks[4]! >= 9 && picks[7]! >= 9)
        // A stream that runs dry leaves; the others go on.
        scheduler.deactivate(9)
        scheduler.deactivate(4)
        #expect(scheduler.next() == 7)
        scheduler.deactivate(7)
        #expect(scheduler.next() == nil)
        #expect(scheduler.isEmpty)
    }

    @Test(.spec("RFC8260-3-2"))
    func schedulerIsConsistentUnderRandomOperations() {
        var rng = SeededGenerator(seed: 42)
        var scheduler = SCTPStreamScheduler()
        var active: Set<UInt16> = []
        for _ in 0..<5000 {
            let stream = UInt16.random(in: 0..<40, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: scheduler.activate(stream); active.insert(stream)
            case 1: scheduler.deactivate(stream); active.remove(stream)
            case 2: scheduler.setWeight(UInt16.random(in: 0...1024, using: &rng), for: stream)
            default:
                if let next = scheduler.next() {
                    #expect(active.contains(next))
                    scheduler.charge(next, bytes: Int.random(in: 1...1200, using: &rng))
                }
            }
            #expect(scheduler.activeCount == active.count)
            #expect((scheduler.next() == nil) == active.isEmpty)
        }
    }

    @Test(.spec("RFC8260-3-2"), .spec("RFC8831-6.4-1"), .spec("RFC8260-2.2.2-6"))
    func interleavedSenderFollowsTheWeights() throws {
        var peer = SCTPScriptedPeer(seed: 7, peerInit: Self.interleavingPeerInit())
        #expect(peer.association.usesInterleaving)
        // Two backlogged streams: "normal" (256) and "extra high" (1024), 20 messages of 10 kB each.
        for _ in 0..<20 {
            try peer.association.send([UInt8](repeating: 1, count: 10_000), stream: 1, payloadProtocolIdentifier: 53,
                                      options: SCTPSendOptions(priority: 256), at: peer.now)
            try peer.association.send([UInt8](repeating: 2, count: 10_000), stream: 2, payloadProtocolIdentifier: 53,
                                      options: SCTPSendOptions(priority: 1024), at: peer.now)
        }
        let sent = Self.drain(&peer, limit: 150)
        #expect(sent.allSatisfy { $0.isIData })
        // While both streams have data queued, stream 2 gets four times the bytes.
        let window = sent.prefix(150)
        let low = window.filter { $0.streamIdentifier == 1 }.reduce(0) { $0 + $1.userData.count }
        let high = window.filter { $0.streamIdentifier == 2 }.reduce(0) { $0 + $1.userData.count }
        #expect(low > 0)
        let ratio = Double(high) / Double(low)
        #expect(ratio > 3.5 && ratio < 4.5, "ratio \(ratio)")
        // I-DATA interleaves: a message of stream 1 is in progress while stream 2's chunks go out.
        var interleaved = false
        var open1 = false
        for chunk in window {
            if chunk.streamIdentifier == 1 { open1 = !chunk.ending }
            if chunk.streamIdentifier == 2, open1 { interleaved = true }
        }
        #expect(interleaved)
    }

    @Test(.spec("RFC8260-3-2"), .spec("RFC8831-6.4-1"))
    func plainDataSchedulesWholeMessagesByWeight() throws {
        var peer = SCTPScriptedPeer(seed: 8)
        #expect(!peer.association.usesInterleaving)
        for _ in 0..<40 {
            try peer.association.send([UInt8](repeating: 1, count: 3000), stream: 1, payloadProtocolIdentifier: 53,
                                      options: SCTPSendOptions(priority: 128), at: peer.now)
            try peer.association.send([UInt8](repeating: 2, count: 3000), stream: 3, payloadProtocolIdentifier: 53,
                                      options: SCTPSendOptions(priority: 512), at: peer.now)
        }
        let sent = Self.drain(&peer, limit: 100)
        #expect(sent.allSatisfy { !$0.isIData })
        // Fragments of one message are never interleaved with another's.
        var current: UInt16?
        var messages: [UInt16] = []
        for chunk in sent {
            if chunk.beginning {
                #expect(current == nil, "a message began while another was in progress")
                current = chunk.streamIdentifier
                messages.append(chunk.streamIdentifier)
            } else {
                #expect(current == chunk.streamIdentifier)
            }
            if chunk.ending { current = nil }
        }
        // Message by message, 512 against 128 gives stream 3 four messages for each of stream 1.
        let low = messages.filter { $0 == 1 }.count
        let high = messages.filter { $0 == 3 }.count
        #expect(low >= 5)
        let ratio = Double(high) / Double(low)
        #expect(ratio > 3.3 && ratio < 4.7, "ratio \(ratio) from \(messages)")
    }
}

/// Interleaving must not fill the receiver with halves of messages.
@Suite struct SCTPInterleavingProgressTests {
    @Test(.spec("RFC8260-2.2.2-7"))
    func interleavedMessagesLargerThanTheWindowStillArrive() throws {
        var configuration = SCTPAssociationConfiguration()
        configuration.receiveWindow = 256 * 1024
        configuration.rtoMinimum = .milliseconds(100)
        configuration.rtoInitial = .milliseconds(200)
        var sim = SCTPFeatureTests.connected(seed: 110, path: .init(delay: .milliseconds(5)), a: configuration, b: configuration)
        #expect(sim.a.usesInterleaving)
        // Eight streams, one 200 kB message each: interleaved evenly, no message would be
        // complete when the peer's 256 KiB window is full.
        for stream in 0..<8 {
            try sim.a.send([UInt8](repeating: UInt8(stream), count: 200_000), stream: UInt16(stream), payloadProtocolIdentifier: 53, at: sim.now)
        }
        sim.drainBoth()
        let done = sim.run(until: { $0.messagesAtB.count == 8 }, limit: .seconds(60))
        #expect(done, "\(sim.messagesAtB.count) of 8 messages arrived")
        #expect(sim.a.state == .established)
        #expect(sim.messagesAtB.allSatisfy { $0.payload.count == 200_000 })
    }
}
