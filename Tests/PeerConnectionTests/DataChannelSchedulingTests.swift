import DataChannel
import PeerConnection
import SCTP
import SpecTesting
import Testing

/// How the transport hands data channel messages to SCTP: the channel priority as the stream's
/// weighted-fair-queueing weight, and the message size limit without interleaving.
@Suite struct DataChannelSchedulingTests {
    /// Index in B's events of each message that arrived on `channel`.
    static func arrivals(_ events: [PeerTransportEvent], on channel: DataChannelHandle) -> [Int] {
        events.enumerated().compactMap { index, event in
            if case .dataChannelMessage(channel, _) = event { return index } else { return nil }
        }
    }

    @Test(.spec("RFC8831-6.4-1", "RFC8260-3-2", "RFC8831-6.4-2", "RFC8831-6.1-1"))
    func aHighPriorityChannelGetsMoreOfTheAssociation() throws {
        var pair = TransportPair(seed: 31)
        let low = try pair.a.createDataChannel(label: "low", options: DataChannelOptions(priority: 128))
        let high = try pair.a.createDataChannel(label: "high", options: DataChannelOptions(priority: 1024))
        try pair.start()
        #expect(pair.run { TransportPair.opened($0.eventsB).count == 2 && TransportPair.opened($0.eventsA).count == 2 })
        let count = 40
        // The low channel queues first: first come would send all of it first.
        for _ in 0..<count { try pair.a.send(.binary([UInt8](repeating: 1, count: 12_000)), on: low) }
        for _ in 0..<count { try pair.a.send(.binary([UInt8](repeating: 2, count: 12_000)), on: high) }
        let remote = TransportPair.opened(pair.eventsB)
        let all = pair.run(limit: .seconds(60)) { p in
            remote.reduce(0) { $0 + TransportPair.messages(p.eventsB, on: $1).count } == 2 * count
        }
        #expect(all)
        let lowRemote = try #require(remote.first { TransportPair.messages(pair.eventsB, on: $0).first == .binary([UInt8](repeating: 1, count: 12_000)) })
        let highRemote = try #require(remote.first { $0 != lowRemote })
        let lowArrivals = Self.arrivals(pair.eventsB, on: lowRemote)
        let highArrivals = Self.arrivals(pair.eventsB, on: highRemote)
        #expect(lowArrivals.count == count && highArrivals.count == count)
        // Weights 1024 : 128: while the high channel drains, the low one gets about an eighth.
        let lowBeforeHighFinished = lowArrivals.filter { $0 < highArrivals.last! }.count
        #expect(lowBeforeHighFinished <= count / 4, "low delivered \(lowBeforeHighFinished) of \(count) before high finished")
        #expect(lowBeforeHighFinished >= 1, "the low channel is not starved")
    }

    @Test(.spec("RFC8831-6.6-8"))
    func withoutInterleavingMessagesAreLimitedTo16KiB() throws {
        var configurationA = testTransportConfiguration(TestIdentity(seed: 1))
        configurationA.sctp.offersInterleaving = false
        var pair = TransportPair(seed: 41, configurationA: configurationA)
        let chat = try pair.a.createDataChannel(label: "chat")
        try pair.start()
        #expect(pair.run { TransportPair.opened($0.eventsB).count == 1 && TransportPair.opened($0.eventsA).count == 1 })
        #expect(throws: (any Error).self) { try pair.a.send(.binary([UInt8](repeating: 3, count: 16 * 1024 + 1)), on: chat) }
        try pair.a.send(.binary([UInt8](repeating: 4, count: 16 * 1024)), on: chat)
        // B interleaves nothing either (A did not offer I-DATA), so the limit holds for it too.
        guard let remote = TransportPair.opened(pair.eventsB).first else { Issue.record("no channel at B"); return }
        #expect(throws: (any Error).self) { try pair.b.send(.binary([UInt8](repeating: 5, count: 20_000)), on: remote) }
        #expect(pair.run { TransportPair.messages($0.eventsB, on: remote).count == 1 })
    }

    @Test(.spec("RFC8831-6.6-8", "RFC8831-6.1-8", "RFC8831-6.6-7"))
    func withInterleavingLargeMessagesGo() throws {
        var pair = TransportPair(seed: 51)
        let chat = try pair.a.createDataChannel(label: "chat")
        try pair.start()
        #expect(pair.run { TransportPair.opened($0.eventsB).count == 1 && TransportPair.opened($0.eventsA).count == 1 })
        #expect(pair.eventsA.contains { if case .sctpConnected(_, _, true) = $0 { return true } else { return false } })
        try pair.a.send(.binary([UInt8](repeating: 6, count: 60_000)), on: chat)
        let remote = TransportPair.opened(pair.eventsB)
        #expect(pair.run { p in remote.first.map { TransportPair.messages(p.eventsB, on: $0).count == 1 } ?? false })
    }
}
