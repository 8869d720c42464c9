import SpecTesting
import Testing
@testable import SCTP

/// What the association does when its owner reports that the network path changed.
@Suite struct SCTPPathChangeTests {
    @Test(.spec("RFC8261-6.1-7", "RFC8831-5-3", "RFC8261-4-2", "RFC8261-6.1-6", "RFC8831-5-4"))
    func aNewPathStartsCongestionControlAndPathMTUSearchOver() throws {
        var configuration = SCTPAssociationConfiguration()
        configuration.maximumProbePacketSize = 1400
        var sim = SCTPFeatureTests.connected(seed: 100, path: .init(delay: .milliseconds(5)), a: configuration, b: configuration)
        for _ in 0..<200 { try sim.a.send([UInt8](repeating: 1, count: 1000), stream: 1, payloadProtocolIdentifier: 53, at: sim.now) }
        sim.drainBoth()
        let done = sim.run(until: { $0.a.sender.isIdle && $0.a.pathMTU.probeSize == nil }, limit: .seconds(30))
        #expect(done)
        let initial = min(4 * sim.a.sender.mtu, max(2 * sim.a.sender.mtu, 4404))
        #expect(sim.a.sender.cwnd > initial, "the transfer opened the window")
        #expect(sim.a.pathMTU.confirmed > configuration.maximumPacketSize, "the search found a larger MTU")
        #expect(sim.a.sender.smoothedRTT != nil)
        var probes = 0
        sim.observe = { fromA, packet in
            if fromA, packet.chunks.contains(where: { if case .unknown(0x84, _, _) = $0 { return true } else { return false } }) { probes += 1 }
        }
        sim.a.pathChanged(at: sim.now)
        #expect(sim.a.sender.cwnd == initial)
        #expect(sim.a.sender.ssthresh == Int(sim.a.sender.peerReceiverWindow))
        #expect(sim.a.sender.smoothedRTT == nil && sim.a.sender.rto == configuration.rtoInitial)
        #expect(sim.a.pathMTU.confirmed == configuration.maximumPacketSize)
        sim.drainBoth()
        let searched = sim.run(until: { $0.a.pathMTU.probeSize == nil }, limit: .seconds(30))
        #expect(searched)
        #expect(probes > 0, "the path MTU is probed again")
        #expect(sim.a.state == .established)
    }
}
