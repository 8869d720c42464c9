import DataChannel
import ICE
import PeerConnection
import SpecTesting

typealias JSEPCall = SimulatedCall<PeerConnection>

extension SimulatedCall where Peer == PeerConnection {
    /// Two peer connections on loopback, each with one host candidate.
    init(seed: UInt64, loss: Double = 0, bundlePolicy: BundlePolicy = .balanced) {
        var configurationA = PeerConnectionConfiguration(transport: testTransportConfiguration(TestIdentity(seed: 1)))
        var configurationB = PeerConnectionConfiguration(transport: testTransportConfiguration(TestIdentity(seed: 2)))
        configurationA.bundlePolicy = bundlePolicy
        configurationB.bundlePolicy = bundlePolicy
        self.init(a: PeerConnection(configuration: configurationA, random: SeededGenerator(seed: seed)),
                  b: PeerConnection(configuration: configurationB, random: SeededGenerator(seed: seed + 1)),
                  seed: seed + 2, loss: loss)
        try! a.addHostCandidate(TestAddresses.a)
        try! b.addHostCandidate(TestAddresses.b)
        pump()
    }

    /// A offers, B answers; the SDP goes as text, candidates inside it.
    mutating func negotiate() throws {
        let offer = try a.createOffer()
        try a.setLocalDescription(offer, at: now)
        try b.setRemoteDescription(a.localDescription!, at: now)
        let answer = try b.createAnswer()
        try b.setLocalDescription(answer, at: now)
        try a.setRemoteDescription(b.localDescription!, at: now)
        pump()
    }

    static func transportEvents(_ events: [PeerConnectionEvent]) -> [PeerTransportEvent] {
        events.compactMap { if case .transport(let event) = $0 { return event } else { return nil } }
    }

    static func opened(_ events: [PeerConnectionEvent]) -> [DataChannelHandle] {
        transportEvents(events).compactMap { if case .dataChannelOpened(let handle, _) = $0 { return handle } else { return nil } }
    }

    static func messages(_ events: [PeerConnectionEvent], on channel: DataChannelHandle) -> [DataChannelMessage] {
        transportEvents(events).compactMap { if case .dataChannelMessage(channel, let message) = $0 { return message } else { return nil } }
    }
}
