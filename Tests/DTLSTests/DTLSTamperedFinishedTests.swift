@testable import DTLS
import RTCCrypto
import SpecTesting
import Testing
import Wire

/// A man in the middle who knows the keys (from the key log) rewrites the client's Finished:
/// the record still authenticates, but its verify_data no longer matches the transcript, so
/// the server fails the handshake with decrypt_error.
@Suite struct DTLSTamperedFinishedTests {
    @Test(.spec("RFC5246-7.4.9-1")) func tamperedFinishedIsRefused() throws {
        let (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Identity(seed: 90), server: Identity(seed: 91))
        var client = DTLSConnection(configuration: clientConfiguration, random: SeededGenerator(seed: 1))
        var server = DTLSConnection(configuration: serverConfiguration, random: SeededGenerator(seed: 2))
        client.start(now: .zero)
        server.start(now: .zero)
        var serverRandom: [UInt8] = []
        var masterSecret: [UInt8] = [], clientRandom: [UInt8] = []
        var tampered = false
        for _ in 0..<10 {
            while var datagram = client.pollDatagram() {
                while let event = client.pollEvent() {
                    if case .keyLog(let line) = event {
                        let parts = line.split(separator: " ")
                        clientRandom = try Hex.decode(String(parts[1]))
                        masterSecret = try Hex.decode(String(parts[2]))
                    }
                }
                if !masterSecret.isEmpty, !tampered {
                    datagram = try Self.rewriteFinished(datagram, masterSecret: masterSecret, clientRandom: clientRandom, serverRandom: serverRandom)
                    tampered = true
                }
                server.receive(datagram, now: .zero)
            }
            while let datagram = server.pollDatagram() {
                for record in DTLSRecord.parseDatagram(datagram).records where record.epoch == 0 && record.contentType == .handshake {
                    for fragment in try DTLSHandshakeFragment.parse(record.fragment) where fragment.type == DTLSHandshakeType.serverHello.rawValue {
                        serverRandom = try DTLSServerHello(parsing: Array(fragment.body)).random
                    }
                }
                client.receive(datagram, now: .zero)
            }
        }
        #expect(tampered)
        #expect(server.state == .failed)
        var events: [DTLSEvent] = []
        while let event = server.pollEvent() { events.append(event) }
        #expect(events.contains(.failed(.badFinished)))
        #expect(client.state != .connected)
    }

    /// Decrypts the epoch-1 handshake record (the Finished) with the client write key, flips
    /// a byte of verify_data and encrypts it again under the same sequence number.
    static func rewriteFinished(_ datagram: [UInt8], masterSecret: [UInt8], clientRandom: [UInt8], serverRandom: [UInt8]) throws -> [UInt8] {
        let schedule = DTLSKeySchedule(suite: .ecdheECDSAWithAES128GCMSHA256, masterSecret: masterSecret,
                                       clientRandom: clientRandom, serverRandom: serverRandom)
        let block = schedule.keyBlock()
        let protection = DTLSRecordProtection(key: block.clientKey, salt: block.clientIV)
        var output: [UInt8] = []
        for var record in DTLSRecord.parseDatagram(datagram).records {
            if record.epoch == 1, record.contentType == .handshake {
                var plaintext = try #require(protection.open(record.fragment, epoch: 1, sequence: record.sequenceNumber,
                                                             type: .handshake, version: record.version))
                plaintext[plaintext.count - 1] ^= 0x01
                record.fragment = protection.seal(plaintext, epoch: 1, sequence: record.sequenceNumber, type: .handshake, version: record.version)
            }
            output += record.encoded
        }
        return output
    }
}
