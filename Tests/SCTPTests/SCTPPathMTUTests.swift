import SpecTesting
import Testing
@testable import SCTP

/// Path MTU discovery without ICMP (RFC 8261 §4 and §6.2, RFC 4821): padded HEARTBEAT probes
/// find the largest packet a path carries; a path that shrinks is noticed by its timeouts.
@Suite struct SCTPPathMTUTests {
    static func configuration(probingUpTo ceiling: Int) -> SCTPAssociationConfiguration {
        var configuration = SCTPAssociationConfiguration()
        configuration.maximumProbePacketSize = ceiling
        return configuration
    }

    @Test(.spec("RFC8261-4-1", "RFC8261-6.2-1", "RFC9260-7.3-1"))
    func probesFindThePathMTUAndDataUsesIt() throws {
        var path = SCTPPath()
        path.mtu = 4000
        var sim = SCTPSimulation(seed: 81, path: path, configurationA: Self.configuration(probingUpTo: 16_000),
                                 configurationB: Self.configuration(probingUpTo: 16_000))
        var probes: [Int] = []
        sim.observe = { _, packet in
            if packet.chunks.contains(where: { $0.type == 0x84 }) {
                // A probe: a HEARTBEAT and a PADDING chunk, nothing else.
                #expect(packet.chunks.count == 2 && packet.chunks.first?.type == SCTPChunkType.heartbeat)
                probes.append(packet.encoded().count)
            }
        }
        let connected = sim.connect()
        #expect(connected)
        let settled = sim.run(until: { $0.a.pathMTU.probeSize == nil && $0.b.pathMTU.probeSize == nil }, limit: .seconds(120))
        #expect(settled)
        // Both ends end within the search resolution below the path's limit, never above it.
        for association in [sim.a, sim.b] {
            #expect(association.packetSizeLimit <= 4000)
            #expect(association.packetSizeLimit > 4000 - SCTPAssociation.probeResolution - 4)
        }
        #expect(!probes.isEmpty && probes.allSatisfy { $0 % 4 == 0 })
        // Data now goes in packets of the discovered size.
        var sizes: [Int] = []
        sim.observe = { fromA, packet in if fromA { sizes.append(packet.encoded().count) } }
        try sim.a.send([UInt8](repeating: 7, count: 100_000), stream: 0, payloadProtocolIdentifier: 53, at: sim.now)
        let delivered = sim.run(until: { $0.messagesAtB.count == 1 }, limit: .seconds(30))
        #expect(delivered)
        #expect(sizes.max()! > 3000 && sizes.max()! <= 4000)
    }

    @Test func withoutACeilingAboveTheBaseNothingIsProbed() throws {
        var sim = SCTPSimulation(seed: 82)
        var padded = 0
        sim.observe = { _, packet in if packet.chunks.contains(where: { $0.type == 0x84 }) { padded += 1 } }
        let connected = sim.connect()
        #expect(connected)
        _ = sim.run(until: { _ in false }, limit: .seconds(5))
        #expect(padded == 0 && sim.a.packetSizeLimit == 1200)
    }

    @Test func aPathThatShrinksFallsBackToTheBaseSize() throws {
        var sim = SCTPSimulation(seed: 83, configurationA: Self.configuration(probingUpTo: 9000),
                                 configurationB: Self.configuration(probingUpTo: 9000))
        let connected = sim.connect()
        #expect(connected)
        let settled = sim.run(until: { $0.a.pathMTU.probeSize == nil }, limit: .seconds(60))
        #expect(settled && sim.a.packetSizeLimit > 8000)
        // The path now carries only 1500-byte packets: large DATA packets vanish.
        sim.path.mtu = 1500
        try sim.a.send([UInt8](repeating: 1, count: 50_000), stream: 0, payloadProtocolIdentifier: 53, at: sim.now)
        let delivered = sim.run(until: { $0.messagesAtB.count == 1 }, limit: .seconds(120))
        #expect(delivered, "stalled at \(sim.now) with packets of \(sim.a.packetSizeLimit) bytes")
        #expect(sim.a.packetSizeLimit <= 1500)
    }
}
