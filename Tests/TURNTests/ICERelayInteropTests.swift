import Foundation
import ICE
import RTCCrypto
import SpecTesting
import STUN
import Testing
import TURN

/// Two SpecRTC ICE agents that can reach each other only through coturn (relayed candidates
/// only: a forced relay policy) connect, nominate, and move 10 MB through the relay with
/// nothing lost.
@Suite(.enabled(if: ExternalProcess.available("turnserver", arguments: ["--help"]) || FileManager.default.isExecutableFile(atPath: "/usr/bin/turnserver"),
                "coturn (turnserver) is not installed"), .serialized)
struct ICERelayInteropTests {
    /// One side: an agent, its allocation on coturn and the socket to coturn.
    struct Side {
        var agent: ICEAgent
        var relay: TURNRelayTransport
        let socket: UDPSocket
        var relayed: STUNTransportAddress?
        var received: [[UInt8]] = []
        var selected: ICESelectedPair?
        var selectedAfter: Duration?

        /// Moves everything that is ready: agent outputs into the relay, relay datagrams to the
        /// server, server datagrams back through the relay into the agent.
        mutating func pump(at now: Duration) {
            drain: while true {
                switch agent.poll(at: now) {
                case .transmit(let transmit):
                    if agent.isRelayed(transmit.source) { relay.send(transmit.bytes, to: transmit.destination, now: now) }
                case .event(let event):
                    switch event {
                    case .received(let bytes, _, _): received.append(bytes)
                    case .selectedPair(let pair):
                        selected = pair
                        selectedAfter = now
                        relay.bindChannel(to: pair.destination, now: now)
                    default: break
                    }
                case .timeout:
                    break drain
                }
            }
            if let due = relay.nextTimeout, due <= now { relay.handleTimeout(now: now) }
            while let datagram = relay.pollDatagram() { socket.send(datagram) }
            while let bytes = socket.receive(milliseconds: 0) {
                relay.receive(bytes, now: now)
            }
            while let delivery = relay.pollDelivery() {
                switch delivery {
                case .datagram(let bytes, let peer):
                    if let relayed { agent.handle(.datagram(bytes, from: peer, to: relayed), at: now) }
                case .event(.allocated(let address, _, _)):
                    relayed = address
                case .event:
                    break
                }
            }
            while let datagram = relay.pollDatagram() { socket.send(datagram) }
        }
    }

