import DTLS
import DataChannel
import ICE
import PeerConnection
import RTCCrypto
import SpecTesting
import Testing

@Suite struct PeerTransportTests {
    @Test(.spec("RFC8835-3.5-2", "RFC8842-5.3-7", "RFC8842-5.2-3", "RFC8832-6-5", "RFC8261-6.1-1"))
    func aChannelCreatedBeforeTheRoleIsKnownOpensAndEchoes() throws {
        var pair = TransportPair(seed: 7)
        let chat = try pair.a.createDataChannel(label: "chat")
        #expect(pair.a.state(of: chat) == .connecting)
        #expect(pair.a.streamIdentifier(of: chat) == nil)
        try pair.start()
        let opened = pair.run { TransportPair.opened($0.eventsA).contains(chat) && !TransportPair.opened($0.eventsB).isEmpty }
        #expect(opened)
        // A is the DTLS server (B answered active), so its channel takes an odd stream.
        #expect(pair.a.streamIdentifier(of: chat).map { $0 % 2 } == 1)
        #expect(pair.a.state == .connected && pair.b.state == .connected)
        #expect(pair.a.srtpKeyingMaterial != nil)
        #expect(pair.a.srtpKeyingMaterial?.localKey == pair.b.srtpKeyingMaterial?.remoteKey)
        guard case let .dataChannelCreated(remote, label, _, _)? = pair.eventsB.first(where: {
            if case .dataChannelCreated = $0 { return true } else { return false }
        }) else { Issue.record("B saw no channel"); return }
        #expect(label == "chat")

        let sizes = [0, 1, 1024, 65536]
        for (index, size) in sizes.enumerated() {
            try pair.a.send(.binary((0..<size).map { UInt8(truncatingIfNeeded: $0 &+ index) }), on: chat)
            try pair.a.send(.string(String(repeating: "é", count: size / 2)), on: chat)
        }
        let expected = 2 * sizes.count
        let arrived = pair.run { TransportPair.messages($0.eventsB, on: remote).count == expected }
        #expect(arrived)
        for message in TransportPair.messages(pair.eventsB, on: remote) { try pair.b.send(message, on: remote) }
        let echoed = pair.run { TransportPair.messages($0.eventsA, on: chat).count == expected }
        #expect(echoed)
        #expect(TransportPair.messages(pair.eventsA, on: chat) == TransportPair.messages(pair.eventsB, on: remote))
    }

    @Test(.spec("RFC8122-5.1-6"))
    func aWrongFingerprintFailsTheConnectionWithAClearReason() throws {
        var pair = TransportPair(seed: 11)
        // B expects A's certificate to hash to something else.
        try pair.start(fingerprintOfAForB: TestIdentity(seed: 99).fingerprint)
        let failed = pair.run { $0.b.state == .failed }
        #expect(failed)
        #expect(pair.b.failureReason?.contains("fingerprint") == true)
        #expect(pair.eventsB.contains { if case .dtlsStateChanged(.failed) = $0 { return true } else { return false } })
        // A sees the fatal alert B sent and fails too.
        let aFailed = pair.run { $0.a.state == .failed }
        #expect(aFailed)
    }

    @Test(.spec("RFC9260-9-1"))
    func closeAbortsSCTPAndTellsThePeer() throws {
        var pair = TransportPair(seed: 13)
        let chat = try pair.a.createDataChannel(label: "chat")
        try pair.start()
        #expect(pair.run { TransportPair.opened($0.eventsB).count == 1 && TransportPair.opened($0.eventsA) == [chat] })
        pair.a.close(at: pair.now)
        pair.pump()
        #expect(pair.a.state == .closed)
        #expect(throws: PeerTransportError.closed) { try pair.a.send(.string("late"), on: chat) }
        let peerClosed = pair.run { $0.eventsB.contains { if case .dataChannelClosed = $0 { return true } else { return false } } }
        #expect(peerClosed)
    }

    @Test
    func theConnectionSurvivesLoss() throws {
        var pair = TransportPair(seed: 17, loss: 0.1)
        let chat = try pair.a.createDataChannel(label: "bulk")
        try pair.start()
        #expect(pair.run(limit: .seconds(60)) { TransportPair.opened($0.eventsA).contains(chat) })
        for index in 0..<200 { try pair.a.send(.binary([UInt8](repeating: UInt8(index & 0xff), count: 3000)), on: chat) }
        let remote = TransportPair.opened(pair.eventsB)
        let all = pair.run(limit: .seconds(120)) { p in remote.first.map { TransportPair.messages(p.eventsB, on: $0).count == 200 } ?? false }
        #expect(all)
    }
}
