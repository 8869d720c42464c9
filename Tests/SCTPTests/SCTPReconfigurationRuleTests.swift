import SpecTesting
import Testing
import Wire
@testable import SCTP

/// RFC 6525 rules beyond the basic exchange: parameter formats, chunk combinations, the
/// answers to requests SpecRTC does not make itself, and data sent while a reset is running.
@Suite struct SCTPReconfigurationRuleTests {
    static func reconfigs(in packets: [SCTPPacket]) -> [[SCTPReconfigParameter]] {
        SCTPReconfigurationTests.reconfigs(in: packets)
    }

    /// The bytes of one parameter as a RE-CONFIG chunk carries it.
    static func encoded(_ parameter: SCTPReconfigParameter) -> [UInt8] {
        let packet = SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: 1, chunks: [.reconfig([parameter])]).encoded()
        return Array(packet[16...])   // after the common header and the chunk header
    }

    static func length(_ bytes: [UInt8]) -> Int { Int(bytes[2]) << 8 | Int(bytes[3]) }

    @Test(.spec("RFC6525-4.1-1", "RFC6525-4.2-1", "RFC6525-4.3-1", "RFC6525-4.4-1", "RFC6525-4.4-2", "RFC6525-4.5-1",
                "RFC6525-4.5-2", "RFC6525-4.6-1", "RFC6525-4.6-2", "RFC6525-4.5-3", "RFC6525-4.6-3"))
    func parametersHaveTheirLengthsAndZeroReservedFields() throws {
        let outgoing = Self.encoded(.outgoingSSNResetRequest(requestSequence: 1, responseSequence: 2, senderLastTSN: 3, streams: [4, 5, 6]))
        #expect(Self.length(outgoing) == 16 + 2 * 3)
        let outgoingAll = Self.encoded(.outgoingSSNResetRequest(requestSequence: 1, responseSequence: 2, senderLastTSN: 3, streams: []))
        #expect(Self.length(outgoingAll) == 16)
        #expect(Self.length(Self.encoded(.incomingSSNResetRequest(requestSequence: 1, streams: [7]))) == 8 + 2)
        #expect(Self.length(Self.encoded(.ssnTSNResetRequest(requestSequence: 1))) == 8)
        #expect(Self.length(Self.encoded(.response(responseSequence: 1, result: .denied, senderNextTSN: nil, receiverNextTSN: nil))) == 12)
        #expect(Self.length(Self.encoded(.response(responseSequence: 1, result: .successPerformed, senderNextTSN: 9, receiverNextTSN: 10))) == 20)
        // Only one of the optional TSNs: both are left out.
        #expect(Self.length(Self.encoded(.response(responseSequence: 1, result: .denied, senderNextTSN: 9, receiverNextTSN: nil))) == 12)
        for add in [SCTPReconfigParameter.addOutgoingStreams(requestSequence: 1, count: 3), .addIncomingStreams(requestSequence: 1, count: 3)] {
            let bytes = Self.encoded(add)
            #expect(Self.length(bytes) == 12)
            #expect(bytes[10] == 0 && bytes[11] == 0, "reserved is zero")
            // A peer's non-zero reserved field is ignored.
            var peer = bytes
            peer[10] = 0xab; peer[11] = 0xcd
            let parameter = SCTPParameter(type: UInt16(peer[0]) << 8 | UInt16(peer[1]), value: Array(peer[4..<12]))
            #expect(try SCTPReconfigParameter(parameter, offset: 0) == add)
        }
        // A response with a single TSN field is malformed.
        let half = SCTPParameter(type: SCTPParameter.reconfigurationResponse, value: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9])
        #expect(throws: WireError.self) { try SCTPReconfigParameter(half, offset: 0) }
    }

    @Test(.spec("RFC6525-4.1-2", "RFC6525-4.2-2", "RFC6525-4.3-2", "RFC6525-4.4-3", "RFC6525-4.5-4", "RFC6525-4.6-4"))
    func reconfigurationParametersOnlyTravelInReconfigChunks() throws {
        var setupParameterTypes: [UInt16] = []
        var reconfigChunks = 0
        // A fresh association's INIT and INIT ACK, then a reset.
        var sim = SCTPSimulation(seed: 71, path: .init(), configurationA: .init(), configurationB: .init())
        sim.observe = { _, packet in
            for chunk in packet.chunks {
                switch chunk {
                case .initiation(let c), .initiationAck(let c): setupParameterTypes += c.parameters.map(\.type)
                case .reconfig: reconfigChunks += 1
                default: break
                }
            }
        }
        let connected = sim.connect()
        #expect(connected)
        try sim.a.resetOutgoingStreams([1], at: sim.now)
        sim.drainBoth()
        let ran = sim.run(until: { $0.eventsA.contains(.outgoingStreamsReset([1])) }, limit: .seconds(10))
        #expect(ran)
        #expect(!setupParameterTypes.isEmpty)
        #expect(setupParameterTypes.allSatisfy { !(13...18).contains($0) })
        #expect(reconfigChunks >= 2)
    }

    @Test(.spec("RFC6525-5.2.1-2", "RFC6525-5.2.2-10", "RFC6525-5.2.3-5", "RFC6525-5.1.1-7"))
    func responsesToTwoRequestsShareOneChunk() {
        var sim = SCTPFeatureTests.connected(seed: 72)
        let first = sim.a.reconfig.peerNextRequestSequence
        let out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([
            .outgoingSSNResetRequest(requestSequence: first, responseSequence: 0, senderLastTSN: sim.a.receiver.cumulativeTSN, streams: [1]),
            .incomingSSNResetRequest(requestSequence: first &+ 1, streams: [3]),
        ])], tag: sim.a.localVerificationTag, at: sim.now)
        // One chunk, both answers: the reset is done; stream 3 was never used, so nothing to do.
        #expect(Self.reconfigs(in: out.packets) == [[
            .response(responseSequence: first, result: .successPerformed, senderNextTSN: nil, receiverNextTSN: nil),
            .response(responseSequence: first &+ 1, result: .successNothingToDo, senderNextTSN: nil, receiverNextTSN: nil),
        ]])
        #expect(out.events.contains(.incomingStreamsReset([1])))
        // Responses alone start no Re-configuration Timer.
        #expect(sim.a.reconfig.deadline == nil)
    }

    @Test(.spec("RFC6525-3.1-1"))
    func anUnsupportedCombinationGetsAProtocolViolation() {
        var sim = SCTPFeatureTests.connected(seed: 73)
        let first = sim.a.reconfig.peerNextRequestSequence
        for parameters: [SCTPReconfigParameter] in [
            [.ssnTSNResetRequest(requestSequence: first), .addOutgoingStreams(requestSequence: first &+ 1, count: 1)],
            [.incomingSSNResetRequest(requestSequence: first, streams: [1]), .response(responseSequence: 0, result: .denied, senderNextTSN: nil, receiverNextTSN: nil)],
            [.addOutgoingStreams(requestSequence: first, count: 1), .addOutgoingStreams(requestSequence: first &+ 1, count: 1)],
        ] {
            let out = SCTPStateRuleTests.feed(&sim.a, [.reconfig(parameters)], tag: sim.a.localVerificationTag, at: sim.now)
            #expect(Self.reconfigs(in: out.packets).isEmpty, "nothing is answered")
            let causes = out.packets.flatMap(\.chunks).compactMap { if case .error(let causes) = $0 { return causes } else { return nil } }.flatMap { $0 }
            #expect(causes.map(\.code) == [SCTPErrorCause.protocolViolation])
        }
        #expect(sim.a.reconfig.peerNextRequestSequence == first, "no request was processed")
        #expect(sim.a.state == .established)
        // The allowed pairs pass.
        #expect(SCTPAssociation.isAllowedCombination([.response(responseSequence: 1, result: .denied, senderNextTSN: nil, receiverNextTSN: nil),
                                                      .response(responseSequence: 2, result: .denied, senderNextTSN: nil, receiverNextTSN: nil)]))
        #expect(SCTPAssociation.isAllowedCombination([.addOutgoingStreams(requestSequence: 1, count: 1), .addIncomingStreams(requestSequence: 2, count: 1)]))
        #expect(SCTPAssociation.isAllowedCombination([.response(responseSequence: 1, result: .denied, senderNextTSN: nil, receiverNextTSN: nil),
                                                      .outgoingSSNResetRequest(requestSequence: 1, responseSequence: 1, senderLastTSN: 1, streams: [])]))
        #expect(!SCTPAssociation.isAllowedCombination([]))
    }

    @Test(.spec("RFC6525-5.2.3-3", "RFC6525-5.2.3-4", "RFC6525-5.2.3-5"))
    func incomingResetRequestsAreNothingToDoOrDenied() throws {
        var sim = SCTPFeatureTests.connected(seed: 74)
        // A used stream 4 and stream 6; both messages are acknowledged.
        try sim.a.send([1, 2, 3], stream: 4, payloadProtocolIdentifier: 53, at: sim.now)
        try sim.a.send([1, 2, 3], stream: 6, payloadProtocolIdentifier: 53, at: sim.now)
        sim.drainBoth()
        let ran = sim.run(until: { $0.a.bufferedAmount == 0 }, limit: .seconds(5))
        #expect(ran)
        // A resets stream 4; its request is out but not answered yet.
        try sim.a.resetOutgoingStreams([4], at: sim.now)
        _ = SCTPStateRuleTests.drain(&sim.a, at: sim.now)
        #expect(sim.a.reconfig.inFlight?.streams == [4])
        let first = sim.a.reconfig.peerNextRequestSequence
        var out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([.incomingSSNResetRequest(requestSequence: first, streams: [4])])],
                                          tag: sim.a.localVerificationTag, at: sim.now)
        #expect(Self.reconfigs(in: out.packets).first?.first == .response(responseSequence: first, result: .successNothingToDo, senderNextTSN: nil, receiverNextTSN: nil))
        // Stream 6 is at SSN 1 and not being reset: denied.
        out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([.incomingSSNResetRequest(requestSequence: first &+ 1, streams: [4, 6])])],
                                      tag: sim.a.localVerificationTag, at: sim.now)
        #expect(Self.reconfigs(in: out.packets).first?.first == .response(responseSequence: first &+ 1, result: .denied, senderNextTSN: nil, receiverNextTSN: nil))
        // Stream 9 was never used: nothing to do.
        out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([.incomingSSNResetRequest(requestSequence: first &+ 2, streams: [9])])],
                                      tag: sim.a.localVerificationTag, at: sim.now)
        #expect(Self.reconfigs(in: out.packets).first?.first == .response(responseSequence: first &+ 2, result: .successNothingToDo, senderNextTSN: nil, receiverNextTSN: nil))
    }

    @Test(.spec("RFC6525-5.1.7-3", "RFC6525-5.1.7-5", "RFC6525-5.1.7-6", "RFC6525-5.1.7-7", "RFC6525-5.2.5-1", "RFC6525-5.2.6-1",
                "RFC6525-5.2.5-3", "RFC6525-5.2.6-2"))
    func otherRequestsAreDeniedWithTheRightFields() throws {
        var sim = SCTPFeatureTests.connected(seed: 75)
        try sim.a.send([UInt8](repeating: 1, count: 10), stream: 0, payloadProtocolIdentifier: 53, at: sim.now)
        sim.drainBoth()
        let ran = sim.run(until: { $0.a.bufferedAmount == 0 }, limit: .seconds(5))
        #expect(ran)
        let first = sim.a.reconfig.peerNextRequestSequence
        var out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([.ssnTSNResetRequest(requestSequence: first)])], tag: sim.a.localVerificationTag, at: sim.now)
        let expectedReceiverNext = sim.a.sender.cumulativeAckPoint &+ 1 &+ (1 << 31)
        #expect(Self.reconfigs(in: out.packets) == [[.response(responseSequence: first, result: .denied, senderNextTSN: sim.a.sender.nextTSN,
                                                               receiverNextTSN: expectedReceiverNext)]])
        out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([.addOutgoingStreams(requestSequence: first &+ 1, count: 10),
                                                          .addIncomingStreams(requestSequence: first &+ 2, count: 10)])],
                                      tag: sim.a.localVerificationTag, at: sim.now)
        #expect(Self.reconfigs(in: out.packets) == [[
            .response(responseSequence: first &+ 1, result: .denied, senderNextTSN: nil, receiverNextTSN: nil),
            .response(responseSequence: first &+ 2, result: .denied, senderNextTSN: nil, receiverNextTSN: nil),
        ]])
    }

    @Test(.spec("RFC6525-5.1.2-1", "RFC6525-5.2.7-4", "RFC6525-5.2.7-1", "RFC6525-5.2.7-2", "RFC8260-2.3.2-1", "RFC6525-5.1.1-5"))
    func dataSentWhileAStreamIsResetWaitsForTheReset() throws {
        for interleaving in [false, true] {
            var configuration = SCTPAssociationConfiguration()
            configuration.offersInterleaving = interleaving
            var sim = SCTPFeatureTests.connected(seed: 76, a: configuration, b: configuration)
            var dataOnStream2: [(identifier: UInt32, afterReset: Bool)] = []
            var resetSeenOnWire = false
            sim.observe = { fromA, packet in
                guard fromA else { return }
                for chunk in packet.chunks {
                    if case .reconfig = chunk { resetSeenOnWire = true }
                    if case .data(let d) = chunk, d.streamIdentifier == 2 { dataOnStream2.append((d.messageIdentifier, resetSeenOnWire)) }
                }
            }
            try sim.a.send([1], stream: 2, payloadProtocolIdentifier: 53, at: sim.now)
            try sim.a.send([2], stream: 2, payloadProtocolIdentifier: 53, at: sim.now)
            try sim.a.resetOutgoingStreams([2], at: sim.now)
            // A second reset of another stream waits for the first.
            try sim.a.resetOutgoingStreams([5], at: sim.now)
            // Sent after the reset was asked for: held, not refused, and not numbered yet.
            try sim.a.send([3], stream: 2, payloadProtocolIdentifier: 53, options: .init(unordered: true), at: sim.now)
            try sim.a.send([4], stream: 2, payloadProtocolIdentifier: 53, at: sim.now)
            #expect(sim.a.reconfig.held.count == 2)
            sim.drainBoth()
            let ran = sim.run(until: { $0.eventsB.filter { if case .message = $0 { return true } else { return false } }.count == 4
                                  && $0.eventsA.contains(.outgoingStreamsReset([5])) }, limit: .seconds(10))
        #expect(ran)
            let messages = sim.eventsB.compactMap { if case .message(let m) = $0 { return m.payload } else { return nil } }
            #expect(messages.count == 4)
            #expect(Array(messages.prefix(2)) == [[1], [2]])
            #expect(Set(messages.suffix(2)) == [[3], [4]])
            // B saw the reset between the old and the new messages.
            let resetIndex = try #require(sim.eventsB.firstIndex(of: .incomingStreamsReset([2])))
            let lastOld = try #require(sim.eventsB.firstIndex { if case .message(let m) = $0 { return m.payload == [2] } else { return false } })
            #expect(lastOld < resetIndex)
            // The held messages went out after the reset, numbered from 0 again (ordered and unordered).
            #expect(dataOnStream2.count == 4)
            #expect(dataOnStream2.prefix(2).map(\.identifier) == [0, 1])
            #expect(dataOnStream2.suffix(2).allSatisfy { $0.afterReset && $0.identifier == 0 })
            // Both requests were acknowledged; the timer is stopped.
            #expect(sim.eventsA.contains(.outgoingStreamsReset([2])))
            #expect(sim.a.reconfig.inFlight == nil && sim.a.reconfig.deadline == nil)
        }
    }

    @Test(.spec("RFC6525-5.2.7-3"))
    func inProgressRetransmissionsCountNoError() throws {
        var sim = SCTPFeatureTests.connected(seed: 77)
        try sim.a.resetOutgoingStreams([4], at: sim.now)
        _ = SCTPStateRuleTests.drain(&sim.a, at: sim.now)
        let request = try #require(sim.a.reconfig.inFlight)
        _ = SCTPStateRuleTests.feed(&sim.a, [.reconfig([.response(responseSequence: request.sequence, result: .inProgress,
                                                                 senderNextTSN: nil, receiverNextTSN: nil)])],
                                    tag: sim.a.localVerificationTag, at: sim.now)
        let errors = sim.a.sender.errorCount
        var now = sim.now
        var retransmitted = 0
        for _ in 0..<3 {
            now = try #require(sim.a.reconfig.deadline)
            sim.a.handle(.timeout, at: now)
            let out = SCTPStateRuleTests.drain(&sim.a, at: now)
            retransmitted += Self.reconfigs(in: out.packets).count
        }
        #expect(retransmitted >= 3)
        #expect(sim.a.sender.errorCount == errors)
    }

    @Test(.spec("RFC6525-5.2.2-4"))
    func dataSentAfterADeferredResetWaitsForIt() {
        var peer = SCTPScriptedPeer(seed: 78)
        let base = peer.peerNextTSN
        let sequence = peer.association.reconfig.peerNextRequestSequence
        // The peer sent SSN 0 on stream 2 at `base` (lost), then reset stream 2, then sent a new SSN 0.
        peer.peerNextTSN &+= 1
        var out = peer.send([.reconfig([.outgoingSSNResetRequest(requestSequence: sequence, responseSequence: 0, senderLastTSN: base, streams: [2])])])
        #expect(SCTPReconfigurationTests.reconfigs(in: out.packets).first?.first
                == .response(responseSequence: sequence, result: .inProgress, senderNextTSN: nil, receiverNextTSN: nil))
        out = peer.send([.data(SCTPDataChunk(tsn: base &+ 1, streamIdentifier: 2, messageIdentifier: 0, payloadProtocolIdentifier: 53,
                                             userData: Array("new".utf8)[...]))])
        #expect(out.messages.isEmpty, "the new message waits for the reset")
        // The old message arrives: it is delivered, the reset is performed, then the new message.
        out = peer.send([.data(SCTPDataChunk(tsn: base, streamIdentifier: 2, messageIdentifier: 0, payloadProtocolIdentifier: 53,
                                             userData: Array("old".utf8)[...]))])
        #expect(out.messages.map { String(decoding: $0.payload, as: UTF8.self) } == ["old", "new"])
        let reset = out.events.firstIndex(of: .incomingStreamsReset([2]))
        let new = out.events.firstIndex { if case .message(let m) = $0 { return m.payload == Array("new".utf8) } else { return false } }
        #expect(reset != nil && new != nil && reset! < new!)
        #expect(peer.association.receiver.bufferedBytes == 0)
    }

    @Test(.spec("RFC6525-5.1.2-10", "RFC6525-5.1.2-12"))
    func ourRequestRidesWithAResponse() throws {
        var sim = SCTPFeatureTests.connected(seed: 79)
        try sim.a.resetOutgoingStreams([3], at: sim.now)
        let first = sim.a.reconfig.peerNextRequestSequence
        let out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([.ssnTSNResetRequest(requestSequence: first)])], tag: sim.a.localVerificationTag, at: sim.now)
        let chunks = Self.reconfigs(in: out.packets)
        #expect(chunks.count == 1)
        let parameters = try #require(chunks.first)
        #expect(parameters.count == 2)
        guard case .response(first, .denied, _, _)? = parameters.first else { Issue.record("no response first: \(parameters)"); return }
        guard case .outgoingSSNResetRequest(_, _, _, [3])? = parameters.last else { Issue.record("no request: \(parameters)"); return }
        #expect(SCTPAssociation.isAllowedCombination(parameters))
        // The request started the Re-configuration Timer (RFC 6525 §5.1.1).
        #expect(sim.a.reconfig.deadline != nil)
    }
}