    @Test("relayed candidates only: the agents connect through coturn and move 10 MB with nothing lost",
          .spec("RFC8445-7.2.1-1"), .spec("RFC8445-7.2.1-2"), .spec("RFC8445-12.1-3"), .spec("RFC8445-5.1.1.2-9"), .spec("RFC8445-5.1.2.2-3"))
    func tenMegabytesThroughTheRelay() throws {
        let (server, port) = try CoturnInteropTests.startServer()
        defer { server.stop() }
        let start = ContinuousClock.now
        func now() -> Duration { ContinuousClock.now - start }
        var sides: [Side] = try [ICERole.controlling, .controlled].enumerated().map { index, role in
            let socket = try UDPSocket()
            socket.setPeer(port: port)
            let client = TURNClient(configuration: TURNClient.Configuration(username: "alice", password: "wonderland"),
                                    random: SeededGenerator(seed: UInt64(100 + index)))
            var configuration = ICEAgent.Configuration(role: role)
            configuration.allowsLoopback = true
            return Side(agent: ICEAgent(configuration: configuration, random: SeededGenerator(seed: UInt64(200 + index))),
                        relay: TURNRelayTransport(client: client), socket: socket)
        }
        // Allocate on coturn (retransmissions cover its start-up).
        for index in 0..<2 { sides[index].relay.allocate(now: now()) }
        var deadline = ContinuousClock.now + .seconds(10)
        while sides.contains(where: { $0.relayed == nil }), ContinuousClock.now < deadline {
            for index in 0..<2 { sides[index].pump(at: now()) }
            usleep(1_000)
        }
        let relayedA = try #require(sides[0].relayed, "no allocation: \(server.output.suffix(1500))")
        let relayedB = try #require(sides[1].relayed)
        let serverAddress = STUNTransportAddress(address: [127, 0, 0, 1], port: port)
        try sides[0].agent.addRelayCandidate(relayed: relayedA, mapped: nil, server: serverAddress)
        try sides[1].agent.addRelayCandidate(relayed: relayedB, mapped: nil, server: serverAddress)
        // The same address again (as a relay identical to a host would be) is refused.
        #expect(throws: ICEError.self) { try sides[0].agent.addRelayCandidate(relayed: relayedA, mapped: nil, server: serverAddress) }
        for index in 0..<2 {
            let other = 1 - index
            sides[index].agent.gather(at: now())
            sides[index].agent.setRemoteCredentials(sides[other].agent.localCredentials, at: now())
            for candidate in sides[other].agent.localCandidates {
                #expect(candidate.type == .relay)
                sides[index].agent.addRemoteCandidate(candidate)
            }
            sides[index].agent.endOfRemoteCandidates(at: now())
        }
        deadline = ContinuousClock.now + .seconds(15)
        while sides.contains(where: { $0.selected == nil }), ContinuousClock.now < deadline {
            for index in 0..<2 { sides[index].pump(at: now()) }
            usleep(500)
        }
        #expect(sides.allSatisfy { $0.selected?.local.type == .relay }, "A: \(sides[0].agent.statistics) B: \(sides[1].agent.statistics)")
        guard sides.allSatisfy({ $0.selected != nil }) else { return }
        print("ICE through coturn: selected after \(sides[0].selectedAfter!) (A) and \(sides[1].selectedAfter!) (B)")

        // 10 MB in 1,000-byte datagrams with a 4-byte sequence number; go-back-N with a window
        // of 32, cumulative acknowledgements every 8 datagrams, and a resend from the last
        // acknowledgement on a duplicate one or after 100 ms without progress.
        let chunk = 1_000, total = 10_000_000, count = total / chunk
        var generator = SeededGenerator(seed: 99)
        let payload = generator.bytes(total)
        var acked = 0, nextToSend = 0, expected = 0, lastProgress = ContinuousClock.now, lastResend = ContinuousClock.now, retransmissions = 0
        var delivered: [UInt8] = []
        delivered.reserveCapacity(total)
        let transferStart = ContinuousClock.now
        deadline = ContinuousClock.now + .seconds(120)
        while acked < count, ContinuousClock.now < deadline {
            while nextToSend < count, nextToSend < acked + 32 {
                let sequence = UInt32(nextToSend)
                let header = [UInt8(sequence >> 24), UInt8(sequence >> 16 & 0xff), UInt8(sequence >> 8 & 0xff), UInt8(sequence & 0xff)]
                try sides[0].agent.send(header + payload[nextToSend * chunk..<(nextToSend + 1) * chunk])
                nextToSend += 1
            }
            for index in 0..<2 { sides[index].pump(at: now()) }
            // The receiver keeps what is in order and acknowledges.
            for datagram in sides[1].received {
                guard datagram.count == chunk + 4 else { continue }
                let sequence = Int(datagram[0]) << 24 | Int(datagram[1]) << 16 | Int(datagram[2]) << 8 | Int(datagram[3])
                if sequence == expected {
                    delivered += datagram[4...]
                    expected += 1
                    if expected % 8 == 0 || expected == count { try sides[1].agent.send(Array("ack:\(expected)".utf8)) }
                } else if sequence > expected {
                    try sides[1].agent.send(Array("ack:\(expected)".utf8))
                }
            }
            sides[1].received.removeAll(keepingCapacity: true)
            for datagram in sides[0].received {
                guard let text = String(validating: datagram, as: UTF8.self), text.hasPrefix("ack:"), let value = Int(text.dropFirst(4)) else { continue }
                if value > acked {
                    acked = value
                    lastProgress = ContinuousClock.now
                } else if value == acked, nextToSend > acked, ContinuousClock.now - lastResend > .milliseconds(20) {
                    // A duplicate: the receiver is missing `acked`; resend from there at once.
                    retransmissions += nextToSend - acked
                    nextToSend = acked
                    lastResend = ContinuousClock.now
                }
            }
            sides[0].received.removeAll(keepingCapacity: true)
            if ContinuousClock.now - lastProgress > .milliseconds(100) {
                retransmissions += nextToSend - acked
                nextToSend = acked
                lastProgress = ContinuousClock.now
            }
        }
        let seconds = Double((ContinuousClock.now - transferStart).components.attoseconds) / 1e18 + Double((ContinuousClock.now - transferStart).components.seconds)
        print("ICE through coturn: 10 MB in \(String(format: "%.2f", seconds)) s (\(String(format: "%.1f", Double(total) * 8 / seconds / 1e6)) Mbit/s, debug build), \(retransmissions) datagrams resent")
        #expect(acked == count)
        #expect(delivered.count == total)
        #expect(SHA256.hash(delivered) == SHA256.hash(payload), "every byte arrived, in order")
        #expect(sides[0].relay.droppedWhileWaiting == 0)
    }
}
