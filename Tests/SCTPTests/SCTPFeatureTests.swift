import SpecTesting
import Testing
@testable import SCTP

/// Unordered and partially reliable delivery, interleaving, stream reset, shutdown, abort,
/// heartbeats, and the packet checks of §8.5, over the seeded simulation.
@Suite struct SCTPFeatureTests {
    static func connected(seed: UInt64, path: SCTPPath = .init(), a: SCTPAssociationConfiguration = .init(),
                          b: SCTPAssociationConfiguration = .init()) -> SCTPSimulation {
        var sim = SCTPSimulation(seed: seed, path: path, configurationA: a, configurationB: b)
        let ok = sim.connect()
        precondition(ok, "association setup failed for seed \(seed)")
        return sim
    }

    static var fastRecovery: SCTPAssociationConfiguration {
        var c = SCTPAssociationConfiguration()
        c.rtoMinimum = .milliseconds(100)
        c.rtoInitial = .milliseconds(300)
        return c
    }

    @Test(.spec("RFC9260-3.3.1-4", "RFC9260-3.3.1-5", "RFC9260-3.3.1-3", "RFC9260-6.9-13"))
    func unorderedMessagesAllArriveWithoutWaiting() throws {
        var sim = Self.connected(seed: 11, path: .init(delay: .milliseconds(5), jitter: .milliseconds(5), loss: 0.05, reordering: 0.2),
                                 a: Self.fastRecovery, b: Self.fastRecovery)
        var unorderedFlags = true
        sim.observe = { fromA, packet in
            for case .data(let d) in packet.chunks where fromA && !d.unordered { unorderedFlags = false }
        }
        for i in 0..<300 {
            try sim.a.send(SCTPLossTests.payload(i, size: 100 + (i % 7) * 700), stream: 2, payloadProtocolIdentifier: 53,
                           options: .init(unordered: true), at: sim.now)
        }
        sim.drainBoth()
        let done = sim.run(until: { $0.messagesAtB.count == 300 }, limit: .seconds(120))
        #expect(done)
        let firstBytes = sim.messagesAtB.map { Int($0.payload[0]) }
        #expect(Set(sim.messagesAtB.map { $0.payload }).count == 300)
        #expect(firstBytes != (0..<300).map { $0 & 0xff }, "with 20% reordering some unordered messages overtake others")
        #expect(sim.messagesAtB.allSatisfy { $0.unordered })
        #expect(unorderedFlags)
        #expect(sim.wire.violations.isEmpty, "\(sim.wire.violations.prefix(5))")
    }

    @Test(.spec("RFC8831-5-1", "RFC8831-6.1-6", "RFC8831-6.1-7", "RFC3758-3.5-1", "RFC3758-3.5-2", "RFC3758-3.5-7", "RFC3758-3.2-2", "RFC3758-3.6-2", "RFC3758-3.6-7",
                "RFC3758-3.5-10", "RFC3758-3.5-11"))
    func maxRetransmitsZeroNeverRetransmits() throws {
        var sim = Self.connected(seed: 12, path: .init(delay: .milliseconds(5), loss: 0.2), a: Self.fastRecovery, b: Self.fastRecovery)
        var sentTSNs: [UInt32: Int] = [:]
        sim.observe = { fromA, packet in
            for case .data(let d) in packet.chunks where fromA { sentTSNs[d.tsn, default: 0] += 1 }
        }
        for i in 0..<200 {
            try sim.a.send(SCTPLossTests.payload(i, size: 3000), stream: 4, payloadProtocolIdentifier: 53,
                           options: .init(reliability: .maximumRetransmissions(0)), at: sim.now)
        }
        try sim.a.send(Array("last, reliable".utf8), stream: 6, payloadProtocolIdentifier: 51, at: sim.now)
        sim.drainBoth()
        let done = sim.run(until: { $0.a.sender.isIdle && $0.messagesAtB.contains { $0.stream == 6 } }, limit: .seconds(120))
        #expect(done)
        #expect(sentTSNs.values.allSatisfy { $0 == 1 }, "no TSN was sent twice")
        #expect(sim.a.statistics.dataChunksRetransmitted == 0)
        #expect(sim.a.statistics.messagesAbandoned > 0 && sim.a.statistics.forwardTSNsSent > 0)
        let partial = sim.messagesAtB.filter { $0.stream == 4 }
        #expect(partial.count < 200 && partial.count > 50)
        // What arrives is whole and in order (an ordered PR channel skips, never reorders).
        let indices = partial.map { Int($0.payload[0]) }
        #expect(indices == indices.sorted())
        #expect(partial.allSatisfy { $0.payload == SCTPLossTests.payload(Int($0.payload[0]), size: 3000) })
        #expect(sim.b.receiver.bufferedBytes == 0 && sim.b.receiver.fragments.isEmpty)
        #expect(sim.wire.violations.isEmpty, "\(sim.wire.violations.prefix(5))")
    }

