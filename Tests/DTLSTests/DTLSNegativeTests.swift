import DTLS
import RTCCrypto
import SpecTesting
import Testing

/// Peers that break the rules, and browsers' DTLS 1.3 offers.
@Suite struct DTLSNegativeTests {
    static let server = Identity(seed: 40)

    static func serverConnection(requireCookie: Bool) -> DTLSConnection {
        var configuration = DTLSConfiguration(role: .server, certificate: server.certificate, privateKey: server.privateKey, remoteFingerprints: [])
        configuration.requireCookie = requireCookie
        configuration.cookieSecret = [9]
        var connection = DTLSConnection(configuration: configuration, random: SeededGenerator(seed: 5))
        connection.start(now: .zero)
        return connection
    }

    /// Records carrying `hello` as handshake message `sequence`, split into `pieces` fragments
    /// (each in its own datagram).
    static func datagrams(_ hello: DTLSClientHello, sequence: UInt16, pieces: Int) -> [[UInt8]] {
        let body = hello.encoded
        let message = DTLSHandshakeMessage(type: .clientHello, messageSequence: sequence, body: body)
        return message.fragments(maximum: 12 + (body.count + pieces - 1) / pieces).enumerated().map { index, fragment in
            DTLSRecord(contentType: .handshake, version: DTLSRecord.version10, epoch: 0, sequenceNumber: UInt64(index) + UInt64(sequence) * 10,
                       fragment: fragment.encoded).encoded
        }
    }

    /// A ClientHello shaped like a browser's DTLS 1.3 offer: supported_versions, a large
    /// X25519MLKEM768 key share (0x11ec) beside x25519, ~1.4 KB, in two datagrams.
    static func browserHello(cookie: [UInt8]) -> DTLSClientHello {
        var random = SeededGenerator(seed: 3)
        let keyShare: [UInt8] = {
            let mlkem = random.bytes(1216), x25519 = random.bytes(32)
            let entries = [0x11, 0xec, UInt8(mlkem.count >> 8), UInt8(mlkem.count & 0xff)] + mlkem + [0x00, 0x1d, 0, 32] + x25519
            return [UInt8(entries.count >> 8), UInt8(entries.count & 0xff)] + entries
        }()
        let groups: [UInt8] = [0, 6, 0x11, 0xec, 0x00, 0x1d, 0x00, 0x17]
        return DTLSClientHello(random: random.bytes(32), cookie: cookie,
                               cipherSuites: [0x1301, 0x1302, 0xc02b, 0xc02f, 0xcca9, 0xc02c],
                               extensions: [
                                DTLSExtension(type: 43, data: [4, 0xfe, 0xfc, 0xfe, 0xfd]),   // supported_versions: DTLS 1.3, 1.2
                                DTLSExtension(type: 10, data: groups),
                                DTLSExtension(type: 51, data: keyShare),
                                DTLSExtension(type: 13, data: [0, 4, 0x04, 0x03, 0x08, 0x04]),
                                DTLSExtension(type: 23, data: []),
                                DTLSExtension(type: 0xff01, data: [0]),
                                DTLSExtension(type: 14, data: [0, 4, 0, 7, 0, 1, 0]),
                                DTLSExtension(type: 45, data: [1, 1]),                        // psk_key_exchange_modes
                                DTLSExtension(type: 0x7a7a, data: []),                        // GREASE
                               ])
    }

    /// The browser-style offer is reassembled from two datagrams, answered with a
    /// HelloVerifyRequest, and the repeat (again in two pieces) gets a DTLS 1.2 ServerHello
    /// that ignores what we do not support.
    @Test(.spec("RFC6347-4.2.3-4", "RFC6347-4.2.1-3", "RFC5246-7.4.1.2-3", "RFC5246-7.4.1.2-10", "RFC6347-4.2.1-19"))
    func browserDTLS13ClientHello() throws {
        var server = Self.serverConnection(requireCookie: true)
        let first = Self.browserHello(cookie: [])
        #expect(first.encoded.count > 1_300)
        for datagram in Self.datagrams(first, sequence: 0, pieces: 2) { server.receive(datagram, now: .zero) }
        let polledVerify = server.pollDatagram()
        let verify = try #require(polledVerify)
        let records = DTLSRecord.parseDatagram(verify).records
        let firstVerifyRecord = try #require(records.first)
        let fragment = try #require(try DTLSHandshakeFragment.parse(firstVerifyRecord.fragment).first)
        #expect(fragment.type == DTLSHandshakeType.helloVerifyRequest.rawValue && records[0].version == DTLSRecord.version10)
        let cookie = try DTLSHelloVerifyRequest(parsing: Array(fragment.body)).cookie
        #expect(!cookie.isEmpty)

        var second = first
        second.cookie = cookie
        for datagram in Self.datagrams(second, sequence: 1, pieces: 2) { server.receive(datagram, now: .milliseconds(5)) }
        let polledFlight = server.pollDatagram()
        let flight = try #require(polledFlight)
        let firstRecord = try #require(DTLSRecord.parseDatagram(flight).records.first)
        let serverHelloFragment = try #require(try DTLSHandshakeFragment.parse(firstRecord.fragment).first)
        #expect(serverHelloFragment.type == DTLSHandshakeType.serverHello.rawValue && serverHelloFragment.messageSequence == 1)
        let serverHello = try DTLSServerHello(parsing: Array(serverHelloFragment.body))
        #expect(serverHello.version == DTLSRecord.version12 && serverHello.cipherSuite == 0xc02b)
        #expect(!serverHello.extensions.contains { $0.type == 43 || $0.type == 51 }, "no DTLS 1.3 extensions in a 1.2 ServerHello")
        #expect(server.state == .handshaking)
    }

