import SpecTesting
import Testing
@testable import SCTP

/// A COOKIE ECHO for an association that exists (RFC 9260 §5.2.4, Table 12): the peer's
/// restart (Action A), the INIT collision (B), a late cookie (C), the stale-cookie rule and the
/// cases outside the table.
@Suite struct SCTPRestartTests {
    /// A cookie sealed with the association's own secret, as its INIT ACK would have carried it.
    static func cookie(for association: SCTPAssociation, localTag: UInt32, peerTag: UInt32, tieTags: (UInt32, UInt32) = (0, 0),
                       peerInitialTSN: UInt32 = 1000, streams: UInt16 = 16, created: Duration = .zero,
                       lifetime: Duration = .seconds(60)) -> [UInt8] {
        SCTPStateCookie(localTag: localTag, peerTag: peerTag, localInitialTSN: association.localInitialTSN, peerInitialTSN: peerInitialTSN,
                        peerReceiverWindow: 1_000_000, peerOutboundStreams: streams, peerInboundStreams: streams,
                        localOutboundStreams: 65535, localInboundStreams: 65535, features: 1 | 4,
                        tieTagLocal: tieTags.0, tieTagPeer: tieTags.1,
                        createdMicroseconds: UInt64(association.microseconds(created)),
                        lifetimeMicroseconds: UInt64(association.microseconds(lifetime))).sealed(secret: association.cookieSecret)
    }

