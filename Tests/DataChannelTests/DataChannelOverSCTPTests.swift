import SCTP
import SpecTesting
import Testing
@testable import DataChannel

/// Data channel endpoints over real SCTP associations (no DTLS): the wiring the
/// PeerConnection will do, run in memory over a seeded lossy path.
struct DataChannelCall {
    struct Peer {
        var sctp: SCTPAssociation
        var channels: DataChannelEndpoint
        var events: [DataChannelEvent] = []
        var deadline: Duration?
    }

    var a: Peer
    var b: Peer
    var now: Duration = .zero
    var inFlight: [(arrival: Duration, toB: Bool, bytes: [UInt8])] = []
    var random: SeededGenerator
    var loss: Double
    var sendErrors: [SCTPSendError] = []

    init(seed: UInt64, loss: Double = 0) {
        var configuration = SCTPAssociationConfiguration()
        configuration.rtoMinimum = .milliseconds(100)
        configuration.rtoInitial = .milliseconds(200)
        a = Peer(sctp: SCTPAssociation(configuration: configuration, random: SeededGenerator(seed: seed)),
                 channels: DataChannelEndpoint(role: .client, maxMessageSize: 262_144))
        b = Peer(sctp: SCTPAssociation(configuration: configuration, random: SeededGenerator(seed: seed + 100)),
                 channels: DataChannelEndpoint(role: .server, maxMessageSize: 262_144))
        random = SeededGenerator(seed: seed + 200)
        self.loss = loss
        a.sctp.connect(at: now)
        b.sctp.connect(at: now)
        pump()
    }

    /// Moves outputs between each side's data channel endpoint and its association until both are quiet.
    mutating func pump() {
        var progress = true
        while progress {
            progress = false
            for isA in [true, false] {
                var peer = isA ? a : b
                while let output = peer.channels.poll() {
                    progress = true
                    switch output {
                    case .send(let message):
                        let reliability: SCTPReliability
                        switch message.reliability {
                        case .reliable: reliability = .reliable
                        case .maxRetransmits(let n): reliability = .maximumRetransmissions(Int(n))
                        case .maxLifetime(let ms): reliability = .lifetime(.milliseconds(Int64(ms)))
                        }
                        do {
                            try peer.sctp.send(message.payload, stream: message.stream, payloadProtocolIdentifier: message.ppid.rawValue,
                                               options: .init(unordered: !message.ordered, reliability: reliability), at: now)
                        } catch {
                            sendErrors.append(error)
                        }
                    case .resetStreams(let streams):
                        try? peer.sctp.resetOutgoingStreams(streams, at: now)
                    case .event(let event):
                        peer.events.append(event)
                    }
                }
                loop: while true {
                    switch peer.sctp.poll(at: now) {
                    case .transmit(let bytes):
                        progress = true
                        if loss == 0 || Double.random(in: 0..<1, using: &random) >= loss {
                            inFlight.append((now + .milliseconds(2), isA, bytes))
                        }
                    case .event(let event):
                        progress = true
                        switch event {
                        case let .connected(outbound, inbound, _, _, _):
                            peer.channels.handle(.associationEstablished(maxOutboundStreams: outbound, maxInboundStreams: inbound))
                        case .message(let m):
                            peer.channels.handle(.message(stream: m.stream, ppid: DataChannelPPID(rawValue: m.payloadProtocolIdentifier), payload: m.payload))
                        case let .sent(stream, count):
                            peer.channels.handle(.sent(stream: stream, byteCount: count))
                        case .incomingStreamsReset(let streams):
                            peer.channels.handle(.incomingStreamsReset(streams))
                        case .outgoingStreamsReset(let streams):
                            peer.channels.handle(.outgoingStreamsResetDone(streams))
                        case .closed(.shutdown):
                            peer.channels.handle(.associationClosed)
                        case .closed(let reason):
                            peer.channels.handle(.associationAborted(reason: "\(reason)"))
                        default:
                            break
                        }
                    case .timeout(let deadline):
                        peer.deadline = deadline
                        break loop
                    }
                }
                if isA { a = peer } else { b = peer }
            }
        }
    }