    @Test(.spec("RFC3758-3.5-4", "RFC3758-3.6-10", "RFC3758-4.1-3", "RFC3758-4.1-4", "RFC3758-4.1-5", "RFC3758-4.1-6"))
    func lifetimeLimitsAbandonWholeMessages() throws {
        var sim = Self.connected(seed: 13, path: .init(delay: .milliseconds(40), loss: 0.15), a: Self.fastRecovery, b: Self.fastRecovery)
        for i in 0..<100 {
            try sim.a.send(SCTPLossTests.payload(i, size: 20_000), stream: 8, payloadProtocolIdentifier: 53,
                           options: .init(reliability: .lifetime(.milliseconds(150))), at: sim.now)
        }
        sim.drainBoth()
        let done = sim.run(until: { $0.a.sender.isIdle && $0.a.sender.forwardTSNNeeded == false }, limit: .seconds(120))
        #expect(done)
        let delivered = sim.messagesAtB.filter { $0.stream == 8 }
        #expect(delivered.count < 100)
        #expect(delivered.allSatisfy { $0.payload.count == 20_000 })
        #expect(sim.a.statistics.messagesAbandoned > 0)
        let settled = sim.run(until: { $0.b.receiver.fragments.isEmpty }, limit: .seconds(10))
        #expect(settled, "partial messages below the forward point are dropped")
        #expect(sim.wire.violations.isEmpty, "\(sim.wire.violations.prefix(5))")
    }

    @Test(.spec("RFC8260-2.2.1-1", "RFC8260-2.2.3-1", "RFC8260-2.1-5"))
    func interleavingLetsSmallMessagesPassLargeOnes() throws {
        for interleave in [true, false] {
            var configuration = SCTPAssociationConfiguration()
            configuration.offersInterleaving = interleave
            var sim = Self.connected(seed: 14, path: .init(delay: .milliseconds(5)), a: configuration, b: configuration)
            var sawIData = false
            sim.observe = { _, packet in
                for case .data(let d) in packet.chunks where d.isIData { sawIData = true }
            }
            try sim.a.send([UInt8](repeating: 7, count: 256 * 1024), stream: 1, payloadProtocolIdentifier: 53, at: sim.now)
            try sim.a.send(Array("small".utf8), stream: 2, payloadProtocolIdentifier: 51, at: sim.now)
            sim.drainBoth()
            let done = sim.run(until: { $0.messagesAtB.count == 2 }, limit: .seconds(30))
            #expect(done)
            #expect(sawIData == interleave)
            let order = sim.messagesAtB.map(\.stream)
            #expect(order == (interleave ? [2, 1] : [1, 2]), "interleave \(interleave)")
            #expect(sim.wire.violations.isEmpty, "\(sim.wire.violations.prefix(5))")
        }
    }

