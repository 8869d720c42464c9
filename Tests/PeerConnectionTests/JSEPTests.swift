import DataChannel
import ICE
import PeerConnection
import RTCCrypto
import SDP
import SpecTesting
import Testing

@Suite struct JSEPTests {
    @Test(.spec("RFC8829-5.2.1-37", "RFC8829-5.3.1-27", "RFC8829-5.3.1-18", "RFC8829-5.5-2", "RFC8829-5.6-2", "RFC8829-5.6-3",
                "RFC8829-5.1.1-2"))
    func offerAndAnswerAsTextConnectAndCarryMessages() throws {
        var call = JSEPCall(seed: 21)
        let chat = try call.a.createDataChannel(label: "chat")
        #expect(call.a.next(at: .zero).isNegotiationNeeded)
        try call.negotiate()
        #expect(call.a.signalingState == .stable && call.b.signalingState == .stable)
        #expect(call.run { !JSEPCall.opened($0.eventsA).isEmpty && !JSEPCall.opened($0.eventsB).isEmpty })
        #expect(call.a.transport.state == .connected)
        let remote = try #require(JSEPCall.opened(call.eventsB).first)
        try call.a.send(.string("hello"), on: chat)
        try call.a.send(.binary([]), on: chat)
        #expect(call.run { JSEPCall.messages($0.eventsB, on: remote).count == 2 })
        #expect(JSEPCall.messages(call.eventsB, on: remote) == [.string("hello"), .binary([])])
        // Both sides agree on the mid and the answer kept it.
        #expect(call.a.currentRemoteDescription?.sections.first?.mid == call.a.currentLocalDescription?.sections.first?.mid)
    }

    @Test(.spec("RFC8829-5.2.1-1", "RFC8829-5.2.1-2", "RFC8829-5.2.1-4", "RFC8829-5.2.1-7", "RFC8829-5.2.1-9", "RFC8829-5.2.1-10",
                "RFC8829-5.2.1-11", "RFC8829-5.2.1-23", "RFC8829-5.2.1-24", "RFC8829-5.2.1-36", "RFC8829-5.2.1-38",
                "RFC8829-5.2.1-39", "RFC8829-5.2.1-40", "RFC8829-5.2.1-41", "RFC8829-5.2.1-42", "RFC8829-5.2.1-27"))
    func theOfferHasTheLinesJSEPRequires() throws {
        var call = JSEPCall(seed: 22)
        _ = try call.a.createDataChannel(label: "x")
        let offer = try call.a.createOffer()
        let lines = offer.sdp.components(separatedBy: "\r\n")
        #expect(lines[0] == "v=0")
        #expect(lines[1].hasPrefix("o=- "))
        let sessionID = try #require(UInt64(lines[1].split(separator: " ")[1]))
        #expect(sessionID < UInt64(Int64.max))
        #expect(lines[2] == "s=-")
        #expect(lines.contains("t=0 0"))
        #expect(!lines.contains { $0.hasPrefix("k=") })
        let mLine = try #require(lines.firstIndex { $0.hasPrefix("m=") })
        #expect(lines[mLine] == "m=application 9 UDP/DTLS/SCTP webrtc-datachannel")
        #expect(lines[mLine + 1] == "c=IN IP4 0.0.0.0")
        #expect(lines.contains("a=ice-options:trickle ice2"))
        #expect(lines.contains("a=setup:actpass"))
        #expect(lines.contains("a=mid:0"))
        #expect(lines.contains("a=sctp-port:5000"))
        #expect(lines.contains("a=group:BUNDLE 0"))
        #expect(lines.contains { $0.hasPrefix("a=fingerprint:sha-256 ") })
        // It parses back with the SDP module, unchanged.
        #expect(try SessionDescription(parsing: offer.sdp).serialized() == offer.sdp)
    }

