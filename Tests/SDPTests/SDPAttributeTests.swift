import SpecTesting
import Testing
@testable import SDP

/// The typed accessors, on the browser offers and on hand-made values, and their errors.
@Suite struct SDPAttributeTests {
    static func media(_ attributes: [String]) -> MediaDescription {
        var media = MediaDescription(media: "video", proto: "UDP/TLS/RTP/SAVPF", formats: ["96"])
        media.attributes = attributes.map { line in
            guard let colon = line.firstIndex(of: ":") else { return SDPAttribute(name: line) }
            return SDPAttribute(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]))
        }
        return media
    }

    func malformed<T>(_ body: () throws(SDPAttributeError) -> T) -> Bool {
        do {
            _ = try body()
            return false
        } catch {
            if case .malformed = error { return true }
            return false
        }
    }

    @Test func safariOfferAccessors() throws {
        let offer = try SessionDescription(parsing: try SDPTestInputs.vector("safari_offer.sdp"))
        #expect(try offer.bundleGroup == SDPGroup(semantics: "BUNDLE", identificationTags: ["0", "1", "2"]))
        #expect(offer.extmapAllowMixed)
        let audio = offer.media[0]
        #expect(try audio.iceUfrag == "A4sp")
        #expect(try audio.icePwd == "NtRew5Uit024CmNLovX4++t4")
        #expect(try audio.iceOptions == ["trickle"])
        #expect(try audio.setup == .actpass)
        #expect(try audio.mid == "0")
        #expect(try audio.direction == .sendrecv)
        #expect(audio.rtcpMux && audio.rtcpRsize && !audio.rtcpMuxOnly)
        #expect(try audio.rtcp == SDPRTCP(port: 9, connection: SDPConnection()))
        let fingerprint = try #require(try audio.fingerprints.first)
        #expect(fingerprint.hashFunction == "sha-256")
        #expect(fingerprint.bytes.count == 32)
        #expect(fingerprint.bytes.prefix(3) == [0x6E, 0x52, 0xCA])
        #expect(fingerprint.isPermittedHashFunction)
        #expect(try audio.extmaps.count == 4)
        #expect(try audio.extmaps[3] == SDPExtmap(id: 4, uri: "urn:ietf:params:rtp-hdrext:sdes:mid"))
        #expect(try audio.rtpMap(for: 111) == SDPRTPMap(payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2))
        #expect(try audio.rtpMap(for: 0) == SDPRTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000))
        let opus = try #require(try audio.formatParameters(for: "111"))
        #expect(opus.parameter("useinbandfec") == "1")
        #expect(opus.parameter("MINPTIME") == "10")
        #expect(try audio.rtcpFeedback == [SDPRTCPFeedback(format: "111", type: "transport-cc")])
        #expect(try audio.ssrcs == [SDPSSRC(ssrc: 4_124_696_349, attribute: "cname", value: "c5QoiALq+DrR4NJX"),
                                    SDPSSRC(ssrc: 4_124_696_349, attribute: "msid", value: "- 1fe7f7a4-05c4-4f29-821f-5370abde4a42")])
        #expect(try audio.msids == [SDPMsid(id: "-", appData: "1fe7f7a4-05c4-4f29-821f-5370abde4a42")])
        let video = offer.media[1]
        #expect(try video.ssrcGroups == [SDPSSRCGroup(semantics: "FID", ssrcs: [1_698_465_521, 1_478_334_356])])
        #expect(try video.rtcpFeedback.contains(SDPRTCPFeedback(format: "96", type: "nack", parameters: "pli")))
        #expect(try video.formatParameters(for: "97")?.parameterList == [.init(name: "apt", value: "96")])
        let data = offer.media[2]
        #expect(try data.sctpPort == 5000)
        #expect(try data.maxMessageSize == 262_144)
        #expect(try data.candidates.isEmpty)
    }

    @Test func firefoxSimulcastAccessors() throws {
        let offer = try SessionDescription(parsing: try SDPTestInputs.vector("firefox_152_simulcast_offer.sdp"))
        #expect(try offer.direction == .sendrecv)
        #expect(try offer.fingerprints.count == 1)
        let video = offer.media[0]
        #expect(try video.rids.map(\.id) == ["h", "m", "l"])
        #expect(try video.rids.allSatisfy { $0.direction == .send && $0.restrictions.isEmpty })
        #expect(try video.simulcast == SDPSimulcast(send: [[.init(rid: "h")], [.init(rid: "m")], [.init(rid: "l")]]))
        #expect(try video.extmaps.first { $0.id == 6 } == SDPExtmap(id: 6, direction: .recvonly, uri: "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"))
        #expect(try video.msids.first?.appData == "{aea1c6e2-84b9-4fa0-b786-abff665a9575}")
        #expect(try video.ssrcGroups.count == 3)
        let audio = offer.media[1]
        #expect(try audio.rtpMap(for: 9)?.channels == 1)
        #expect(try audio.formatParameters(for: "101")?.parameterList == [.init(name: "0-15")])
        #expect(try audio.formatParameters(for: "109")?.parameter("stereo") == "1")
        #expect(try audio.effectiveDirection(in: offer) == .sendrecv)
    }

    @Test(.spec("RFC8839-5.1-10"))
    func candidates() throws {
        let offer = try SessionDescription(parsing: SDPTestInputs.chromeDataChannelOffer)
        let candidates = try offer.media[0].candidates
        #expect(candidates.count == 4)
        #expect(candidates[0] == SDPCandidate(foundation: "1467250027", priority: 2_122_260_223, address: "192.168.0.196", port: 46243, type: .host,
                                              extensions: [.init(name: "generation", value: "0"), .init(name: "network-id", value: "1")]))
        #expect(candidates[1].type == .srflx)
        #expect(candidates[1].relatedAddress == "192.168.0.196")
        #expect(candidates[1].relatedPort == 46243)
        #expect(candidates[1].extensionValue("network-id") == "1")
        #expect(candidates[2].tcpType == .active)
        #expect(!candidates[2].isUDP && candidates[0].isUDP)
        #expect(candidates[3].address.hasSuffix(".local"))
        #expect(offer.media[0].endOfCandidates)
        for candidate in candidates {
            #expect(try SDPCandidate(sdpValue: candidate.sdpValue) == candidate)
            #expect(try SDPCandidate(candidateLine: candidate.candidateLine) == candidate)
            #expect(try SDPCandidate(candidateLine: "a=" + candidate.candidateLine) == candidate)
        }
        let relay = try SDPCandidate(sdpValue: "3 2 UDP 41885439 198.51.100.9 3478 typ relay raddr 203.0.113.7 rport 5000 unknown-ext whatever")
        #expect(relay.component == 2 && relay.type == .relay && relay.extensions == [.init(name: "unknown-ext", value: "whatever")])
        #expect(try SDPCandidate(sdpValue: "1 1 udp 1 ::1 9 typ weird").type == .other("weird"))
        for bad in ["1 1 udp 1 1.2.3.4 9 typ", "1 0 udp 1 1.2.3.4 9 typ host", "1 257 udp 1 1.2.3.4 9 typ host",
                    "1 1 udp 4294967296 1.2.3.4 9 typ host", "1 1 udp 1 1.2.3.4 65536 typ host", "1 1 udp 1 1.2.3.4 9 type host",
                    "f-o 1 udp 1 1.2.3.4 9 typ host", String(repeating: "a", count: 33) + " 1 udp 1 1.2.3.4 9 typ host",
                    "1 1 udp 1 1.2.3.4 9 typ srflx raddr 1.2.3.4 rport x", "1 1 udp 1 1.2.3.4 9 typ host generation",
                    "1 1 udp 1 1.2.3.4 9 typ host  generation 0", "1 1 u(p 1 1.2.3.4 9 typ host"] {
            #expect(malformed { () throws(SDPAttributeError) in try SDPCandidate(sdpValue: bad) }, "\(bad)")
        }
    }

    @Test(.spec("RFC8839-5.4-4"), .spec("RFC8839-5.4-5"))
    func iceCredentials() throws {
        let long = String(repeating: "a", count: 256)
        #expect(try Self.media(["ice-ufrag:" + long]).iceUfrag == long)
        #expect(try Self.media(["ice-pwd:" + long]).icePwd == long)
        #expect(malformed { () throws(SDPAttributeError) in try Self.media(["ice-ufrag:" + long + "a"]).iceUfrag })
        #expect(malformed { () throws(SDPAttributeError) in try Self.media(["ice-ufrag:abc"]).iceUfrag })
        #expect(malformed { () throws(SDPAttributeError) in try Self.media(["ice-ufrag:ab-cd"]).iceUfrag })
        #expect(malformed { () throws(SDPAttributeError) in try Self.media(["ice-pwd:tooShort"]).icePwd })
        #expect(throws: SDPAttributeError.missingValue(attribute: "ice-ufrag")) { try Self.media(["ice-ufrag"]).iceUfrag }
        #expect(throws: SDPAttributeError.duplicate(attribute: "ice-ufrag", value: "efgh")) { try Self.media(["ice-ufrag:abcd", "ice-ufrag:efgh"]).iceUfrag }
        #expect(try Self.media(["ice-options:trickle ice2"]).iceOptions == ["trickle", "ice2"])
        #expect(malformed { () throws(SDPAttributeError) in try Self.media(["ice-options:google-ice"]).iceOptions })
        #expect(Self.media(["ice-lite"]).iceLite)
        #expect(!Self.media([]).iceLite)
    }

    @Test(.spec("RFC8122-5-2"))
    func fingerprints() throws {
        let media = Self.media(["fingerprint:sha-256 AB:CD", "fingerprint:SHA-1 01", "fingerprint:md5 00:FF"])
        let all = try media.fingerprints
        #expect(all.map(\.bytes) == [[0xAB, 0xCD], [0x01], [0x00, 0xFF]])
        #expect(all.map(\.isPermittedHashFunction) == [true, true, false])
        #expect(SDPFingerprint(hashFunction: "md2", bytes: [1]).isPermittedHashFunction == false)
        #expect(all[0].sdpValue == "sha-256 AB:CD")
        for bad in ["sha-256 ab:cd", "sha-256 ABC", "sha-256 AB:", "sha-256", "sha-256 AB CD", "sha-256 G0"] {
            #expect(malformed { () throws(SDPAttributeError) in try SDPFingerprint(sdpValue: bad) }, "\(bad)")
        }
    }

    @Test func setupMidAndGroups() throws {
        for role in SDPSetupRole.allCases {
            #expect(try Self.media(["setup:" + role.rawValue]).setup == role)
        }
        #expect(malformed { () throws(SDPAttributeError) in try Self.media(["setup:client"]).setup })
        #expect(try Self.media(["mid:audio"]).mid == "audio")
        #expect(malformed { () throws(SDPAttributeError) in try Self.media(["mid:a b"]).mid })
        let session = Self.media(["group:LS 1 2", "group:BUNDLE a b", "group:BUNDLE"])
        #expect(try session.groups.count == 3)
        #expect(try session.bundleGroup?.identificationTags == ["a", "b"])
        #expect(try SDPGroup(sdpValue: "BUNDLE").identificationTags.isEmpty)
        #expect(malformed { () throws(SDPAttributeError) in try SDPGroup(sdpValue: "BUNDLE  0") })
        #expect(malformed { () throws(SDPAttributeError) in try SDPGroup(sdpValue: "") })
    }

    @Test(.spec("RFC8285-4.1.2-3"), .spec("RFC8285-5-2"), .spec("RFC8285-7-3"))
    func extmaps() throws {
        let mapped = try SDPExtmap(sdpValue: "4096/sendonly urn:example:x attr1 attr2")
        #expect(mapped == SDPExtmap(id: 4096, direction: .sendonly, uri: "urn:example:x", extensionAttributes: "attr1 attr2"))
        #expect(mapped.sdpValue == "4096/sendonly urn:example:x attr1 attr2")
        #expect(try SDPExtmap(sdpValue: "255 urn:x").id == 255)
        for bad in ["0 urn:x", "256 urn:x", "4352 urn:x", "1/both urn:x", "1", "x urn:x", "1 ", "1 urn:x "] {
            #expect(malformed { () throws(SDPAttributeError) in try SDPExtmap(sdpValue: bad) }, "\(bad)")
        }
        #expect(throws: SDPAttributeError.duplicate(attribute: "extmap", value: "1 urn:y")) { try Self.media(["extmap:1 urn:x", "extmap:1 urn:y"]).extmaps }
        // Offered alternatives may share an ID in 4096-4351.
        #expect(try Self.media(["extmap:4096 urn:x", "extmap:4096 urn:y"]).extmaps.count == 2)
        #expect(Self.media(["extmap-allow-mixed"]).extmapAllowMixed)
    }

    @Test(.spec("RFC8866-6.6-2"))
    func rtpMapsAndFormatParameters() throws {
        #expect(try SDPRTPMap(sdpValue: "96 VP8/90000") == SDPRTPMap(payloadType: 96, encodingName: "VP8", clockRate: 90000))
        #expect(try SDPRTPMap(sdpValue: "111 opus/48000/2").sdpValue == "111 opus/48000/2")
        for bad in ["128 x/1", "96 VP8", "96 VP8/x", "96 VP8/1/x", "96 VP8/1/2/3", "96  VP8/90000", "96"] {
            #expect(malformed { () throws(SDPAttributeError) in try SDPRTPMap(sdpValue: bad) }, "\(bad)")
        }
        let fmtp = try SDPFormatParameters(sdpValue: "96 profile-level-id=42e01f; packetization-mode=1;level-asymmetry-allowed=1")
        #expect(fmtp.parameterList.map(\.name) == ["profile-level-id", "packetization-mode", "level-asymmetry-allowed"])
        #expect(fmtp.parameter("packetization-mode") == "1")
        #expect(fmtp.parameter("absent") == nil)
        let built = SDPFormatParameters(format: "111", parameterList: [.init(name: "minptime", value: "10"), .init(name: "useinbandfec", value: "1")])
        #expect(built.sdpValue == "111 minptime=10;useinbandfec=1")
        for bad in ["96", "96 ", "(6 a=b"] {
            #expect(malformed { () throws(SDPAttributeError) in try SDPFormatParameters(sdpValue: bad) }, "\(bad)")
        }
    }

    @Test func rtcpFeedbackSSRCAndMsid() throws {
        #expect(try SDPRTCPFeedback(sdpValue: "* ccm fir") == SDPRTCPFeedback(format: "*", type: "ccm", parameters: "fir"))
        #expect(try SDPRTCPFeedback(sdpValue: "96 trr-int 100").parameters == "100")
        #expect(malformed { () throws(SDPAttributeError) in try SDPRTCPFeedback(sdpValue: "96") })
        #expect(malformed { () throws(SDPAttributeError) in try SDPRTCPFeedback(sdpValue: "96 nack ") })
        #expect(try SDPSSRC(sdpValue: "1 label").value == nil)
        #expect(try SDPSSRC(sdpValue: "1 cname:a:b").value == "a:b")
        for bad in ["4294967296 cname:x", "1", "x cname:x", "1 c name:x"] {
            #expect(malformed { () throws(SDPAttributeError) in try SDPSSRC(sdpValue: bad) }, "\(bad)")
        }
        #expect(try SDPSSRCGroup(sdpValue: "SIM 1 2 3").ssrcs == [1, 2, 3])
        #expect(try SDPSSRCGroup(sdpValue: "FID 1 2").sdpValue == "FID 1 2")
        #expect(malformed { () throws(SDPAttributeError) in try SDPSSRCGroup(sdpValue: "FID 1 x") })
        #expect(try SDPMsid(sdpValue: "stream").appData == nil)
        #expect(try SDPMsid(sdpValue: "s t").sdpValue == "s t")
        for bad in ["", "a b c", String(repeating: "x", count: 65), "a  b"] {
            #expect(malformed { () throws(SDPAttributeError) in try SDPMsid(sdpValue: bad) }, "\(bad)")
        }
    }

    @Test(.spec("RFC8841-5.2-1"), .spec("RFC8841-6.2-1"))
    func sctpAttributes() throws {
        #expect(try Self.media(["sctp-port:0"]).sctpPort == 0)
        #expect(try Self.media(["max-message-size:0"]).maxMessageSize == 0)
        for bad in ["05000", "65536", "x", ""] {
            #expect(malformed { () throws(SDPAttributeError) in try Self.media(["sctp-port:" + bad]).sctpPort }, "\(bad)")
        }
        for bad in ["0262144", "-1", ""] {
            #expect(malformed { () throws(SDPAttributeError) in try Self.media(["max-message-size:" + bad]).maxMessageSize }, "\(bad)")
        }
    }

    @Test(.spec("RFC8851-4-10"))
    func rids() throws {
        let rid = try SDPRid(sdpValue: "1 recv pt=96,97;max-width=1280;max-fps=30;depend=0")
        #expect(rid.direction == .recv)
        #expect(rid.payloadTypes == ["96", "97"])
        #expect(rid.restriction("max-width") == "1280")
        #expect(rid.sdpValue == "1 recv pt=96,97;max-width=1280;max-fps=30;depend=0")
        #expect(try SDPRid(sdpValue: "lo_w send max-br=64000").payloadTypes == nil)
        #expect(SDPRid(id: "a", direction: .send, payloadTypes: ["96"], restrictions: [.init(name: "max-height", value: "720")]).sdpValue
                == "a send pt=96;max-height=720")
        for bad in ["h", "h both", "h send max-width=1;pt=96", "h send pt=", "h send ;", "h.x send", "h send =1"] {
            #expect(malformed { () throws(SDPAttributeError) in try SDPRid(sdpValue: bad) }, "\(bad)")
        }
        #expect(throws: SDPAttributeError.duplicate(attribute: "rid", value: "h recv")) { try Self.media(["rid:h send", "rid:h recv"]).rids }
    }

    @Test(.spec("RFC8853-5.1-1"), .spec("RFC8853-5.2-2"), .spec("RFC8853-5.2-3"), .spec("RFC8853-5.2-17"))
    func simulcast() throws {
        let value = try SDPSimulcast(sdpValue: "recv 1,~2;3 send 4")
        #expect(value.recv == [[.init(rid: "1"), .init(rid: "2", paused: true)], [.init(rid: "3")]])
        #expect(value.send == [[.init(rid: "4")]])
        #expect(value.receiveFirst)
        #expect(value.sdpValue == "recv 1,~2;3 send 4")
        for bad in ["send", "send h send m", "send h;h", "send h recv h", "send ~", "send a.b", "both h", "send h;", "send h recv"] {
            #expect(malformed { () throws(SDPAttributeError) in try SDPSimulcast(sdpValue: bad) }, "\(bad)")
        }
        #expect(throws: SDPAttributeError.duplicate(attribute: "simulcast", value: "send b")) { try Self.media(["simulcast:send a", "simulcast:send b"]).simulcast }
    }

    @Test(.spec("RFC8866-6.7-1"), .spec("RFC8866-6.7-2"))
    func directions() throws {
        #expect(throws: SDPAttributeError.duplicate(attribute: "recvonly", value: "sendonly")) { try Self.media(["sendonly", "recvonly"]).direction }
        var media = Self.media(["mid:0", "sendonly", "rtcp-mux"])
        media.setDirection(.inactive)
        #expect(media.attributes.map(\.name) == ["mid", "inactive", "rtcp-mux"])
        var session = try SessionDescription(parsing: SDPTestInputs.minimal)
        var plain = Self.media([])
        #expect(try plain.effectiveDirection(in: session) == .sendrecv)
        session.setDirection(.recvonly)
        #expect(try plain.effectiveDirection(in: session) == .recvonly)
        plain.setDirection(.sendonly)
        #expect(try plain.effectiveDirection(in: session) == .sendonly)
        #expect(SDPDirection.sendonly.reversed == .recvonly && SDPDirection.inactive.reversed == .inactive)
    }

    @Test func rtcpAttribute() throws {
        #expect(try SDPRTCP(sdpValue: "53020") == SDPRTCP(port: 53020))
        #expect(try SDPRTCP(sdpValue: "53020 IN IP6 2001:db8::1").connection?.addressType == "IP6")
        #expect(try SDPRTCP(sdpValue: "9 IN IP4 0.0.0.0").sdpValue == "9 IN IP4 0.0.0.0")
        #expect(malformed { () throws(SDPAttributeError) in try SDPRTCP(sdpValue: "x") })
        #expect(malformed { () throws(SDPAttributeError) in try SDPRTCP(sdpValue: "9 IN IP4") })
    }

    @Test func attributeErrorsDescribeThemselves() {
        #expect(SDPAttributeError.missingValue(attribute: "mid").description == "a=mid has no value")
        #expect(SDPAttributeError.malformed(attribute: "mid", value: "a b", reason: "r").description == "a=mid:a b is malformed: r")
        #expect(SDPAttributeError.duplicate(attribute: "mid", value: "1").description == "a=mid repeated (1)")
        #expect(SDPAttribute(name: "x", value: "").description == "x:")
        #expect(SDPAttribute(SDPMid("0")) == SDPAttribute(name: "mid", value: "0"))
    }
}
