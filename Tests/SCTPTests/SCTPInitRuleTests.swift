import SpecTesting
import Testing
@testable import SCTP

/// What our INIT, INIT ACK and State Cookie carry (RFC 9260 §3.3.2, §3.3.3, §5.1.3, §12.4),
/// and how odd INIT ACKs and parameters are received.
@Suite struct SCTPInitRuleTests {
    static func initAck(_ association: inout SCTPAssociation, for initiation: SCTPInitChunk = SCTPScriptedPeer.peerInit())
        -> (packet: SCTPPacket, bytes: [UInt8], ack: SCTPInitChunk)? {
        let out = SCTPScriptedPeer.deliver(&association, [.initiation(initiation)], tag: 0, at: .zero)
        guard out.packets.count == 1, case .initiationAck(let ack)? = out.packets[0].chunks.first else { return nil }
        return (out.packets[0], out.bytes[0], ack)
    }

    @Test(.spec("RFC9260-3.3.2-1", "RFC9260-3.3.2-2", "RFC9260-3.3.2.1.4-1", "RFC9260-3.3.2.1.5-1", "RFC9260-3.3.2-10",
                "RFC9260-3.3.2-13", "RFC9260-3.3.2-15", "RFC9260-3.1-1", "RFC9260-3.1-2", "RFC9260-12.3-1", "RFC9260-12.3-2"))
    func ourInitIsWellFormedEvenFromAnOddConfiguration() {
        var configuration = SCTPAssociationConfiguration()
        configuration.localPort = 0
        configuration.remotePort = 0
        configuration.outboundStreams = 0
        configuration.maximumInboundStreams = 0
        configuration.receiveWindow = 1000
        #expect(configuration.localPort == 5000 && configuration.remotePort == 5000)
        var association = SCTPAssociation(configuration: configuration, random: SeededGenerator(seed: 1000))
        association.connect(at: .zero)
        let out = SCTPScriptedPeer.collect(&association, at: .zero)
        guard out.packets.count == 1, case .initiation(let initiation)? = out.packets[0].chunks.first else {
            Issue.record("no INIT"); return
        }
        let packet = out.packets[0]
        #expect(packet.chunks.count == 1 && packet.verificationTag == 0, "alone, with a zero tag")
        #expect(packet.sourcePort != 0 && packet.destinationPort != 0)
        #expect(initiation.advertisedReceiverWindowCredit >= 1500)
        #expect(initiation.outboundStreams >= 1 && initiation.inboundStreams >= 1)
        let types = initiation.parameters.map(\.type)
        #expect(Set(types).count == types.count, "each parameter once")
        #expect(!types.contains(SCTPParameter.hostNameAddress))
        #expect(!types.contains(SCTPParameter.supportedAddressTypes), "no Supported Address Types (so no Host Name type in it)")
    }

    @Test(.spec("RFC9260-3.3.3-1", "RFC9260-3.3.3.1-1", "RFC9260-3.3.3-5", "RFC9260-3.3.3-8", "RFC9260-3.3.3-11", "RFC9260-3.3.3-14",
                "RFC9260-3.3.3.1-2", "RFC9260-5.1-10", "RFC9260-12.4-7", "RFC9260-3.3.11-3", "RFC9260-5.1.3-7", "RFC9260-3.3.2-4"))
    func ourInitAckIsSmallAndWithinThePeersLimits() {
        var association = SCTPAssociation(random: SeededGenerator(seed: 1001))
        // The peer accepts 10 inbound streams: our INIT ACK announces no more outbound streams than that.
        guard let (packet, bytes, ack) = Self.initAck(&association, for: SCTPScriptedPeer.peerInit(inboundStreams: 10)) else {
            Issue.record("no INIT ACK"); return
        }
        #expect(packet.chunks.count == 1)
        #expect(ack.initiateTag != 0)
        #expect(ack.advertisedReceiverWindowCredit >= 1500)
        #expect(ack.outboundStreams == 10 && ack.inboundStreams >= 1)
        #expect(!ack.parameters.contains { $0.type == SCTPParameter.hostNameAddress })
        // The fixed fields (16 bytes after the chunk header) come first, then the parameters: the
        // State Cookie's type (7) at byte 12 + 4 + 16.
        #expect(bytes[12] == SCTPChunkType.initiationAck && bytes[32] == 0 && bytes[33] == 7)
        #expect((ack.stateCookie?.count ?? 0) == SCTPStateCookie.bodySize + SCTPStateCookie.macSize)
        #expect((ack.stateCookie?.count ?? 0) <= 100, "the cookie is small")
        #expect(bytes.count <= 160, "the INIT ACK is \(bytes.count) bytes")
    }

