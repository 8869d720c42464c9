import DTLS
import RTCCrypto
import SpecTesting
import Testing

@Suite struct DTLSHandshakeTests {
    static let clientIdentity = Identity(seed: 10), serverIdentity = Identity(seed: 20)

    /// A full handshake between our client and server (cookie exchange, mutual certificates,
    /// EMS, use_srtp), then application data both ways and matching exported keys.
    @Test(.spec("RFC6347-4.2.1-1", "RFC6347-4.2.1-2", "RFC6347-4.2.1-6", "RFC7627-5.2-1", "RFC7627-5.2-2", "RFC7627-5.1-1",
                "RFC5764-4.1.1-1", "RFC5764-4.1.1-2", "RFC5764-4.1.1-3", "RFC5764-4.2-1", "RFC5246-7.4.9-1", "RFC6347-4.2.6-2",
                "RFC6347-4.2.1-7", "RFC6347-4.2.1-13", "RFC6347-4.2.1-14", "RFC6347-4.2.1-18", "RFC5246-7.4.1.2-7", "RFC5246-7.4.1.3-1",
                "RFC5246-7.2.1-1", "RFC6347-4.1.2.6-3", "RFC6347-4.1.2.6-4", "RFC6347-4.1.2.6-5", "RFC6347-4.1.2.6-1",
                "RFC6347-4.2.1-16", "RFC6347-5-1", "RFC6347-5-2", "RFC6347-4.2.5-1", "RFC6347-4.1.2.2-1", "RFC7627-6.2-1",
                "RFC6347-4.1.1.1-4", "RFC6347-4.1.1.1-5", "RFC8827-6.5-5", "RFC8827-6.5-12", "RFC8827-6.5-14"))
    func handshakeBetweenOurselves() throws {
        let (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Self.clientIdentity, server: Self.serverIdentity)
        var pair = DTLSPair(client: clientConfiguration, server: serverConfiguration)
        pair.client.start(now: .zero)
        pair.server.start(now: .zero)
        pair.run()
        #expect(pair.bothConnected, "client \(pair.clientEvents), server \(pair.serverEvents)")
        guard case .connected(let info)? = pair.clientEvents.first(where: { if case .connected = $0 { true } else { false } }) else { return }
        #expect(info.cipherSuite == .ecdheECDSAWithAES128GCMSHA256 && info.group == .x25519 && info.srtpProfile == 0x0007)
        #expect(info.peerCertificate == Self.serverIdentity.certificate)
        let clientKeys = try #require(try pair.client.srtpKeyingMaterial())
        let serverKeys = try #require(try pair.server.srtpKeyingMaterial())
        #expect(clientKeys.localKey == serverKeys.remoteKey && clientKeys.remoteSalt == serverKeys.localSalt && clientKeys.localKey.count == 16)
        #expect(try pair.client.exportKeyingMaterial(label: "EXPORTER-test", context: [1, 2], length: 40)
                == pair.server.exportKeyingMaterial(label: "EXPORTER-test", context: [1, 2], length: 40))
        #expect(pair.clientEvents.contains { if case .keyLog(let line) = $0 { line.hasPrefix("CLIENT_RANDOM ") && line.count == 14 + 64 + 1 + 96 } else { false } })

        try pair.client.send(Array("hello server".utf8))
        try pair.server.send(Array("hello client".utf8))
        pair.run()
        #expect(pair.serverEvents.contains(.applicationData(Array("hello server".utf8))))
        #expect(pair.clientEvents.contains(.applicationData(Array("hello client".utf8))))
        // A replayed record is delivered once.
        try pair.client.send(Array("once".utf8))
        let polled = pair.client.pollDatagram()
        let record = try #require(polled)
        pair.server.receive(record, now: pair.now)
        pair.server.receive(record, now: pair.now)
        var deliveries = 0
        while let event = pair.server.pollEvent() { if event == .applicationData(Array("once".utf8)) { deliveries += 1 } }
        #expect(deliveries == 1)

        // Records stay within 2^14 bytes; the expansion is known.
        #expect(throws: DTLSError.recordOverflow(16_385)) { try pair.client.send([UInt8](repeating: 0, count: 16_385)) }
        #expect(DTLSConnection.recordOverhead == 37 && pair.client.maximumApplicationDataSize == 1200 - 37)

