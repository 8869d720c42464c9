import DTLS
import RTCCrypto
import SpecTesting
import Testing

/// A man in the middle rewrites the (plaintext) ServerHello; our client must refuse what the
/// RFCs forbid before anything else happens.
@Suite struct DTLSServerHelloTamperingTests {
    /// Runs a handshake in which `rewrite` changes the ServerHello; returns the client's events.
    static func handshake(rewriting rewrite: (inout DTLSServerHello) -> Void) throws -> [DTLSEvent] {
        var (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Identity(seed: 100), server: Identity(seed: 101))
        serverConfiguration.requireCookie = false
        clientConfiguration.keyLog = false
        var client = DTLSConnection(configuration: clientConfiguration, random: SeededGenerator(seed: 3))
        var server = DTLSConnection(configuration: serverConfiguration, random: SeededGenerator(seed: 4))
        client.start(now: .zero)
        server.start(now: .zero)
        for _ in 0..<6 {
            while let datagram = client.pollDatagram() { server.receive(datagram, now: .zero) }
            while let datagram = server.pollDatagram() {
                var output: [UInt8] = []
                for var record in DTLSRecord.parseDatagram(datagram).records {
                    if record.epoch == 0, record.contentType == .handshake {
                        var fragments = try DTLSHandshakeFragment.parse(record.fragment)
                        for index in fragments.indices where fragments[index].type == DTLSHandshakeType.serverHello.rawValue {
                            var hello = try DTLSServerHello(parsing: Array(fragments[index].body))
                            rewrite(&hello)
                            let body = hello.encoded
                            fragments[index] = DTLSHandshakeFragment(type: fragments[index].type, length: body.count,
                                                                     messageSequence: fragments[index].messageSequence, fragmentOffset: 0, body: body[...])
                        }
                        record.fragment = fragments.flatMap(\.encoded)
                    }
                    output += record.encoded
                }
                client.receive(output, now: .zero)
            }
        }
        var events: [DTLSEvent] = []
        while let event = client.pollEvent() { events.append(event) }
        return events
    }

    static func refused(_ events: [DTLSEvent]) -> Bool {
        events.contains { if case .failed(.handshakeFailure) = $0 { true } else { false } }
    }

    @Test(.spec("RFC5246-7.4.1.4-2")) func unsolicitedExtension() throws {
        #expect(Self.refused(try Self.handshake { $0.extensions.append(DTLSExtension(type: 0x1234, data: [])) }))
    }

    @Test(.spec("RFC5246-7.4.1.4-4")) func repeatedExtension() throws {
        #expect(Self.refused(try Self.handshake { $0.extensions.append(DTLSExtension(type: 23, data: [])) }))
    }

    @Test(.spec("RFC7627-5.2-5")) func serverWithoutExtendedMasterSecret() throws {
        #expect(Self.refused(try Self.handshake { $0.extensions.removeAll { $0.type == 23 } }))
    }

    @Test(.spec("RFC6347-4.2.1-9")) func serverVersionMismatch() throws {
        #expect(Self.refused(try Self.handshake { $0.version = DTLSRecord.version10 }))
    }

    @Test(.spec("RFC5764-4.1.3-5", "RFC5764-4.1.1-4")) func srtpMKINotOfferedOrProfileNotOffered() throws {
        #expect(Self.refused(try Self.handshake { hello in
            hello.extensions.removeAll { $0.type == 14 }
            hello.extensions.append(DTLSExtension(type: 14, data: [0, 2, 0, 7, 2, 0xaa, 0xbb]))   // an MKI we never offered
        }))
        #expect(Self.refused(try Self.handshake { hello in
            hello.extensions.removeAll { $0.type == 14 }
            hello.extensions.append(DTLSExtension(type: 14, data: [0, 2, 0, 5, 0]))   // NULL_HMAC_SHA1_80: not offered
        }))
    }

    /// The untouched handshake completes, so the refusals above come from the rewrites.
    @Test func unchangedServerHelloCompletes() throws {
        #expect(try Self.handshake { _ in }.contains { if case .connected = $0 { true } else { false } })
    }
}