    /// Runs until `condition` holds or `limit` of virtual time passes.
    @discardableResult
    mutating func run(until condition: (DataChannelCall) -> Bool, limit: Duration = .seconds(30)) -> Bool {
        let end = now + limit
        while !condition(self) {
            let nextPacket = inFlight.map(\.arrival).min()
            let next = [nextPacket, a.deadline, b.deadline].compactMap { $0 }.min()
            guard let time = next, time <= end else { return condition(self) }
            now = max(now, time)
            let due = inFlight.filter { $0.arrival <= now }
            inFlight.removeAll { $0.arrival <= now }
            for packet in due {
                if packet.toB { b.sctp.handle(.packet(packet.bytes), at: now) } else { a.sctp.handle(.packet(packet.bytes), at: now) }
            }
            if let d = a.deadline, d <= now { a.sctp.handle(.timeout, at: now) }
            if let d = b.deadline, d <= now { b.sctp.handle(.timeout, at: now) }
            pump()
        }
        return true
    }
}

@Suite struct DataChannelOverSCTPTests {
    static func messages(_ events: [DataChannelEvent], on id: DataChannelID) -> [DataChannelMessage] {
        events.compactMap { if case .message(id, let m) = $0 { return m } else { return nil } }
    }

    @Test(.spec("RFC8832-6-1", "RFC8831-6.6-1", "RFC8831-6.7-1"))
    func aChannelOpensCarriesMessagesAndCloses() throws {
        var call = DataChannelCall(seed: 1, loss: 0.05)
        let chat = try call.a.channels.createChannel(label: "chat")
        call.pump()
        let open = call.run(until: { $0.a.channels.state(of: chat) == .open && $0.b.channels.state(of: chat) == .open })
        #expect(open)
        #expect(chat.stream % 2 == 0, "the DTLS client uses even streams")
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try call.a.channels.send(.string("héllo"), on: chat)
        try call.a.channels.send(.binary([]), on: chat)
        try call.a.channels.send(.binary(big), on: chat)
        try call.b.channels.send(.string("back"), on: chat)
        call.pump()
        let delivered = call.run(until: { Self.messages($0.b.events, on: chat).count == 3 && Self.messages($0.a.events, on: chat).count == 1 })
        #expect(delivered)
        #expect(Self.messages(call.b.events, on: chat) == [.string("héllo"), .binary([]), .binary(big)])
        #expect(Self.messages(call.a.events, on: chat) == [.string("back")])
        let drained = call.run(until: { $0.a.channels.bufferedAmount(of: chat) == 0 })
        #expect(drained)
        try call.a.channels.close(chat)
        call.pump()
        let closed = call.run(until: { $0.a.channels.state(of: chat) == nil || $0.a.channels.state(of: chat) == .closed })
        #expect(closed)
        let peerClosed = call.run(until: { $0.b.events.contains(.closed(chat)) })
        #expect(peerClosed)
        #expect(call.sendErrors.isEmpty)
    }

    @Test(.spec("RFC8831-6.6-2"))
    func hundredChannelsOpenAndCloseWithoutLeakingStreams() throws {
        var call = DataChannelCall(seed: 2)
        for round in 0..<2 {
            var ids: [DataChannelID] = []
            for i in 0..<50 {
                ids.append(try call.a.channels.createChannel(label: "a\(round)-\(i)"))
                ids.append(try call.b.channels.createChannel(label: "b\(round)-\(i)", options: .init(ordered: false, maxRetransmits: 0)))
            }
            call.pump()
            let open = call.run(until: { c in ids.allSatisfy { c.a.channels.state(of: $0) == .open && c.b.channels.state(of: $0) == .open } })
            #expect(open, "round \(round)")
            for id in ids {
                if id.stream % 2 == 0 { try call.a.channels.close(id) } else { try call.b.channels.close(id) }
            }
            call.pump()
            let closed = call.run(until: { $0.a.channels.trackedStreams.isEmpty && $0.b.channels.trackedStreams.isEmpty })
            #expect(closed, "round \(round)")
        }
        #expect(call.a.sctp.state == .established && call.b.sctp.state == .established)
    }
}
