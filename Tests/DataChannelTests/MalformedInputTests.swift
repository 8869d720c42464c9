import SpecTesting
import Testing
@testable import DataChannel

/// What the peer can get wrong, each answered by an error event (and a reset where the RFCs
/// say so), never by a trap.
@Suite struct MalformedInputTests {
    /// An established DTLS server endpoint with a channel the peer opened on stream 2.
    static func serverWithChannel() throws -> DataChannelEndpoint {
        var server = DataChannelEndpoint(role: .server, maximumStreams: 64)
        server.handle(.associationEstablished(maxOutboundStreams: 64, maxInboundStreams: 64))
        let open = try DCEPOpen(ordered: true, reliability: .reliable, priority: 256, label: "peer", protocol: "")
        server.handle(.message(stream: 2, ppid: .dcep, payload: DCEPMessage.open(open).encoded))
        _ = server.drain()
        return server
    }

    @Test(.spec("RFC8832-6-6"))
    func refusesMalformedDCEP() throws {
        var server = try Self.serverWithChannel()
        server.handle(.message(stream: 0, ppid: .dcep, payload: [0x09]))
        let outputs = server.drain()
        #expect(outputs.sends.isEmpty)
        #expect(outputs.events == [.error(nil, .malformedDCEP(stream: 0, .unknownMessageType(0x09)))])
        #expect(outputs.resets == [[0]])
        #expect(server.statistics.protocolErrors == 1)
    }