    @Test(.spec("RFC9260-5.2.4-5", "RFC9260-5.2.4-6", "RFC9260-5.2.4-4", "RFC9260-5.2.2-9", "RFC9260-5.3.1-3", "RFC9260-5.1.5-9"))
    func aRestartedPeerGetsANewAssociationWithFreshCongestionState() throws {
        var p = SCTPScriptedPeer(seed: 900)
        let oldLocal = p.association.localVerificationTag
        // Traffic both ways, then a timeout: ssthresh and cwnd move away from their initial values.
        for _ in 0..<8 { try p.userSends(1000, stream: 1) }
        p.send([p.nextData(), p.nextData()])
        guard let timeout = p.nextTimer(), timeout.output.data.first?.tsn == p.firstTSN else {
            Issue.record("no T3-rtx retransmission"); return
        }
        #expect(p.association.congestionWindow == 1200 && p.association.sender.ssthresh == 4800)
        let queuedBefore = p.association.sender.queuedBytes
        #expect(queuedBefore > 0, "some messages still wait in the queue")
        // The peer restarts: a new INIT (new tag, Initial TSN, fewer streams) while we are established.
        let restart = p.send([.initiation(SCTPScriptedPeer.peerInit(tag: 0x0bad_cafe, window: 50_000, outboundStreams: 8,
                                                                    inboundStreams: 8, initialTSN: 77))], tag: 0)
        guard case .initiationAck(let ack)? = restart.chunks.first, let cookie = ack.stateCookie else {
            Issue.record("no INIT ACK"); return
        }
        // §5.2.2: the INIT ACK repeats our association's parameters, with a new tag (and OS no more
        // than the INIT's MIS, §3.3.3).
        #expect(ack.initialTSN == p.firstTSN && ack.outboundStreams == 8 && ack.inboundStreams == 65535)
        #expect(ack.initiateTag != oldLocal)
        p.now = .seconds(2)
        let out = p.send([.cookieEcho(cookie: cookie)], tag: ack.initiateTag)
        // COOKIE ACK under the new peer tag; the user hears RESTART, not a lost association.
        #expect(out.chunks.first == .cookieAck)
        #expect(out.packets.allSatisfy { $0.verificationTag == 0x0bad_cafe })
        #expect(out.events.contains(.restarted(outboundStreams: 8, inboundStreams: 8, partialReliability: true, interleaving: false,
                                               reconfiguration: true)))
        #expect(!out.events.contains { if case .closed = $0 { return true }; return false })
        #expect(p.association.state == .established)
        #expect(p.association.localVerificationTag == ack.initiateTag && p.association.peerTag == 0x0bad_cafe)
        #expect(p.association.statistics.restarts == 1)
        // Congestion control starts over: the initial cwnd and ssthresh = the new peer's a_rwnd, RTO.Initial.
        #expect(p.association.congestionWindow == min(4 * 1200, max(2 * 1200, 4404)))
        #expect(p.association.sender.ssthresh == 50_000)
        #expect(p.association.sender.rto == .seconds(1))
        // The new association numbers from our Initial TSN and SSN 0 again; the unsent messages were
        // retained and are what goes out now.
        let resent = out.data
        #expect(resent.first?.tsn == p.firstTSN && resent.first?.messageIdentifier == 0 && resent.first?.streamIdentifier == 1)
        #expect(p.association.bufferedAmount <= queuedBefore)
        // The peer's DATA from its new Initial TSN is accepted.
        let data = SCTPChunk.data(SCTPDataChunk(tsn: 77, streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 53,
                                                userData: [1, 2, 3][...], unordered: true))
        let answer = p.send([data], tag: ack.initiateTag)
        #expect(answer.sacks.first?.cumulativeTSNAck == 77)
        #expect(answer.messages.map(\.payload) == [[1, 2, 3]])
        // Packets with the old tag are now foreign.
        let before = p.association.statistics.packetsDiscarded
        p.send([p.nextData()], tag: oldLocal)
        #expect(p.association.statistics.packetsDiscarded == before + 1)
    }

    @Test(.spec("RFC9260-5.2.4-8"))
    func aCollisionCookieSetsThePeersInitialTSNAndStreamsFromTheCookie() {
        var (association, _) = SCTPStateRuleTests.waiting(seed: 901)
        let local = association.localVerificationTag
        // The peer's INIT (tag P2, Initial TSN 5000, 4 streams) reaches us in COOKIE-WAIT and gets our cookie.
        let peerInit = SCTPScriptedPeer.peerInit(tag: 0x0000_00b2, outboundStreams: 4, inboundStreams: 4, initialTSN: 5000)
        let answer = SCTPScriptedPeer.deliver(&association, [.initiation(peerInit)], tag: 0, at: .zero)
        guard case .initiationAck(let ourAck)? = answer.chunks.first, let cookie = ourAck.stateCookie else {
            Issue.record("no INIT ACK"); return
        }
        // An INIT ACK from an earlier attempt of the peer (tag P1, Initial TSN 1000, 16 streams).
        let peerAck = SCTPInitChunk(initiateTag: 0x0000_00a1, advertisedReceiverWindowCredit: 100_000, outboundStreams: 16, inboundStreams: 16,
                                    initialTSN: 1000, parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: [4, 3, 2, 1])])
        _ = SCTPScriptedPeer.deliver(&association, [.initiationAck(peerAck)], tag: local, at: .milliseconds(10))
        #expect(association.outboundStreamCount == 16)
        let out = SCTPScriptedPeer.deliver(&association, [.cookieEcho(cookie: cookie)], tag: local, at: .milliseconds(20))
        #expect(out.chunks.first == .cookieAck && association.state == .established)
        // Everything about the peer now comes from the INIT the cookie was made of.
        #expect(association.peerTag == 0x0000_00b2)
        #expect(association.outboundStreamCount == 4 && association.inboundStreamCount == 4)
        #expect(out.events.contains { if case .connected(4, 4, _, _, _) = $0 { return true }; return false })
        let data = SCTPChunk.data(SCTPDataChunk(tsn: 5000, streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 53,
                                                userData: [9][...], unordered: true))
        let acked = SCTPScriptedPeer.deliver(&association, [data], tag: local, at: .milliseconds(30))
        #expect(acked.sacks.first?.cumulativeTSNAck == 5000)
        #expect(acked.messages.count == 1)
    }

    @Test(.spec("RFC9260-5.2.4-3"))
    func cookiesOutsideTheTableAreDiscardedSilently() {
        var p = SCTPScriptedPeer(seed: 902)
        let local = p.association.localVerificationTag
        let heartbeat = p.association.heartbeatDeadline
        let cases: [(String, [UInt8], UInt32)] = [
            // X X with Tie-Tags that do not match ours: not a restart of this association.
            ("X X with foreign Tie-Tags", Self.cookie(for: p.association, localTag: 0x1234_5678, peerTag: 0x0bad_0001, tieTags: (1, 2)), 0x1234_5678),
            // X X without Tie-Tags.
            ("X X 0 0", Self.cookie(for: p.association, localTag: 0x1234_5679, peerTag: 0x0bad_0002), 0x1234_5679),
            // X M with Tie-Tags (only X M 0 0 is in the table).
            ("X M M M", Self.cookie(for: p.association, localTag: 0x1234_567a, peerTag: p.peerTag, tieTags: (local, p.peerTag)), 0x1234_567a),
        ]
        for (name, cookie, tag) in cases {
            let out = p.send([.cookieEcho(cookie: cookie)], tag: tag)
            #expect(out.packets.isEmpty && out.events.isEmpty, "\(name)")
            #expect(p.association.state == .established, "\(name)")
            #expect(p.association.localVerificationTag == local && p.association.peerTag == p.peerTag, "\(name)")
            #expect(p.association.heartbeatDeadline == heartbeat, "\(name)")
        }
        // The association carries on under its own tags.
        #expect(p.send([p.nextData()]).sacks.count == 1)
    }

    @Test(.spec("RFC9260-5.2.4-9", "RFC9260-5.2.4-10"))
    func aLateCookieChangesNothingAndLeavesTheTimersRunning() throws {
        var p = SCTPScriptedPeer(seed: 903)
        try p.userSends(100)
        let t3 = p.association.sender.t3Deadline
        let heartbeat = p.association.heartbeatDeadline
        #expect(t3 != nil)
        // Case C: our own earlier cookie (another local tag, this peer's tag, no Tie-Tags).
        p.now = .milliseconds(100)
        let late = Self.cookie(for: p.association, localTag: 0x0a0a_0a0a, peerTag: p.peerTag)
        let out = p.send([.cookieEcho(cookie: late)], tag: 0x0a0a_0a0a)
        #expect(out.packets.isEmpty && out.events.isEmpty)
        #expect(p.association.state == .established && p.association.localVerificationTag != 0x0a0a_0a0a)
        #expect(p.association.sender.t3Deadline == t3 && p.association.heartbeatDeadline == heartbeat)
    }

    @Test(.spec("RFC9260-5.2.4-1", "RFC9260-5.2.4-2", "RFC9260-3.3.10.3-1"))
    func aStaleCookieCountsOnlyWhenBothTagsMatch() {
        var p = SCTPScriptedPeer(seed: 904)
        let local = p.association.localVerificationTag
        p.now = .seconds(10)
        // Stale (1 s lifespan, made at 0), tags of another association with our Tie-Tags: a restart
        // that came too late. Discarded (no COOKIE ACK, no restart) and answered with Stale Cookie.
        let stale = Self.cookie(for: p.association, localTag: 0x7777_0001, peerTag: 0x7777_0002, tieTags: (local, p.peerTag),
                                lifetime: .seconds(1))
        let received = p.association.statistics.dataChunksReceived
        let out = p.send([.cookieEcho(cookie: stale), p.nextData()], tag: 0x7777_0001)
        #expect(p.association.statistics.dataChunksReceived == received, "the DATA behind it goes too")
        #expect(out.sacks.isEmpty)
        let causes = out.chunks.compactMap { if case .error(let c) = $0 { return c } else { return nil } }.flatMap { $0 }
        #expect(causes.map(\.code) == [SCTPErrorCause.staleCookie])
        #expect(causes.first?.information == [0, 0x89, 0x54, 0x40], "Measure of Staleness: 9 s in microseconds")
        #expect(out.packets.first?.verificationTag == 0x7777_0002)
        #expect(!out.chunks.contains(.cookieAck) && out.events.isEmpty)
        #expect(p.association.localVerificationTag == local && p.association.statistics.restarts == 0)
        // Stale too, but both tags match this association (case E): valid, answered with COOKIE ACK.
        let same = Self.cookie(for: p.association, localTag: local, peerTag: p.peerTag, lifetime: .seconds(1))
        let again = p.send([.cookieEcho(cookie: same)])
        #expect(again.chunks == [.cookieAck])
        #expect(p.association.state == .established)
    }

    @Test(.spec("RFC9260-5.2.4-5"))
    func aRestartDuringOurShutdownStartsTheNewAssociationClean() {
        var p = SCTPScriptedPeer(seed: 905)
        let restart = p.send([.initiation(SCTPScriptedPeer.peerInit(tag: 0x0bad_beef, initialTSN: 5))], tag: 0)
        guard case .initiationAck(let ack)? = restart.chunks.first, let cookie = ack.stateCookie else {
            Issue.record("no INIT ACK"); return
        }
        p.association.shutdown(at: p.now)
        _ = SCTPScriptedPeer.collect(&p.association, at: p.now)
        #expect(p.association.state == .shutdownSent && p.association.t5Deadline != nil)
        let out = p.send([.cookieEcho(cookie: cookie)], tag: ack.initiateTag)
        #expect(out.chunks.first == .cookieAck)
        #expect(out.events.contains { if case .restarted = $0 { return true }; return false })
        #expect(p.association.state == .established)
        #expect(p.association.t2Deadline == nil && p.association.t5Deadline == nil)
        #expect(p.association.heartbeatDeadline != nil)
    }
}
