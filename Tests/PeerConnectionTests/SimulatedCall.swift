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

/// What a simulated peer gives back on each poll.
enum SimulatedOutput<Event> {
    case transmit(ICETransmit)
    case event(Event)
    case timeout(Duration?)
}

/// A sans-IO peer the simulated network can drive: a ``PeerTransport`` or a ``PeerConnection``.
protocol SimulatedPeer {
    associatedtype Event
    mutating func feed(_ input: PeerTransportInput, at now: Duration)
    mutating func next(at now: Duration) -> SimulatedOutput<Event>
}

extension PeerTransport: SimulatedPeer {
    mutating func feed(_ input: PeerTransportInput, at now: Duration) { handle(input, at: now) }
    mutating func next(at now: Duration) -> SimulatedOutput<PeerTransportEvent> {
        switch poll(at: now) {
        case .transmit(let transmit): return .transmit(transmit)
        case .event(let event): return .event(event)
        case .timeout(let deadline): return .timeout(deadline)
        }
    }
}

extension PeerConnection: SimulatedPeer {
    mutating func feed(_ input: PeerTransportInput, at now: Duration) { handle(input, at: now) }
    mutating func next(at now: Duration) -> SimulatedOutput<PeerConnectionEvent> {
        switch poll(at: now) {
        case .transmit(let transmit): return .transmit(transmit)
        case .event(let event): return .event(event)
        case .timeout(let deadline): return .timeout(deadline)
        }
    }
}

/// Two peers joined by an in-memory network with a virtual clock, a fixed one-way delay and
/// seeded loss.
struct SimulatedCall<Peer: SimulatedPeer> {
    var a: Peer
    var b: Peer
    var eventsA: [Peer.Event] = []
    var eventsB: [Peer.Event] = []
    var deadlineA: Duration?
    var deadlineB: Duration?
    var now: Duration = .zero
    var inFlight: [(arrival: Duration, toB: Bool, transmit: ICETransmit)] = []
    var network: SeededGenerator
    var loss: Double
    var delay: Duration

    init(a: Peer, b: Peer, seed: UInt64, loss: Double = 0, delay: Duration = .milliseconds(1)) {
        self.a = a
        self.b = b
        network = SeededGenerator(seed: seed)
        self.loss = loss
        self.delay = delay
    }

    mutating func pump() {
        var progress = true
        while progress {
            progress = false
            for isA in [true, false] {
                var peer = isA ? a : b
                loop: while true {
                    switch peer.next(at: now) {
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
                if isA { a = peer } else { b = peer }
            }
        }
    }

    /// Advances virtual time until `condition` holds or `limit` passes.
    @discardableResult
    mutating func run(limit: Duration = .seconds(30), until condition: (Self) -> Bool) -> Bool {
        pump()
        let end = now + limit
        while !condition(self) {
            let next = [inFlight.map(\.arrival).min(), deadlineA, deadlineB].compactMap { $0 }.min()
            guard let time = next, time <= end else { return condition(self) }
            now = max(now, time)
            let due = inFlight.filter { $0.arrival <= now }
            inFlight.removeAll { $0.arrival <= now }
            for packet in due {
                let input = PeerTransportInput.datagram(packet.transmit.bytes, from: packet.transmit.source, to: packet.transmit.destination)
                if packet.toB { b.feed(input, at: now) } else { a.feed(input, at: now) }
            }
            if let deadline = deadlineA, deadline <= now { a.feed(.timeout, at: now) }
            if let deadline = deadlineB, deadline <= now { b.feed(.timeout, at: now) }
            pump()
        }
        return true
    }
}

/// The two addresses simulated peers use.
enum TestAddresses {
    static let a = STUNTransportAddress(address: [127, 0, 0, 1], port: 40001)
    static let b = STUNTransportAddress(address: [127, 0, 0, 1], port: 40002)
}

/// A transport configuration on loopback with short SCTP timers.
func testTransportConfiguration(_ identity: TestIdentity) -> PeerTransportConfiguration {
    var ice = ICEAgent.Configuration(role: .controlling)
    ice.allowsLoopback = true
    var sctp = SCTPAssociationConfiguration()
    sctp.rtoInitial = .milliseconds(200)
    sctp.rtoMinimum = .milliseconds(100)
    return PeerTransportConfiguration(certificate: identity.certificate, privateKey: identity.privateKey, ice: ice, sctp: sctp)
}

/// Two transports started as an offer (A) and answer (B) would start them.
typealias TransportPair = SimulatedCall<PeerTransport>

extension SimulatedCall where Peer == PeerTransport {
    /// `configurationA`, when given, replaces A's test configuration (made from `identityA`).
    init(seed: UInt64, loss: Double = 0, delay: Duration = .milliseconds(1),
         identityA: TestIdentity = TestIdentity(seed: 1), identityB: TestIdentity = TestIdentity(seed: 2),
         configurationA: PeerTransportConfiguration? = nil) {
        self.init(a: PeerTransport(configuration: configurationA ?? testTransportConfiguration(identityA), random: SeededGenerator(seed: seed)),
                  b: PeerTransport(configuration: testTransportConfiguration(identityB), random: SeededGenerator(seed: seed + 1)),
                  seed: seed + 2, loss: loss, delay: delay)
        try! a.addHostCandidate(TestAddresses.a)
        try! b.addHostCandidate(TestAddresses.b)
        pump()
    }

    /// A controls ICE and is the DTLS server (it offered actpass, B answered active).
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

    static func messages(_ events: [PeerTransportEvent], on channel: DataChannelHandle) -> [DataChannelMessage] {
        events.compactMap { if case .dataChannelMessage(channel, let message) = $0 { return message } else { return nil } }
    }

    static func opened(_ events: [PeerTransportEvent]) -> [DataChannelHandle] {
        events.compactMap { if case .dataChannelOpened(let handle, _) = $0 { return handle } else { return nil } }
    }
}
