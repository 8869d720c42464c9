import RTCCrypto
import SpecTesting
import Testing
@testable import SCTP

/// Association setup beyond the plain handshake (RFC 9260 §5.1, §5.2): INIT collisions,
/// unexpected INITs and COOKIE ECHOs, stream negotiation, the State Cookie, tags; and the
/// ABORT rules of §3.3.7 and §8.5.1.
@Suite struct SCTPHandshakeRuleTests {
    static func cookie(in chunks: [SCTPChunk], secret: [UInt8]) -> (ack: SCTPInitChunk, cookie: SCTPStateCookie)? {
        guard case .initiationAck(let ack)? = chunks.first, let bytes = ack.stateCookie,
              let cookie = SCTPStateCookie(opening: bytes, secret: secret) else { return nil }
        return (ack, cookie)
    }

    @Test(.spec("RFC9260-5.2.1-10", "RFC9260-5.2.1-11", "RFC9260-5.2.1-2"))
    func initInCookieWaitIsAnsweredAndTheSetupGoesOn() {
        var (association, ourInit) = SCTPStateRuleTests.waiting(seed: 400)
        #expect(association.t1Deadline == .seconds(1))
        let peer = SCTPScriptedPeer.peerInit(tag: 0x1111_2222)
        let out = SCTPScriptedPeer.deliver(&association, [.initiation(peer)], tag: 0, at: .milliseconds(300))
        guard let (ack, cookie) = Self.cookie(in: out.chunks, secret: association.cookieSecret) else {
            Issue.record("no INIT ACK with a valid State Cookie"); return
        }
        #expect(out.packets.first?.verificationTag == peer.initiateTag)
        #expect(ack.initiateTag == ourInit.initiateTag && cookie.peerTag == peer.initiateTag)
        // Same state, T1-init untouched, the TCB kept: the INIT is retransmitted when T1 fires.
        #expect(association.state == .cookieWait)
        #expect(association.t1Deadline == .seconds(1))
        association.handle(.timeout, at: .seconds(1))
        let retransmitted = SCTPScriptedPeer.collect(&association, at: .seconds(1))
        #expect(retransmitted.chunks == [.initiation(ourInit)])
    }

