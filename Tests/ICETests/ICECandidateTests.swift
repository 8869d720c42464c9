import ICE
import SpecTesting
import STUN
import Testing

/// Candidate lines (RFC 8839 §5.1) as browsers, aioice and Janus write them, and the priority
/// formula (RFC 8445 §5.1.2).
struct ICECandidateTests {
    @Test("lines from Janus' test corpus, aioice and browsers parse and re-serialise unchanged")
    func realLines() throws {
        let lines = [
            "candidate:a0+B/1 1 udp 2130706432 192.168.1.5 1234 typ host generation 2",
            "candidate:a0+B/2 1 udp 2130706432 ::1 1238 typ host generation 2",
            "candidate:a0+B/3 1 udp 2130706432 74.125.127.126 2345 typ srflx raddr 192.168.1.5 rport 2346 generation 2",
            "candidate:a0+B/4 2 udp 2130706432 74.125.224.39 3456 typ relay generation 2",
            // aioice 0.13 (to_sdp, no prefix): a 32-character hexadecimal foundation, lower-case udp.
            "16572de626da4e5384a0ce2d0d93678a 1 udp 2130706431 127.0.0.1 57547 typ host",
            // Chrome hides host addresses behind mDNS names.
            "candidate:3442447574 1 udp 2122260223 6a0a5fa4-2a1c-4b2f-9e0f-1c7e07ec5f11.local 54400 typ host generation 0 ufrag Xx1Y network-id 1",
            "candidate:1 1 TCP 2105524479 10.0.0.5 9 typ host tcptype active",
            "candidate:2 1 UDP 1686052607 2001:db8::7 61000 typ srflx raddr fe80::1 rport 61000",
        ]
        for line in lines {
            let candidate = try ICECandidate(sdpAttribute: line)
            let expected = line.hasPrefix("candidate:") ? line : "candidate:" + line
            // Lower-case "udp" comes back as "UDP" (the token is case-insensitive); the rest is kept.
            #expect(candidate.sdpAttribute.lowercased() == expected.lowercased(), "\(line)")
            #expect(try ICECandidate(sdpAttribute: candidate.sdpAttribute) == candidate)
        }
        let mdns = try ICECandidate(sdpAttribute: lines[5])
        #expect(mdns.needsResolution && mdns.hostname == "6a0a5fa4-2a1c-4b2f-9e0f-1c7e07ec5f11.local")
        #expect(mdns.extensions.map(\.name) == ["generation", "ufrag", "network-id"])
        let srflx = try ICECandidate(sdpAttribute: lines[2])
        #expect(srflx.type == .srflx && srflx.relatedAddress == STUNTransportAddress(address: [192, 168, 1, 5], port: 2346))
        let v6 = try ICECandidate(sdpAttribute: lines[7])
        #expect(v6.address == STUNTransportAddress(address: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [7], port: 61000))
        #expect(try ICECandidate(sdpAttribute: lines[6]).tcpType == "active")
    }