    @Test(.spec("RFC8829-5.5-4", "RFC8829-5.6-4", "RFC8829-5.3.1-1", "RFC8829-5.7-1", "RFC8829-5.7-2"))
    func callsInTheWrongStateAreRefusedAndRollbackReturnsToStable() throws {
        var call = JSEPCall(seed: 23)
        _ = try call.a.createDataChannel(label: "x")
        #expect(throws: JSEPError.invalidState("createAnswer", .stable)) { try call.a.createAnswer() }
        let answerLike = RTCSessionDescription(type: .answer, sdp: try call.a.createOffer().sdp)
        #expect(throws: JSEPError.invalidState("setRemoteDescription(answer)", .stable)) {
            try call.a.setRemoteDescription(answerLike, at: .zero)
        }
        #expect(throws: JSEPError.invalidState("rollback", .stable)) {
            try call.a.setLocalDescription(RTCSessionDescription(type: .rollback, sdp: ""), at: .zero)
        }
        let offer = try call.a.createOffer()
        try call.a.setLocalDescription(offer, at: .zero)
        #expect(call.a.signalingState == .haveLocalOffer)
        #expect(throws: JSEPError.invalidState("setRemoteDescription(offer)", .haveLocalOffer)) {
            try call.a.setRemoteDescription(offer, at: .zero)
        }
        // Rolled back through setRemoteDescription: the same effect as through setLocalDescription.
        try call.a.setRemoteDescription(RTCSessionDescription(type: .rollback, sdp: ""), at: .zero)
        #expect(call.a.signalingState == .stable)
        #expect(call.a.pendingLocalDescription == nil)
        // B takes a remote offer, then rolls it back.
        try call.b.setRemoteDescription(offer, at: .zero)
        #expect(call.b.signalingState == .haveRemoteOffer)
        try call.b.setLocalDescription(RTCSessionDescription(type: .rollback, sdp: ""), at: .zero)
        #expect(call.b.signalingState == .stable && call.b.pendingRemoteDescription == nil)
    }

    @Test(.spec("RFC8829-5.5-5"))
    func aModifiedLocalDescriptionIsRefused() throws {
        var call = JSEPCall(seed: 24)
        _ = try call.a.createDataChannel(label: "x")
        var offer = try call.a.createOffer()
        offer.sdp = offer.sdp.replacingOccurrences(of: "a=sctp-port:5000", with: "a=sctp-port:5001")
        #expect(throws: JSEPError.modifiedDescription) { try call.a.setLocalDescription(offer, at: .zero) }
        #expect(call.a.signalingState == .stable)
    }

    @Test(.spec("RFC8829-5.6-5", "RFC8829-5.8-1", "RFC8829-5.10-1"))
    func malformedRemoteSDPIsRefusedAndNothingChanges() throws {
        var call = JSEPCall(seed: 25)
        _ = try call.a.createDataChannel(label: "x")
        let good = try call.a.createOffer().sdp
        for bad in [good.replacingOccurrences(of: "v=0", with: "v=1"),
                    good.replacingOccurrences(of: "a=setup:actpass", with: "a=setup:sideways"),
                    good.replacingOccurrences(of: "t=0 0", with: "t = 0 0")] {
            #expect(throws: JSEPError.self) { try call.b.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: bad), at: .zero) }
            #expect(call.b.signalingState == .stable && call.b.pendingRemoteDescription == nil)
        }
        // An offer without a fingerprint parses but breaks JSEP: an error, nothing applied.
        let noFingerprint = good.components(separatedBy: "\r\n").filter { !$0.hasPrefix("a=fingerprint") }.joined(separator: "\r\n")
        #expect(throws: JSEPError.self) { try call.b.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: noFingerprint), at: .zero) }
        #expect(call.b.signalingState == .stable)
    }

    @Test(.spec("RFC8829-5.3.1-9", "RFC8829-5.3.1-11", "RFC8829-5.3.1-13", "RFC8829-5.3.1-24", "RFC8829-5.3.1-28",
                "RFC8829-5.3.1-30", "RFC8829-5.3.1-31", "RFC8829-5.3.1-32", "RFC3264-6-3", "RFC8829-5.1.2-7", "RFC8829-5.2.1-45",
                "RFC8843-7.3.1-2", "RFC8829-5.1.2-4", "RFC8843-7.1.3-5"))
    func aBrowserOfferWithAudioAndDataIsAnsweredOnOneBundle() throws {
        var call = JSEPCall(seed: 26)
        // A browser-shaped offer: audio, then data, bundled, transport attributes at session level.
        let offer = [
            "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
            "a=ice-ufrag:EsAw", "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1",
            "a=fingerprint:sha-256 \(TestIdentity(seed: 1).fingerprint.description.dropFirst("sha-256 ".count))",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 13", "c=IN IP4 0.0.0.0", "a=setup:actpass", "a=mid:0", "a=sendrecv", "a=rtcp-mux",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:0 PCMU/8000", "a=rtpmap:13 CN/8000",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=setup:actpass", "a=mid:1", "a=sctp-port:5000",
            "a=candidate:1 1 udp 2130706431 127.0.0.1 40001 typ host", "",
        ].joined(separator: "\r\n")
        try call.b.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: offer), at: .zero)
        // The remote offer made a transceiver that receives.
        #expect(call.b.transceivers.map(\.mid) == ["0"] && call.b.transceivers.first?.direction == .recvonly)
        let answer = try call.b.createAnswer()
        let parsed = try SessionDescription(parsing: answer.sdp)
        #expect(parsed.media.count == 2)
        let audio = parsed.media[0], data = parsed.media[1]
        // Accepted, the offered codecs this side knows in the offered order (CN left out).
        #expect(audio.port == 9 && audio.proto == "UDP/TLS/RTP/SAVPF" && audio.formats == ["111", "0"])
        #expect(try audio.mid == "0" && audio.direction == .recvonly && audio.rtcpMux)
        #expect(try audio.extmaps.map(\.uri) == ["urn:ietf:params:rtp-hdrext:sdes:mid"] && audio.extmaps.first?.id == 4)
        // The transport attributes are at session level; the offerer-tagged audio section carries
        // the candidates; no bundled section repeats the transport attributes.
        #expect(try parsed.setup == .active && parsed.iceUfrag != nil && !parsed.fingerprints.isEmpty)
        #expect(try audio.iceUfrag == nil && audio.setup == nil)
        #expect(try data.iceUfrag == nil && data.setup == nil && !data.hasAttribute("bundle-only"))
        #expect(data.proto == "UDP/DTLS/SCTP" && data.formats == ["webrtc-datachannel"] && data.port == 9)
        #expect(try data.mid == "1")
        #expect(try parsed.bundleGroup?.identificationTags == ["0", "1"])
        try call.b.setLocalDescription(answer, at: .zero)
        call.pump()
        let withCandidates = try SessionDescription(parsing: call.b.localDescription!.sdp)
        #expect(withCandidates.media[0].hasAttribute("candidate") && !withCandidates.media[1].hasAttribute("candidate"))
        #expect(call.b.transceivers.first?.currentDirection == .recvonly)
        #expect(call.b.transceivers.first?.negotiatedCodecs.map(\.name) == ["opus", "PCMU"])
    }

    @Test(.spec("RFC8829-5.3.1-5", "RFC8829-4.1.1-4"))
    func mediaWithoutRTCPMuxOrACommonCodecIsRejected() throws {
        var call = JSEPCall(seed: 33)
        let offer = [
            "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1 2",
            "a=ice-ufrag:EsAw", "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1",
            "a=fingerprint:sha-256 \(TestIdentity(seed: 1).fingerprint.description.dropFirst("sha-256 ".count))", "a=setup:actpass",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=mid:0", "a=rtpmap:111 opus/48000/2",
            "m=video 9 UDP/TLS/RTP/SAVPF 100", "c=IN IP4 0.0.0.0", "a=mid:1", "a=rtcp-mux", "a=rtpmap:100 AV1/90000",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=mid:2", "a=sctp-port:5000", "",
        ].joined(separator: "\r\n")
        try call.b.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: offer), at: .zero)
        let parsed = try SessionDescription(parsing: try call.b.createAnswer().sdp)
        #expect(parsed.media.map(\.port) == [0, 0, 9])
        #expect(try parsed.bundleGroup?.identificationTags == ["2"])
    }
}

