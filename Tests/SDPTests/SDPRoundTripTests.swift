import SpecTesting
import Testing
@testable import SDP

/// Parsing then serializing gives back the input, for browser and hand-written offers.
@Suite struct SDPRoundTripTests {
    @Test(.spec("RFC8866-5-2"), .spec("RFC8866-5-4"), .spec("RFC8866-5.13-4"))
    func safariOfferRoundTripsByteForByte() throws {
        let text = try SDPTestInputs.vector("safari_offer.sdp")
        let description = try SessionDescription(parsing: text)
        #expect(description.serialized() == text)
        #expect(description.media.map(\.media) == ["audio", "video", "application"])
        // Unknown attributes are kept, not dropped.
        #expect(description.attributes.contains(SDPAttribute(name: "msid-semantic", value: " WMS")))
        #expect(description.media[2].formats == ["webrtc-datachannel"])
    }

    @Test(.spec("RFC8866-5-5"))
    func firefoxOfferWithLFEndsParsesAndSerializesWithCRLF() throws {
        let text = try SDPTestInputs.vector("firefox_152_simulcast_offer.sdp")
        #expect(!text.contains("\r"))
        let description = try SessionDescription(parsing: text)
        let expected = text.split(separator: "\n").map { $0 + "\r\n" }.joined()
        #expect(description.serialized() == expected)
        #expect(try SessionDescription(parsing: expected) == description)
        #expect(description.origin.username == "mozilla...THIS_IS_SDPARTA-99.0")
    }

    @Test func handWrittenOffersRoundTrip() throws {
        for text in [SDPTestInputs.chromeDataChannelOffer, SDPTestInputs.aiortcStyleOffer, SDPTestInputs.minimal] {
            let description = try SessionDescription(parsing: text)
            #expect(description.serialized() == text)
            #expect(Array(description.serialized().utf8) == Array(text.utf8))
        }
    }

    @Test func parsesFromBytes() throws {
        let bytes = Array(SDPTestInputs.chromeDataChannelOffer.utf8)
        #expect(try SessionDescription(parsing: bytes) == SessionDescription(parsing: SDPTestInputs.chromeDataChannelOffer))
    }