    @Test("malformed lines fail with the reason")
    func malformed() {
        let cases: [(String, String)] = [
            ("candidate:1 1 udp 100 10.0.0.1 5000", "fewer than 8 fields"),
            ("candidate:1 0 udp 100 10.0.0.1 5000 typ host", "component"),
            ("candidate:1 257 udp 100 10.0.0.1 5000 typ host", "component"),
            ("candidate:1 1 udp 0 10.0.0.1 5000 typ host", "priority"),
            ("candidate:1 1 udp 2147483648 10.0.0.1 5000 typ host", "priority"),
            ("candidate:1 1 udp 100 10.0.0.1 70000 typ host", "port"),
            ("candidate:1 1 udp 100 10.0.0.1 5000 type host", "typ"),
            ("candidate:1 1 udp 100 10.0.0.256 5000 typ host", "IP address"),
            ("candidate:1 1 udp 100 1::2::3 5000 typ host", "IP address"),
            ("candidate:1 1 udp 100 10.0.0.1 5000 typ host raddr", "no value"),
            ("candidate:f*o 1 udp 100 10.0.0.1 5000 typ host", "foundation"),
        ]
        for (line, reason) in cases {
            do {
                _ = try ICECandidate(sdpAttribute: line)
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.description.contains(reason), "\(line): \(error)")
            }
        }
        #expect(throws: ICECandidateError.unsupportedTransport("SCTP")) { try ICECandidate(sdpAttribute: "candidate:1 1 SCTP 100 10.0.0.1 5000 typ host") }
        #expect(throws: ICECandidateError.unknownCandidateType("relayed")) { try ICECandidate(sdpAttribute: "candidate:1 1 UDP 100 10.0.0.1 5000 typ relayed") }
    }

    @Test("priority = 2^24·type preference + 2^8·local preference + (256 − component)",
          .spec("RFC8445-5.1.2-2"), .spec("RFC8445-5.1.2.2-1"), .spec("RFC8445-5.1.2.1-1"), .spec("RFC8445-5.1.2.1-2"),
          .spec("RFC8445-5.1.2.1-3"), .spec("RFC8445-5.1.2.1-7"))
    func priorityFormula() {
        // Chrome's host candidate for one interface: 2122260223 = 126·2^24 + 32542·2^8 + 255.
        #expect(ICECandidate.priority(type: .host, localPreference: 32_542, component: 1) == 2_122_260_223)
        #expect(ICECandidate.priority(type: .host, localPreference: 65_535, component: 1) == 2_130_706_431)
        #expect(ICECandidate.priority(type: .relay, localPreference: 65_535, component: 2) == 16_777_214)
        #expect(ICECandidateType.host.typePreference == 126 && ICECandidateType.prflx.typePreference == 110)
        #expect(ICECandidateType.srflx.typePreference == 100 && ICECandidateType.relay.typePreference == 0)
        #expect(ICECandidateType.prflx.typePreference > ICECandidateType.srflx.typePreference)
        #expect(Set(ICECandidateType.allCases.map(\.typePreference)).count == 4)
        #expect(ICECandidateType.allCases.allSatisfy { $0.typePreference <= 126 })
    }

    @Test("pair priority = 2^32·min(G,D) + 2·max(G,D) + (G > D ? 1 : 0)")
    func pairPriority() {
        #expect(ICEAgent.pairPriority(controlling: 10, controlled: 20) == (10 << 32) + 40)
        #expect(ICEAgent.pairPriority(controlling: 20, controlled: 10) == (10 << 32) + 41)
        #expect(ICEAgent.pairPriority(controlling: 0x7fff_ffff, controlled: 0x7fff_ffff) == (0x7fff_ffff << 32) + 2 * 0x7fff_ffff)
    }

    @Test("IPv6 text: RFC 5952 form out, every legal form in")
    func ipv6Text() throws {
        #expect(IPAddressText.format([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) == "2001:db8::1")
        #expect(IPAddressText.format([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]) == "2001:db8:1::1:0:0")
        #expect(IPAddressText.format(Array(repeating: 0, count: 16)) == "::")
        #expect(IPAddressText.parse("::ffff:192.0.2.1") == Array(repeating: 0, count: 10) + [0xff, 0xff, 192, 0, 2, 1])
        #expect(IPAddressText.parse("fe80::1%eth0") == [0xfe, 0x80] + Array(repeating: 0, count: 13) + [1])
        #expect(IPAddressText.parse("1:2:3:4:5:6:7:8:9") == nil)
        #expect(IPAddressText.parse("12345::") == nil)
        #expect(IPAddressText.parse("1.2.3") == nil)
    }

    @Test("credentials: 8-character fragments and 24-character passwords of ice-chars", .spec("RFC8445-5.3-6"))
    func credentials() {
        var random = SeededGenerator(seed: 7)
        let first = ICECredentials.generate(using: &random), second = ICECredentials.generate(using: &random)
        // 8 × 6 = 48 random bits (≥ 24) and 24 × 6 = 144 (≥ 128).
        #expect(first.usernameFragment.count == 8 && first.password.count == 24)
        #expect(first.usernameFragment.allSatisfy(ICECredentials.isICEChar) && first.password.allSatisfy(ICECredentials.isICEChar))
        #expect(first != second)
    }
}