@Suite struct JSEPTransceiverTests {
    @Test(.spec("RFC8829-5.2.1-14", "RFC8829-5.2.1-18", "RFC8829-5.2.1-20", "RFC8829-5.2.1-22", "RFC8843-9.1-3", "RFC8843-7.2.1-1",
                "RFC8843-7.1.3-2"))
    func audioVideoAndDataOfferAsOneBundleAndConnect() throws {
        var call = JSEPCall(seed: 34, bundlePolicy: .maxBundle)
        let audio = try call.a.addTransceiver(.audio)
        _ = try call.a.addTransceiver(.video, direction: .sendonly)
        let chat = try call.a.createDataChannel(label: "chat")
        let offer = try call.a.createOffer()
        let parsed = try SessionDescription(parsing: offer.sdp)
        #expect(parsed.media.map(\.media) == ["audio", "video", "application"])
        #expect(parsed.media.map(\.port) == [9, 0, 0])
        #expect(parsed.media.map { $0.hasAttribute("bundle-only") } == [false, true, true])
        // The transport attributes sit at session level: no bundled section repeats them.
        #expect(try parsed.media.map { try $0.iceUfrag != nil } == [false, false, false])
        #expect(try parsed.iceUfrag != nil && parsed.setup == .actpass && !parsed.fingerprints.isEmpty)
        #expect(try parsed.bundleGroup?.identificationTags == ["0", "1", "2"])
        #expect(parsed.media[0].proto == "UDP/TLS/RTP/SAVPF" && parsed.media[0].formats == ["111", "0", "8"])
        #expect(try parsed.media[1].rtpMaps.map(\.encodingName) == ["VP8", "H264"])
        #expect(try parsed.media[1].direction == .sendonly)
        #expect(try parsed.media[0].extmaps.map(\.uri) == ["urn:ietf:params:rtp-hdrext:sdes:mid"])
        #expect(parsed.media[0].rtcpMux && parsed.media[0].rtcpMuxOnly)

        try call.a.setLocalDescription(offer, at: .zero)
        #expect(call.a.transceivers.first { $0.handle == audio }?.mid == "0")
        try call.b.setRemoteDescription(call.a.localDescription!, at: .zero)
        try call.b.setLocalDescription(try call.b.createAnswer(), at: .zero)
        try call.a.setRemoteDescription(call.b.localDescription!, at: .zero)
        // B's transceivers only receive: A's audio ends up sendonly, its video stays sendonly.
        #expect(call.a.transceivers.map(\.currentDirection) == [.sendonly, .sendonly])
        #expect(call.b.transceivers.map(\.currentDirection) == [.recvonly, .recvonly])
        #expect(call.run { JSEPCall.opened($0.eventsA).contains(chat) })
    }

