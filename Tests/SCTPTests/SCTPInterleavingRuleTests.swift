import SpecTesting
import Testing
import Wire
@testable import SCTP

/// RFC 8260 I-DATA and I-FORWARD-TSN rules, and RFC 8261/8831 rules on the association.
@Suite struct SCTPInterleavingRuleTests {
    static func interleaving(seed: UInt64) -> SCTPScriptedPeer {
        SCTPScriptedPeer(seed: seed, peerInit: SCTPSchedulerTests.interleavingPeerInit())
    }

    static func aborts(_ out: SCTPScriptedPeer.Output) -> [SCTPErrorCause] {
        out.chunks.compactMap { if case .abort(_, let causes) = $0 { return causes } else { return nil } }.flatMap { $0 }
    }

    @Test(.spec("RFC8260-2.3.1-6", "RFC8260-2.3.1-7", "RFC8260-2.3.1-4", "RFC8260-2.3.1-5", "RFC8260-2-2"))
    func theWrongKindOfForwardTSNAborts() {
        var interleaved = Self.interleaving(seed: 90)
        let cumulative = interleaved.association.receiver.cumulativeTSN
        var out = interleaved.send([.forwardTSN(SCTPForwardTSNChunk(isIForwardTSN: false, newCumulativeTSN: cumulative &+ 1))])
        #expect(Self.aborts(out).map(\.code) == [SCTPErrorCause.protocolViolation])
        #expect(interleaved.association.state == .closed)

        var plain = SCTPScriptedPeer(seed: 91)
        out = plain.send([.forwardTSN(SCTPForwardTSNChunk(isIForwardTSN: true, newCumulativeTSN: plain.association.receiver.cumulativeTSN &+ 1))])
        #expect(Self.aborts(out).map(\.code) == [SCTPErrorCause.protocolViolation])
        #expect(plain.association.state == .closed)

        // The right kind is accepted.
        var fine = Self.interleaving(seed: 92)
        let base = fine.association.receiver.cumulativeTSN
        out = fine.send([.forwardTSN(SCTPForwardTSNChunk(isIForwardTSN: true, newCumulativeTSN: base &+ 1,
                                                         skipped: [.init(streamIdentifier: 1, messageIdentifier: 0, unordered: true)]))])
        #expect(Self.aborts(out).isEmpty && fine.association.receiver.cumulativeTSN == base &+ 1)
    }

