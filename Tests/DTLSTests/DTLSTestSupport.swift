import DTLS
import RTCCrypto
import SpecTesting

/// A P-256 key and its self-signed certificate.
struct Identity {
    let privateKey: [UInt8]
    let certificate: X509Certificate

    init(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var key: [UInt8]
        repeat { key = random.bytes(32) } while (try? P256KeyAgreement.publicKey(privateKey: key)) == nil
        privateKey = key
        certificate = try! X509Certificate.selfSigned(privateKey: key, serialNumber: random.bytes(8), commonName: "test",
                                                     notBefore: 1_700_000_000, notAfter: 1_900_000_000)
    }
}

/// Client and server connections wired through an in-memory network with a clock.
struct DTLSPair {
    var client: DTLSConnection
    var server: DTLSConnection
    var now: Duration = .zero
    var clientEvents: [DTLSEvent] = []
    var serverEvents: [DTLSEvent] = []
    /// Datagrams in flight: (deliver at, to the server?, bytes).
    var inFlight: [(at: Duration, toServer: Bool, bytes: [UInt8])] = []
    var network = SeededGenerator(seed: 99)
    var lossRate = 0.0, duplicateRate = 0.0, reorder = false
    /// The largest datagram either side sent.
    var largestDatagram = 0

    init(client clientConfiguration: DTLSConfiguration, server serverConfiguration: DTLSConfiguration, seed: UInt64 = 1) {
        client = DTLSConnection(configuration: clientConfiguration, random: SeededGenerator(seed: seed))
        server = DTLSConnection(configuration: serverConfiguration, random: SeededGenerator(seed: seed &+ 1))
    }

    static func configurations(client: Identity, server: Identity) -> (DTLSConfiguration, DTLSConfiguration) {
        var clientConfiguration = DTLSConfiguration(role: .client, certificate: client.certificate, privateKey: client.privateKey,
                                                    remoteFingerprints: [server.certificate.fingerprint()])
        clientConfiguration.keyLog = true
        var serverConfiguration = DTLSConfiguration(role: .server, certificate: server.certificate, privateKey: server.privateKey,
                                                    remoteFingerprints: [client.certificate.fingerprint()])
        serverConfiguration.cookieSecret = [1, 2, 3]
        return (clientConfiguration, serverConfiguration)
    }

    /// Moves datagrams and time until both sides are quiet, or `limit` steps pass.
    mutating func run(limit: Int = 10_000) {
        for _ in 0..<limit {
            collect()
            if let index = inFlight.indices.min(by: { inFlight[$0].at < inFlight[$1].at }) {
                let item = inFlight.remove(at: index)
                now = max(now, item.at)
                if item.toServer { server.receive(item.bytes, now: now) } else { client.receive(item.bytes, now: now) }
                continue
            }
            let timers = [client.nextTimeout, server.nextTimeout].compactMap { $0 }
            guard let next = timers.min() else { collect(); return }
            now = max(now, next)
            client.handleTimeout(now: now)
            server.handleTimeout(now: now)
        }
    }

    private mutating func collect() {
        while let event = client.pollEvent() { clientEvents.append(event) }
        while let event = server.pollEvent() { serverEvents.append(event) }
        for (toServer, bytes) in drain() {
            largestDatagram = max(largestDatagram, bytes.count)
            if Double.random(in: 0..<1, using: &network) < lossRate { continue }
            let delay = reorder ? Duration.milliseconds(Int.random(in: 1...40, using: &network)) : .milliseconds(10)
            inFlight.append((now + delay, toServer, bytes))
            if Double.random(in: 0..<1, using: &network) < duplicateRate { inFlight.append((now + delay * 2, toServer, bytes)) }
        }
    }

    private mutating func drain() -> [(Bool, [UInt8])] {
        var result: [(Bool, [UInt8])] = []
        while let datagram = client.pollDatagram() { result.append((true, datagram)) }
        while let datagram = server.pollDatagram() { result.append((false, datagram)) }
        return result
    }

    var bothConnected: Bool { client.state == .connected && server.state == .connected }
}