    /// Overlapping and repeated fragments of one ClientHello reassemble into it.
    @Test(.spec("RFC6347-4.2.3-5", "RFC6347-4.2.3-4")) func overlappingFragments() throws {
        var server = Self.serverConnection(requireCookie: true)
        let body = Self.browserHello(cookie: []).encoded
        let pieces: [Range<Int>] = [600..<body.count, 0..<700, 100..<200, 0..<700]
        for (index, range) in pieces.enumerated() {
            let fragment = DTLSHandshakeFragment(type: 1, length: body.count, messageSequence: 0, fragmentOffset: range.lowerBound, body: body[range])
            server.receive(DTLSRecord(contentType: .handshake, epoch: 0, sequenceNumber: UInt64(index), fragment: fragment.encoded).encoded, now: .zero)
        }
        let polled = server.pollDatagram()
        let reply = try #require(polled)
        let fragment = try #require(try DTLSHandshakeFragment.parse(DTLSRecord.parseDatagram(reply).records[0].fragment).first)
        #expect(fragment.type == DTLSHandshakeType.helloVerifyRequest.rawValue)
        #expect(server.pollDatagram() == nil, "one HelloVerifyRequest for one ClientHello")
    }

    /// A ClientHello with a wrong cookie gets another HelloVerifyRequest, not a handshake.
    @Test(.spec("RFC6347-4.2.1-19", "RFC6347-4.2.1-11")) func badCookie() throws {
        var server = Self.serverConnection(requireCookie: true)
        for datagram in Self.datagrams(Self.browserHello(cookie: [1, 2, 3]), sequence: 1, pieces: 1) { server.receive(datagram, now: .zero) }
        let polledReply = server.pollDatagram()
        let reply = try #require(polledReply)
        let fragment = try #require(try DTLSHandshakeFragment.parse(DTLSRecord.parseDatagram(reply).records[0].fragment).first)
        #expect(fragment.type == DTLSHandshakeType.helloVerifyRequest.rawValue)
    }

    /// A client without Extended Master Secret is refused with handshake_failure (RFC 7627
    /// §5.2 lets a server choose; SpecRTC refuses by default).
    @Test(.spec("RFC7627-5.2-3", "RFC7627-4-1", "RFC6347-4.2.1-15")) func clientWithoutExtendedMasterSecret() throws {
        var server = Self.serverConnection(requireCookie: false)
        var hello = Self.browserHello(cookie: [])
        hello.extensions.removeAll { $0.type == 23 }
        for datagram in Self.datagrams(hello, sequence: 0, pieces: 1) { server.receive(datagram, now: .zero) }
        #expect(server.state == .failed)
        let event = server.pollEvent()
        #expect(event == .failed(.handshakeFailure("client does not offer Extended Master Secret (RFC 7627)")))
        let polledAlert = server.pollDatagram()
        let alert = try #require(polledAlert)
        #expect(DTLSRecord.parseDatagram(alert).records.first?.fragment == [2, 40])
    }

    /// Fragments that claim to reach past their message, or messages beyond the size limit,
    /// are decode errors; a truncated record tail is dropped without harm.
    @Test(.spec("RFC6347-4.2.3-2")) func badFragments() throws {
        var overlong = [UInt8](DTLSHandshakeFragment(type: 1, length: 10, messageSequence: 0, fragmentOffset: 8, body: [1, 2, 3, 4][...]).encoded)
        #expect(throws: DTLSError.self) { try DTLSHandshakeFragment.parse(overlong) }
        var server = Self.serverConnection(requireCookie: false)
        server.receive(DTLSRecord(contentType: .handshake, epoch: 0, sequenceNumber: 0, fragment: overlong).encoded, now: .zero)
        #expect(server.state == .failed)
        overlong.removeAll()

        var huge = Self.serverConnection(requireCookie: false)
        let oversized = DTLSHandshakeFragment(type: 1, length: 1 << 20, messageSequence: 0, fragmentOffset: 0, body: [0, 0][...])
        huge.receive(DTLSRecord(contentType: .handshake, epoch: 0, sequenceNumber: 0, fragment: oversized.encoded).encoded, now: .zero)
        #expect(huge.state == .failed)

        var quiet = Self.serverConnection(requireCookie: true)
        quiet.receive([0x16, 0xfe, 0xfd, 0, 0, 0, 0], now: .zero)   // truncated header
        let nothing = quiet.pollDatagram()
        #expect(quiet.state == .handshaking && nothing == nil)
    }
}
