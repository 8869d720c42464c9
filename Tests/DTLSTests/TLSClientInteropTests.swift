import DTLS
import Foundation
import RTCCrypto
import SpecTesting
import Testing

/// Our TLS 1.2 client (the one TURN over TLS uses) against `openssl s_server -tls1_2`, with
/// ECDSA and RSA certificates: handshake with the extended master secret, data both ways,
/// a pinned certificate that does not match, and close_notify.
@Suite(.enabled(if: ExternalProcess.available("openssl"), "openssl is not installed"), .serialized)
struct TLSClientInteropTests {
    typealias PeerFiles = OpenSSLInteropTests.PeerFiles

    static func server(_ files: PeerFiles, port: UInt16) throws -> ExternalProcess {
        let server = try ExternalProcess(arguments: [
            "openssl", "s_server", "-tls1_2", "-accept", "127.0.0.1:\(port)", "-cert", files.certificate.path, "-key", files.key.path,
        ])
        #expect(server.wait(for: "ACCEPT"), "s_server did not start: \(server.output)")
        return server
    }

    /// Pumps `client` over `stream` until `done` holds or 10 s pass.
    static func pump(_ client: inout TLSClient, _ stream: TCPConnection, events: inout [TLSClient.Event], until done: ([TLSClient.Event]) -> Bool) {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            while let bytes = client.pollOutput() { stream.send(bytes) }
            while let event = client.pollEvent() { events.append(event) }
            if done(events) { return }
            let bytes = stream.receive(milliseconds: 50)
            if !bytes.isEmpty { client.receive(bytes) }
        }
    }

    @Test("ECDSA and RSA servers: handshake, data both ways, close_notify answered",
          .spec("RFC8656-3.1-1", "RFC8489-6.2.3-4", "RFC8489-6.2.3-5", "RFC8489-6.2.3-6", "RFC7627-5.2-1", "RFC5246-6.2.1-2", "RFC5246-7.4.9-1", "RFC5246-7.4.3-4"), arguments: [false, true])
    func againstOpenSSL(rsa: Bool) throws {
        let files = try PeerFiles(rsa: rsa)
        defer { files.remove() }
        let port = try UDPSocket.freePort()
        let server = try Self.server(files, port: port)
        defer { server.stop() }
        let stream = try TCPConnection(port: port)
        let pin = try X509Certificate(derEncoded: files.der).fingerprint(.sha256)
        var client = TLSClient(configuration: .init(pinnedFingerprints: [pin], serverName: "localhost"), random: SeededGenerator(seed: rsa ? 3 : 4))
        client.start()
        var events: [TLSClient.Event] = []
        Self.pump(&client, stream, events: &events) { $0.contains { if case .connected = $0 { true } else { false } } || $0.contains { if case .failed = $0 { true } else { false } } }
        #expect(client.state == .connected, "events \(events); openssl: \(server.output.suffix(1500))")
        guard client.state == .connected else { return }
        #expect(events.contains(.connected(cipherSuite: rsa ? .ecdheRSAWithAES128GCMSHA256 : .ecdheECDSAWithAES128GCMSHA256, group: .x25519)))
        // To the server: s_server prints what it receives.
        try client.send(Array("hello over tls\n".utf8))
        while let bytes = client.pollOutput() { stream.send(bytes) }
        #expect(server.wait(for: "hello over tls"), "s_server output: \(server.output.suffix(500))")
        // From the server: what is typed on its input.
        server.write("reply from openssl\n")
        Self.pump(&client, stream, events: &events) { $0.contains { if case .data(let bytes) = $0 { String(decoding: bytes, as: UTF8.self).contains("reply from openssl") } else { false } } }
        #expect(events.contains { if case .data(let bytes) = $0 { String(decoding: bytes, as: UTF8.self).contains("reply from openssl") } else { false } })
        // A large message crosses several records.
        try client.send(Array(repeating: UInt8(ascii: "x"), count: 40_000) + Array("\nend-of-large\n".utf8))
        while let bytes = client.pollOutput() { stream.send(bytes) }
        #expect(server.wait(for: "end-of-large"))
        client.close()
        while let bytes = client.pollOutput() { stream.send(bytes) }
        #expect(client.state == .closed)
    }

    @Test("a certificate that does not match the pin fails the handshake with bad_certificate", .spec("RFC8489-6.2.3-10"))
    func wrongPin() throws {
        let files = try PeerFiles(rsa: false)
        defer { files.remove() }
        let port = try UDPSocket.freePort()
        let server = try Self.server(files, port: port)
        defer { server.stop() }
        let stream = try TCPConnection(port: port)
        let other = Fingerprint(algorithm: .sha256, digest: Array(repeating: 0xab, count: 32))
        var client = TLSClient(configuration: .init(pinnedFingerprints: [other]), random: SeededGenerator(seed: 5))
        client.start()
        var events: [TLSClient.Event] = []
        Self.pump(&client, stream, events: &events) { $0.contains { if case .failed = $0 { true } else { false } } }
        #expect(client.state == .failed)
        #expect(events.contains { if case .failed(.fingerprintMismatch) = $0 { true } else { false } })
    }
}
