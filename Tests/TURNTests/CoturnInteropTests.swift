import Foundation
import SpecTesting
import STUN
import Testing
import TURN

/// Our TURN client against coturn (Debian's `turnserver`) on 127.0.0.1 over UDP: allocation
/// with long-term credentials, a permission, Send/Data indications, a channel and ChannelData
/// both ways, deallocation; and a wrong password that fails clearly.
@Suite(.enabled(if: ExternalProcess.available("turnserver", arguments: ["--help"]) || FileManager.default.isExecutableFile(atPath: "/usr/bin/turnserver"),
                "coturn (turnserver) is not installed"), .serialized)
struct CoturnInteropTests {
    struct Counter: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 { state &+= 0x9e37_79b9_7f4a_7c15; return state ^ (state >> 31) }
    }

    static func startServer() throws -> (ExternalProcess, UInt16) {
        let port = try UDPSocket.freePort()
        let relayBase = UInt16(50_000 + Int(port % 5_000))
        let server = try ExternalProcess(arguments: [
            "turnserver", "-n", "--listening-ip=127.0.0.1", "--listening-port=\(port)", "--relay-ip=127.0.0.1",
            "--lt-cred-mech", "--user=alice:wonderland", "--realm=specrtc.test", "--no-tls", "--no-dtls", "--no-cli",
            "--allow-loopback-peers", "--min-port=\(relayBase)", "--max-port=\(relayBase + 200)", "--log-file=stdout", "--simple-log",
        ])
        return (server, port)
    }

    /// Runs `client` over `socket` until `done` says so (or 10 s pass); returns the events.
    static func drive(_ client: inout TURNClient, _ socket: UDPSocket, start: ContinuousClock.Instant,
                      until done: ([TURNClient.Event]) -> Bool) -> [TURNClient.Event] {
        var events: [TURNClient.Event] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            while let datagram = client.pollDatagram() { socket.send(datagram) }
            while let event = client.pollEvent() { events.append(event) }
            if done(events) { return events }
            if let datagram = socket.receive(milliseconds: 50) {
                client.receive(datagram, now: ContinuousClock.now - start)
            } else {
                client.handleTimeout(now: ContinuousClock.now - start)
            }
        }
        return events
    }

    @Test(.spec("RFC8656-7.1-4", "RFC8656-7.1-11", "RFC8656-10.1-1", "RFC8656-11.1-1", "RFC8656-11.1-2", "RFC8656-11.3-1",
                "RFC8656-12-2", "RFC8656-8-2", "RFC8489-9.2.5-3", "RFC8489-9.2.5-4", "RFC8489-9.2.5-6", "RFC8489-9.2.5-7",
                "RFC8489-9.2.5-13"))
    func relayThroughCoturn() throws {
        let (server, port) = try Self.startServer()
        defer { server.stop() }
        let socket = try UDPSocket()
        socket.setPeer(port: port)
        let peer = try UDPSocket()
        let peerAddress = STUNTransportAddress(address: [127, 0, 0, 1], port: peer.port)
        var client = TURNClient(configuration: TURNClient.Configuration(username: "alice", password: "wonderland"), random: Counter(state: 7))
        let start = ContinuousClock.now
        // coturn needs a moment to open its socket: retransmissions cover it.
        client.allocate(now: .zero)
        var events = Self.drive(&client, socket, start: start) { $0.contains { if case .allocated = $0 { true } else { false } } }
        #expect(client.state == .allocated, "events \(events); coturn: \(server.output.suffix(2000))")
        guard let relayed = client.relayedAddress else { return }
        #expect(relayed.address == [127, 0, 0, 1])

        // Permission, then a Send indication: the peer receives from the relayed address.
        try client.createPermission(for: peerAddress, now: ContinuousClock.now - start)
        events = Self.drive(&client, socket, start: start) { $0.contains(.permissionCreated(peerAddress: [127, 0, 0, 1])) }
        #expect(events.contains(.permissionCreated(peerAddress: [127, 0, 0, 1])))
        try client.send(Array("via send indication".utf8), to: peerAddress)
        while let datagram = client.pollDatagram() { socket.send(datagram) }
        let first = peer.receive(milliseconds: 3_000)
        #expect(first == Array("via send indication".utf8))
        #expect(peer.peerPort == relayed.port, "the peer sees the relayed address")

        // The peer answers: a Data indication reaches us.
        peer.send(Array("reply one".utf8))
        events = Self.drive(&client, socket, start: start) { $0.contains(.data(peer: peerAddress, bytes: Array("reply one".utf8))) }
        #expect(events.contains(.data(peer: peerAddress, bytes: Array("reply one".utf8))))

        // A channel: ChannelData both ways.
        try client.bindChannel(0x4001, to: peerAddress, now: ContinuousClock.now - start)
        events = Self.drive(&client, socket, start: start) { $0.contains(.channelBound(channel: 0x4001, peer: peerAddress)) }
        #expect(events.contains(.channelBound(channel: 0x4001, peer: peerAddress)))
        try client.send(Array("via channel".utf8), to: peerAddress)
        while let datagram = client.pollDatagram() {
            #expect(datagram[0] == 0x40 && datagram[1] == 0x01, "sent as ChannelData")
            socket.send(datagram)
        }
        #expect(peer.receive(milliseconds: 3_000) == Array("via channel".utf8))
        peer.send(Array("reply two".utf8))
        events = Self.drive(&client, socket, start: start) { $0.contains(.data(peer: peerAddress, bytes: Array("reply two".utf8))) }
        #expect(events.contains(.data(peer: peerAddress, bytes: Array("reply two".utf8))))

        client.deallocate(now: ContinuousClock.now - start)
        events = Self.drive(&client, socket, start: start) { $0.contains(.deallocated) }
        #expect(client.state == .closed)
    }

    /// The same over TCP to the server: STUN and ChannelData framed on the stream (RFC 8656
    /// §12.5: ChannelData padded to four bytes), the relay to the peer still UDP.
    @Test(.spec("RFC8656-12.5-2")) func relayOverTCP() throws {
        let (server, port) = try Self.startServer()
        defer { server.stop() }
        let stream = try TCPConnection(port: port)
        let peer = try UDPSocket()
        let peerAddress = STUNTransportAddress(address: [127, 0, 0, 1], port: peer.port)
        var configuration = TURNClient.Configuration(username: "alice", password: "wonderland")
        configuration.transport = .reliable
        var client = TURNClient(configuration: configuration, random: Counter(state: 11))
        var framer = TURNStreamFramer()
        var events: [TURNClient.Event] = []
        let start = ContinuousClock.now
        func pump(until done: ([TURNClient.Event]) -> Bool) {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                while let message = client.pollDatagram() { stream.send(message) }
                while let event = client.pollEvent() { events.append(event) }
                if done(events) { return }
                framer.append(stream.receive(milliseconds: 50))
                while let frame = try? framer.next() {
                    switch frame {
                    case .stun(let bytes): client.receive(bytes, now: ContinuousClock.now - start)
                    case .channelData(let data): client.receive(data.encoded(padded: true), now: ContinuousClock.now - start)
                    }
                }
                client.handleTimeout(now: ContinuousClock.now - start)
            }
        }
        client.allocate(now: .zero)
        pump { $0.contains { if case .allocated = $0 { true } else { false } } }
        #expect(client.state == .allocated, "events \(events); coturn: \(server.output.suffix(2000))")
        guard client.state == .allocated else { return }
        try client.bindChannel(0x4002, to: peerAddress, now: ContinuousClock.now - start)
        pump { $0.contains(.channelBound(channel: 0x4002, peer: peerAddress)) }
        try client.send(Array("odd-length over tcp".utf8), to: peerAddress)   // 19 bytes: padded on the stream
        while let message = client.pollDatagram() {
            #expect(message.count % 4 == 0, "ChannelData padded on a stream")
            stream.send(message)
        }
        #expect(peer.receive(milliseconds: 3_000) == Array("odd-length over tcp".utf8))
        peer.send(Array("back over tcp".utf8))
        pump { $0.contains(.data(peer: peerAddress, bytes: Array("back over tcp".utf8))) }
        #expect(events.contains(.data(peer: peerAddress, bytes: Array("back over tcp".utf8))))
    }

    @Test func wrongPasswordFailsClearly() throws {
        let (server, port) = try Self.startServer()
        defer { server.stop() }
        let socket = try UDPSocket()
        socket.setPeer(port: port)
        var client = TURNClient(configuration: TURNClient.Configuration(username: "alice", password: "looking-glass"), random: Counter(state: 9))
        let start = ContinuousClock.now
        client.allocate(now: .zero)
        let events = Self.drive(&client, socket, start: start) { $0.contains { if case .failed = $0 { true } else { false } } }
        #expect(client.state == .failed)
        #expect(events.contains { if case .failed(.unauthorized) = $0 { true } else { false } }, "\(events)")
    }
}

