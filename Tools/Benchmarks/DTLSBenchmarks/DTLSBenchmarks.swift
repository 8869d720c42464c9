import DTLS
import Foundation
import RTCCrypto

/// Release-mode DTLS figures: CPU per side for a full handshake (ECDHE + ECDSA, in memory, no
/// network), and application-data record protection for 1200-byte records.
///
///     swift run -c release --traits Accelerated DTLSBenchmarks
@main
struct DTLSBenchmarks {
    struct Counter: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 { state &+= 0x9e37_79b9_7f4a_7c15; return state ^ (state >> 29) }
    }

    static func identity(_ seed: UInt8) -> (X509Certificate, [UInt8]) {
        let key = [UInt8](repeating: seed, count: 32)
        return (try! X509Certificate.selfSigned(privateKey: key, serialNumber: [seed], notBefore: 1_700_000_000, notAfter: 1_900_000_000), key)
    }

    static func main() {
        let (clientCertificate, clientKey) = identity(0x31), (serverCertificate, serverKey) = identity(0x42)
        for group in [DTLSNamedGroup.secp256r1, .x25519] {
            var clientNanoseconds: UInt64 = 0, serverNanoseconds: UInt64 = 0
            let rounds = 40
            for round in 0..<rounds {
                var clientConfiguration = DTLSConfiguration(role: .client, certificate: clientCertificate, privateKey: clientKey,
                                                            remoteFingerprints: [serverCertificate.fingerprint()])
                clientConfiguration.groups = [group]
                var serverConfiguration = DTLSConfiguration(role: .server, certificate: serverCertificate, privateKey: serverKey,
                                                            remoteFingerprints: [clientCertificate.fingerprint()])
                serverConfiguration.groups = [group]
                var client = DTLSConnection(configuration: clientConfiguration, random: Counter(state: UInt64(round)))
                var server = DTLSConnection(configuration: serverConfiguration, random: Counter(state: UInt64(round) + 1000))
                func timed(_ counter: inout UInt64, _ body: () -> Void) {
                    let start = DispatchTime.now().uptimeNanoseconds
                    body()
                    counter += DispatchTime.now().uptimeNanoseconds - start
                }
                timed(&clientNanoseconds) { client.start(now: .zero) }
                server.start(now: .zero)
                for _ in 0..<20 where !(client.state == .connected && server.state == .connected) {
                    var toServer: [[UInt8]] = [], toClient: [[UInt8]] = []
                    while let datagram = client.pollDatagram() { toServer.append(datagram) }
                    timed(&serverNanoseconds) { for datagram in toServer { server.receive(datagram, now: .zero) } }
                    while let datagram = server.pollDatagram() { toClient.append(datagram) }
                    timed(&clientNanoseconds) { for datagram in toClient { client.receive(datagram, now: .zero) } }
                }
                precondition(client.state == .connected && server.state == .connected, "handshake did not complete")
            }
            print(String(format: "DTLS 1.2 handshake (ECDHE %@ + ECDSA P-256, AES-128-GCM): client %.2f ms CPU, server %.2f ms CPU",
                         group == .x25519 ? "X25519" : "P-256", Double(clientNanoseconds) / Double(rounds) / 1e6, Double(serverNanoseconds) / Double(rounds) / 1e6))
        }

        // Record protection: application data records of 1200 bytes (skipped for profiling handshakes).
        if CommandLine.arguments.contains("--handshakes-only") { return }
        var clientConfiguration = DTLSConfiguration(role: .client, certificate: clientCertificate, privateKey: clientKey, remoteFingerprints: [])
        clientConfiguration.groups = [.x25519]
        var client = DTLSConnection(configuration: clientConfiguration, random: Counter(state: 1))
        var server = DTLSConnection(configuration: DTLSConfiguration(role: .server, certificate: serverCertificate, privateKey: serverKey, remoteFingerprints: []),
                                    random: Counter(state: 2))
        client.start(now: .zero)
        server.start(now: .zero)
        for _ in 0..<20 {
            while let datagram = client.pollDatagram() { server.receive(datagram, now: .zero) }
            while let datagram = server.pollDatagram() { client.receive(datagram, now: .zero) }
        }
        // The handshake's events (connected) are taken, so each record's event is the next one.
        while client.pollEvent() != nil {}
        while server.pollEvent() != nil {}
        let payload = [UInt8](repeating: 0x5a, count: 1200)
        // Sealing: records are made and dropped (keeping them all would measure page faults).
        let count = 200_000
        var sink: UInt8 = 0
        let sealStart = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<count {
            try! client.send(payload)
            sink ^= client.pollDatagram()![20]
        }
        let sealSeconds = Double(DispatchTime.now().uptimeNanoseconds - sealStart) / 1e9
        // Opening: each record is received as it is made, as datagrams just read from a socket
        // are; only the receiving is timed (the clock reads, about 20 ns each, count against us).
        var openNanoseconds: UInt64 = 0
        for _ in 0..<count {
            try! client.send(payload)
            let record = client.pollDatagram()!
            let openStart = DispatchTime.now().uptimeNanoseconds
            server.receive(record, now: .zero)
            if case .applicationData(let plaintext)? = server.pollEvent() { sink ^= plaintext[0] }
            openNanoseconds += DispatchTime.now().uptimeNanoseconds - openStart
        }
        let openSeconds = Double(openNanoseconds) / 1e9
        if sink == 0x5a { print("") }
        print(String(format: "Record protection, 1200-byte records: seal %.0f MB/s (%.0fk records/s), open %.0f MB/s (%.0fk records/s)",
                     Double(count * 1200) / sealSeconds / 1e6, Double(count) / sealSeconds / 1e3, Double(count * 1200) / openSeconds / 1e6, Double(count) / openSeconds / 1e3))
    }
}
