import DTLS
import DataChannel
import ICE
import PeerConnection
import RTCCrypto
import SCTP
import STUN
import SpecTesting

/// A P-256 key and its self-signed certificate, from a seed.
struct TestIdentity {
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

    var fingerprint: Fingerprint { certificate.fingerprint(.sha256) }
}

/// Two transports on 127.0.0.1 joined by an in-memory network with a virtual clock, a fixed
/// one-way delay and seeded loss.
struct TransportPair {
    var a: PeerTransport
    var b: PeerTransport
    var eventsA: [PeerTransportEvent] = []
    var eventsB: [PeerTransportEvent] = []
    var deadlineA: Duration?
    var deadlineB: Duration?
    var now: Duration = .zero
    var inFlight: [(arrival: Duration, toB: Bool, transmit: ICETransmit)] = []
    var network: SeededGenerator
    var loss: Double
    var delay: Duration
    static let addressA = STUNTransportAddress(address: [127, 0, 0, 1], port: 40001)
    static let addressB = STUNTransportAddress(address: [127, 0, 0, 1], port: 40002)

    init(seed: UInt64, loss: Double = 0, delay: Duration = .milliseconds(1),
         identityA: TestIdentity = TestIdentity(seed: 1), identityB: TestIdentity = TestIdentity(seed: 2)) {
        func configuration(_ identity: TestIdentity) -> PeerTransportConfiguration {
            var ice = ICEAgent.Configuration(role: .controlling)
            ice.allowsLoopback = true
            var sctp = SCTPAssociationConfiguration()
            sctp.rtoInitial = .milliseconds(200)
            sctp.rtoMinimum = .milliseconds(100)
            return PeerTransportConfiguration(certificate: identity.certificate, privateKey: identity.privateKey, ice: ice, sctp: sctp)
        }
        a = PeerTransport(configuration: configuration(identityA), random: SeededGenerator(seed: seed))
        b = PeerTransport(configuration: configuration(identityB), random: SeededGenerator(seed: seed + 1))
        network = SeededGenerator(seed: seed + 2)
        self.loss = loss
        self.delay = delay
        try! a.addHostCandidate(Self.addressA)
        try! b.addHostCandidate(Self.addressB)
        pump()
    }

    /// Starts both sides as an offer (A) and answer (B) would: A controls ICE and is the DTLS
    /// server (it offered actpass, B answered active).
    mutating func start(fingerprintOfAForB: Fingerprint? = nil, fingerprintOfBForA: Fingerprint? = nil,
                        identityA: TestIdentity = TestIdentity(seed: 1), identityB: TestIdentity = TestIdentity(seed: 2)) throws {
        let forA = PeerTransportParameters(iceRole: .controlling, remoteCredentials: b.ice.localCredentials, dtlsRole: .server,
                                           remoteFingerprints: [fingerprintOfBForA ?? identityB.fingerprint])
        let forB = PeerTransportParameters(iceRole: .controlled, remoteCredentials: a.ice.localCredentials, dtlsRole: .client,
                                           remoteFingerprints: [fingerprintOfAForB ?? identityA.fingerprint])
        try a.start(forA, at: now)
        try b.start(forB, at: now)
        for candidate in a.ice.localCandidates { b.addRemoteCandidate(candidate) }
        for candidate in b.ice.localCandidates { a.addRemoteCandidate(candidate) }
        a.endOfRemoteCandidates(at: now)
        b.endOfRemoteCandidates(at: now)
        pump()
    }

    mutating func pump() {
        var progress = true
        while progress {
            progress = false
            for isA in [true, false] {
                var transport = isA ? a : b
                loop: while true {
                    switch transport.poll(at: now) {
                    case .transmit(let transmit):
                        progress = true
                        if loss == 0 || Double.random(in: 0..<1, using: &network) >= loss {
                            inFlight.append((now + delay, isA, transmit))
                        }
                    case .event(let event):
                        progress = true
                        if isA { eventsA.append(event) } else { eventsB.append(event) }
                    case .timeout(let deadline):
                        if isA { deadlineA = deadline } else { deadlineB = deadline }
                        break loop
                    }
                }
                if isA { a = transport } else { b = transport }
            }
        }
    }

    /// Advances virtual time until `condition` holds or `limit` passes.
    @discardableResult
    mutating func run(limit: Duration = .seconds(30), until condition: (TransportPair) -> Bool) -> Bool {
        let end = now + limit
        while !condition(self) {
            let next = [inFlight.map(\.arrival).min(), deadlineA, deadlineB].compactMap { $0 }.min()
            guard let time = next, time <= end else { return condition(self) }
            now = max(now, time)
            let due = inFlight.filter { $0.arrival <= now }
            inFlight.removeAll { $0.arrival <= now }
            for packet in due {
                let input = PeerTransportInput.datagram(packet.transmit.bytes, from: packet.transmit.source, to: packet.transmit.destination)
                if packet.toB { b.handle(input, at: now) } else { a.handle(input, at: now) }
            }
            if let deadline = deadlineA, deadline <= now { a.handle(.timeout, at: now) }
            if let deadline = deadlineB, deadline <= now { b.handle(.timeout, at: now) }
            pump()
        }
        return true
    }

    static func messages(_ events: [PeerTransportEvent], on channel: DataChannelHandle) -> [DataChannelMessage] {
        events.compactMap { if case .dataChannelMessage(channel, let message) = $0 { return message } else { return nil } }
    }

    static func opened(_ events: [PeerTransportEvent]) -> [DataChannelHandle] {
        events.compactMap { if case .dataChannelOpened(let handle, _) = $0 { return handle } else { return nil } }
    }
}
