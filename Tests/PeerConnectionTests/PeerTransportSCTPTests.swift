import DTLS
import DataChannel
import PeerConnection
import SCTP
import SpecTesting
import Testing

/// How the transport sets up SCTP under data channels.
@Suite struct PeerTransportSCTPTests {
    @Test(.spec("RFC8831-5-5"))
    func theInitialPacketSizeFitsA1200ByteIPv4Packet() throws {
        var configuration = testTransportConfiguration(TestIdentity(seed: 1))
        configuration.tapsSCTP = true
        var pair = TransportPair(seed: 61, configurationA: configuration)
        let chat = try pair.a.createDataChannel(label: "chat")
        try pair.start()
        #expect(pair.run { TransportPair.opened($0.eventsB).count == 1 && TransportPair.opened($0.eventsA).count == 1 })
        try pair.a.send(.binary([UInt8](repeating: 1, count: 12_000)), on: chat)
        let remote = try #require(TransportPair.opened(pair.eventsB).first)
        #expect(pair.run { TransportPair.messages($0.eventsB, on: remote).count == 1 })
        // Every DATA chunk was cut for an SCTP packet that, in DTLS, UDP and IPv4, makes at most 1200 bytes.
        var largestData = 0
        for case let .sctpPacket(bytes, true) in pair.eventsA {
            let packet = try SCTPPacket(parsing: bytes)
            for case .data(let data) in packet.chunks { largestData = max(largestData, data.encodedCount) }
        }
        #expect(largestData > 1000)
        #expect(SCTPPacket.headerSize + largestData + DTLSConnection.recordOverhead + 8 + 20 <= 1200)
    }
}