    @Test(.spec("RFC8260-2.3.1-1", "RFC8260-2.3.1-2", "RFC8260-2.3.1-3"))
    func interleavedAssociationsSkipWithIForwardTSN() throws {
        var peer = Self.interleaving(seed: 93)
        try peer.association.send([1, 2], stream: 3, payloadProtocolIdentifier: 53, options: .init(unordered: true, reliability: .maximumRetransmissions(0)), at: .zero)
        try peer.association.send([1, 2], stream: 4, payloadProtocolIdentifier: 53, options: .init(reliability: .maximumRetransmissions(0)), at: .zero)
        _ = SCTPScriptedPeer.collect(&peer.association, at: .zero)
        let (_, out) = try #require(SCTPPartialReliabilityRuleTests.fire(&peer))
        let index = try #require(out.packets.firstIndex { $0.chunks.contains { if case .forwardTSN = $0 { return true } else { return false } } })
        guard case .forwardTSN(let forward)? = out.packets[index].chunks.first(where: { if case .forwardTSN = $0 { return true } else { return false } }) else { return }
        #expect(forward.isIForwardTSN)
        // I-FORWARD-TSN lists unordered messages too, with the U bit.
        #expect(forward.skipped.contains(.init(streamIdentifier: 3, messageIdentifier: 0, unordered: true)))
        #expect(forward.skipped.contains(.init(streamIdentifier: 4, messageIdentifier: 0, unordered: false)))
        // On the wire: chunk type 194, flags zero, reserved bits beside U zero.
        let bytes = out.bytes[index]
        var offset = 12
        while offset + 4 <= bytes.count, bytes[offset] != SCTPChunkType.iForwardTSN {
            offset += (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]) + 3) & ~3
        }
        #expect(bytes[offset] == SCTPChunkType.iForwardTSN)
        #expect(bytes[offset + 1] == 0, "flags are zero")
        let entries = (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]) - 8) / 8
        for entry in 0..<entries {
            let flags = UInt16(bytes[offset + 8 + entry * 8 + 2]) << 8 | UInt16(bytes[offset + 8 + entry * 8 + 3])
            #expect(flags & 0xfffe == 0)
        }
    }

    @Test(.spec("RFC8260-2.2.2-1", "RFC8260-2.2.2-2", "RFC8260-2.2.2-3", "RFC8260-2.1-1", "RFC8260-2.2.2-4", "RFC8260-2-1", "RFC8260-2.1-6", "RFC8260-2.2.1-2", "RFC8260-2.1-3"))
    func iDataFragmentsCarryTheirFlagsAndObeyTheWindows() throws {
        var peer = Self.interleaving(seed: 94)
        let out = try peer.userSends(3000, stream: 2)
        let data = out.data
        #expect(data.count == 3 && data.allSatisfy { $0.isIData })
        #expect(data.map(\.beginning) == [true, false, false])
        #expect(data.map(\.ending) == [false, false, true])
        #expect(data.map(\.fragmentSequenceNumber) == [0, 1, 2])
        // Reserved flag bits (the high four) are zero on the wire.
        for bytes in out.bytes {
            var offset = 12
            while offset + 4 <= bytes.count {
                if bytes[offset] == SCTPChunkType.iData { #expect(bytes[offset + 1] & 0xf0 == 0) }
                offset += (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]) + 3) & ~3
            }
        }
        // The I-DATA reserved field (bytes 10-11 of the chunk) is zero.
        for bytes in out.bytes {
            var offset = 12
            while offset + 4 <= bytes.count {
                if bytes[offset] == SCTPChunkType.iData { #expect(bytes[offset + 10] == 0 && bytes[offset + 11] == 0) }
                offset += (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]) + 3) & ~3
            }
        }
        // Congestion control applies: a backlog goes out no faster than the initial cwnd allows.
        var more = 0
        for _ in 0..<20 {
            try peer.association.send([UInt8](repeating: 1, count: 1000), stream: 5, payloadProtocolIdentifier: 53, at: peer.now)
        }
        more = SCTPScriptedPeer.collect(&peer.association, at: peer.now).data.reduce(0) { $0 + $1.userData.count }
        #expect(more + 3000 <= peer.association.sender.cwnd + 1200)
        // Beside it, an association with a peer that offers no I-DATA uses DATA.
        var plain = SCTPScriptedPeer(seed: 95)
        #expect(try plain.userSends(3000, stream: 2).data.allSatisfy { !$0.isIData })
    }

    @Test(.spec("RFC8260-2.1-2", "RFC8260-2.2.3-2", "RFC8260-2.1-1"))
    func iDataReceiverReassemblesByMessageAndHonoursTheIBit() {
        var peer = Self.interleaving(seed: 96)
        let base = peer.peerNextTSN
        func fragment(_ tsn: UInt32, stream: UInt16, mid: UInt32, fsn: UInt32, b: Bool, e: Bool, immediate: Bool = false) -> SCTPChunk {
            .data(SCTPDataChunk(isIData: true, tsn: tsn, streamIdentifier: stream, messageIdentifier: mid, fragmentSequenceNumber: fsn,
                                payloadProtocolIdentifier: 53, userData: [UInt8](repeating: UInt8(stream), count: 10)[...],
                                unordered: false, beginning: b, ending: e, immediate: immediate))
        }
        // Two messages whose fragments are interleaved by TSN; they arrive out of TSN order.
        var out = peer.send([fragment(base &+ 3, stream: 1, mid: 0, fsn: 2, b: false, e: true)])
        out = peer.send([fragment(base, stream: 1, mid: 0, fsn: 0, b: true, e: false), fragment(base &+ 1, stream: 2, mid: 0, fsn: 0, b: true, e: false)])
        #expect(out.messages.isEmpty)
        out = peer.send([fragment(base &+ 2, stream: 1, mid: 0, fsn: 1, b: false, e: false),
                         fragment(base &+ 4, stream: 2, mid: 0, fsn: 1, b: false, e: true)])
        #expect(Set(out.messages.map(\.stream)) == [1, 2])
        #expect(out.messages.first { $0.stream == 1 }?.payload.count == 30)
        // In order, a single I-DATA would be acknowledged later; with the I bit, at once.
        out = peer.send([fragment(base &+ 5, stream: 3, mid: 0, fsn: 0, b: true, e: true, immediate: true)])
        #expect(out.sacks.last?.cumulativeTSNAck == base &+ 5)
        // Reserved flag bits set by a peer are ignored.
        var packet = SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: peer.association.localVerificationTag,
                                chunks: [fragment(base &+ 6, stream: 4, mid: 0, fsn: 0, b: true, e: true)]).encoded()
        packet[13] |= 0xf0
        let crc = packet.withUnsafeBytes { SCTPPacket.checksum(of: $0) }
        packet[8] = UInt8(crc & 0xff); packet[9] = UInt8(crc >> 8 & 0xff); packet[10] = UInt8(crc >> 16 & 0xff); packet[11] = UInt8(crc >> 24)
        peer.association.handle(.packet(packet), at: peer.now)
        out = SCTPScriptedPeer.collect(&peer.association, at: peer.now)
        #expect(out.messages.map(\.stream) == [4])
    }

    @Test(.spec("RFC8831-6.2-1", "RFC8831-6.6-9", "RFC8831-6.1-8", "RFC8831-6.6-7"))
    func webRTCDefaults() throws {
        var association = SCTPAssociation(configuration: .init(), random: SeededGenerator(seed: 97))
        association.connect(at: .zero)
        let out = SCTPScriptedPeer.collect(&association, at: .zero)
        guard case .initiation(let initiation)? = out.packets.first?.chunks.first else { Issue.record("no INIT"); return }
        #expect(initiation.outboundStreams == 65535 && initiation.inboundStreams == 65535)
        #expect(initiation.supportedExtensions.contains(SCTPChunkType.iData))
        // No Nagle: a one-byte message leaves at once, alone in its packet.
        var peer = SCTPScriptedPeer(seed: 98)
        let sent = try peer.userSends(1, stream: 0)
        #expect(sent.data.count == 1 && sent.data[0].userData.count == 1)
    }

    @Test(.spec("RFC8261-6.1-3"))
    func theOnePathFailsWithTheAssociation() throws {
        var configuration = SCTPAssociationConfiguration()
        configuration.maximumAssociationRetransmissions = 3
        var peer = SCTPScriptedPeer(seed: 99, configuration: configuration)
        try peer.userSends(100)
        var expiries = 0
        while peer.association.state != .closed, let (_, out) = peer.nextTimer() {
            if !out.data.isEmpty { expiries += 1 }
            if expiries > 10 { break }
        }
        #expect(peer.association.state == .closed)
        #expect(expiries == 3, "path.max.retrans is association.max.retrans: the association ends after \(expiries) retransmissions")
    }

    @Test(.spec("RFC8260-2.2.3-3", "RFC8260-2.2.3-4"))
    func dataOnAnInterleavedAssociationAborts() {
        var peer = Self.interleaving(seed: 101)
        let out = peer.send([peer.nextData(10, stream: 1)])
        #expect(Self.aborts(out).map(\.code) == [SCTPErrorCause.protocolViolation])
        #expect(peer.association.state == .closed)
        #expect(out.messages.isEmpty)
    }

    @Test(.spec("RFC8260-2.2.2-5", "RFC8260-2.1-3"))
    func oneMessageOfAStreamAtATime() throws {
        var peer = Self.interleaving(seed: 102)
        for _ in 0..<3 {
            try peer.association.send([UInt8](repeating: 4, count: 2500), stream: 6, payloadProtocolIdentifier: 53, at: peer.now)
        }
        try peer.association.send([UInt8](repeating: 5, count: 2500), stream: 7, payloadProtocolIdentifier: 53, at: peer.now)
        let sent = SCTPSchedulerTests.drain(&peer, limit: 100)
        // On stream 6, message 1 starts only after message 0 ended, and so on; stream 7 interleaves.
        let mids = sent.filter { $0.streamIdentifier == 6 }.map(\.messageIdentifier)
        #expect(mids == mids.sorted() && Set(mids) == [0, 1, 2])
        var open: UInt32?
        for chunk in sent where chunk.streamIdentifier == 6 {
            if chunk.beginning { #expect(open == nil); open = chunk.messageIdentifier }
            #expect(open == chunk.messageIdentifier)
            if chunk.ending { open = nil }
        }
        #expect(sent.contains { $0.streamIdentifier == 7 })
        // A peer's non-zero reserved field is ignored.
        var fresh = Self.interleaving(seed: 103)
        var packet = SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: fresh.association.localVerificationTag,
                                chunks: [.data(SCTPDataChunk(isIData: true, tsn: fresh.peerNextTSN, streamIdentifier: 1, messageIdentifier: 0,
                                                             payloadProtocolIdentifier: 53, userData: [1, 2, 3][...]))]).encoded()
        packet[12 + 10] = 0xaa; packet[12 + 11] = 0x55
        let crc = packet.withUnsafeBytes { SCTPPacket.checksum(of: $0) }
        packet[8] = UInt8(crc & 0xff); packet[9] = UInt8(crc >> 8 & 0xff); packet[10] = UInt8(crc >> 16 & 0xff); packet[11] = UInt8(crc >> 24)
        fresh.association.handle(.packet(packet), at: fresh.now)
        #expect(SCTPScriptedPeer.collect(&fresh.association, at: fresh.now).messages.map(\.payload) == [[1, 2, 3]])
    }

    @Test(.spec("RFC8260-2.1-4", "RFC8260-2.1-7"))
    func fewerThan2To31MessagesOrFragmentsCanBeInFlight() throws {
        var configuration = SCTPAssociationConfiguration()
        configuration.sendQueueLimit = Int.max
        let peer = SCTPScriptedPeer(seed: 111, configuration: configuration, peerInit: SCTPSchedulerTests.interleavingPeerInit())
        // Each message or fragment holds at least one byte: bytes bound both counts.
        #expect(peer.association.sendQueueLimit == Int(Int32.max))
        #expect(configuration.maximumMessageSize < Int(Int32.max))
        configuration.sendQueueLimit = 1000
        var small = SCTPScriptedPeer(seed: 112, configuration: configuration, peerInit: SCTPSchedulerTests.interleavingPeerInit())
        #expect(throws: SCTPSendError.queueFull(queued: 0, limit: 1000)) {
            try small.association.send([UInt8](repeating: 0, count: 1001), stream: 1, payloadProtocolIdentifier: 53, at: .zero)
        }
    }
}
