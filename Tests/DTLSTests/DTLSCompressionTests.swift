import DTLS
import RTCCrypto
import SpecTesting
import Testing

/// RFC 8261 §5: DTLS under SCTP uses no compression.
@Suite struct DTLSCompressionTests {
    @Test(.spec("RFC8261-5-2"))
    func onlyNullCompressionIsOfferedOrAccepted() throws {
        // A server that picks a compression method is refused.
        let refused = try DTLSServerHelloTamperingTests.handshake { $0.compressionMethod = 1 }
        #expect(DTLSServerHelloTamperingTests.refused(refused))
        // Our ClientHello offers null compression only, and our server answers with it.
        let (clientConfiguration, _) = DTLSPair.configurations(client: Identity(seed: 102), server: Identity(seed: 103))
        var client = DTLSConnection(configuration: clientConfiguration, random: SeededGenerator(seed: 5))
        client.start(now: .zero)
        let first = client.pollDatagram()
        let datagram = try #require(first)
        let record = try #require(DTLSRecord.parseDatagram(datagram).records.first)
        let fragment = try #require(try DTLSHandshakeFragment.parse(record.fragment).first)
        let hello = try DTLSClientHello(parsing: Array(fragment.body))
        #expect(hello.compressionMethods == [0])
        var serverHelloCompression: [UInt8] = []
        _ = try DTLSServerHelloTamperingTests.handshake { serverHelloCompression.append($0.compressionMethod) }
        #expect(serverHelloCompression == [0])
    }

    @Test(.spec("RFC8261-5-3"))
    func messagesLargerThanTheMTUAreSent() throws {
        let (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Identity(seed: 104), server: Identity(seed: 105))
        var pair = DTLSPair(client: clientConfiguration, server: serverConfiguration, seed: 7)
        pair.client.start(now: .zero)
        pair.server.start(now: .zero)
        pair.run()
        #expect(pair.bothConnected)
        let mtu = clientConfiguration.maximumTransmissionUnit
        let big = (0..<(mtu * 3)).map { UInt8(truncatingIfNeeded: $0) }
        try pair.client.send(big)
        try pair.client.send([UInt8](repeating: 7, count: 1 << 14))
        pair.run()
        #expect(pair.largestDatagram > mtu)
        let received = pair.serverEvents.compactMap { if case .applicationData(let d) = $0 { return d } else { return nil } }
        #expect(received == [big, [UInt8](repeating: 7, count: 1 << 14)])
    }
}