    @Test(.spec("RFC8831-6.1-3", "RFC6525-5.1.2-2", "RFC6525-5.1.2-4", "RFC6525-5.1.2-8", "RFC6525-5.1.1-6", "RFC6525-5.2.2-6",
                "RFC6525-5.2.2-7", "RFC6525-5.2.2-9", "RFC6525-5.2.2-2", "RFC6525-5.1.1-4"))
    func resettingStreamsRestartsTheirSequenceNumbers() throws {
        var sim = Self.connected(seed: 15, path: .init(delay: .milliseconds(2)))
        // 100 streams used, reset by A, then by B in answer (as data channels close).
        for stream in UInt16(0)..<100 {
            try sim.a.send([UInt8(stream)], stream: stream, payloadProtocolIdentifier: 53, at: sim.now)
            try sim.a.send([UInt8(stream), 1], stream: stream, payloadProtocolIdentifier: 53, at: sim.now)
        }
        try sim.a.resetOutgoingStreams(Array(0..<100), at: sim.now)
        sim.drainBoth()
        let reset = sim.run(until: { Set($0.eventsA.compactMap { if case .outgoingStreamsReset(let s) = $0 { return s } else { return nil } }.joined()).count == 100 },
                            limit: .seconds(10))
        #expect(reset)
        #expect(sim.messagesAtB.count == 200, "data queued before the reset arrives first")
        let incoming = sim.eventsB.compactMap { if case .incomingStreamsReset(let s) = $0 { return s } else { return nil } }.flatMap { $0 }
        #expect(Set(incoming) == Set(0..<100))
        try sim.b.resetOutgoingStreams(Array(0..<100), at: sim.now)
        sim.drainBoth()
        let answered = sim.run(until: { Set($0.eventsB.compactMap { if case .outgoingStreamsReset(let s) = $0 { return s } else { return nil } }.joined()).count == 100 },
                               limit: .seconds(10))
        #expect(answered)
        // Sequence numbers start again at 0: new ordered messages are delivered at once.
        for stream in UInt16(0)..<100 { try sim.a.send([9], stream: stream, payloadProtocolIdentifier: 53, at: sim.now) }
        sim.drainBoth()
        let again = sim.run(until: { $0.messagesAtB.count == 300 }, limit: .seconds(10))
        #expect(again)
        #expect(sim.a.sender.nextOrderedIdentifier.values.allSatisfy { $0 == 1 })
        #expect(sim.wire.violations.isEmpty, "\(sim.wire.violations.prefix(5))")
    }

    @Test(.spec("RFC9260-9.2-22", "RFC9260-9.2-15", "RFC9260-9.2-19", "RFC9260-9.2-21", "RFC9260-3.3.8-1", "RFC9260-9.2-23",
                "RFC9260-8.5.1-8", "RFC9260-3.3.13-1", "RFC9260-9.2-1", "RFC9260-6-5"))
    func shutdownDeliversEverythingThenCloses() throws {
        var sim = Self.connected(seed: 16, path: .init(delay: .milliseconds(10), loss: 0.05), a: Self.fastRecovery, b: Self.fastRecovery)
        for i in 0..<50 { try sim.a.send(SCTPLossTests.payload(i, size: 4000), stream: 0, payloadProtocolIdentifier: 53, at: sim.now) }
        sim.a.shutdown(at: sim.now)
        #expect(throws: SCTPSendError.self) { try sim.a.send([1], stream: 0, payloadProtocolIdentifier: 53, at: sim.now) }
        sim.drainBoth()
        let closed = sim.run(until: { $0.a.state == .closed && $0.b.state == .closed }, limit: .seconds(60))
        #expect(closed)
        #expect(sim.messagesAtB.count == 50)
        #expect(sim.eventsA.last == .closed(.shutdown) && sim.eventsB.last == .closed(.shutdown))
        #expect(sim.wire.violations.isEmpty, "\(sim.wire.violations.prefix(5))")
    }

    @Test(.spec("RFC9260-9.1-1", "RFC9260-9.1-2", "RFC9260-9.1-3", "RFC9260-9.1-6", "RFC9260-9.1-7", "RFC9260-3.3.7-2",
                "RFC9260-8.5.1-6", "RFC9260-9.1-5", "RFC9260-3.3.7-5", "RFC9260-9.1-4", "RFC9260-3.3.7-1", "RFC9260-3.3.10.12-1", "RFC9260-3.3.10.12-2"))
    func abortMidFlightIsReportedOnBothSides() throws {
        var sim = Self.connected(seed: 17, path: .init(delay: .milliseconds(10)))
        var abortHadData = false
        sim.observe = { _, packet in
            if packet.chunks.contains(where: { if case .abort = $0 { return true }; return false }),
               packet.chunks.contains(where: { if case .data = $0 { return true }; return false }) { abortHadData = true }
        }
        for i in 0..<20 { try sim.a.send(SCTPLossTests.payload(i, size: 60_000), stream: 0, payloadProtocolIdentifier: 53, at: sim.now) }
        sim.drainBoth()
        sim.run(until: { $0.messagesAtB.count >= 2 }, limit: .seconds(10))
        sim.a.abort(reason: "user went away", at: sim.now)
        sim.drainBoth()
        let closed = sim.run(until: { $0.b.state == .closed }, limit: .seconds(5))
        #expect(closed)
        #expect(sim.eventsA.last == .closed(.abortedLocally([.userAbort("user went away")])))
        #expect(sim.eventsB.last == .closed(.abortedByPeer([.userAbort("user went away")])))
        #expect(!abortHadData)
        #expect(sim.messagesAtB.count < 20)
        // Nothing more comes out of either side.
        let before = sim.packetsAB + sim.packetsBA
        sim.run(until: { _ in false }, limit: .seconds(100))
        #expect(sim.packetsAB + sim.packetsBA == before)
        #expect(sim.wire.violations.isEmpty, "\(sim.wire.violations.prefix(5))")
    }