    @Test(.spec("RFC9260-3.3.3-17"))
    func theInitialTSNIsRandom() {
        var seen: Set<UInt32> = []
        for seed in UInt64(1010)..<1020 {
            var association = SCTPAssociation(random: SeededGenerator(seed: seed))
            guard let (_, _, ack) = Self.initAck(&association) else { Issue.record("no INIT ACK"); return }
            #expect(ack.initialTSN == association.localInitialTSN)
            seen.insert(ack.initialTSN)
        }
        #expect(seen.count == 10)
    }

    @Test(.spec("RFC9260-3.3.3-18", "RFC9260-3.3.3-19"))
    func aLargeInitAckIsAccepted() {
        var (association, _) = SCTPStateRuleTests.waiting(seed: 1002)
        let bigCookie = (0..<2500).map { UInt8(truncatingIfNeeded: $0) }
        let ack = SCTPInitChunk(initiateTag: 0x0c0c_0c0c, advertisedReceiverWindowCredit: 100_000, outboundStreams: 4, inboundStreams: 4,
                                initialTSN: 3, parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: bigCookie),
                                                            SCTPParameter(type: SCTPParameter.padding, value: [UInt8](repeating: 0, count: 800))])
        let out = SCTPScriptedPeer.deliver(&association, [.initiationAck(ack)], tag: association.localVerificationTag, at: .zero)
        #expect(association.state == .cookieEchoed)
        #expect(out.chunks.first == .cookieEcho(cookie: bigCookie))
    }

    @Test(.spec("RFC9260-3.3.3-13", "RFC9260-3.3.3-16"))
    func badInitAcksOutsideCookieWaitAreDiscardedSilently() {
        var p = SCTPScriptedPeer(seed: 1003)
        for (os, mis) in [(UInt16(0), UInt16(5)), (5, 0)] {
            let ack = SCTPInitChunk(initiateTag: 0x0d0d, advertisedReceiverWindowCredit: 100_000, outboundStreams: os, inboundStreams: mis,
                                    initialTSN: 3, parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: [1, 2, 3, 4])])
            let out = p.send([.initiationAck(ack)])
            #expect(out.packets.isEmpty && out.events.isEmpty)
            #expect(p.association.state == .established)
        }
    }

    @Test(.spec("RFC9260-3.3.2.1.3-2"))
    func aCookiePreservativeIsIgnored() {
        var configuration = SCTPAssociationConfiguration()
        configuration.cookieLifetime = .seconds(10)
        var association = SCTPAssociation(configuration: configuration, random: SeededGenerator(seed: 1004))
        var initiation = SCTPScriptedPeer.peerInit()
        initiation.parameters.append(SCTPParameter(type: SCTPParameter.cookiePreservative, value: [0, 0, 0x27, 0x10]))
        guard let (_, _, ack) = Self.initAck(&association, for: initiation), let bytes = ack.stateCookie,
              let cookie = SCTPStateCookie(opening: bytes, secret: association.cookieSecret) else {
            Issue.record("no cookie"); return
        }
        #expect(cookie.lifetimeMicroseconds == 10_000_000)
        #expect(!ack.parameters.contains { $0.type == SCTPParameter.unrecognizedParameter })
    }

    @Test(.spec("RFC9260-12.4-6"))
    func unrecognizedParametersInTheInitAckAreCapped() {
        var association = SCTPAssociation(random: SeededGenerator(seed: 1005))
        var initiation = SCTPScriptedPeer.peerInit()
        // 40 parameters of type 0xc123 (skip and report), 60 bytes each.
        for i in 0..<40 { initiation.parameters.append(SCTPParameter(type: 0xc123, value: [UInt8](repeating: UInt8(i), count: 60))) }
        guard let (_, bytes, ack) = Self.initAck(&association, for: initiation) else { Issue.record("no INIT ACK"); return }
        let reported = ack.parameters.filter { $0.type == SCTPParameter.unrecognizedParameter }
        #expect(!reported.isEmpty && reported.count < 40)
        #expect(reported.reduce(0) { $0 + 4 + $1.value.count } <= 512)
        #expect(bytes.count < 800)
    }

    @Test(.spec("RFC9260-5.1.3-2", "RFC9260-5.1.3-6"))
    func theCookieCarriesTimestampLifespanTagsAndPortsAndNothingSecret() {
        var configuration = SCTPAssociationConfiguration()
        configuration.localPort = 5001
        configuration.remotePort = 5002
        var association = SCTPAssociation(configuration: configuration, random: SeededGenerator(seed: 1006))
        let peer = SCTPScriptedPeer.peerInit()
        association.handle(.packet(SCTPPacket(sourcePort: 5002, destinationPort: 5001, verificationTag: 0, chunks: [.initiation(peer)]).encoded()),
                           at: .seconds(3))
        guard case .transmit(let out) = association.poll(at: .seconds(3)), case .initiationAck(let ack)? = try? SCTPPacket(parsing: out).chunks.first,
              let bytes = ack.stateCookie, let cookie = SCTPStateCookie(opening: bytes, secret: association.cookieSecret) else {
            Issue.record("no cookie"); return
        }
        #expect(cookie.createdMicroseconds == 3_000_000 && cookie.lifetimeMicroseconds == 60_000_000)
        #expect(cookie.localTag == ack.initiateTag && cookie.peerTag == peer.initiateTag)
        #expect(cookie.localPort == 5001 && cookie.peerPort == 5002)
        // The secret appears nowhere in it.
        let secret = association.cookieSecret
        #expect(!(0...(bytes.count - 8)).contains { Array(bytes[$0..<($0 + 8)]) == Array(secret[0..<8]) })
        // A cookie for other ports (sealed with our secret) does not set up an association.
        var other = cookie
        other.peerPort = 6000
        let forged = other.sealed(secret: secret)
        association.handle(.packet(SCTPPacket(sourcePort: 5002, destinationPort: 5001, verificationTag: ack.initiateTag,
                                              chunks: [.cookieEcho(cookie: forged)]).encoded()), at: .seconds(4))
        #expect(SCTPScriptedPeer.collect(&association, at: .seconds(4)).packets.isEmpty)
        #expect(association.state == .closed)
    }

    @Test(.spec("RFC9260-8.4-3", "RFC9260-8.4-4", "RFC9260-12.2.4.1-1"))
    func anInitThatCannotBeProcessedGetsAnAbortWithItsInitiateTag() {
        var association = SCTPAssociation(random: SeededGenerator(seed: 1007))
        // A normal INIT in CLOSED is processed (§5.1).
        #expect(Self.initAck(&association) != nil)
        for (name, initiation) in [("no inbound streams", SCTPScriptedPeer.peerInit(tag: 0x0e0e_0001, inboundStreams: 0)),
                                   ("a Host Name Address", { var i = SCTPScriptedPeer.peerInit(tag: 0x0e0e_0001)
                                       i.parameters.append(SCTPParameter(type: SCTPParameter.hostNameAddress, value: Array("peer.example\0\0\0\0".utf8)))
                                       return i }())] {
            let out = SCTPScriptedPeer.deliver(&association, [.initiation(initiation)], tag: 0, at: .zero)
            #expect(out.packets.count == 1, "\(name)")
            #expect(out.packets.first?.verificationTag == 0x0e0e_0001, "\(name)")
            guard case .abort(let reflected, _)? = out.chunks.first else { Issue.record("\(name): no ABORT"); continue }
            #expect(!reflected, "\(name): T bit clear")
            #expect(out.bytes.first?[13] == 0, "\(name): chunk flags")
        }
        #expect(association.state == .closed)
    }

    @Test(.spec("RFC9260-16-1", "RFC9260-16-2"))
    func theDefaultsAreTheRecommendedParameters() {
        let c = SCTPAssociationConfiguration()
        #expect(c.rtoInitial == .seconds(1) && c.rtoMinimum == .seconds(1) && c.rtoMaximum == .seconds(60))
        #expect(c.maximumBurst == 4 && c.maximumAssociationRetransmissions == 10 && c.maximumInitRetransmissions == 8)
        #expect(c.cookieLifetime == .seconds(60) && c.heartbeatInterval == .seconds(30))
        #expect(c.delayedAckTimeout <= .milliseconds(500))
        // RTO.Alpha 1/8 and RTO.Beta 1/4: a first sample of 400 ms then one of 800 ms.
        var p = SCTPScriptedPeer(seed: 1008)
        p.association.sender.measureRTT(.milliseconds(400), configuration: c)
        p.association.sender.measureRTT(.milliseconds(800), configuration: c)
        #expect(p.association.sender.smoothedRTT == .milliseconds(450))
        #expect(p.association.sender.rttVariation == .milliseconds(250))
    }
}