    @Test(.spec("RFC8829-5.2.2-31", "RFC8829-5.2.2-13"))
    func aDataChannelAddedByARenegotiationOpensOverTheRunningTransport() throws {
        var call = JSEPCall(seed: 39, bundlePolicy: .maxBundle)
        _ = try call.a.addTransceiver(.audio)
        try call.negotiate()
        #expect(call.run { $0.a.transport.dtlsState == .connected && $0.b.transport.dtlsState == .connected })
        #expect(call.a.transport.sctp == nil)
        let chat = try call.a.createDataChannel(label: "late")
        let offer = try SessionDescription(parsing: try call.a.createOffer().sdp)
        // A section added to a running bundle: no bundle-only, no transport attributes of its own.
        #expect(offer.media.count == 2 && !offer.media[1].hasAttribute("bundle-only"))
        #expect(try offer.media[1].iceUfrag == nil)
        try call.negotiate()
        #expect(call.run { JSEPCall.opened($0.eventsA).contains(chat) && !JSEPCall.opened($0.eventsB).isEmpty })
    }

    @Test func balancedBundlingWithMediaIsRefusedPlainly() throws {
        var call = JSEPCall(seed: 35)
        _ = try call.a.addTransceiver(.audio)
        _ = try call.a.createDataChannel(label: "x")
        #expect(throws: JSEPError.self) { try call.a.createOffer() }
    }