    @Test(.spec("RFC8832-6-6", "RFC8832-4-3"))
    func refusesOpenWithThisSidesParity() throws {
        var server = try Self.serverWithChannel()
        let open = try DCEPOpen(ordered: true, reliability: .reliable, priority: 256, label: "odd", protocol: "")
        server.handle(.message(stream: 1, ppid: .dcep, payload: DCEPMessage.open(open).encoded))
        let outputs = server.drain()
        #expect(outputs.sends.isEmpty, "no ACK")
        #expect(outputs.events == [.error(nil, .openWithWrongParity(stream: 1))])
        #expect(outputs.resets == [[1]])
        #expect(server.channels.map(\.id.stream) == [2])
        // The stream stays taken until the peer resets its side too.
        #expect(throws: DataChannelError.streamInUse(stream: 1)) {
            try server.createChannel(label: "", options: DataChannelOptions(id: 1))
        }
        server.handle(.outgoingStreamsResetDone([1]))
        server.handle(.incomingStreamsReset([1]))
        #expect(server.drain().isEmpty)
        #expect(try server.createChannel(label: "") == DataChannelID(1))
    }

    @Test(.spec("RFC8832-6-6"))
    func closesTheChannelOnASecondOpen() throws {
        var server = try Self.serverWithChannel()
        let open = try DCEPOpen(ordered: true, reliability: .reliable, priority: 256, label: "again", protocol: "")
        server.handle(.message(stream: 2, ppid: .dcep, payload: DCEPMessage.open(open).encoded))
        let outputs = server.drain()
        let id = DataChannelID(2)
        #expect(outputs.sends.isEmpty)
        #expect(outputs.events == [.error(id, .openOnStreamInUse(stream: 2)), .closing(id)])
        #expect(outputs.resets == [[2]])
    }

    @Test(.spec("RFC8832-6-10"))
    func resetsStreamsThatCarryDataWithoutAChannel() throws {
        var server = try Self.serverWithChannel()
        server.handle(.message(stream: 4, ppid: .string, payload: Array("hi".utf8)))
        let outputs = server.drain()
        #expect(outputs.events == [.error(nil, .dataOnUnknownStream(stream: 4, ppid: .string))])
        #expect(outputs.resets == [[4]])
        server.handle(.message(stream: 4, ppid: .string, payload: Array("again".utf8)))
        #expect(server.drain().isEmpty, "more data on the stream being reset is dropped quietly")
        #expect(server.statistics.droppedOther == 2)
        server.handle(.incomingStreamsReset([4]))
        server.handle(.outgoingStreamsResetDone([4]))
        #expect(server.drain().isEmpty)
        #expect(server.trackedStreams == [2])
    }

    @Test(.spec("RFC8831-6.6-6"))
    func closesTheChannelOnAnUnsupportedPPID() throws {
        var server = try Self.serverWithChannel()
        server.handle(.message(stream: 2, ppid: DataChannelPPID(rawValue: 99), payload: [1]))
        let outputs = server.drain()
        let id = DataChannelID(2)
        #expect(outputs.events == [.error(id, .unsupportedPPID(stream: 2, ppid: DataChannelPPID(rawValue: 99))), .closing(id)])
        #expect(outputs.resets == [[2]])
    }

    @Test func dropsStringsThatAreNotUTF8() throws {
        var server = try Self.serverWithChannel()
        let id = DataChannelID(2)
        server.handle(.message(stream: 2, ppid: .string, payload: [0x61, 0xC3]))
        server.handle(.message(stream: 2, ppid: .string, payload: [0xED, 0xA0, 0x80]))
        server.handle(.message(stream: 2, ppid: .string, payload: Array("ok".utf8)))
        #expect(server.drain().events == [
            .error(id, .invalidUTF8(stream: 2, byteCount: 2)),
            .error(id, .invalidUTF8(stream: 2, byteCount: 3)),
            .message(id, .string("ok")),
        ])
        #expect(server.statistics.droppedInvalidUTF8 == 2)
        #expect(server.statistics.messagesReceived == 1)
        #expect(server.state(of: id) == .open, "a bad string does not close the channel")
    }

    @Test func reportsUnexpectedAcks() throws {
        var server = try Self.serverWithChannel()
        server.handle(.message(stream: 2, ppid: .dcep, payload: [0x02]))
        server.handle(.message(stream: 6, ppid: .dcep, payload: [0x02]))
        let outputs = server.drain()
        #expect(outputs.events == [.error(DataChannelID(2), .unexpectedAck(stream: 2)),
                                   .error(nil, .unexpectedAck(stream: 6))])
        #expect(outputs.resets.isEmpty)
        #expect(server.state(of: DataChannelID(2)) == .open)
    }

    /// Deprecated PPID 52/54 fragments are reassembled up to the next complete message.
    @Test func reassemblesDeprecatedPartialMessages() throws {
        var server = try Self.serverWithChannel()
        server.maxReassembledMessageSize = 8
        let id = DataChannelID(2)
        server.handle(.message(stream: 2, ppid: .stringPartial, payload: Array("he".utf8)))
        server.handle(.message(stream: 2, ppid: .stringPartial, payload: Array("l".utf8)))
        server.handle(.message(stream: 2, ppid: .string, payload: Array("lo".utf8)))
        server.handle(.message(stream: 2, ppid: .binaryPartial, payload: [1]))
        server.handle(.message(stream: 2, ppid: .binary, payload: [2]))
        server.handle(.message(stream: 2, ppid: .stringPartial, payload: [0x61]))
        server.handle(.message(stream: 2, ppid: .binary, payload: [3]))
        server.handle(.message(stream: 2, ppid: .binaryPartial, payload: [1, 2, 3, 4, 5]))
        server.handle(.message(stream: 2, ppid: .binaryPartial, payload: [6, 7, 8, 9]))
        server.handle(.message(stream: 2, ppid: .binary, payload: [10]))
        #expect(server.drain().events == [
            .message(id, .string("hello")),
            .message(id, .binary([1, 2])),
            .error(id, .invalidPartialMessage(stream: 2, reason: "fragments and last part differ in kind")),
            .error(id, .invalidPartialMessage(stream: 2, reason: "reassembled message exceeds 8 bytes")),
            .message(id, .binary([10])),
        ])
    }

    /// Random bytes on random streams with every PPID never trap, and full resets free everything.
    @Test func survivesRandomInput() throws {
        var generator = SplitMix(seed: 0x5EED)
        var server = try Self.serverWithChannel()
        for _ in 0..<5000 {
            let stream = UInt16(generator.next() % 70)
            let ppid = DataChannelPPID(rawValue: [50, 51, 52, 53, 54, 56, 57, 1][Int(generator.next() % 8)])
            let payload = (0..<Int(generator.next() % 24)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            server.handle(.message(stream: stream, ppid: ppid, payload: payload))
            if generator.next() % 16 == 0 { server.handle(.incomingStreamsReset([stream])) }
            if generator.next() % 16 == 0 { server.handle(.outgoingStreamsResetDone([stream])) }
            _ = server.drain()
        }
        let streams = server.trackedStreams
        for stream in streams { try? server.close(DataChannelID(stream)) }
        server.handle(.incomingStreamsReset(streams))
        server.handle(.outgoingStreamsResetDone(streams))
        _ = server.drain()
        #expect(server.trackedStreams.isEmpty)
    }
}

/// A small deterministic generator for the random-input test.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