        // close_notify is answered with close_notify.
        pair.client.close()
        let closing = pair.client.pollDatagram()
        pair.server.receive(try #require(closing), now: pair.now)
        #expect(pair.server.pollEvent() == .closed && pair.server.state == .closed)
        #expect(pair.server.pollDatagram() != nil, "the server's own close_notify")
    }

    /// A certificate that does not match the signalled fingerprint fails the handshake with
    /// bad_certificate, and the error names both fingerprints.
    @Test(.spec("RFC8122-5-1", "RFC5246-7.2.2-3")) func fingerprintMismatch() throws {
        var (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Self.clientIdentity, server: Self.serverIdentity)
        let wrong = Identity(seed: 30).certificate.fingerprint()
        clientConfiguration.remoteFingerprints = [wrong]
        var pair = DTLSPair(client: clientConfiguration, server: serverConfiguration)
        pair.client.start(now: .zero)
        pair.server.start(now: .zero)
        pair.run()
        #expect(pair.client.state == .failed)
        #expect(pair.clientEvents.contains(.failed(.fingerprintMismatch(expected: [wrong], actual: Self.serverIdentity.certificate.fingerprint()))))
        #expect(pair.serverEvents.contains(.failed(.alertReceived(level: 2, description: 42))))
    }

    /// Under 30 % loss, duplication and reordering the handshake still completes, thanks to
    /// retransmission with backoff; seeded, so it is the same run every time.
    @Test(.spec("RFC6347-4.2.4.1-1", "RFC6347-4.2.2-1", "RFC6347-4.2.2-2", "RFC6347-4.2.3-4", "RFC6347-4.1.1-1", "RFC6347-4.2.3-1",
                "RFC6347-4.2.6-1", "RFC6347-4.1-3", "RFC8827-6.5-10"), arguments: [1, 2, 3, 4, 5] as [UInt64])
    func handshakeUnderLoss(seed: UInt64) throws {
        var (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Self.clientIdentity, server: Self.serverIdentity)
        clientConfiguration.maximumRetransmissions = 12
        serverConfiguration.maximumRetransmissions = 12
        clientConfiguration.maximumTransmissionUnit = 400   // fragment the certificate flights
        if seed % 2 == 1 { clientConfiguration.groups = [.secp256r1] }   // the mandatory P-256 group too
        serverConfiguration.maximumTransmissionUnit = 400
        var pair = DTLSPair(client: clientConfiguration, server: serverConfiguration, seed: seed)
        pair.network = SeededGenerator(seed: seed &* 31)
        pair.lossRate = 0.3
        pair.duplicateRate = 0.2
        pair.reorder = true
        pair.client.start(now: .zero)
        pair.server.start(now: .zero)
        pair.run()
        #expect(pair.largestDatagram <= 400, "every record, and datagram, within the MTU")
        #expect(pair.bothConnected, "seed \(seed): client \(pair.client.state) \(pair.clientEvents.suffix(2)), server \(pair.server.state)")
        #expect(try pair.client.srtpKeyingMaterial() != nil)
        if seed % 2 == 1, case .connected(let info)? = pair.clientEvents.first(where: { if case .connected = $0 { true } else { false } }) {
            #expect(info.group == .secp256r1 && info.cipherSuite == .ecdheECDSAWithAES128GCMSHA256)
        }
    }

    /// A server that does not ask for the client's certificate completes without one.
    @Test func serverWithoutClientAuthentication() throws {
        var (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Self.clientIdentity, server: Self.serverIdentity)
        serverConfiguration.requireClientCertificate = false
        serverConfiguration.remoteFingerprints = []
        var pair = DTLSPair(client: clientConfiguration, server: serverConfiguration)
        pair.client.start(now: .zero)
        pair.server.start(now: .zero)
        pair.run()
        #expect(pair.bothConnected)
        #expect(pair.serverEvents.contains { if case .connected(let info) = $0 { info.peerCertificate == nil } else { false } })
    }