    @Test(.spec("RFC8829-5.2.2-4", "RFC8829-5.2.2-6", "RFC8829-5.2.2-11"))
    func aStoppedTransceiversSectionIsRejectedThenRecycled() throws {
        var call = JSEPCall(seed: 36, bundlePolicy: .maxBundle)
        _ = try call.a.createDataChannel(label: "x")
        let audio = try call.a.addTransceiver(.audio)
        try call.negotiate()
        let audioMid = try #require(call.a.transceivers.first?.mid)
        call.a.stopTransceiver(audio)
        let second = try SessionDescription(parsing: try call.a.createOffer().sdp)
        #expect(second.media.map(\.port) == [9, 0] || second.media.map(\.port) == [0, 9])
        let audioIndex = try #require(second.media.firstIndex { $0.media == "audio" })
        #expect(second.media[audioIndex].port == 0)
        #expect(try second.media[audioIndex].mid == audioMid)
        try call.negotiate()
        // A new video transceiver takes the rejected audio section's place.
        _ = try call.a.addTransceiver(.video)
        let third = try SessionDescription(parsing: try call.a.createOffer().sdp)
        #expect(third.media.count == 2 && third.media[audioIndex].media == "video")
        #expect(try third.media[1 - audioIndex].mid == second.media[1 - audioIndex].mid)
    }

    @Test(.spec("RFC8829-5.7-3", "RFC8829-5.7-4"))
    func rollbackUndoesTransceiverAssociations() throws {
        var call = JSEPCall(seed: 37, bundlePolicy: .maxBundle)
        _ = try call.a.addTransceiver(.audio)
        let offer = try call.a.createOffer()
        try call.a.setLocalDescription(offer, at: .zero)
        #expect(call.a.transceivers.first?.mid == "0")
        try call.a.setLocalDescription(RTCSessionDescription(type: .rollback, sdp: ""), at: .zero)
        #expect(call.a.transceivers.first?.mid == nil)
        try call.b.setRemoteDescription(offer, at: .zero)
        #expect(call.b.transceivers.count == 1)
        try call.b.setRemoteDescription(RTCSessionDescription(type: .rollback, sdp: ""), at: .zero)
        #expect(call.b.transceivers.isEmpty)
    }
}

extension JSEPTests {
    @Test(.spec("RFC8838-13-6"))
    func trickledCandidatesConnectWithoutCandidatesInTheSDP() throws {
        var call = JSEPCall(seed: 27)
        _ = try call.a.createDataChannel(label: "x")
        // The descriptions go without candidates (made before any was added to them).
        let offer = try call.a.createOffer()
        try call.a.setLocalDescription(offer, at: .zero)
        try call.b.setRemoteDescription(offer, at: .zero)
        let answer = try call.b.createAnswer()
        try call.b.setLocalDescription(answer, at: .zero)
        try call.a.setRemoteDescription(answer, at: .zero)
        #expect(!offer.sdp.contains("a=candidate"))
        call.pump()
        // Each side's candidates trickle across, then end-of-candidates (an empty candidate).
        func trickles(_ events: [PeerConnectionEvent]) -> [ICECandidateInit] {
            events.compactMap {
                if case .localCandidate(let c) = $0 { return c }
                if case .endOfLocalCandidates = $0 { return ICECandidateInit(candidate: "", sdpMid: "0") }
                return nil
            }
        }
        for candidate in trickles(call.eventsA) { try call.b.addICECandidate(candidate, at: .zero) }
        for candidate in trickles(call.eventsB) { try call.a.addICECandidate(candidate, at: .zero) }
        #expect(trickles(call.eventsA).contains { $0.candidate.hasPrefix("candidate:") && $0.sdpMid == "0" })
        #expect(call.run { !JSEPCall.opened($0.eventsA).isEmpty })
        #expect(throws: JSEPError.self) { try call.a.addICECandidate(ICECandidateInit(candidate: "candidate:x", sdpMid: "9"), at: .zero) }
    }

