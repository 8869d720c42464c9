import SpecTesting
import Testing
@testable import SCTP

/// Delivery under loss, reordering, duplication and jitter, over the seeded simulation.
@Suite struct SCTPLossTests {
    static func payload(_ index: Int, size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        var x = UInt32(truncatingIfNeeded: index &* 2_654_435_761)
        for i in 0..<size {
            x = x &* 1_103_515_245 &+ 12345
            bytes[i] = UInt8(truncatingIfNeeded: x >> 16)
        }
        bytes[0] = UInt8(truncatingIfNeeded: index)
        return bytes
    }

    /// Sends `total` bytes in `size`-byte messages on one stream as fast as the queue allows.
    static func transfer(_ sim: inout SCTPSimulation, total: Int, size: Int, options: SCTPSendOptions = .init(),
                         limit: Duration = .seconds(1800)) -> (sent: Int, deliveredInOrder: Bool) {
        var sent = 0
        var checked = 0
        var inOrder = true
        let deadline = sim.now + limit
        while (checked < total / size) && sim.now < deadline && sim.a.state == .established && sim.b.state == .established {
            while sent < total / size {
                do {
                    try sim.a.send(payload(sent, size: size), stream: 3, payloadProtocolIdentifier: 53, options: options, at: sim.now)
                    sent += 1
                } catch {
                    break
                }
            }
            sim.drainBoth()
            let allQueued = sent == total / size
            let before = sim.now
            let progressed = sim.run(until: { $0.messagesAtBCount >= 1 || !allQueued && $0.a.bufferedAmount < 4 * 1024 * 1024 }, limit: deadline - sim.now)
            if !progressed && sim.now == before { break }
            let messages = sim.takeMessagesAtB()
            for message in messages {
                if message.payload != payload(checked, size: size) { inOrder = false }
                checked += 1
            }
            if !inOrder { break }
        }
        return (checked * size, inOrder)
    }

    @Test(.spec("RFC9260-6.2-1", "RFC9260-6.2-21", "RFC9260-6.2-23", "RFC9260-7.2.4-2", "RFC9260-7.2.3-1",
                "RFC9260-6.1-14", "RFC9260-6.3.1-4", "RFC9260-3.3.4-2", "RFC9260-6.2-18", "RFC9260-6.6-1", "RFC9260-6.6-2",
                "RFC9260-6.7-1", "RFC9260-6.7-3", "RFC9260-6.7-4", "RFC9260-6.7-5", "RFC9260-6.7-7", "RFC9260-6.9-1", "RFC9260-6.9-2",
                "RFC9260-6.9-8", "RFC9260-6.9-10", "RFC9260-6.9-12", "RFC9260-6.9-14", "RFC9260-6.9-15", "RFC9260-6.10-1",
                "RFC9260-6.10-5", "RFC9260-7.2-1", "RFC9260-7.2.1-5", "RFC9260-7.2.3-2", "RFC9260-7.2.1-2", "RFC9260-8.1-5",
                // Checked on every packet by the simulation's wire checker:
                "RFC9260-3-1", "RFC9260-3.2-1", "RFC9260-3.2-3", "RFC9260-3.3.1-9", "RFC9260-3.2.2-4", "RFC9260-5.1-8",
                "RFC9260-6-12", "RFC9260-6.10-3", "RFC9260-6.10-4", "RFC9260-3.3.1-14", "RFC9260-3.1-3", "RFC9260-3.3.2-8",
                "RFC9260-3.3.3-4", "RFC9260-8.5.1-4", "RFC9260-6.2-37", "RFC9260-3.3.1-8", "RFC9260-6.5-4", "RFC9260-6.5-5",
                "RFC9260-5.1-9", "RFC9260-6.10-8"))
    func reliableOrderedSurvivesLossReorderingAndDuplication() {
        // 10% loss, 5% reordering, 1% duplication, jittered delay. The issue asks for 100 MB;
        // 100 MB in 64 KiB messages.
        var configuration = SCTPAssociationConfiguration()
        configuration.rtoMinimum = .milliseconds(200)
        configuration.rtoInitial = .milliseconds(500)
        var sim = SCTPSimulation(seed: 7, path: .init(delay: .milliseconds(10), jitter: .milliseconds(4), loss: 0.10,
                                                     duplication: 0.01, reordering: 0.05),
                                 configurationA: configuration, configurationB: configuration)
        let connected = sim.connect()
        #expect(connected)
        let result = Self.transfer(&sim, total: 100 * 1024 * 1024, size: 65536)
        #expect(result.deliveredInOrder)
        #expect(sim.a.state == .established && sim.b.state == .established, "\(sim.eventsA.suffix(2)) \(sim.eventsB.suffix(2))")
        #expect(result.sent == 100 * 1024 * 1024)
        #expect(sim.a.statistics.fastRetransmissions > 0)
        #expect(sim.b.statistics.duplicateDataChunks > 0)
        #expect(sim.b.statistics.messagesDelivered == 1600)
        #expect(sim.wire.violations.isEmpty, "\(sim.wire.violations.prefix(5))")
        print("100 MB over 10% loss: \(sim.now) virtual, \(sim.a.statistics.dataChunksSent) chunks, \(sim.a.statistics.dataChunksRetransmitted) retransmitted, \(sim.a.statistics.fastRetransmissions) fast, \(sim.a.statistics.retransmissionTimeouts) timeouts")
    }
}

extension SCTPSimulation {
    var messagesAtBCount: Int { eventsB.reduce(0) { if case .message = $1 { return $0 + 1 }; return $0 } }

    /// Removes and returns the messages B has received (keeps other events).
    mutating func takeMessagesAtB() -> [SCTPMessage] {
        var messages: [SCTPMessage] = []
        eventsB.removeAll { event in
            if case .message(let m) = event { messages.append(m); return true }
            return false
        }
        return messages
    }
}
