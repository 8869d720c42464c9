import SpecTesting
import Testing
@testable import SCTP

@Suite struct SCTPAssociationTests {
    @Test(.spec("RFC9260-5-1", "RFC9260-5.1-1", "RFC9260-5.1-4", "RFC9260-5.1-5", "RFC9260-5.1.4-1", "RFC9260-3.1-4",
                "RFC9260-8.5.1-1", "RFC9260-3.3.11-2", "RFC9260-8.5.1-12", "RFC9260-5.1.5-6", "RFC9260-8.5-1"))
    func oneSideConnects() {
        var sim = SCTPSimulation(seed: 1)
        var initTags: [UInt32] = []
        var cookieEchoFirst = true
        sim.observe = { _, packet in
            if case .initiation? = packet.chunks.first { initTags.append(packet.verificationTag) }
            if packet.chunks.contains(where: { if case .cookieEcho = $0 { return true }; return false }),
               case .cookieEcho? = packet.chunks.first {} else if packet.chunks.contains(where: { if case .cookieEcho = $0 { return true }; return false }) {
                cookieEchoFirst = false
            }
        }
        let ok = sim.connect(bothActive: false)
        #expect(ok)
        #expect(initTags == [0])
        #expect(cookieEchoFirst)
        #expect(sim.eventsA.contains { if case .connected(65535, 65535, true, true, true) = $0 { return true }; return false })
        #expect(sim.eventsB.contains { if case .connected = $0 { return true }; return false })
        #expect(sim.a.peerTag == sim.b.localTag && sim.b.peerTag == sim.a.localTag)
    }

    @Test(.spec("RFC9260-5.2.1-1", "RFC9260-5.2.1-6", "RFC9260-5.2.4-11", "RFC9260-5.2.4-12"))
    func bothSidesConnectAtOnce() {
        for seed in UInt64(1)...20 {
            var sim = SCTPSimulation(seed: seed, path: .init(delay: .milliseconds(5), jitter: .milliseconds(3)))
            let ok = sim.connect()
        #expect(ok, "seed \(seed)")
            #expect(sim.a.peerTag == sim.b.localTag && sim.b.peerTag == sim.a.localTag, "seed \(seed)")
            #expect(sim.wire.violations.isEmpty, "\(sim.wire.violations.prefix(5))")
        }
    }

    @Test(.spec("RFC9260-3.3.1-12", "RFC9260-3.3.1-13", "RFC9260-3.3.1-7", "RFC9260-6.2-17", "RFC9260-5.1-18", "RFC9260-6-9", "RFC9260-6-10", "RFC9260-6.9-11", "RFC9260-7.3-4"))
    func messagesArriveInOrderAndWhole() throws {
        var sim = SCTPSimulation(seed: 2)
        let ok = sim.connect()
        #expect(ok)
        let sizes = [1, 100, 1200, 5000, 65536, 262_144, 3]
        for (i, size) in sizes.enumerated() {
            try sim.a.send((0..<size).map { UInt8(truncatingIfNeeded: $0 &+ i) }, stream: 1, payloadProtocolIdentifier: 53, at: sim.now)
        }
        sim.drainBoth()
        let delivered = sim.run(until: { $0.messagesAtB.count == sizes.count }, limit: .seconds(30))
        #expect(delivered)
        #expect(sim.messagesAtB.map(\.payload.count) == sizes)
        for (i, message) in sim.messagesAtB.enumerated() {
            #expect(message.payload == (0..<sizes[i]).map { UInt8(truncatingIfNeeded: $0 &+ i) })
            #expect(message.stream == 1 && message.payloadProtocolIdentifier == 53)
        }
        #expect(sim.wire.violations.isEmpty, "\(sim.wire.violations.prefix(5))")
    }
}
