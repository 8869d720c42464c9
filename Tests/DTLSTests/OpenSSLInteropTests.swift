import DTLS
import Foundation
import RTCCrypto
import SpecTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Interop with OpenSSL's command-line DTLS 1.2 in both roles, with ECDSA and RSA
/// certificates, DTLS-SRTP and the exporter: our keying material must equal OpenSSL's.
@Suite(.enabled(if: ExternalProcess.available("openssl"), "openssl is not installed"), .serialized)
struct OpenSSLInteropTests {
    /// A key and certificate made by openssl in a temporary directory.
    struct PeerFiles {
        let directory: URL
        let certificate: URL, key: URL
        let der: [UInt8]

        init(rsa: Bool) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("specrtc-dtls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            key = directory.appendingPathComponent("key.pem")
            certificate = directory.appendingPathComponent("cert.pem")
            let derFile = directory.appendingPathComponent("cert.der")
            if rsa {
                try ExternalProcess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.path])
            } else {
                try ExternalProcess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.path])
            }
            try ExternalProcess.run(["openssl", "req", "-x509", "-new", "-key", key.path, "-subj", "/CN=openssl-peer", "-days", "2", "-out", certificate.path])
            try ExternalProcess.run(["openssl", "x509", "-in", certificate.path, "-outform", "DER", "-out", derFile.path])
            der = Array(try Data(contentsOf: derFile))
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static let ours = Identity(seed: 77)

    /// Drives our connection over `socket` until connected (or failed, or 15 s).
    static func drive(_ connection: inout DTLSConnection, _ socket: UDPSocket, start: ContinuousClock.Instant) -> [DTLSEvent] {
        var events: [DTLSEvent] = []
        let deadline = start + .seconds(15)
        while ContinuousClock.now < deadline {
            while let datagram = connection.pollDatagram() { socket.send(datagram) }
            while let event = connection.pollEvent() { events.append(event) }
            if connection.state == .connected || connection.state == .failed || connection.state == .closed { return events }
            let now = ContinuousClock.now - start
            let wait = connection.nextTimeout.map { max(0, Int32(($0 - now) / .milliseconds(1))) } ?? 100
            if let datagram = socket.receive(milliseconds: min(wait, 100)) {
                connection.receive(datagram, now: ContinuousClock.now - start)
            } else {
                connection.handleTimeout(now: ContinuousClock.now - start)
            }
        }
        return events
    }

    /// Our client against `openssl s_server` (which sends a HelloVerifyRequest).
    @Test(.spec("RFC6347-4.2.1-2", "RFC5764-4.2-1", "RFC5705-4-5", "RFC7627-5.2-1", "RFC6347-4.2.1-18", "RFC5246-7.4.9-2"),
          arguments: [(false, false), (true, false), (false, true)])
    func clientAgainstOpenSSLServer(rsa: Bool, sha384: Bool) throws {
        let files = try PeerFiles(rsa: rsa)
        defer { files.remove() }
        let port = try UDPSocket.freePort()
        let server = try ExternalProcess(arguments: ["openssl", 
            "s_server", "-dtls1_2", "-accept", "127.0.0.1:\(port)", "-cert", files.certificate.path, "-key", files.key.path,
            "-verify", "1", "-use_srtp", "SRTP_AES128_CM_SHA1_80", "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60",
        ] + (sha384 ? ["-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"] : []))
        defer { server.stop() }
        #expect(server.wait(for: "ACCEPT"), "s_server did not start: \(server.output)")

        var configuration = DTLSConfiguration(role: .client, certificate: Self.ours.certificate, privateKey: Self.ours.privateKey,
                                              remoteFingerprints: [Fingerprint(algorithm: .sha256, digest: SHA256.hash(files.der))])
        configuration.srtpProfiles = [0x0001]
        var connection = DTLSConnection(configuration: configuration, random: SecureRandom())
        let socket = try UDPSocket()
        socket.setPeer(port: port)
        let start = ContinuousClock.now
        connection.start(now: .zero)
        let events = Self.drive(&connection, socket, start: start)
        #expect(connection.state == .connected, "events \(events); openssl: \(server.output)")
        guard connection.state == .connected else { return }
        if case .connected(let info)? = events.first(where: { if case .connected = $0 { true } else { false } }) {
            #expect(info.cipherSuite == (rsa ? .ecdheRSAWithAES128GCMSHA256 : sha384 ? .ecdheECDSAWithAES256GCMSHA384 : .ecdheECDSAWithAES128GCMSHA256))
            #expect(info.srtpProfile == 0x0001)
        }
        let material = try connection.exportKeyingMaterial(label: "EXTRACTOR-dtls_srtp", length: 60)
        let hex = material.map { String(format: "%02X", $0) }.joined()
        #expect(server.wait(for: "Keying material: "), "\(server.output)")
        #expect(server.output.contains(hex), "our keying material \(hex) vs openssl: \(server.output)")

        try connection.send(Array("ping from SpecRTC\n".utf8))
        socket.send(connection.pollDatagram()!)
        #expect(server.wait(for: "ping from SpecRTC"), "\(server.output)")
        server.write("pong from openssl\n")
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, !String(decoding: received, as: UTF8.self).contains("pong") {
            if let datagram = socket.receive(milliseconds: 100) { connection.receive(datagram, now: ContinuousClock.now - start) }
            while let event = connection.pollEvent() { if case .applicationData(let data) = event { received += data } }
        }
        #expect(String(decoding: received, as: UTF8.self).contains("pong from openssl"))
    }

    /// `openssl s_client` against our server (cookie exchange on our side).
    @Test(.spec("RFC6347-4.2.1-1", "RFC6347-4.2.1-10", "RFC5764-4.1.1-2", "RFC7627-5.2-2", "RFC5764-4.1.1-4", "RFC8827-6.5-13", "RFC6347-4.2.1-12"))
    func openSSLClientAgainstOurServer() throws {
        let files = try PeerFiles(rsa: false)
        defer { files.remove() }
        var configuration = DTLSConfiguration(role: .server, certificate: Self.ours.certificate, privateKey: Self.ours.privateKey,
                                              remoteFingerprints: [Fingerprint(algorithm: .sha256, digest: SHA256.hash(files.der))])
        var secureRandom = SecureRandom()
        configuration.cookieSecret = secureRandom.bytes(32)
        var connection = DTLSConnection(configuration: configuration, random: SecureRandom())
        let socket = try UDPSocket()
        let client = try ExternalProcess(arguments: ["openssl", 
            "s_client", "-dtls1_2", "-connect", "127.0.0.1:\(socket.port)", "-cert", files.certificate.path, "-key", files.key.path,
            "-use_srtp", "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "56",
        ])
        defer { client.stop() }
        let start = ContinuousClock.now
        connection.start(now: .zero)
        let events = Self.drive(&connection, socket, start: start)
        #expect(connection.state == .connected, "events \(events); openssl: \(client.output)")
        guard connection.state == .connected else { return }
        let keys = try #require(try connection.srtpKeyingMaterial())
        #expect(keys.profile == 0x0007)
        let material = try connection.exportKeyingMaterial(label: "EXTRACTOR-dtls_srtp", length: 56)
        let hex = material.map { String(format: "%02X", $0) }.joined()
        #expect(client.wait(for: "Keying material: "), "\(client.output)")
        #expect(client.output.contains(hex), "our keying material \(hex) vs openssl: \(client.output)")
        #expect(client.output.contains("SRTP_AEAD_AES_128_GCM"), "\(client.output)")

        // Renegotiation ("R" on s_client's input) is refused with a no_renegotiation alert.
        client.write("R\n")
        var refused = false
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, !refused {
            guard let datagram = socket.receive(milliseconds: 100) else { continue }
            connection.receive(datagram, now: ContinuousClock.now - start)
            while let reply = connection.pollDatagram() {
                socket.send(reply)
                refused = true
            }
        }
        #expect(refused, "our answer to the renegotiation attempt: \(client.output)")
        #expect(connection.state == .connected, "a refused renegotiation leaves the connection up")
        #expect(client.wait(for: "no renegotiation", seconds: 5) || client.wait(for: "alert", seconds: 1), "\(client.output)")
    }
}