/// An IPv6 allocation on coturn (relay addresses on 127.0.0.1 and ::1) requested over IPv4:
/// an IPv6 relayed address, and data relayed to an IPv6 peer and back. (coturn 4.6.1 answers
/// a dual request, ADDITIONAL-ADDRESS-FAMILY, with an IPv4 address only; the scripted tests
/// cover dual allocations.)
@Suite(.enabled(if: ExternalProcess.available("turnserver", arguments: ["--help"]) || FileManager.default.isExecutableFile(atPath: "/usr/bin/turnserver"),
                "coturn (turnserver) is not installed"), .serialized)
struct CoturnIPv6Tests {
    @Test("IPv6 allocation: an IPv6 relayed address; an IPv6 peer through the relay", .spec("RFC8656-7.1-5", "RFC8656-7.3-1", "RFC8656-10.1-3"))
    func ipv6Allocation() throws {
        let port = try UDPSocket.freePort()
        let relayBase = UInt16(54_000 + Int(port % 5_000))
        let server = try ExternalProcess(arguments: [
            "turnserver", "-n", "--listening-ip=127.0.0.1", "--listening-port=\(port)", "--relay-ip=127.0.0.1", "--relay-ip=::1",
            "--lt-cred-mech", "--user=alice:wonderland", "--realm=specrtc.test", "--no-tls", "--no-dtls", "--no-cli",
            "--allow-loopback-peers", "--min-port=\(relayBase)", "--max-port=\(relayBase + 200)", "--log-file=stdout", "--simple-log",
        ])
        defer { server.stop() }
        let socket = try UDPSocket()
        socket.setPeer(port: port)
        let peer = try UDP6Socket()
        let peerAddress = STUNTransportAddress(address: Array(repeating: 0, count: 15) + [1], port: peer.port)
        var configuration = TURNClient.Configuration(username: "alice", password: "wonderland")
        configuration.addressFamily = .ipv6
        var client = TURNClient(configuration: configuration, random: SeededGenerator(seed: 31))
        let start = ContinuousClock.now
        client.allocate(now: .zero)
        var events = CoturnInteropTests.drive(&client, socket, start: start) { $0.contains { if case .allocated = $0 { true } else { false } } }
        #expect(client.state == .allocated, "events \(events); coturn: \(server.output.suffix(1500))")
        #expect(client.relayedAddresses.map(\.isIPv6) == [true], "\(client.relayedAddresses)")
        guard let relayed6 = client.relayedAddresses.first(where: \.isIPv6) else { return }
        try client.createPermission(for: peerAddress, now: ContinuousClock.now - start)
        events = CoturnInteropTests.drive(&client, socket, start: start) { $0.contains(.permissionCreated(peerAddress: peerAddress.address)) }
        try client.send(Array("to an IPv6 peer".utf8), to: peerAddress)
        while let datagram = client.pollDatagram() { socket.send(datagram) }
        #expect(peer.receive(milliseconds: 3_000) == Array("to an IPv6 peer".utf8))
        #expect(peer.lastSenderPort == relayed6.port)
        peer.send(Array("from ::1".utf8), toPort: relayed6.port)
        events = CoturnInteropTests.drive(&client, socket, start: start) { $0.contains(.data(peer: peerAddress, bytes: Array("from ::1".utf8))) }
        #expect(events.contains(.data(peer: peerAddress, bytes: Array("from ::1".utf8))))
    }
}

