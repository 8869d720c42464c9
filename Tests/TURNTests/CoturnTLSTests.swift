import DTLS
import Foundation
import RTCCrypto
import SpecTesting
import STUN
import Testing
import TURN

/// TURN over TLS (RFC 8656 §3.1): our TLS 1.2 client to coturn's TLS port with a self-signed
/// certificate made for the test (pinned), then Allocate, a channel and ChannelData both ways
/// through the encrypted stream; the relay to the peer is UDP.
@Suite(.enabled(if: (ExternalProcess.available("turnserver", arguments: ["--help"]) || FileManager.default.isExecutableFile(atPath: "/usr/bin/turnserver"))
                && ExternalProcess.available("openssl"), "coturn or openssl is not installed"), .serialized)
struct CoturnTLSTests {
    @Test("allocate over TLS, a channel, ChannelData both ways", .spec("RFC8656-12.5-2"))
    func relayOverTLS() throws {
        let files = try OpenSSLPeerFiles()
        defer { files.remove() }
        let port = try UDPSocket.freePort()
        let relayBase = UInt16(52_000 + Int(port % 5_000))
        let server = try ExternalProcess(arguments: [
            "turnserver", "-n", "--listening-ip=127.0.0.1", "--listening-port=\(port)", "--tls-listening-port=\(port)", "--relay-ip=127.0.0.1",
            "--lt-cred-mech", "--user=alice:wonderland", "--realm=specrtc.test", "--no-dtls", "--no-cli", "--no-udp", "--no-tcp",
            "--cert=\(files.certificate.path)", "--pkey=\(files.key.path)",
            "--allow-loopback-peers", "--min-port=\(relayBase)", "--max-port=\(relayBase + 200)", "--log-file=stdout", "--simple-log",
        ])
        defer { server.stop() }
        let stream = try TCPConnection(port: port)
        let peer = try UDPSocket()
        let peerAddress = STUNTransportAddress(address: [127, 0, 0, 1], port: peer.port)
        var tls = TLSClient(configuration: .init(pinnedFingerprints: [try X509Certificate(derEncoded: files.der).fingerprint()]),
                            random: SeededGenerator(seed: 12))
        var configuration = TURNClient.Configuration(username: "alice", password: "wonderland")
        configuration.transport = .reliable
        var client = TURNClient(configuration: configuration, random: SeededGenerator(seed: 13))
        var framer = TURNStreamFramer()
        var events: [TURNClient.Event] = []
        var tlsEvents: [TLSClient.Event] = []
        let start = ContinuousClock.now
        func pump(until done: () -> Bool) {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if tls.state == .connected { while let message = client.pollDatagram() { try? tls.send(message) } }
                while let bytes = tls.pollOutput() { stream.send(bytes) }
                while let event = client.pollEvent() { events.append(event) }
                if done() || tls.state == .failed { return }
                let bytes = stream.receive(milliseconds: 50)
                if !bytes.isEmpty { tls.receive(bytes) }
                while let event = tls.pollEvent() {
                    tlsEvents.append(event)
                    guard case .data(let plaintext) = event else { continue }
                    framer.append(plaintext[...])
                    while let frame = try? framer.next() {
                        switch frame {
                        case .stun(let bytes): client.receive(bytes, now: ContinuousClock.now - start)
                        case .channelData(let data): client.receive(data.encoded(padded: true), now: ContinuousClock.now - start)
                        }
                    }
                }
                client.handleTimeout(now: ContinuousClock.now - start)
            }
        }
        tls.start()
        pump { tls.state == .connected }
        #expect(tls.state == .connected, "TLS: \(tlsEvents); coturn: \(server.output.suffix(1500))")
        guard tls.state == .connected else { return }
        client.allocate(now: ContinuousClock.now - start)
        pump { client.state == .allocated || client.state == .failed }
        #expect(client.state == .allocated, "events \(events); coturn: \(server.output.suffix(1500))")
        guard client.state == .allocated else { return }
        try client.bindChannel(0x4003, to: peerAddress, now: ContinuousClock.now - start)
        pump { events.contains(.channelBound(channel: 0x4003, peer: peerAddress)) }
        try client.send(Array("through tls".utf8), to: peerAddress)
        pump { true }
        #expect(peer.receive(milliseconds: 3_000) == Array("through tls".utf8))
        peer.send(Array("back through tls".utf8))
        pump { events.contains(.data(peer: peerAddress, bytes: Array("back through tls".utf8))) }
        #expect(events.contains(.data(peer: peerAddress, bytes: Array("back through tls".utf8))))
    }
}

/// An ECDSA P-256 key and self-signed certificate made by openssl in a temporary directory.
struct OpenSSLPeerFiles {
    let directory: URL
    let certificate: URL, key: URL
    let der: [UInt8]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("specrtc-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        key = directory.appendingPathComponent("key.pem")
        certificate = directory.appendingPathComponent("cert.pem")
        let derFile = directory.appendingPathComponent("cert.der")
        try ExternalProcess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.path])
        try ExternalProcess.run(["openssl", "req", "-x509", "-new", "-key", key.path, "-subj", "/CN=turn.specrtc.test", "-days", "2", "-out", certificate.path])
        try ExternalProcess.run(["openssl", "x509", "-in", certificate.path, "-outform", "DER", "-out", derFile.path])
        der = Array(try Data(contentsOf: derFile))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
