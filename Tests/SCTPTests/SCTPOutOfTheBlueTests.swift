import SpecTesting
import Testing
@testable import SCTP

/// Out-of-the-blue packets (RFC 9260 §8.4), what COOKIE-ECHOED sends, and Stale Cookie errors
/// (§5.2.6).
@Suite struct SCTPOutOfTheBlueTests {
    static func closed(seed: UInt64) -> SCTPAssociation { SCTPAssociation(random: SeededGenerator(seed: seed)) }

    @Test(.spec("RFC9260-8.4-10", "RFC9260-8.4-11", "RFC9260-8.4-12", "RFC9260-8.5.1-5", "RFC9260-6-3", "RFC9260-6-7",
                "RFC9260-3.1-6", "RFC9260-3.3.13-2"))
    func dataOrSackOutOfTheBlueIsAnsweredWithAReflectedAbort() {
        let data = SCTPChunk.data(SCTPDataChunk(tsn: 7, streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 53, userData: [1][...]))
        let sack = SCTPChunk.selectiveAck(SCTPSackChunk(cumulativeTSNAck: 3, advertisedReceiverWindowCredit: 10_000))
        for (name, chunks) in [("DATA", [data]), ("SACK", [sack]), ("HEARTBEAT", [SCTPChunk.heartbeat(info: [0, 1, 0, 8, 1, 2, 3, 4])])] {
            var association = Self.closed(seed: 1100)
            let out = SCTPScriptedPeer.deliver(&association, chunks, tag: 0x0f0f_0f0f, at: .zero)
            #expect(out.packets.count == 1, "\(name)")
            #expect(out.packets.first?.verificationTag == 0x0f0f_0f0f, "\(name): the packet's own tag")
            #expect(out.chunks == [.abort(reflectedTag: true, causes: [])], "\(name)")
            #expect(out.bytes.first.map { $0[13] & 1 } == 1, "\(name): T bit on the wire")
            // Nothing else happens: no association, no events, no timers.
            #expect(association.state == .closed && out.events.isEmpty, "\(name)")
            #expect(association.nextDeadline() == nil, "\(name)")
            #expect(association.statistics.dataChunksReceived == 0, "\(name)")
        }
    }

    @Test(.spec("RFC9260-8.4-8", "RFC9260-8.4-9"))
    func someOutOfTheBluePacketsAreDiscardedSilently() {
        for (name, chunk) in [("SHUTDOWN COMPLETE", SCTPChunk.shutdownComplete(reflectedTag: false)), ("COOKIE ACK", .cookieAck),
                              ("Stale Cookie ERROR", .error(causes: [.staleCookie(stalenessMicroseconds: 5)]))] {
            var association = Self.closed(seed: 1101)
            let out = SCTPScriptedPeer.deliver(&association, [chunk], tag: 0x0f0f_0f0f, at: .zero)
            #expect(out.packets.isEmpty && out.events.isEmpty, "\(name)")
            #expect(association.state == .closed, "\(name)")
        }
    }

    @Test(.spec("RFC9260-8.5.1-13", "RFC9260-3.1-5"))
    func aShutdownAckWhileSettingUpIsOutOfTheBlue() {
        var (association, _) = SCTPStateRuleTests.waiting(seed: 1102)
        let out = SCTPScriptedPeer.deliver(&association, [.shutdownAck], tag: 0x1357_9bdf, at: .zero)
        #expect(out.chunks == [.shutdownComplete(reflectedTag: true)])
        #expect(out.packets.first?.verificationTag == 0x1357_9bdf)
        #expect(out.bytes.first.map { $0[13] & 1 } == 1)
        #expect(association.state == .cookieWait)
    }