/// ALTERNATE-SERVER with two coturn instances: the first redirects Allocate (300) to the second.
@Suite(.enabled(if: ExternalProcess.available("turnserver", arguments: ["--help"]) || FileManager.default.isExecutableFile(atPath: "/usr/bin/turnserver"),
                "coturn (turnserver) is not installed"), .serialized)
struct CoturnAlternateServerTests {
    @Test("300 Try Alternate from coturn: the allocation is made on the alternate server")
    func redirected() throws {
        let (second, secondPort) = try CoturnInteropTests.startServer()
        defer { second.stop() }
        let firstPort = try UDPSocket.freePort()
        let first = try ExternalProcess(arguments: [
            "turnserver", "-n", "--listening-ip=127.0.0.1", "--listening-port=\(firstPort)", "--relay-ip=127.0.0.1",
            "--lt-cred-mech", "--user=alice:wonderland", "--realm=specrtc.test", "--no-tls", "--no-dtls", "--no-cli",
            "--alternate-server=127.0.0.1:\(secondPort)", "--log-file=stdout", "--simple-log",
        ])
        defer { first.stop() }
        let socket = try UDPSocket()
        var serverPort = firstPort
        var client = TURNClient(configuration: TURNClient.Configuration(username: "alice", password: "wonderland"), random: SeededGenerator(seed: 41))
        let start = ContinuousClock.now
        client.allocate(now: .zero)
        var events: [TURNClient.Event] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, client.state != .allocated, client.state != .failed {
            while let event = client.pollEvent() {
                events.append(event)
                if case .redirected(let server) = event { serverPort = server.port }
            }
            while let datagram = client.pollDatagram() { socket.send(datagram, toPort: serverPort) }
            if let (datagram, from) = socket.receiveWithSource(milliseconds: 50) {
                // Late answers from the first server are not for the current allocation.
                if from == serverPort { client.receive(datagram, now: ContinuousClock.now - start) }
            } else {
                client.handleTimeout(now: ContinuousClock.now - start)
            }
        }
        #expect(events.contains(.redirected(to: STUNTransportAddress(address: [127, 0, 0, 1], port: secondPort))), "\(events) \(first.output.suffix(800))")
        #expect(client.state == .allocated, "\(events)")
        #expect(client.relayedAddress != nil)
    }
}
