import DataChannel
import PeerConnection
import SDP
import SpecTesting
import Testing

/// The offer/answer rules of RFC 8841 (SCTP), 8842 (DTLS), 8843 (BUNDLE) and 8839 (ICE) as JSEP
/// applies them to the data m-section.
@Suite struct JSEPRuleTests {
    static func edit(_ sdp: String, _ change: ([String]) -> [String]) -> String {
        change(sdp.components(separatedBy: "\r\n").filter { !$0.isEmpty }).joined(separator: "\r\n") + "\r\n"
    }

    static func value(_ prefix: String, in sdp: String) -> String? {
        sdp.components(separatedBy: "\r\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    @Test(.spec("RFC8842-4-2", "RFC8842-5.2-2", "RFC8842-5.5-4", "RFC8842-5.3-6", "RFC8842-5.2-1", "RFC8842-5.3-1",
                "RFC8839-4.3.2-2", "RFC8839-4.3.2-5", "RFC8841-10.3-1", "RFC8841-10.3-2", "RFC8841-10.3-3", "RFC8839-4.2.1.4-2",
                "RFC8839-4.2.1.5-1", "RFC8839-4.3.1-2", "RFC8841-10.2-1", "RFC8841-10.2-2", "RFC8841-10.1-1"))
    func offersAndAnswersCarryTheTransportAttributes() throws {
        var call = JSEPCall(seed: 41)
        _ = try call.a.createDataChannel(label: "x")
        let offer = try call.a.createOffer()
        let tlsID = try #require(Self.value("a=tls-id:", in: offer.sdp))
        #expect(tlsID.count == 32 && tlsID.allSatisfy(\.isHexDigit))
        #expect(Self.value("a=setup:", in: offer.sdp) == "actpass" && Self.value("a=fingerprint:", in: offer.sdp) != nil)
        #expect(Self.value("a=ice-ufrag:", in: offer.sdp) != nil && Self.value("a=ice-pwd:", in: offer.sdp) != nil)
        #expect(Self.value("a=ice-options:", in: offer.sdp)?.contains("ice2") == true)
        #expect(Self.value("a=sctp-port:", in: offer.sdp) == "5000" && Self.value("a=ice-lite", in: offer.sdp) == nil)
        // A later offer for the same DTLS association keeps the tls-id.
        #expect(Self.value("a=tls-id:", in: try call.a.createOffer().sdp) == tlsID)

        try call.b.setRemoteDescription(offer, at: .zero)
        let answer = try call.b.createAnswer()
        #expect(Self.value("m=", in: answer.sdp) == "application 9 UDP/DTLS/SCTP webrtc-datachannel")
        #expect(Self.value("a=setup:", in: answer.sdp) == "active" && Self.value("a=fingerprint:", in: answer.sdp) != nil)
        #expect(Self.value("a=ice-options:", in: answer.sdp)?.contains("ice2") == true)
        #expect(Self.value("a=ice-ufrag:", in: answer.sdp) != nil && Self.value("a=sctp-port:", in: answer.sdp) == "5000")
        #expect(Self.value("a=tls-id:", in: answer.sdp) != nil && Self.value("a=tls-id:", in: answer.sdp) != tlsID)

        // An offer without tls-id (an older stack) is answered without one.
        var other = JSEPCall(seed: 42)
        let stripped = Self.edit(offer.sdp) { $0.filter { !$0.hasPrefix("a=tls-id") } }
        try other.b.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: stripped), at: .zero)
        #expect(Self.value("a=tls-id:", in: try other.b.createAnswer().sdp) == nil)
    }

    @Test(.spec("RFC8841-5.1-1", "RFC8829-5.3.1-2", "RFC8841-10.3-12", "RFC8841-10.3-13", "RFC8841-10.4-6",
                "RFC8843-7.3.3-2", "RFC8843-7.3.3-3", "RFC8843-7.3.3-4", "RFC8843-14.2-1", "RFC8839-4.4.1.1.2-1"))
    func aDataSectionWithoutSCTPPortIsRejectedAndNothingStarts() throws {
        var call = JSEPCall(seed: 43)
        _ = try call.a.createDataChannel(label: "x")
        try call.a.setLocalDescription(try call.a.createOffer(), at: .zero)
        let offer = Self.edit(call.a.localDescription!.sdp) { $0.filter { !$0.hasPrefix("a=sctp-port") } }
        try call.b.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: offer), at: .zero)
        let answer = try call.b.createAnswer()
        let parsed = try SessionDescription(parsing: answer.sdp)
        #expect(parsed.media.count == 1 && parsed.media[0].port == 0)
        #expect(!parsed.media[0].hasAttribute("bundle-only") && !parsed.media[0].hasAttribute("candidate"))
        #expect(try parsed.bundleGroup == nil)
        try call.b.setLocalDescription(answer, at: .zero)
        try call.a.setRemoteDescription(call.b.localDescription!, at: .zero)
        call.run(limit: .seconds(2)) { _ in false }
        #expect(call.a.transport.parameters == nil && call.a.transport.dtls == nil)
        #expect(call.b.transport.parameters == nil && call.b.transport.dtls == nil)
    }

    @Test(.spec("RFC8841-9.5-1", "RFC8842-5.1-5"))
    func holdconnIsRefused() throws {
        var call = JSEPCall(seed: 44)
        _ = try call.a.createDataChannel(label: "x")
        let offer = try call.a.createOffer().sdp.replacingOccurrences(of: "a=setup:actpass", with: "a=setup:holdconn")
        #expect(throws: JSEPError.invalidDescription("a=setup:holdconn on a DTLS m-section")) {
            try call.b.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: offer), at: .zero)
        }
    }

    @Test(.spec("RFC8843-7.4-1"))
    func anAnswerThatBundlesAnUnofferedMidIsRefused() throws {
        var call = JSEPCall(seed: 45)
        _ = try call.a.createDataChannel(label: "x")
        let offer = try call.a.createOffer()
        try call.a.setLocalDescription(offer, at: .zero)
        try call.b.setRemoteDescription(offer, at: .zero)
        let answer = try call.b.createAnswer().sdp.replacingOccurrences(of: "a=group:BUNDLE 0", with: "a=group:BUNDLE 0 7")
        #expect(throws: JSEPError.self) { try call.a.setRemoteDescription(RTCSessionDescription(type: .answer, sdp: answer), at: .zero) }
        #expect(call.a.signalingState == .haveLocalOffer)
    }

    @Test(.spec("RFC8841-10.3-5", "RFC8841-10.3-10", "RFC8841-10.4-4"))
    func anSCTPPortOfZeroMeansNoAssociation() throws {
        var call = JSEPCall(seed: 46)
        _ = try call.a.createDataChannel(label: "x")
        try call.a.setLocalDescription(try call.a.createOffer(), at: .zero)
        let offer = call.a.localDescription!.sdp.replacingOccurrences(of: "a=sctp-port:5000", with: "a=sctp-port:0")
        try call.b.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: offer), at: .zero)
        let answer = try call.b.createAnswer()
        #expect(Self.value("a=sctp-port:", in: answer.sdp) == "0")
        try call.b.setLocalDescription(answer, at: .zero)
        try call.a.setRemoteDescription(call.b.localDescription!, at: .zero)
        #expect(call.run { $0.a.transport.dtlsState == .connected && $0.b.transport.dtlsState == .connected })
        call.run(limit: .seconds(1)) { _ in false }
        #expect(call.a.transport.sctp == nil && call.b.transport.sctp == nil)
    }

    @Test(.spec("RFC8841-9.2-1"))
    func directionAttributesOnTheDataSectionAreIgnored() throws {
        var call = JSEPCall(seed: 47)
        _ = try call.a.createDataChannel(label: "x")
        try call.a.setLocalDescription(try call.a.createOffer(), at: .zero)
        let offer = Self.edit(call.a.localDescription!.sdp) { lines in
            lines.flatMap { $0.hasPrefix("a=mid:") ? [$0, "a=inactive"] : [$0] }
        }
        try call.b.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: offer), at: .zero)
        try call.b.setLocalDescription(try call.b.createAnswer(), at: .zero)
        try call.a.setRemoteDescription(call.b.localDescription!, at: .zero)
        #expect(call.run { !JSEPCall.opened($0.eventsA).isEmpty && !JSEPCall.opened($0.eventsB).isEmpty })
    }

    @Test(.spec("RFC8829-5.3.1-26", "RFC8842-5.4-1", "RFC8842-5.4-2"))
    func anActiveOfferMakesThePassiveAnswererTheServer() throws {
        var call = JSEPCall(seed: 48)
        let channel = try call.a.createDataChannel(label: "x")
        try call.a.setLocalDescription(try call.a.createOffer(), at: .zero)
        // A non-JSEP offerer that insists on being the DTLS client.
        let offer = call.a.localDescription!.sdp.replacingOccurrences(of: "a=setup:actpass", with: "a=setup:active")
        try call.b.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: offer), at: .zero)
        let answer = try call.b.createAnswer()
        #expect(Self.value("a=setup:", in: answer.sdp) == "passive")
        try call.b.setLocalDescription(answer, at: .zero)
        try call.a.setRemoteDescription(call.b.localDescription!, at: .zero)
        #expect(call.a.transport.parameters?.dtlsRole == .client && call.b.transport.parameters?.dtlsRole == .server)
        #expect(call.run { JSEPCall.opened($0.eventsA).contains(channel) })
        // The DTLS client opens even streams (RFC 8832 §6).
        #expect(call.a.transport.streamIdentifier(of: channel).map { $0 % 2 } == 0)
    }

    @Test(.spec("RFC8839-4.3.1-1"))
    func theLocalDescriptionCarriesTheGatheredCandidates() throws {
        var call = JSEPCall(seed: 49)
        _ = try call.a.createDataChannel(label: "x")
        try call.a.setLocalDescription(try call.a.createOffer(), at: .zero)
        call.pump()
        let sdp = call.a.localDescription!.sdp
        #expect(Self.value("a=candidate:", in: sdp)?.contains("127.0.0.1 40001 typ host") == true)
        #expect(sdp.contains("a=end-of-candidates"))
        #expect(Self.value("c=", in: sdp) == "IN IP4 127.0.0.1" && Self.value("m=", in: sdp)?.hasPrefix("application 40001 ") == true)
    }
}