    @Test(.spec("RFC8842-5.2-3"))
    func aClientHelloBeforeTheAnswerIsKeptNotDropped() throws {
        var call = JSEPCall(seed: 29)
        _ = try call.a.createDataChannel(label: "x")
        let offer = try call.a.createOffer()
        try call.a.setLocalDescription(offer, at: .zero)
        try call.b.setRemoteDescription(call.a.localDescription!, at: .zero)
        let answer = try call.b.createAnswer()
        try call.b.setLocalDescription(answer, at: .zero)
        // B's ICE connects (A answers checks without B's credentials) and B, the DTLS client,
        // sends its ClientHello while A has not seen the answer yet.
        call.run(limit: .milliseconds(100)) { _ in false }
        #expect(call.a.transport.dtls == nil)
        let answerApplied = call.now
        try call.a.setRemoteDescription(call.b.localDescription!, at: call.now)
        #expect(call.run { !JSEPCall.opened($0.eventsA).isEmpty })
        // Opened without waiting for B's one-second retransmission of the ClientHello.
        #expect(call.now - answerApplied < .milliseconds(500))
        #expect(call.a.transport.statistics.unclassifiedDropped == 0)
    }

    @Test(.spec("RFC8122-5.1-6"))
    func aFingerprintThatDoesNotMatchFailsTheConnection() throws {
        var call = JSEPCall(seed: 28)
        _ = try call.a.createDataChannel(label: "x")
        let offer = try call.a.createOffer()
        try call.a.setLocalDescription(offer, at: .zero)
        let wrong = TestIdentity(seed: 77).fingerprint.description
        let tampered = call.a.localDescription!.sdp.replacingOccurrences(
            of: call.a.configuration.transport.certificate.fingerprint(.sha256).description, with: wrong)
        try call.b.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: tampered), at: .zero)
        let answer = try call.b.createAnswer()
        try call.b.setLocalDescription(answer, at: .zero)
        try call.a.setRemoteDescription(call.b.localDescription!, at: .zero)
        #expect(call.run { $0.b.transport.state == .failed })
        #expect(call.b.transport.failureReason?.contains("fingerprint") == true)
    }
}

extension SimulatedOutput {
    var isNegotiationNeeded: Bool {
        if case .event(let event) = self, let event = event as? PeerConnectionEvent, event == .negotiationNeeded { return true }
        return false
    }
}

@Suite struct JSEPRenegotiationTests {
    static func line(_ prefix: String, in sdp: String) -> String? {
        sdp.components(separatedBy: "\r\n").first { $0.hasPrefix(prefix) }
    }

    @Test(.spec("RFC8839-4.4.1.1.1-3", "RFC8829-5.2.2-2", "RFC8829-5.2.2-3", "RFC8829-5.2.2-11", "RFC8829-5.2.2-12"))
    func anICERestartChangesBothCredentialsAndTheCallGoesOn() throws {
        var call = JSEPCall(seed: 31)
        let chat = try call.a.createDataChannel(label: "chat")
        try call.negotiate()
        #expect(call.run { !JSEPCall.opened($0.eventsA).isEmpty && !JSEPCall.opened($0.eventsB).isEmpty })
        let first = call.a.currentLocalDescription!.sdpText

        // A re-offer without a restart keeps the credentials, the mid and the o= version.
        let same = try call.a.createOffer(at: call.now)
        #expect(Self.line("a=ice-ufrag", in: same.sdp) == Self.line("a=ice-ufrag", in: first))
        #expect(Self.line("o=", in: same.sdp) == Self.line("o=", in: first))

        let restart = try call.a.createOffer(iceRestart: true, at: call.now)
        #expect(Self.line("a=ice-ufrag", in: restart.sdp) != Self.line("a=ice-ufrag", in: first))
        #expect(Self.line("a=ice-pwd", in: restart.sdp) != Self.line("a=ice-pwd", in: first))
        #expect(Self.line("a=mid", in: restart.sdp) == Self.line("a=mid", in: first))
        #expect(Self.line("s=", in: restart.sdp) == Self.line("s=", in: first) && Self.line("t=", in: restart.sdp) == Self.line("t=", in: first))
        let oldOrigin = Self.line("o=", in: first)!.split(separator: " "), newOrigin = Self.line("o=", in: restart.sdp)!.split(separator: " ")
        #expect(oldOrigin[1] == newOrigin[1] && UInt64(newOrigin[2]) == UInt64(oldOrigin[2])! + 1)

        try call.a.setLocalDescription(restart, at: call.now)
        let bUfragBefore = call.b.transport.ice.localCredentials
        try call.b.setRemoteDescription(call.a.localDescription!, at: call.now)
        let answer = try call.b.createAnswer(at: call.now)
        try call.b.setLocalDescription(answer, at: call.now)
        // The answerer restarts too.
        #expect(call.b.transport.ice.localCredentials != bUfragBefore)
        try call.a.setRemoteDescription(call.b.localDescription!, at: call.now)
        #expect(call.a.signalingState == .stable && call.b.signalingState == .stable)
        let remote = try #require(JSEPCall.opened(call.eventsB).first)
        try call.a.send(.string("after the restart"), on: chat)
        #expect(call.run { JSEPCall.messages($0.eventsB, on: remote) == [.string("after the restart")] })
        #expect(call.a.transport.state == .connected)
    }