    @Test func lastLineWithoutLineEndIsAccepted() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0"
        let description = try SessionDescription(parsing: text)
        #expect(description.serialized() == text + "\r\n")
    }

    @Test func everySessionFieldRoundTrips() throws {
        let text = SDPTestInputs.crlf([
            "v=0",
            "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1",
            "s=Call to John Smith",
            "i=SDP Offer #1",
            "u=http://www.jdoe.example.com/home.html",
            "e=Jane Doe <jane@jdoe.example.com>",
            "e=jdoe@example.org (Jane Doe)",
            "p=+1 617 555-6011",
            "c=IN IP4 233.252.0.1/127/2",
            "b=CT:1000",
            "b=X-YZ:128",
            "t=3724394400 3724398000",
            "r=7d 1h 0 25h",
            "z=3730928400 -1h 3749680800 0",
            "t=0 0",
            "k=prompt",
            "a=recvonly",
            "m=audio 49170 RTP/AVP 0",
            "i=voice",
            "c=IN IP6 ff15::101/3",
            "c=IN IP6 ff15::201",
            "b=AS:64",
            "k=clear:secret",
            "m=video 51372/2 RTP/AVP 99",
            "c=IN IP4 233.252.0.2/64",
            "a=rtpmap:99 h263-1998/90000",
        ])
        let description = try SessionDescription(parsing: text)
        #expect(description.serialized() == text)
        #expect(description.information == "SDP Offer #1")
        #expect(description.uri == "http://www.jdoe.example.com/home.html")
        #expect(description.emails.count == 2)
        #expect(description.phones == ["+1 617 555-6011"])
        #expect(description.connection == SDPConnection(address: "233.252.0.1", ttl: 127, numberOfAddresses: 2))
        #expect(description.timings.count == 2)
        #expect(description.timings[0].repeats == ["7d 1h 0 25h"])
        #expect(description.timings[0].zoneAdjustments == "3730928400 -1h 3749680800 0")
        #expect(description.key == "prompt")
        #expect(description.media[0].information == "voice")
        #expect(description.media[0].connections[0].numberOfAddresses == 3)
        #expect(description.media[0].connections[0].ttl == nil)
        #expect(description.media[0].key == "clear:secret")
        #expect(description.media[1].port == 51372)
        #expect(description.media[1].numberOfPorts == 2)
    }

    @Test(.spec("RFC8866-5.8-7"))
    func unknownBandwidthTypeIsKept() throws {
        let text = SDPTestInputs.minimal.replacingOccurrences(of: "t=0 0", with: "b=FOO:12\r\nt=0 0")
        let description = try SessionDescription(parsing: text)
        #expect(description.bandwidths == [SDPBandwidth(type: "FOO", value: 12)])
        #expect(!description.bandwidths[0].isKnownType)
        #expect(description.serialized() == text)
    }

    /// A description built in code, as JSEP will, serializes to the expected text and parses back.
    @Test func builtDescriptionSerializes() throws {
        var offer = SessionDescription(origin: SDPOrigin(sessionID: 4_611_731_400_430_051_336, sessionVersion: 2))
        offer.append(SDPGroup(semantics: "BUNDLE", identificationTags: ["0"]))
        offer.appendFlag("extmap-allow-mixed")
        var data = MediaDescription(media: "application", proto: "UDP/DTLS/SCTP", formats: ["webrtc-datachannel"])
        data.append(SDPCandidate(foundation: "1467250027", priority: 2_122_260_223, address: "192.168.0.196", port: 46243,
                                 type: .host, extensions: [.init(name: "generation", value: "0"), .init(name: "network-id", value: "1")]))
        data.append(SDPCandidate(foundation: "1853887674", priority: 1_518_280_447, address: "203.0.113.7", port: 36768, type: .srflx,
                                 relatedAddress: "192.168.0.196", relatedPort: 46243,
                                 extensions: [.init(name: "generation", value: "0"), .init(name: "network-id", value: "1")]))
        data.append(SDPCandidate(foundation: "2157334355", transport: "tcp", priority: 1_518_214_911, address: "192.168.0.196", port: 9,
                                 type: .host, tcpType: .active,
                                 extensions: [.init(name: "generation", value: "0"), .init(name: "network-id", value: "1")]))
        data.append(SDPCandidate(foundation: "3006209245", priority: 2_122_262_783, address: "7c9a1d3e-2f4b-4c1a-9d4e-0a1b2c3d4e5f.local",
                                 port: 51234, type: .host,
                                 extensions: [.init(name: "generation", value: "0"), .init(name: "network-id", value: "2")]))
        data.appendFlag("end-of-candidates")
        data.append(SDPICEUfrag("Hm9X"))
        data.append(SDPICEPwd("w3dwSmZ2hLIzPXHv5KX3o7Ok"))
        data.append(SDPICEOptions(["trickle"]))
        data.append(SDPFingerprint(bytes: (0..<32).map { UInt8([0x0A, 0x1B, 0x2C, 0x3D, 0x4E, 0x5F, 0x60, 0x71, 0x82, 0x93, 0xA4, 0xB5, 0xC6, 0xD7, 0xE8, 0xF9][$0 % 16]) }))
        data.append(SDPSetupRole.actpass)
        data.append(SDPMid("0"))
        data.append(SDPSCTPPort(5000))
        data.append(SDPMaxMessageSize(262_144))
        offer.media.append(data)
        var expected = SDPTestInputs.chromeDataChannelOffer
        expected = expected.replacingOccurrences(of: "a=msid-semantic: WMS\r\n", with: "")
        #expect(offer.serialized() == expected)
        #expect(try SessionDescription(parsing: offer.serialized()) == offer)
        #expect(offer.description == expected)
    }

    @Test func replaceAndRemoveAttributes() throws {
        var media = MediaDescription(media: "audio", proto: "UDP/TLS/RTP/SAVPF", formats: ["111"])
        media.append(SDPMid("a"))
        media.append(SDPSetupRole.actpass)
        media.replace(with: SDPSetupRole.active)
        media.replace(with: SDPSCTPPort(5000))
        #expect(media.attributes.map(\.description) == ["mid:a", "setup:active", "sctp-port:5000"])
        media.removeAttributes(named: "sctp-port")
        #expect(try media.setup == .active)
        #expect(!media.hasAttribute("sctp-port"))
        #expect(media.mediaLine == "audio 9 UDP/TLS/RTP/SAVPF 111")
    }

    @Test func sessionVersionAndMidLookup() throws {
        let offer = try SessionDescription(parsing: SDPTestInputs.aiortcStyleOffer)
        #expect(offer.origin.sessionVersionNumber == 3_906_234_129)
        #expect(offer.media(withMid: "1")?.media == "application")
        #expect(offer.media(withMid: "9") == nil)
    }
}