/// The State Cookie secret changes over time (RFC 9260 §5.1.3, §5.1.5).
@Suite struct SCTPCookieSecretTests {
    static func cookie(_ association: inout SCTPAssociation, at time: Duration) -> (tag: UInt32, cookie: [UInt8])? {
        association.handle(.packet(SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: 0,
                                              chunks: [.initiation(SCTPScriptedPeer.peerInit())]).encoded()), at: time)
        guard case .initiationAck(let ack)? = SCTPScriptedPeer.collect(&association, at: time).chunks.first, let cookie = ack.stateCookie else {
            return nil
        }
        return (ack.initiateTag, cookie)
    }

    static func configuration() -> SCTPAssociationConfiguration {
        var c = SCTPAssociationConfiguration()
        c.cookieSecretLifetime = .seconds(10)
        return c
    }

    @Test(.spec("RFC9260-5.1.3-5", "RFC9260-5.1.5-1"))
    func theSecretChangesAndTheOneBeforeStillOpensItsCookies() {
        var association = SCTPAssociation(configuration: Self.configuration(), random: SeededGenerator(seed: 1600))
        let first = association.cookieSecret
        guard let old = Self.cookie(&association, at: .zero) else { Issue.record("no cookie"); return }
        #expect(Self.cookie(&association, at: .seconds(5)) != nil)
        #expect(association.cookieSecret == first, "not yet due")
        #expect(Self.cookie(&association, at: .seconds(12)) != nil)
        #expect(association.cookieSecret != first, "a fresh secret after its lifetime")
        // The cookie made at 0 s under the old secret still sets up the association.
        let out = SCTPScriptedPeer.deliver(&association, [.cookieEcho(cookie: old.cookie)], tag: old.tag, at: .seconds(13))
        #expect(out.chunks.first == .cookieAck)
        #expect(association.state == .established)
    }

    @Test(.spec("RFC9260-5.1.5-2"))
    func aCookieWhoseSecretIsGoneIsDiscardedSilently() {
        var association = SCTPAssociation(configuration: Self.configuration(), random: SeededGenerator(seed: 1601))
        guard let old = Self.cookie(&association, at: .zero) else { Issue.record("no cookie"); return }
        _ = Self.cookie(&association, at: .seconds(12))
        _ = Self.cookie(&association, at: .seconds(25))
        // Two secrets later the one that sealed it is gone (the cookie itself is not stale: 60 s).
        let out = SCTPScriptedPeer.deliver(&association, [.cookieEcho(cookie: old.cookie)], tag: old.tag, at: .seconds(26))
        #expect(out.packets.isEmpty && out.events.isEmpty)
        #expect(association.state == .closed)
        #expect(association.statistics.packetsDiscarded == 1)
    }
}
