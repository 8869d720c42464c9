import SpecTesting
import Testing
import TURN

/// TURN URIs (RFC 7065) as applications configure them.
@Suite struct TURNServerURITests {
    @Test("schemes, default ports and transports; turns exactly for TLS and DTLS", .spec("RFC8656-4.1-1"))
    func parsing() throws {
        let cases: [(String, String, UInt16, TURNServerURI.Transport)] = [
            ("turn:turn.example.org", "turn.example.org", 3478, .udp),
            ("turn:turn.example.org:3479?transport=tcp", "turn.example.org", 3479, .tcp),
            ("turns:turn.example.org", "turn.example.org", 5349, .tls),
            ("turns:turn.example.org:443?transport=tcp", "turn.example.org", 443, .tls),
            ("turns:192.0.2.1?transport=udp", "192.0.2.1", 5349, .dtls),
            ("turn:[2001:db8::1]:3478", "2001:db8::1", 3478, .udp),
            ("TURN:Example.org", "Example.org", 3478, .udp),
        ]
        for (text, host, port, transport) in cases {
            let uri = try TURNServerURI(text)
            #expect(uri.host == host && uri.port == port && uri.transport == transport, "\(text)")
            #expect(try TURNServerURI(uri.description) == uri)
            #expect(uri.description.hasPrefix(transport == .tls || transport == .dtls ? "turns:" : "turn:"))
        }
        #expect(throws: TURNServerURI.Error.unknownScheme("stun:example.org")) { try TURNServerURI("stun:example.org") }
        #expect(throws: TURNServerURI.Error.missingHost("turn::3478")) { try TURNServerURI("turn::3478") }
        #expect(throws: TURNServerURI.Error.invalidPort("turn:example.org:0")) { try TURNServerURI("turn:example.org:0") }
        #expect(throws: TURNServerURI.Error.invalidPort("turn:example.org:99999")) { try TURNServerURI("turn:example.org:99999") }
        #expect(throws: TURNServerURI.Error.unknownTransport("turn:example.org?transport=sctp")) { try TURNServerURI("turn:example.org?transport=sctp") }
    }
}
