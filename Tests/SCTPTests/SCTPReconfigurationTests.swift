import SpecTesting
import Testing
@testable import SCTP

/// RFC 6525 requests and responses on the wire: what SpecRTC answers and how its own
/// request is retransmitted.
@Suite struct SCTPReconfigurationTests {
    static func reconfigs(in packets: [SCTPPacket]) -> [[SCTPReconfigParameter]] {
        packets.flatMap { $0.chunks }.compactMap { if case .reconfig(let p) = $0 { return p } else { return nil } }
    }

    @Test(.spec("RFC6525-5.2.1-5", "RFC6525-5.1.7-1", "RFC6525-5.1.7-2", "RFC6525-5.1.7-4", "RFC6525-5.2.1-1", "RFC6525-5.2.1-3",
                "RFC6525-5.2.1-4"))
    func requestsWeDoNotCarryOutAreAnsweredDenied() throws {
        var sim = SCTPFeatureTests.connected(seed: 60)
        // Stream 1 carried a message (its SSN is 1): resetting it is not "nothing to do".
        try sim.a.send([1], stream: 1, payloadProtocolIdentifier: 53, at: sim.now)
        sim.drainBoth()
        let delivered = sim.run(until: { $0.a.bufferedAmount == 0 }, limit: .seconds(5))
        #expect(delivered)
        let first = sim.a.reconfig.peerNextRequestSequence
        let request = SCTPReconfigParameter.incomingSSNResetRequest(requestSequence: first, streams: [1])
        var out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([request])], tag: sim.a.localVerificationTag, at: sim.now)
        #expect(Self.reconfigs(in: out.packets) == [[.response(responseSequence: first, result: .denied, senderNextTSN: nil, receiverNextTSN: nil)]])
        #expect(out.packets.contains { $0.chunks.contains { if case .selectiveAck = $0 { return true }; return false } })
        // The same request again gets the same answer; a later one is answered on its own.
        out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([request])], tag: sim.a.localVerificationTag, at: sim.now)
        #expect(Self.reconfigs(in: out.packets) == [[.response(responseSequence: first, result: .denied, senderNextTSN: nil, receiverNextTSN: nil)]])
        out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([.addOutgoingStreams(requestSequence: first &+ 1, count: 2)])], tag: sim.a.localVerificationTag, at: sim.now)
        #expect(Self.reconfigs(in: out.packets) == [[.response(responseSequence: first &+ 1, result: .denied, senderNextTSN: nil, receiverNextTSN: nil)]])
    }

    @Test(.spec("RFC6525-5.2.2-3", "RFC6525-5.2.2-5", "RFC6525-5.2.2-8"))
    func aResetBeforeItsDataArrivesIsDeferred() {
        var sim = SCTPFeatureTests.connected(seed: 61)
        let sequence = sim.a.reconfig.peerNextRequestSequence
        let lastTSN = sim.a.receiver.cumulativeTSN &+ 1   // one DATA chunk the peer "sent" and we have not seen
        let request = SCTPReconfigParameter.outgoingSSNResetRequest(requestSequence: sequence, responseSequence: 0, senderLastTSN: lastTSN, streams: [2])
        var out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([request])], tag: sim.a.localVerificationTag, at: sim.now)
        #expect(Self.reconfigs(in: out.packets) == [[.response(responseSequence: sequence, result: .inProgress, senderNextTSN: nil, receiverNextTSN: nil)]])
        #expect(!out.events.contains { if case .incomingStreamsReset = $0 { return true }; return false })
        let data = SCTPDataChunk(isIData: sim.a.usesInterleaving, tsn: lastTSN, streamIdentifier: 2, messageIdentifier: 0,
                                 payloadProtocolIdentifier: 51, userData: Array("last".utf8)[...])
        out = SCTPStateRuleTests.feed(&sim.a, [.data(data)], tag: sim.a.localVerificationTag, at: sim.now)
        #expect(out.events.contains(.incomingStreamsReset([2])))
        out = SCTPStateRuleTests.feed(&sim.a, [.reconfig([request])], tag: sim.a.localVerificationTag, at: sim.now)
        #expect(Self.reconfigs(in: out.packets) == [[.response(responseSequence: sequence, result: .successPerformed, senderNextTSN: nil, receiverNextTSN: nil)]])
    }

    @Test(.spec("RFC6525-5.1.1-8", "RFC6525-5.1.1-9", "RFC6525-5.1.2-3", "RFC6525-5.1.2-9", "RFC6525-5.1.2-11", "RFC6525-5.1.1-6"))
    func ourRequestIsRetransmittedWithBackoff() throws {
        var sim = SCTPFeatureTests.connected(seed: 62, path: .init(delay: .milliseconds(5)))
        var requests: [(Duration, [SCTPReconfigParameter])] = []
        sim.observeTimed = { fromA, packet, now in
            guard fromA else { return }
            for case .reconfig(let parameters) in packet.chunks { requests.append((now, parameters)) }
        }
        // The peer never answers: everything from A to B is lost from now on.
        try sim.a.resetOutgoingStreams([4], at: sim.now)
        sim.path.loss = 1.0
        sim.drainBoth()
        sim.run(until: { _ in requests.count >= 4 }, limit: .seconds(60))
        #expect(requests.count >= 4)
        let sequences = Set(requests.map { params -> UInt32 in
            if case .outgoingSSNResetRequest(let s, _, _, _)? = params.1.first { return s } else { return 0 }
        })
        #expect(sequences.count == 1, "retransmissions keep the request's sequence number")
        #expect(requests.allSatisfy { $0.1.count == 1 }, "the request travels alone in its RE-CONFIG chunk")
        let gaps = zip(requests.dropFirst(), requests).map { $0.0 - $1.0 }
        #expect(gaps.count >= 2 && gaps[1] >= gaps[0] * 2 - .milliseconds(1), "the timer doubles: \(gaps)")
        // A second request takes the next sequence number.
        sim.path.loss = 0
        let answered = sim.run(until: { $0.eventsA.contains(.outgoingStreamsReset([4])) }, limit: .seconds(120))
        #expect(answered)
        try sim.a.resetOutgoingStreams([5], at: sim.now)
        sim.drainBoth()
        sim.run(until: { $0.eventsA.contains(.outgoingStreamsReset([5])) }, limit: .seconds(10))
        let last = requests.last.flatMap { params -> UInt32? in
            if case .outgoingSSNResetRequest(let s, _, _, _)? = params.1.first { return s } else { return nil }
        }
        #expect(last == sequences.first.map { $0 &+ 1 })
    }

    @Test(.spec("RFC6525-5.1.1-2", "RFC6525-5.1.1-3"))
    func noRequestToAPeerWithoutReconfiguration() {
        var configuration = SCTPAssociationConfiguration()
        configuration.offersReconfiguration = false
        var sim = SCTPFeatureTests.connected(seed: 63, b: configuration)
        #expect(throws: SCTPAssociation.SCTPReconfigurationError.notSupportedByPeer) {
            try sim.a.resetOutgoingStreams([1], at: sim.now)
        }
    }
}