    @Test(.spec("RFC9260-5.2.1-12", "RFC9260-5.2.2-11"))
    func tieTagsAreZeroForANewAssociationAndOursInCookieEchoed() {
        // CLOSED: a normal INIT gets Tie-Tags of zero.
        var closed = SCTPAssociation(random: SeededGenerator(seed: 401))
        let normal = SCTPScriptedPeer.deliver(&closed, [.initiation(SCTPScriptedPeer.peerInit())], tag: 0, at: .zero)
        let fresh = Self.cookie(in: normal.chunks, secret: closed.cookieSecret)?.cookie
        #expect(fresh != nil && fresh?.tieTagLocal == 0 && fresh?.tieTagPeer == 0)
        // COOKIE-ECHOED: our INIT was answered (peer tag P1); an INIT from the peer (tag P2) gets a
        // cookie holding the current tags as Tie-Tags.
        var (association, _) = SCTPStateRuleTests.waiting(seed: 402)
        let ack = SCTPInitChunk(initiateTag: 0x0101_0101, advertisedReceiverWindowCredit: 100_000, outboundStreams: 8, inboundStreams: 8,
                                initialTSN: 5, parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: [1, 2, 3, 4])])
        _ = SCTPScriptedPeer.deliver(&association, [.initiationAck(ack)], tag: association.localVerificationTag, at: .zero)
        #expect(association.state == .cookieEchoed)
        let out = SCTPScriptedPeer.deliver(&association, [.initiation(SCTPScriptedPeer.peerInit(tag: 0x0202_0202))], tag: 0, at: .zero)
        let tied = Self.cookie(in: out.chunks, secret: association.cookieSecret)?.cookie
        #expect(tied?.tieTagLocal == association.localVerificationTag && tied?.tieTagPeer == 0x0101_0101)
        #expect(association.state == .cookieEchoed && association.peerTag == 0x0101_0101)
    }

    @Test(.spec("RFC9260-5.2.2-1", "RFC9260-5.2.2-6", "RFC9260-5.2.2-7", "RFC9260-5.2.2-8", "RFC9260-5.2.2-10", "RFC9260-5.3.1-2"))
    func anUnexpectedInitGetsANewTagAndChangesNothing() throws {
        var p = SCTPScriptedPeer(seed: 403)
        let local = p.association.localVerificationTag
        var newTags: Set<UInt32> = []
        for (i, tag) in [UInt32(0x3333_0001), 0x3333_0002].enumerated() {
            let out = p.send([.initiation(SCTPScriptedPeer.peerInit(tag: tag, initialTSN: 9))], tag: 0)
            #expect(out.packets.count == 1 && out.packets.first?.verificationTag == tag, "INIT \(i)")
            guard let (ack, cookie) = Self.cookie(in: out.chunks, secret: p.association.cookieSecret) else {
                Issue.record("INIT \(i): no INIT ACK with a State Cookie"); continue
            }
            #expect(ack.initiateTag != 0 && ack.initiateTag != local)
            #expect(cookie.localTag == ack.initiateTag && cookie.peerTag == tag)
            #expect(cookie.tieTagLocal == local && cookie.tieTagPeer == p.peerTag)
            newTags.insert(ack.initiateTag)
            // The association itself is as it was.
            #expect(p.association.state == .established)
            #expect(p.association.localVerificationTag == local && p.association.peerTag == p.peerTag)
        }
        #expect(newTags.count == 2, "each INIT ACK has a fresh random tag")
        let data = try p.userSends(100)
        #expect(data.packets.first?.verificationTag == p.peerTag && data.data.first?.tsn == p.firstTSN)
        #expect(p.send([p.nextData()]).sacks.first?.cumulativeTSNAck == 1000)
    }

    @Test(.spec("RFC9260-5.2.4-8"))
    func aCookieWithTheOtherInitsTagMovesCookieEchoedToEstablished() {
        var (association, _) = SCTPStateRuleTests.waiting(seed: 404)
        let local = association.localVerificationTag
        // Collision: the peer's own INIT (tag P2) arrives in COOKIE-WAIT and gets our cookie...
        let answer = SCTPScriptedPeer.deliver(&association, [.initiation(SCTPScriptedPeer.peerInit(tag: 0x0000_00b2))], tag: 0, at: .zero)
        guard case .initiationAck(let ourAck)? = answer.chunks.first, let cookie = ourAck.stateCookie else {
            Issue.record("no INIT ACK"); return
        }
        // ...then its INIT ACK to our INIT (tag P1) takes us to COOKIE-ECHOED with T1-cookie running.
        let peerAck = SCTPInitChunk(initiateTag: 0x0000_00a1, advertisedReceiverWindowCredit: 100_000, outboundStreams: 16, inboundStreams: 16,
                                    initialTSN: 1000, parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: [4, 3, 2, 1])])
        _ = SCTPScriptedPeer.deliver(&association, [.initiationAck(peerAck)], tag: local, at: .milliseconds(10))
        #expect(association.state == .cookieEchoed && association.peerTag == 0x0000_00a1 && association.t1Deadline != nil)
        // The COOKIE ECHO of our cookie carries P2: adopt it, stop T1, COOKIE ACK.
        let out = SCTPScriptedPeer.deliver(&association, [.cookieEcho(cookie: cookie)], tag: local, at: .milliseconds(20))
        #expect(association.peerTag == 0x0000_00b2)
        #expect(association.t1Deadline == nil)
        #expect(out.chunks.first == .cookieAck && out.packets.first?.verificationTag == 0x0000_00b2)
        #expect(association.state == .established)
    }

    @Test(.spec("RFC9260-5.1.1-2", "RFC9260-5.1.1-3", "RFC9260-6.5-1"))
    func outboundStreamsAreLimitedByThePeersInboundMaximum() throws {
        // The peer accepts 10 inbound streams; we wanted 65535.
        var p = SCTPScriptedPeer(seed: 405, peerInit: SCTPScriptedPeer.peerInit(outboundStreams: 300, inboundStreams: 10))
        #expect(p.association.outboundStreamCount == 10)
        #expect(try p.userSends(10, stream: 9).data.first?.streamIdentifier == 9)
        #expect(throws: SCTPSendError.invalidStream(10, streamCount: 10)) {
            try p.association.send([1], stream: 10, payloadProtocolIdentifier: 53, at: p.now)
        }
        // We want only 4: min(4, 10).
        var configuration = SCTPAssociationConfiguration()
        configuration.outboundStreams = 4
        var q = SCTPScriptedPeer(seed: 406, configuration: configuration, peerInit: SCTPScriptedPeer.peerInit(inboundStreams: 10))
        #expect(q.association.outboundStreamCount == 4)
        #expect(try q.userSends(10, stream: 3).data.count == 1)
        #expect(throws: SCTPSendError.invalidStream(4, streamCount: 4)) {
            try q.association.send([1], stream: 4, payloadProtocolIdentifier: 53, at: q.now)
        }
    }

    @Test(.spec("RFC9260-5.1.5-8", "RFC9260-3.3.12-1", "RFC9260-5.1.5-7"))
    func cookieAckComesBeforeTheSackBundledWithIt() {
        var association = SCTPAssociation(random: SeededGenerator(seed: 407))
        let answer = SCTPScriptedPeer.deliver(&association, [.initiation(SCTPScriptedPeer.peerInit())], tag: 0, at: .zero)
        guard case .initiationAck(let ack)? = answer.chunks.first, let cookie = ack.stateCookie else {
            Issue.record("no INIT ACK"); return
        }
        let data = SCTPChunk.data(SCTPDataChunk(tsn: 1000, streamIdentifier: 0, messageIdentifier: 0, payloadProtocolIdentifier: 51, userData: [1][...]))
        let out = SCTPScriptedPeer.deliver(&association, [.cookieEcho(cookie: cookie), data], tag: ack.initiateTag, at: .zero)
        #expect(out.packets.count == 1)
        #expect(out.packets.first?.chunks.map(\.type) == [SCTPChunkType.cookieAck, SCTPChunkType.selectiveAck])
    }

    @Test(.spec("RFC9260-3.3.3.1.1-1", "RFC9260-5.1.3-3"))
    func theCookieHoldsEverythingNeededAndAMAC() {
        var association = SCTPAssociation(random: SeededGenerator(seed: 408))
        let peer = SCTPScriptedPeer.peerInit(tag: 0x4444, window: 70_000, outboundStreams: 7, inboundStreams: 5, initialTSN: 0xffff_fff0)
        let answer = SCTPScriptedPeer.deliver(&association, [.initiation(peer)], tag: 0, at: .zero)
        guard case .initiationAck(let ack)? = answer.chunks.first, let cookie = ack.stateCookie else {
            Issue.record("no INIT ACK"); return
        }
        // Nothing is kept between the INIT ACK and the COOKIE ECHO.
        #expect(association.state == .closed && association.peerTag == 0)
        // The MAC: HMAC-SHA-256 under the association's secret over the rest of the cookie.
        let body = Array(cookie.dropLast(32))
        #expect(Array(cookie.suffix(32)) == Array(HMAC<SHA256>.authenticate(body, key: association.cookieSecret)))
        var tampered = cookie
        tampered[0] ^= 1
        var copy = association
        _ = SCTPScriptedPeer.deliver(&copy, [.cookieEcho(cookie: tampered)], tag: ack.initiateTag, at: .zero)
        #expect(copy.state == .closed)
        // The cookie alone recreates the association from the INIT's values.
        let out = SCTPScriptedPeer.deliver(&association, [.cookieEcho(cookie: cookie)], tag: ack.initiateTag, at: .zero)
        #expect(out.chunks.first == .cookieAck && out.packets.first?.verificationTag == 0x4444)
        #expect(association.state == .established)
        #expect(association.outboundStreamCount == 5 && association.inboundStreamCount == 7)
        #expect(association.sender.peerReceiverWindow == 70_000)
        let data = SCTPChunk.data(SCTPDataChunk(tsn: 0xffff_fff0, streamIdentifier: 6, messageIdentifier: 0, payloadProtocolIdentifier: 51, userData: [1][...]))
        let sack = SCTPScriptedPeer.deliver(&association, [data], tag: association.localVerificationTag, at: .zero)
        #expect(sack.sacks.map(\.cumulativeTSNAck) == [0xffff_fff0])
        #expect(sack.messages.map(\.stream) == [6])
    }

    /// Gives zeros for `zeros` calls, then counts up from 1.
    struct ZerosFirst: RandomNumberGenerator {
        var zeros: Int
        var counter: UInt64 = 0
        mutating func next() -> UInt64 {
            if zeros > 0 { zeros -= 1; return 0 }
            counter += 1
            return counter
        }
    }

    @Test(.spec("RFC9260-5.1-2", "RFC9260-5.3.1-1", "RFC9260-5.1.3-4", "RFC9260-14.1-1"))
    func tagsAndCookieSecretsComeFromTheGenerator() {
        var tags: Set<UInt32> = [], secrets: Set<[UInt8]> = []
        for seed in UInt64(1)...64 {
            let association = SCTPAssociation(random: SeededGenerator(seed: seed))
            tags.insert(association.localVerificationTag)
            secrets.insert(association.cookieSecret)
            #expect(association.localVerificationTag != 0)
            #expect(association.cookieSecret.count >= 16)
        }
        #expect(tags.count == 64 && secrets.count == 64)
        // A generator that gives zeros for a while: the tag is still never 0.
        for zeros in [32, 33, 40, 64] {
            let association = SCTPAssociation(random: ZerosFirst(zeros: zeros))
            #expect(association.localVerificationTag != 0, "\(zeros) zeros first")
        }
    }

    // MARK: ABORT

    @Test(.spec("RFC9260-3.3.7-4", "RFC9260-8.5.1-7"))
    func abortsWithoutATCBOrTheRightTagAreDiscardedSilently() {
        // No TCB: an association that never started.
        var idle = SCTPAssociation(random: SeededGenerator(seed: 409))
        for (reflected, tag) in [(false, idle.localVerificationTag), (true, UInt32(0)), (false, UInt32(0))] {
            let out = SCTPScriptedPeer.deliver(&idle, [.abort(reflectedTag: reflected, causes: [])], tag: tag, at: .zero)
            #expect(out.packets.isEmpty && out.events.isEmpty)
        }
        // A formatting error: an error cause shorter than its own header.
        var p = SCTPScriptedPeer(seed: 410)
        let malformed = p.send([.unknown(type: SCTPChunkType.abort, flags: 0, value: [0, 12, 0, 2])])
        #expect(malformed.packets.isEmpty && malformed.events.isEmpty && p.association.state == .established)
        // The wrong tag for the T bit.
        let local = p.association.localVerificationTag
        for (reflected, tag) in [(false, local ^ 0x10), (false, p.peerTag), (true, local), (true, p.peerTag ^ 0x10)] {
            let out = p.send([.abort(reflectedTag: reflected, causes: [])], tag: tag)
            #expect(out.packets.isEmpty && out.events.isEmpty, "T=\(reflected) tag \(tag)")
            #expect(p.association.state == .established)
        }
        // The right tag for the T bit ends it.
        let accepted = p.send([.abort(reflectedTag: true, causes: [])], tag: p.peerTag)
        #expect(accepted.events == [.closed(.abortedByPeer([]))])
        #expect(accepted.packets.isEmpty)
    }

    @Test(.spec("RFC9260-3.3.7-6", "RFC9260-3.3.10.13-1"))
    func aReflectedTagSetsTheTBit() {
        // An INIT ACK with Initiate Tag 0 is answered with an ABORT reflecting the tag it came with.
        var (association, _) = SCTPStateRuleTests.waiting(seed: 411)
        let local = association.localVerificationTag
        let zeroTag = SCTPInitChunk(initiateTag: 0, advertisedReceiverWindowCredit: 100_000, outboundStreams: 5, inboundStreams: 5, initialTSN: 9,
                                    parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: [1, 2, 3, 4])])
        let out = SCTPScriptedPeer.deliver(&association, [.initiationAck(zeroTag)], tag: local, at: .zero)
        guard let bytes = out.bytes.first, bytes.count >= 16 else { Issue.record("no ABORT"); return }
        #expect(bytes[12] == SCTPChunkType.abort)
        #expect(out.packets.first?.verificationTag == local, "the tag it received")
        #expect(bytes[13] & 1 == 1, "T bit set")
        // With the peer's own tag (not reflected), T is clear: a protocol violation ABORT.
        var p = SCTPScriptedPeer(seed: 412)
        let violation = p.send([.selectiveAck(SCTPSackChunk(cumulativeTSNAck: p.firstTSN &+ 50, advertisedReceiverWindowCredit: 5000))])
        guard let abort = violation.bytes.first, abort.count >= 16 else { Issue.record("no ABORT"); return }
        #expect(abort[12] == SCTPChunkType.abort && abort[13] & 1 == 0)
        #expect(violation.packets.first?.verificationTag == p.peerTag)
        guard case .abort(_, let causes)? = violation.chunks.first else { return }
        #expect(causes.map(\.code) == [SCTPErrorCause.protocolViolation])
    }
}