    @Test func aRenegotiationNeitherGathersNorTricklesAgain() throws {
        var call = JSEPCall(seed: 38)
        _ = try call.a.createDataChannel(label: "x")
        try call.negotiate()
        #expect(call.run { !JSEPCall.opened($0.eventsA).isEmpty })
        try call.negotiate()
        call.pump()
        let trickled = call.eventsA.filter { if case .localCandidate = $0 { return true } else { return false } }
        let ends = call.eventsA.filter { $0 == .endOfLocalCandidates }
        #expect(trickled.count == 1 && ends.count == 1)
        #expect(call.a.signalingState == .stable && call.a.transport.state == .connected)
    }

    @Test func statisticsUseTheWebRTCStatsNames() throws {
        var call = JSEPCall(seed: 32)
        let chat = try call.a.createDataChannel(label: "chat")
        try call.negotiate()
        #expect(call.run { !JSEPCall.opened($0.eventsA).isEmpty })
        try call.a.send(.binary([1, 2, 3]), on: chat)
        // Nomination follows the first valid pair by the nomination delay.
        #expect(call.run { $0.a.transport.ice.selectedPair != nil && !JSEPCall.messages($0.eventsB, on: JSEPCall.opened($0.eventsB)[0]).isEmpty })
        let report = call.a.statistics(timestamp: 1000)
        let transport = try #require(report.first { $0.type == "transport" })
        #expect(transport["dtlsState"] == .string("connected"))
        #expect(transport["dtlsCipher"] == .string("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
        #expect(transport["dtlsRole"] == .string("server"))
        #expect(transport["iceRole"] == .string("controlling"))
        guard case .string(let pairID)? = transport["selectedCandidatePairId"] else { Issue.record("no selected pair"); return }
        let pair = try #require(report.first { $0.id == pairID })
        #expect(pair.type == "candidate-pair" && pair["nominated"] == .bool(true) && pair["state"] == .string("succeeded"))
        let channel = try #require(report.first { $0.type == "data-channel" })
        #expect(channel["label"] == .string("chat") && channel["messagesSent"] == .int(1) && channel["bytesSent"] == .int(3))
        #expect(channel["state"] == .string("open") && channel["dataChannelIdentifier"] == .int(1))
        let certificates = report.filter { $0.type == "certificate" }
        #expect(certificates.count == 2)
        #expect(report.first { $0.type == "peer-connection" }?["dataChannelsOpened"] == .int(1))
        // Every id a member names exists in the report.
        let ids = Set(report.map(\.id))
        for stats in report {
            for (name, value) in stats.values where name.hasSuffix("Id") {
                if case .string(let id) = value { #expect(ids.contains(id), "\(stats.id).\(name) names \(id)") }
            }
        }
    }
}