    /// Without a shared SRTP profile the handshake completes without use_srtp.
    @Test(.spec("RFC5764-4.1.1-5", "RFC5764-4.1.1-4")) func noSharedSRTPProfile() throws {
        var (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Self.clientIdentity, server: Self.serverIdentity)
        clientConfiguration.srtpProfiles = [0x0002]
        serverConfiguration.srtpProfiles = [0x0001, 0x0007]
        var pair = DTLSPair(client: clientConfiguration, server: serverConfiguration)
        pair.client.start(now: .zero)
        pair.server.start(now: .zero)
        pair.run()
        #expect(pair.bothConnected)
        #expect(try pair.client.srtpKeyingMaterial() == nil && pair.server.srtpKeyingMaterial() == nil)
    }

    /// A tampered Finished fails the handshake (decrypt_error); a flipped record is dropped.
    @Test(.spec("RFC6347-4.1.2.7-1", "RFC6347-4.1.2.6-7", "RFC6347-4.1.2.1-1", "RFC6347-4.1.2.1-2", "RFC6347-5-3"))
    func tamperedRecordsAreDropped() throws {
        let (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Self.clientIdentity, server: Self.serverIdentity)
        var pair = DTLSPair(client: clientConfiguration, server: serverConfiguration)
        pair.client.start(now: .zero)
        pair.server.start(now: .zero)
        pair.run()
        #expect(pair.bothConnected)
        try pair.client.send([1, 2, 3])
        let polled = pair.client.pollDatagram()
        var datagram = try #require(polled)
        datagram[datagram.count - 1] ^= 1
        pair.server.receive(datagram, now: pair.now)
        #expect(pair.server.pollEvent() == nil && pair.server.state == .connected, "a bad record is dropped silently")
        // A plaintext fatal alert injected after the handshake is ignored.
        pair.server.receive(DTLSRecord(contentType: .alert, epoch: 0, sequenceNumber: 99, fragment: [2, 40]).encoded, now: pair.now)
        #expect(pair.server.state == .connected)
    }
}

/// Application data of the new epoch that overtakes the Finished is not delivered.
@Suite struct DTLSEarlyDataTests {
    @Test(.spec("RFC6347-4.2.4-2", "RFC6347-4.1-5")) func dataBeforeFinishedIsDropped() throws {
        let (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Identity(seed: 110), server: Identity(seed: 111))
        var client = DTLSConnection(configuration: clientConfiguration, random: SeededGenerator(seed: 5))
        var server = DTLSConnection(configuration: serverConfiguration, random: SeededGenerator(seed: 6))
        client.start(now: .zero)
        server.start(now: .zero)
        var heldFlight: [[UInt8]] = []
        for _ in 0..<6 where heldFlight.isEmpty {
            while let datagram = client.pollDatagram() { server.receive(datagram, now: .zero) }
            if server.state == .connected {
                while let datagram = server.pollDatagram() { heldFlight.append(datagram) }
            } else {
                while let datagram = server.pollDatagram() { client.receive(datagram, now: .zero) }
            }
        }
        #expect(server.state == .connected && client.state == .handshaking && !heldFlight.isEmpty)
        try server.send(Array("too early".utf8))
        let polledEarly = server.pollDatagram()
        let early = try #require(polledEarly)
        // The ChangeCipherSpec first (so the new epoch's keys exist), then the early data,
        // then the Finished: the data is of the new epoch but precedes its Finished.
        let records = heldFlight.flatMap { DTLSRecord.parseDatagram($0).records }
        for record in records where record.contentType == .changeCipherSpec { client.receive(record.encoded, now: .zero) }
        client.receive(early, now: .zero)
        for record in records where record.contentType != .changeCipherSpec { client.receive(record.encoded, now: .zero) }
        var events: [DTLSEvent] = []
        while let event = client.pollEvent() { events.append(event) }
        #expect(client.state == .connected)
        #expect(!events.contains(.applicationData(Array("too early".utf8))), "data that overtook the Finished was dropped")
        try server.send(Array("in time".utf8))
        let polledInTime = server.pollDatagram()
        client.receive(try #require(polledInTime), now: .zero)
        let event = client.pollEvent()
        #expect(event == .applicationData(Array("in time".utf8)))
    }
}
