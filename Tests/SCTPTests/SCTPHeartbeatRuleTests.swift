import SpecTesting
import Testing
import Wire
@testable import SCTP

/// HEARTBEATs and the association error counter (RFC 9260 §8.1, §8.3).
@Suite struct SCTPHeartbeatRuleTests {
    /// Runs timers until a HEARTBEAT goes out; returns its info and the time.
    static func nextHeartbeat(_ p: inout SCTPScriptedPeer) -> (info: [UInt8], time: Duration)? {
        for _ in 0..<20 {
            guard let timer = p.nextTimer() else { return nil }
            for case .heartbeat(let info) in timer.output.chunks { return (info, timer.time) }
        }
        return nil
    }

    @Test(.spec("RFC9260-3.3.5-1", "RFC9260-3.3.5-2", "RFC9260-8.3-7"))
    func anIdlePathIsProbedWithTheSendTimeInTheHeartbeat() {
        var p = SCTPScriptedPeer(seed: 600)
        p.now = .milliseconds(1234)
        p.send([p.nextData()])
        guard let (info, time) = Self.nextHeartbeat(&p) else { Issue.record("no HEARTBEAT on an idle path"); return }
        #expect(time > .milliseconds(1234))
        // The info holds the time it was sent (microseconds, after an 8-byte nonce).
        var r = ByteReader(info[8...])
        let sentAt = try? r.readUInt64()
        #expect(sentAt == UInt64(p.association.microseconds(time)))
    }

    @Test(.spec("RFC9260-8.3-12", "RFC9260-8.1-6", "RFC9260-8.1-1", "RFC9260-8.3-8", "RFC9260-8.3-10"))
    func aHeartbeatAckClearsTheErrorCounter() {
        var configuration = SCTPAssociationConfiguration()
        configuration.maximumAssociationRetransmissions = 1
        var p = SCTPScriptedPeer(seed: 601, configuration: configuration)
        // The first HEARTBEAT goes unanswered: one error when the next one is due.
        guard Self.nextHeartbeat(&p) != nil, let (info, _) = Self.nextHeartbeat(&p) else { Issue.record("no HEARTBEATs"); return }
        #expect(p.association.sender.errorCount == 1)
        // Answered: the counter is cleared, so the next unanswered one does not exceed Max.Retrans (1).
        p.send([.heartbeatAck(info: info)])
        #expect(p.association.sender.errorCount == 0)
        #expect(Self.nextHeartbeat(&p) != nil)
        #expect(p.association.state == .established && p.association.sender.errorCount == 0)
        #expect(Self.nextHeartbeat(&p) != nil)
        #expect(p.association.state == .established && p.association.sender.errorCount == 1)
        // Without an answer, the count passes Association.Max.Retrans and the peer is unreachable.
        var closed = false
        for _ in 0..<10 where !closed {
            guard let timer = p.nextTimer() else { break }
            closed = timer.output.events.contains(.closed(.timedOut))
        }
        #expect(closed)
    }

    @Test(.spec("RFC9260-8.1-1"))
    func dataRetransmissionsCountTowardsTheLimit() throws {
        var configuration = SCTPAssociationConfiguration()
        configuration.maximumAssociationRetransmissions = 2
        var p = SCTPScriptedPeer(seed: 602, configuration: configuration)
        try p.userSends(100)
        var retransmissions = 0
        var closed = false
        for _ in 0..<10 where !closed {
            guard let timer = p.nextTimer() else { break }
            retransmissions += timer.output.data.count
            closed = timer.output.events.contains(.closed(.timedOut))
        }
        #expect(retransmissions == 2 && closed)
    }
}