    @Test(.spec("RFC9260-8.3-1", "RFC9260-8.3-3", "RFC9260-3.3.6-1", "RFC9260-3.3.6-2", "RFC9260-8.3-14", "RFC9260-8.3-4",
                "RFC9260-8.1-3", "RFC9260-8.1-4", "RFC9260-3.3.5-3", "RFC9260-8.3-13"))
    func heartbeatsKeepAnIdleAssociationAndDetectADeadPeer() {
        var sim = Self.connected(seed: 18, path: .init(delay: .milliseconds(20)))
        var heartbeats = 0, acks = 0
        sim.observe = { _, packet in
            for chunk in packet.chunks {
                if case .heartbeat(let info) = chunk { heartbeats += 1; #expect(info.count >= 8) }
                if case .heartbeatAck = chunk { acks += 1 }
            }
        }
        sim.run(until: { _ in false }, limit: .seconds(200))
        #expect(sim.a.state == .established && sim.b.state == .established)
        #expect(heartbeats >= 10 && acks == heartbeats)
        #expect(sim.a.smoothedRoundTripTime != nil)
        sim.path.loss = 1.0
        let dead = sim.run(until: { $0.a.state == .closed }, limit: .seconds(3600))
        #expect(dead)
        #expect(sim.eventsA.last == .closed(.timedOut))
        #expect(sim.wire.violations.isEmpty, "\(sim.wire.violations.prefix(5))")
    }

    @Test(.spec("RFC9260-8.5-2", "RFC9260-8.5-3", "RFC9260-8.5.1-2", "RFC9260-8.5.1-3", "RFC9260-6.8-4"))
    func packetsWithTheWrongTagOrChecksumAreDropped() throws {
        var sim = Self.connected(seed: 19)
        try sim.a.send([1, 2, 3], stream: 0, payloadProtocolIdentifier: 53, at: sim.now)
        var captured: [UInt8]?
        while case .transmit(let bytes) = sim.a.poll(at: sim.now) { captured = bytes }
        guard var packet = captured else { Issue.record("nothing sent"); return }
        let discardedBefore = sim.b.statistics.packetsDiscarded
        var wrongTag = packet
        wrongTag[4] ^= 0xff
        SCTPPacket.fillChecksum(&wrongTag)
        sim.b.handle(.packet(wrongTag), at: sim.now)
        packet[packet.count - 1] ^= 0x55
        sim.b.handle(.packet(packet), at: sim.now)
        var zeroTag = wrongTag
        zeroTag[4] = 0; zeroTag[5] = 0; zeroTag[6] = 0; zeroTag[7] = 0
        SCTPPacket.fillChecksum(&zeroTag)
        sim.b.handle(.packet(zeroTag), at: sim.now)
        sim.drain(false)
        #expect(sim.b.statistics.packetsDiscarded == discardedBefore + 3)
        #expect(sim.messagesAtB.isEmpty)
    }

    @Test(.spec("RFC9260-3.3.2-9", "RFC9260-3.3.2-11", "RFC9260-3.3.2-14", "RFC9260-3.3.2-16", "RFC9260-5.1-15",
                "RFC9260-5.1-17", "RFC9260-3.3.2.1.4-2", "RFC9260-3.3.2-3"))
    func badInitChunksAreRefused() {
        func answer(to initiation: SCTPInitChunk) -> [SCTPPacket] {
            var association = SCTPAssociation(random: SeededGenerator(seed: 5))
            let packet = SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: 0, chunks: [.initiation(initiation)])
            association.handle(.packet(packet.encoded()), at: .zero)
            var out: [SCTPPacket] = []
            while case .transmit(let bytes) = association.poll(at: .zero) { out.append(try! SCTPPacket(parsing: bytes)) }
            return out
        }
        let good = SCTPInitChunk(initiateTag: 77, advertisedReceiverWindowCredit: 100_000, outboundStreams: 10, inboundStreams: 10, initialTSN: 1)
        #expect(answer(to: good).first.map { if case .initiationAck = $0.chunks[0] { return $0.verificationTag == 77 }; return false } == true)
        var zeroTag = good; zeroTag.initiateTag = 0
        #expect(answer(to: zeroTag).isEmpty)
        let brokenChunks: [SCTPInitChunk] = [{ var c = good; c.advertisedReceiverWindowCredit = 1000; return c }(),
                       { var c = good; c.outboundStreams = 0; return c }(),
                       { var c = good; c.inboundStreams = 0; return c }(),
                       { var c = good; c.parameters = [SCTPParameter(type: SCTPParameter.hostNameAddress, value: Array("x.example\0".utf8))]; return c }()]
        for broken in brokenChunks {
            let out = answer(to: broken)
            #expect(out.count == 1)
            #expect(out.first?.verificationTag == 77)
            if case .abort? = out.first?.chunks.first {} else { Issue.record("expected ABORT, got \(String(describing: out.first))") }
        }
    }

