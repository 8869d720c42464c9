import Foundation
import SDP

/// Where the SDP vectors are, and the hand-written offers the tests use.
enum SDPTestInputs {
    static let vectorDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Vectors/webrtc-rs-rtc-sdp").path
    }()

    static func vector(_ name: String) throws -> String {
        try String(contentsOfFile: vectorDirectory + "/" + name, encoding: .utf8)
    }

    /// Joins lines with CRLF, ending the last one too.
    static func crlf(_ lines: [String]) -> String { lines.map { $0 + "\r\n" }.joined() }

    /// A Chrome-style data-channel-only offer, written by hand (values made up, attribute set and
    /// order as Chrome emits them).
    static let chromeDataChannelOffer = crlf([
        "v=0",
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "a=extmap-allow-mixed",
        "a=msid-semantic: WMS",
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
        "c=IN IP4 0.0.0.0",
        "a=candidate:1467250027 1 udp 2122260223 192.168.0.196 46243 typ host generation 0 network-id 1",
        "a=candidate:1853887674 1 udp 1518280447 203.0.113.7 36768 typ srflx raddr 192.168.0.196 rport 46243 generation 0 network-id 1",
        "a=candidate:2157334355 1 tcp 1518214911 192.168.0.196 9 typ host tcptype active generation 0 network-id 1",
        "a=candidate:3006209245 1 udp 2122262783 7c9a1d3e-2f4b-4c1a-9d4e-0a1b2c3d4e5f.local 51234 typ host generation 0 network-id 2",
        "a=end-of-candidates",
        "a=ice-ufrag:Hm9X",
        "a=ice-pwd:w3dwSmZ2hLIzPXHv5KX3o7Ok",
        "a=ice-options:trickle",
        "a=fingerprint:sha-256 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9",
        "a=setup:actpass",
        "a=mid:0",
        "a=sctp-port:5000",
        "a=max-message-size:262144",
    ])

    /// An offer shaped like aiortc's: audio with host candidates and three fingerprints, then a
    /// data channel (written by hand).
    static let aiortcStyleOffer = crlf([
        "v=0",
        "o=- 3906234129 3906234129 IN IP4 0.0.0.0",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0 1",
        "a=msid-semantic:WMS *",
        "m=audio 48123 UDP/TLS/RTP/SAVPF 96 0 8",
        "c=IN IP4 127.0.0.1",
        "a=sendrecv",
        "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid",
        "a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "a=mid:0",
        "a=msid:5a3e0c2d-1b7f-4e9a-8c6d-2f1e0d9c8b7a 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        "a=rtcp-mux",
        "a=ssrc:2815823429 cname:9c1d3e5f-7a9b-4c2d-8e0f-1a2b3c4d5e6f",
        "a=rtpmap:96 opus/48000/2",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=candidate:5b4e3f2a1c0d9e8f7a6b5c4d3e2f1a0b 1 udp 2130706431 127.0.0.1 48123 typ host",
        "a=end-of-candidates",
        "a=ice-ufrag:aB3d",
        "a=ice-pwd:Zx8Yw7Vu6Ts5Rq4Po3Nm2L",
        "a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00",
        "a=fingerprint:sha-384 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F:20:21:22:23:24:25:26:27:28:29:2A:2B:2C:2D:2E:2F",
        "a=setup:actpass",
        "m=application 48123 UDP/DTLS/SCTP webrtc-datachannel",
        "c=IN IP4 127.0.0.1",
        "a=mid:1",
        "a=sctp-port:5000",
        "a=max-message-size:65536",
        "a=candidate:5b4e3f2a1c0d9e8f7a6b5c4d3e2f1a0b 1 udp 2130706431 127.0.0.1 48123 typ host",
        "a=end-of-candidates",
        "a=ice-ufrag:aB3d",
        "a=ice-pwd:Zx8Yw7Vu6Ts5Rq4Po3Nm2L",
        "a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00",
        "a=setup:actpass",
    ])

    /// The smallest valid description: required lines only.
    static let minimal = crlf(["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0"])
}
