import SpecTesting
import Testing
@testable import DataChannel

/// The channel endpoint, mostly as two endpoints wired back to back.
@Suite struct DataChannelEndpointTests {
    @Test(.spec("RFC8832-6-1", "RFC8832-6-2", "RFC8832-6-3", "RFC8832-6-4", "RFC8831-6.6-2", "RFC8831-6.6-3",
                 "RFC8831-6.6-4"))
    func opensWithOpenAndAck() throws {
        var pair = BackToBack()
        let id = try pair.client.createChannel(label: "chat", options: DataChannelOptions(protocol: "v1", priority: 512))
        #expect(id == DataChannelID(0))
        #expect(pair.client.drain().isEmpty, "nothing is sent before the association is up")
        #expect(pair.client.state(of: id) == .connecting)

        pair.establish()
        let options = DataChannelOptions(protocol: "v1", id: 0, priority: 512)
        let open = try #require(pair.clientSent.first)
        #expect(open.stream == 0 && open.ppid == .dcep && open.ordered && open.reliability == .reliable)
        #expect(try DCEPMessage(decoding: open.payload)
                == .open(DCEPOpen(ordered: true, reliability: .reliable, priority: 512, label: "chat", protocol: "v1")))
        #expect(pair.serverSent == [DataChannelOutgoingMessage(stream: 0, ppid: .dcep, payload: [0x02], ordered: true,
                                                               reliability: .reliable, priority: 512)])
        #expect(pair.serverEvents == [.opened(id, label: "chat", protocol: "v1", options: options)])
        #expect(pair.clientEvents == [.opened(id, label: "chat", protocol: "v1", options: options)])
        #expect(pair.client.state(of: id) == .open && pair.server.state(of: id) == .open)

        try pair.client.send(.string("hello"), on: id)
        try pair.server.send(.binary([1, 2, 3]), on: id)
        pair.pump()
        #expect(BackToBack.messages(pair.serverEvents) == [.string("hello")])
        #expect(BackToBack.messages(pair.clientEvents) == [.binary([1, 2, 3])])
        #expect(pair.clientSent.last?.ppid == .string && pair.clientSent.last?.payload == Array("hello".utf8))
        #expect(pair.serverSent.last?.ppid == .binary && pair.serverSent.last?.stream == 0)
        #expect(pair.client.statistics.messagesSent == 1 && pair.server.statistics.messagesReceived == 1)
    }

    @Test(.spec("RFC8832-4-2", "RFC8832-4-3", "RFC8832-6-5"))
    func picksStreamsByDTLSRole() throws {
        var pair = BackToBack()
        pair.establish()
        #expect(try pair.client.createChannel(label: "a") == DataChannelID(0))
        #expect(try pair.client.createChannel(label: "b") == DataChannelID(2))
        #expect(try pair.server.createChannel(label: "c") == DataChannelID(1))
        #expect(try pair.server.createChannel(label: "d") == DataChannelID(3))
        #expect(throws: DataChannelError.wrongParity(stream: 8, role: .server)) {
            try pair.server.createChannel(label: "e", options: DataChannelOptions(id: 8))
        }
        #expect(try pair.client.createChannel(label: "f", options: DataChannelOptions(id: 8)) == DataChannelID(8))
        pair.pump()
        #expect(pair.client.channels.map(\.id.stream) == [0, 1, 2, 3, 8])
        #expect(pair.server.channels.map(\.id.stream) == [0, 1, 2, 3, 8])
        #expect(pair.client.channels.allSatisfy { $0.state == .open })
        #expect(pair.client.channels.filter(\.isLocal).map(\.id.stream) == [0, 2, 8])
    }

    @Test func carriesUTF8LabelsAndProtocols() throws {
        var pair = BackToBack()
        pair.establish()
        let label = "données 📡 ✓ 日本"
        let id = try pair.server.createChannel(label: label, options: DataChannelOptions(protocol: "chat.example"))
        pair.pump()
        #expect(pair.client.channels.first?.label == label)
        #expect(pair.clientEvents == [.opened(id, label: label, protocol: "chat.example",
                                              options: DataChannelOptions(protocol: "chat.example", id: 1))])
        try pair.client.send(.string("ça va? 👍"), on: id)
        pair.pump()
        #expect(BackToBack.messages(pair.serverEvents) == [.string("ça va? 👍")])
    }

    @Test(.spec("RFC8831-6.5-1"))
    func opensNegotiatedChannelsWithoutDCEP() throws {
        var pair = BackToBack()
        let options = DataChannelOptions(ordered: false, negotiated: true, id: 5)
        let early = try pair.client.createChannel(label: "n", options: options)
        pair.establish()
        let late = try pair.server.createChannel(label: "n", options: options)
        pair.pump()
        #expect(early == late)
        #expect(pair.clientSent.isEmpty && pair.serverSent.isEmpty, "no DCEP for negotiated channels")
        #expect(pair.clientEvents == [.opened(early, label: "n", protocol: "", options: options)])
        #expect(pair.serverEvents == [.opened(late, label: "n", protocol: "", options: options)])

        try pair.client.send(.string("x"), on: early)
        pair.pump()
        #expect(pair.clientSent.first?.ordered == false, "a negotiated unordered channel sends unordered at once")
        #expect(BackToBack.messages(pair.serverEvents) == [.string("x")])

        #expect(throws: DataChannelError.streamInUse(stream: 5)) {
            try pair.client.createChannel(label: "again", options: options)
        }
        #expect(throws: DataChannelError.streamInUse(stream: 5)) {
            try pair.server.createChannel(label: "again", options: DataChannelOptions(id: 5))
        }
        #expect(throws: DataChannelError.negotiatedWithoutID) {
            try pair.client.createChannel(label: "x", options: DataChannelOptions(negotiated: true))
        }
        #expect(throws: DataChannelError.conflictingReliability(maxRetransmits: 1, maxPacketLifeTime: 2)) {
            try pair.client.createChannel(label: "x", options: DataChannelOptions(maxRetransmits: 1, maxPacketLifeTime: 2))
        }
    }

    @Test(.spec("RFC8832-4-1", "RFC8832-6-7", "RFC8832-6-8", "RFC8832-6-9", "RFC8831-6.6-1"))
    func sendsOrderedUntilTheAckArrives() throws {
        var client = DataChannelEndpoint(role: .client)
        var server = DataChannelEndpoint(role: .server)
        client.handle(.associationEstablished(maxOutboundStreams: 100, maxInboundStreams: 100))
        server.handle(.associationEstablished(maxOutboundStreams: 100, maxInboundStreams: 100))
        let id = try client.createChannel(label: "u", options: DataChannelOptions(ordered: false, maxRetransmits: 3))
        let open = try #require(client.drain().sends.first)
        #expect(open.ordered && open.reliability == .reliable)

        try client.send(.string("early"), on: id)
        let early = try #require(client.drain().sends.first)
        #expect(early.ordered, "before the ACK, user data goes ordered")
        #expect(early.reliability == .maxRetransmits(3))

        server.handle(.message(stream: open.stream, ppid: open.ppid, payload: open.payload))
        let serverOutputs = server.drain()
        let ack = try #require(serverOutputs.sends.first)
        #expect(serverOutputs.events == [.opened(id, label: "u", protocol: "",
                                                 options: DataChannelOptions(ordered: false, maxRetransmits: 3, id: 0))])
        try server.send(.binary([9]), on: id)
        let reply = try #require(server.drain().sends.first)
        #expect(!reply.ordered, "the OPEN was received: the peer sends unordered")
        #expect(reply.reliability == .maxRetransmits(3))

        client.handle(.message(stream: ack.stream, ppid: ack.ppid, payload: ack.payload))
        #expect(client.drain().events.count == 1)
        try client.send(.string("late"), on: id)
        let late = try #require(client.drain().sends.first)
        #expect(!late.ordered, "after the ACK, an unordered channel sends unordered")
    }

    /// User data arriving before the ACK shows that the peer accepted the channel.
    @Test(.spec("RFC8832-6-8"))
    func dataBeforeAckOpensTheChannel() throws {
        var client = DataChannelEndpoint(role: .client)
        var server = DataChannelEndpoint(role: .server)
        client.handle(.associationEstablished(maxOutboundStreams: 100, maxInboundStreams: 100))
        server.handle(.associationEstablished(maxOutboundStreams: 100, maxInboundStreams: 100))
        let id = try client.createChannel(label: "u", options: DataChannelOptions(ordered: false))
        let open = try #require(client.drain().sends.first)
        server.handle(.message(stream: 0, ppid: open.ppid, payload: open.payload))
        let ack = try #require(server.drain().sends.first)
        try server.send(.string("first"), on: id)
        let data = try #require(server.drain().sends.first)

        client.handle(.message(stream: 0, ppid: data.ppid, payload: data.payload))
        let events = client.drain().events
        #expect(events.count == 2)
        #expect(events.last == .message(id, .string("first")))
        #expect(client.state(of: id) == .open)
        client.handle(.message(stream: 0, ppid: ack.ppid, payload: ack.payload))
        #expect(client.drain().isEmpty, "the late ACK is in order")
        try client.send(.string("x"), on: id)
        #expect(client.drain().sends.first?.ordered == false)
    }

    @Test(.spec("RFC8841-6.1-1"))
    func refusesMessagesOverTheMaximumSize() throws {
        var pair = BackToBack(client: DataChannelEndpoint(role: .client, maxMessageSize: 1000))
        pair.establish()
        let id = try pair.client.createChannel(label: "m")
        pair.pump()
        #expect(throws: DataChannelError.messageTooLarge(size: 1001, maximum: 1000)) {
            try pair.client.send(.binary(Array(repeating: 1, count: 1001)), on: id)
        }
        #expect(throws: DataChannelError.messageTooLarge(size: 1002, maximum: 1000)) {
            try pair.client.send(.string(String(repeating: "é", count: 501)), on: id)
        }
        #expect(pair.client.bufferedAmount(of: id) == 0, "a refused message is not buffered")
        try pair.client.send(.binary(Array(repeating: 1, count: 1000)), on: id)
        pair.client.maxMessageSize = 0
        try pair.client.send(.binary(Array(repeating: 2, count: 100_000)), on: id)
        pair.pump()
        #expect(BackToBack.messages(pair.serverEvents).map(\.byteCount) == [1000, 100_000])
        #expect(throws: DataChannelError.unknownChannel(DataChannelID(40))) {
            try pair.client.send(.string("x"), on: DataChannelID(40))
        }
    }

    @Test(.spec("RFC8831-6.6-4", "RFC8831-6.6-5"))
    func sendsEmptyMessagesAsOneByte() throws {
        var pair = BackToBack()
        pair.establish()
        let id = try pair.client.createChannel(label: "e")
        pair.pump()
        try pair.client.send(.string(""), on: id)
        try pair.client.send(.binary([]), on: id)
        pair.pump()
        #expect(pair.clientSent.suffix(2).map(\.ppid) == [.stringEmpty, .binaryEmpty])
        #expect(pair.clientSent.suffix(2).map(\.payload) == [[0], [0]])
        #expect(BackToBack.messages(pair.serverEvents) == [.string(""), .binary([])])

        // Whatever the byte is, the message is empty.
        pair.server.handle(.message(stream: 0, ppid: .stringEmpty, payload: [0x41]))
        pair.server.handle(.message(stream: 0, ppid: .binaryEmpty, payload: [0xFF]))
        #expect(pair.server.drain().events == [.message(id, .string("")), .message(id, .binary([]))])
    }

    @Test(.spec("RFC8831-6.7-1"))
    func closesByResettingStreams() throws {
        var pair = BackToBack()
        pair.establish()
        let id = try pair.client.createChannel(label: "c")
        pair.pump()
        pair.clientEvents = []
        pair.serverEvents = []

        try pair.client.close(id)
        #expect(throws: DataChannelError.channelNotOpen(id, state: .closing)) { try pair.client.send(.string("x"), on: id) }
        #expect(pair.client.state(of: id) == .closing)
        pair.pump()
        #expect(pair.clientResets == [[0]] && pair.serverResets == [[0]])
        #expect(pair.clientEvents == [.closing(id), .closed(id)])
        #expect(pair.serverEvents == [.closing(id), .closed(id)])
        #expect(pair.client.channels.isEmpty && pair.server.channels.isEmpty)
        #expect(pair.client.trackedStreams.isEmpty && pair.server.trackedStreams.isEmpty)
        #expect(throws: DataChannelError.unknownChannel(id)) { try pair.client.send(.string("x"), on: id) }
        #expect(throws: DataChannelError.unknownChannel(id)) { try pair.client.close(id) }
    }

    /// The side whose OPEN is refused sees its stream reset, closes, and can use the stream again.
    @Test(.spec("RFC8832-6-6"))
    func refusedOpenClosesTheOpener() throws {
        var pair = BackToBack()
        pair.establish()
        let id = try pair.client.createChannel(label: "x")
        guard case .send(var open)? = pair.client.poll() else { Issue.record("no OPEN"); return }
        var corrupted = open.payload
        corrupted[1] = 0x7F
        open = DataChannelOutgoingMessage(stream: open.stream, ppid: open.ppid, payload: corrupted, ordered: true,
                                          reliability: .reliable, priority: open.priority)
        pair.server.handle(.message(stream: open.stream, ppid: open.ppid, payload: open.payload))
        pair.pump()
        #expect(pair.serverSent.isEmpty, "no ACK for a bad OPEN")
        #expect(BackToBack.errors(pair.serverEvents) == [.malformedDCEP(stream: 0, .unknownChannelType(0x7F))])
        #expect(pair.clientEvents == [.closing(id), .closed(id)])
        #expect(pair.client.trackedStreams.isEmpty && pair.server.trackedStreams.isEmpty)
        #expect(try pair.client.createChannel(label: "again") == id)
    }

    @Test(.spec("RFC8831-6.1-2", "RFC8831-6.7-1"))
    func recyclesStreamsOfClosedChannels() throws {
        var pair = BackToBack()
        pair.establish()
        for round in 0..<100 {
            let id = try pair.client.createChannel(label: "round \(round)")
            #expect(id == DataChannelID(0), "the lowest even stream is free again")
            pair.pump()
            #expect(pair.server.state(of: id) == .open)
            try pair.client.send(.string("\(round)"), on: id)
            try pair.client.close(id)
            pair.pump()
        }
        #expect(BackToBack.messages(pair.serverEvents).count == 100)
        #expect(pair.client.trackedStreams.isEmpty && pair.server.trackedStreams.isEmpty)

        // A hundred at once, closed by alternating sides, then a hundred again on the same streams.
        var ids: [DataChannelID] = []
        for index in 0..<100 { ids.append(try pair.client.createChannel(label: "\(index)")) }
        #expect(ids.map(\.stream) == Array(stride(from: UInt16(0), to: 200, by: 2)))
        pair.pump()
        #expect(pair.server.channels.count == 100 && pair.server.channels.allSatisfy { $0.state == .open })
        for (index, id) in ids.enumerated() {
            if index % 2 == 0 { try pair.client.close(id) } else { try pair.server.close(id) }
        }
        pair.pump()
        #expect(pair.client.channels.isEmpty && pair.server.channels.isEmpty)
        #expect(pair.client.trackedStreams.isEmpty && pair.server.trackedStreams.isEmpty)
        var again: [DataChannelID] = []
        for index in 0..<100 { again.append(try pair.client.createChannel(label: "\(index)")) }
        #expect(again == ids)
    }

    @Test func tracksBufferedAmountAndLowThreshold() throws {
        var endpoint = DataChannelEndpoint(role: .client, bufferedAmountLowThreshold: 100)
        endpoint.handle(.associationEstablished(maxOutboundStreams: 10, maxInboundStreams: 10))
        let id = try endpoint.createChannel(label: "b")
        #expect(endpoint.bufferedAmountLowThreshold(of: id) == 100)
        try endpoint.setBufferedAmountLowThreshold(10, for: id)
        let openSize = try #require(endpoint.drain().sends.first).payload.count
        for _ in 0..<3 { try endpoint.send(.binary(Array(repeating: 0, count: 8)), on: id) }
        try endpoint.send(.binary([]), on: id)
        _ = endpoint.drain()
        #expect(endpoint.bufferedAmount(of: id) == 24)

        endpoint.handle(.sent(stream: 0, byteCount: openSize))
        #expect(endpoint.bufferedAmount(of: id) == 24, "the OPEN is not application data")
        #expect(endpoint.drain().isEmpty)
        endpoint.handle(.sent(stream: 0, byteCount: 8))
        #expect(endpoint.bufferedAmount(of: id) == 16)
        #expect(endpoint.drain().isEmpty)
        endpoint.handle(.sent(stream: 0, byteCount: 4))
        endpoint.handle(.sent(stream: 0, byteCount: 4))
        #expect(endpoint.bufferedAmount(of: id) == 8)
        #expect(endpoint.drain().events == [.bufferedAmountLow(id)])
        endpoint.handle(.sent(stream: 0, byteCount: 9))
        #expect(endpoint.bufferedAmount(of: id) == 0)
        #expect(endpoint.drain().isEmpty, "already below the threshold")
        #expect(throws: DataChannelError.unknownChannel(DataChannelID(4))) {
            try endpoint.setBufferedAmountLowThreshold(1, for: DataChannelID(4))
        }
        #expect(endpoint.bufferedAmount(of: DataChannelID(4)) == nil)
    }

    @Test func queuesUntilTheAssociationIsUp() throws {
        var endpoint = DataChannelEndpoint(role: .server)
        let id = try endpoint.createChannel(label: "q")
        try endpoint.send(.string("early"), on: id)
        #expect(endpoint.drain().isEmpty)
        #expect(endpoint.bufferedAmount(of: id) == 5)
        let dropped = try endpoint.createChannel(label: "gone")
        try endpoint.close(dropped)
        #expect(endpoint.drain().events == [.closed(dropped)])

        endpoint.handle(.associationEstablished(maxOutboundStreams: 10, maxInboundStreams: 10))
        let sends = endpoint.drain().sends
        #expect(sends.map(\.ppid) == [.dcep, .string])
        #expect(sends.allSatisfy { $0.stream == 1 && $0.ordered })
    }

    @Test func limitsStreamsToWhatTheAssociationAllows() throws {
        var endpoint = DataChannelEndpoint(role: .client)
        let high = try endpoint.createChannel(label: "h", options: DataChannelOptions(negotiated: true, id: 10))
        endpoint.handle(.associationEstablished(maxOutboundStreams: 8, maxInboundStreams: 16))
        #expect(endpoint.maximumStreams == 8)
        #expect(endpoint.drain().events == [.error(high, .streamOutOfRange(stream: 10, maximumStreams: 8)), .closed(high)])
        for stream in [0, 2, 4, 6] as [UInt16] { #expect(try endpoint.createChannel(label: "") == DataChannelID(stream)) }
        #expect(throws: DataChannelError.noFreeStreamID(maximumStreams: 8)) { try endpoint.createChannel(label: "") }
        #expect(throws: DataChannelError.streamOutOfRange(stream: 9, maximumStreams: 8)) {
            try endpoint.createChannel(label: "", options: DataChannelOptions(negotiated: true, id: 9))
        }
        endpoint.handle(.message(stream: 9, ppid: .string, payload: [0x41]))
        #expect(endpoint.drain().events == [.error(nil, .streamOutOfRange(stream: 9, maximumStreams: 8))])
    }

    @Test(.spec("RFC8831-6.2-2"))
    func closesEverythingWhenTheAssociationEnds() throws {
        var pair = BackToBack()
        pair.establish()
        let first = try pair.client.createChannel(label: "1")
        let second = try pair.server.createChannel(label: "2")
        pair.pump()
        pair.client.handle(.associationAborted(reason: "ABORT received"))
        #expect(pair.client.drain().events == [
            .error(first, .associationAborted(reason: "ABORT received")), .closed(first),
            .error(second, .associationAborted(reason: "ABORT received")), .closed(second),
        ])
        pair.server.handle(.associationClosed)
        #expect(pair.server.drain().events == [.closed(first), .closed(second)])
        #expect(pair.client.channels.isEmpty && pair.server.trackedStreams.isEmpty)
        #expect(throws: DataChannelError.associationClosed) { try pair.client.createChannel(label: "late") }
        pair.client.handle(.message(stream: 0, ppid: .string, payload: [0x41]))
        #expect(pair.client.drain().isEmpty, "nothing happens after the association ended")
    }
}