    @Test(.spec("RFC9260-3.2.2-1", "RFC9260-5.1.3-1", "RFC9260-5.1.5-3", "RFC9260-5.1.5-5", "RFC9260-5.1-6", "RFC9260-4-1",
                "RFC9260-4-2", "RFC9260-8.4-5", "RFC9260-5.2.4-2", "RFC9260-5.1.5-4", "RFC9260-3.3.3.1.2-1"))
    func cookiesAreAuthenticatedAndExpire() throws {
        var configuration = SCTPAssociationConfiguration()
        configuration.cookieLifetime = .seconds(5)
        var b = SCTPAssociation(configuration: configuration, random: SeededGenerator(seed: 6))
        let initiation = SCTPInitChunk(initiateTag: 99, advertisedReceiverWindowCredit: 100_000, outboundStreams: 4, inboundStreams: 4,
                                       initialTSN: 1000, parameters: [SCTPParameter(type: 0x4123, value: [1, 2, 3, 4])])
        b.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: 0, chunks: [.initiation(initiation)]).encoded()), at: .zero)
        guard case .transmit(let bytes) = b.poll(at: .zero), case .initiationAck(let ack)? = try SCTPPacket(parsing: bytes).chunks.first,
              let cookie = ack.stateCookie else { Issue.record("no INIT ACK"); return }
        #expect(b.state == .closed, "nothing is kept before the COOKIE ECHO")
        #expect(ack.parameters.contains { $0.type == SCTPParameter.unrecognizedParameter })
        var forged = cookie
        forged[0] ^= 1
        func echo(_ c: [UInt8], at time: Duration) -> [SCTPChunk] {
            b.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: ack.initiateTag, chunks: [.cookieEcho(cookie: c)]).encoded()), at: time)
            var chunks: [SCTPChunk] = []
            while true {
                switch b.poll(at: time) {
                case .transmit(let out): chunks += (try? SCTPPacket(parsing: out).chunks) ?? []
                case .event: continue
                case .timeout: return chunks
                }
            }
        }
        #expect(echo(forged, at: .seconds(1)).isEmpty)
        #expect(b.state == .closed)
        let stale = echo(cookie, at: .seconds(10))
        #expect(stale.contains { if case .error(let causes) = $0 { return causes.first?.code == SCTPErrorCause.staleCookie }; return false })
        #expect(b.state == .closed)
        let fresh = echo(cookie, at: .seconds(2))
        #expect(fresh.first == .cookieAck)
        #expect(b.state == .established)
    }

    @Test(.spec("RFC9260-6.5-2", "RFC9260-6.2-36"))
    func dataOnAMissingStreamGetsAnErrorAndEmptyDataAnAbort() throws {
        var configurationB = SCTPAssociationConfiguration()
        configurationB.maximumInboundStreams = 4
        var sim = Self.connected(seed: 20, b: configurationB)
        #expect(sim.a.outboundStreamCount == 4)
        #expect(throws: SCTPSendError.invalidStream(9, streamCount: 4)) {
            try sim.a.send([1], stream: 9, payloadProtocolIdentifier: 53, at: sim.now)
        }
        // Forge a DATA chunk on stream 9 from A.
        let data = SCTPDataChunk(isIData: sim.a.usesInterleaving, tsn: sim.a.sender.nextTSN, streamIdentifier: 9, messageIdentifier: 0,
                                 payloadProtocolIdentifier: 53, userData: [1, 2, 3][...])
        var errors: [SCTPErrorCause] = []
        sim.observe = { fromA, packet in
            for case .error(let causes) in packet.chunks where !fromA { errors += causes }
        }
        sim.b.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: sim.a.peerTag, chunks: [.data(data)]).encoded()), at: sim.now)
        sim.drain(false)
        #expect(errors == [.invalidStream(9)])
        #expect(sim.b.receiver.cumulativeTSN == data.tsn, "acknowledged though not delivered")
        var empty = data
        empty.tsn &+= 1
        empty.streamIdentifier = 0
        empty.userData = []
        sim.b.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: sim.a.peerTag, chunks: [.data(empty)]).encoded()), at: sim.now)
        sim.drain(false)
        #expect(sim.b.state == .closed)
        #expect(sim.eventsB.last == .closed(.abortedLocally([.noUserData(tsn: empty.tsn)])))
    }

    @Test(.spec("RFC9260-3.2.2-2"))
    func unknownChunksFollowTheirActionBits() throws {
        var sim = Self.connected(seed: 21)
        var errors: [SCTPErrorCause] = []
        sim.observe = { fromA, packet in
            for case .error(let causes) in packet.chunks where !fromA { errors += causes }
        }
        let data = SCTPDataChunk(isIData: sim.a.usesInterleaving, tsn: sim.a.sender.nextTSN, streamIdentifier: 0, messageIdentifier: 0,
                                 payloadProtocolIdentifier: 51, userData: Array("after".utf8)[...])
        func inject(_ chunks: [SCTPChunk]) {
            sim.b.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: sim.a.peerTag, chunks: chunks).encoded()), at: sim.now)
            sim.drain(false)
        }
        // 01: stop and report; the DATA behind it is not processed.
        inject([.unknown(type: 0x7e, flags: 0, value: [1, 2, 3, 4]), .data(data)])
        #expect(errors.count == 1 && errors.first?.code == SCTPErrorCause.unrecognizedChunkType)
        #expect(sim.messagesAtB.isEmpty)
        // 10: skip silently; the DATA is delivered.
        inject([.unknown(type: 0xbe, flags: 0, value: []), .data(data)])
        #expect(errors.count == 1)
        #expect(sim.messagesAtB.count == 1)
    }

    @Test(.spec("RFC8261-6.1-4", "RFC8261-6.1-5", "RFC8261-5-7", "RFC3758-3.1-3", "RFC6525-5.1.1-1", "RFC8831-6.1-4", "RFC9260-3.3.2-17",
                "RFC9260-5.1.1-1", "RFC9260-3.3.2-7"))
    func initOffersWhatWebRTCUsesAndNoAddresses() {
        var association = SCTPAssociation(random: SeededGenerator(seed: 30))
        association.connect(at: .zero)
        guard case .transmit(let bytes) = association.poll(at: .zero), let packet = try? SCTPPacket(parsing: bytes),
              case .initiation(let initiation)? = packet.chunks.first else { Issue.record("no INIT"); return }
        #expect(packet.chunks.count == 1 && packet.verificationTag == 0)
        #expect(!initiation.parameters.contains { [SCTPParameter.ipv4Address, SCTPParameter.ipv6Address, SCTPParameter.supportedAddressTypes].contains($0.type) })
        #expect(initiation.supportsForwardTSN)
        #expect(initiation.supportedExtensions.contains(SCTPChunkType.reconfig))
        #expect(initiation.outboundStreams == 65535 && initiation.inboundStreams == 65535)
        #expect(SCTPAssociationConfiguration().maximumPacketSize <= 1200)
        var other = SCTPAssociation(random: SeededGenerator(seed: 31))
        other.connect(at: .zero)
        guard case .transmit(let second) = other.poll(at: .zero), case .initiation(let otherInit)? = try? SCTPPacket(parsing: second).chunks.first else { return }
        #expect(otherInit.initialTSN != initiation.initialTSN && otherInit.initiateTag != initiation.initiateTag)
    }

    @Test(.spec("RFC9260-4-3", "RFC9260-4-4", "RFC9260-4-5", "RFC9260-5.1-12", "RFC9260-5.1.6-1", "RFC9260-6.3.3-1"))
    func initIsRetransmittedWithBackoffThenGivenUp() {
        var association = SCTPAssociation(random: SeededGenerator(seed: 32))
        association.connect(at: .zero)
        var sendTimes: [Duration] = []
        var now = Duration.zero
        var closed: SCTPCloseReason?
        for _ in 0..<100 {
            var deadline: Duration?
            loop: while true {
                switch association.poll(at: now) {
                case .transmit: sendTimes.append(now)
                case .event(.closed(let reason)): closed = reason
                case .event: break
                case .timeout(let d): deadline = d; break loop
                }
            }
            guard let next = deadline, closed == nil else { break }
            now = next
            association.handle(.timeout, at: now)
        }
        #expect(sendTimes.count == 9, "the INIT and Max.Init.Retransmits (8) retransmissions")
        #expect(closed == .timedOut)
        let gaps = zip(sendTimes.dropFirst(), sendTimes).map { $0 - $1 }
        #expect(gaps == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) }, "RTO.Initial, doubling up to RTO.Max")
    }

    @Test(.spec("RFC9260-12.4-5", "RFC9260-3.3.10-1", "RFC9260-3.3.10.13-2"))
    func aSackForUnsentDataAborts() {
        var sim = Self.connected(seed: 33)
        let sack = SCTPSackChunk(cumulativeTSNAck: sim.b.sender.nextTSN &+ 10, advertisedReceiverWindowCredit: 100_000)
        sim.b.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: sim.b.localVerificationTag, chunks: [.selectiveAck(sack)]).encoded()), at: sim.now)
        sim.drain(false)
        #expect(sim.b.state == .closed)
        if case .closed(.abortedLocally(let causes))? = sim.eventsB.last {
            #expect(causes.first?.code == SCTPErrorCause.protocolViolation)
            #expect(causes.first?.information.isEmpty == false, "says what was violated")
        } else {
            Issue.record("no abort: \(sim.eventsB)")
        }
    }

    @Test(.spec("RFC9260-8.4-6", "RFC9260-8.4-7", "RFC9260-9.2-25", "RFC9260-8.5.1-9", "RFC9260-8.4-2", "RFC9260-12.3-3"))
    func outOfTheBluePackets() {
        var association = SCTPAssociation(random: SeededGenerator(seed: 34))
        func send(_ chunks: [SCTPChunk], tag: UInt32) -> [SCTPPacket] {
            association.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: tag, chunks: chunks).encoded()), at: .zero)
            var out: [SCTPPacket] = []
            while case .transmit(let bytes) = association.poll(at: .zero) { out.append(try! SCTPPacket(parsing: bytes)) }
            return out
        }
        let complete = send([.shutdownAck], tag: 0x1234_5678)
        #expect(complete.count == 1 && complete.first?.verificationTag == 0x1234_5678 && complete.first?.chunks == [.shutdownComplete(reflectedTag: true)])
        #expect(send([.abort(reflectedTag: false, causes: [])], tag: 0x1234_5678).isEmpty)
        let initiation = SCTPInitChunk(initiateTag: 5, advertisedReceiverWindowCredit: 100_000, outboundStreams: 1, inboundStreams: 1, initialTSN: 1)
        #expect(send([.initiation(initiation), .cookieAck], tag: 0).isEmpty, "an INIT bundled with another chunk is dropped")
        #expect(association.state == .closed)
    }
}