    /// An association in COOKIE-ECHOED: our INIT was answered with an INIT ACK.
    static func echoed(seed: UInt64, configuration: SCTPAssociationConfiguration = .init()) -> SCTPAssociation {
        var association = SCTPAssociation(configuration: configuration, random: SeededGenerator(seed: seed))
        association.connect(at: .zero)
        _ = SCTPScriptedPeer.collect(&association, at: .zero)
        let ack = SCTPInitChunk(initiateTag: 0x0202_0202, advertisedReceiverWindowCredit: 100_000, outboundStreams: 8, inboundStreams: 8,
                                initialTSN: 5, parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: [1, 2, 3, 4])])
        _ = SCTPScriptedPeer.deliver(&association, [.initiationAck(ack)], tag: association.localVerificationTag, at: .milliseconds(100))
        precondition(association.state == .cookieEchoed)
        return association
    }

    @Test(.spec("RFC9260-5.1-7", "RFC9260-3.3.11-1", "RFC9260-8.3-9"))
    func nothingButTheCookieEchoGoesOutInCookieEchoed() {
        var association = Self.echoed(seed: 1103)
        let tag = association.localVerificationTag
        // A HEARTBEAT and an unknown chunk that asks to be reported: no answer until the COOKIE ACK.
        let out = SCTPScriptedPeer.deliver(&association, [.heartbeat(info: [0, 1, 0, 8, 9, 9, 9, 9]), .unknown(type: 0x7f, flags: 0, value: [])],
                                           tag: tag, at: .milliseconds(150))
        #expect(out.packets.isEmpty)
        // DATA cannot be queued before ESTABLISHED either.
        #expect(throws: SCTPSendError.notEstablished(.cookieEchoed)) {
            try association.send([1], stream: 0, payloadProtocolIdentifier: 53, at: .milliseconds(150))
        }
        // The only thing that goes out is the COOKIE ECHO again when T1-cookie fires.
        guard let deadline = association.nextDeadline() else { Issue.record("no T1-cookie"); return }
        association.handle(.timeout, at: deadline)
        #expect(SCTPScriptedPeer.collect(&association, at: deadline).chunks == [.cookieEcho(cookie: [1, 2, 3, 4])])
        // After the COOKIE ACK, HEARTBEATs are answered.
        _ = SCTPScriptedPeer.deliver(&association, [.cookieAck], tag: tag, at: deadline)
        #expect(association.state == .established)
        let answered = SCTPScriptedPeer.deliver(&association, [.heartbeat(info: [0, 1, 0, 8, 9, 9, 9, 9])], tag: tag, at: deadline)
        #expect(answered.chunks == [.heartbeatAck(info: [0, 1, 0, 8, 9, 9, 9, 9])])
    }

    @Test(.spec("RFC9260-5.2.6-1", "RFC9260-5.2.6-2", "RFC9260-5.2.6-3", "RFC9260-5.2.6-4", "RFC9260-3.3.2.1.3-1"))
    func aStaleCookieErrorRestartsSetupWithACookiePreservative() {
        // Outside COOKIE-ECHOED: ignored, not even reported.
        var p = SCTPScriptedPeer(seed: 1104)
        let ignored = p.send([.error(causes: [.staleCookie(stalenessMicroseconds: 100)])])
        #expect(ignored.packets.isEmpty && ignored.events.isEmpty && p.association.state == .established)
        // In COOKIE-ECHOED (the COOKIE ECHO went out at 100 ms), the ERROR at 180 ms (RTT 80 ms,
        // 3 s stale): a new INIT with a Cookie Preservative of 80 ms + at most 1 s.
        var association = Self.echoed(seed: 1105)
        let out = SCTPScriptedPeer.deliver(&association, [.error(causes: [.staleCookie(stalenessMicroseconds: 3_000_000)])],
                                           tag: association.localVerificationTag, at: .milliseconds(180))
        #expect(association.state == .cookieWait)
        guard case .initiation(let initiation)? = out.chunks.first else { Issue.record("no INIT"); return }
        #expect(out.packets.first?.verificationTag == 0)
        #expect(initiation.initiateTag == association.localVerificationTag)
        guard let preservative = initiation.parameter(SCTPParameter.cookiePreservative), preservative.value.count == 4 else {
            Issue.record("no Cookie Preservative"); return
        }
        let increment = preservative.value.reduce(0) { $0 << 8 | UInt32($1) }
        #expect(increment == 1080)
        #expect(out.events.isEmpty)
        // An INIT ACK built from this INIT carries no Cookie Preservative.
        let answer = SCTPScriptedPeer.deliver(&association, [.initiation(SCTPScriptedPeer.peerInit())], tag: 0, at: .milliseconds(190))
        guard case .initiationAck(let ack)? = answer.chunks.first else { Issue.record("no INIT ACK"); return }
        #expect(ack.parameter(SCTPParameter.cookiePreservative) == nil)
    }
}
