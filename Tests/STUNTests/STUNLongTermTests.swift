import RTCCrypto
import SpecTesting
import Testing
import Wire
@testable import STUN

@Suite struct STUNLongTermTests {
    static let username = "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}"

    /// RFC 8489 Appendix B.1. As printed, its header says 156 bytes of attributes where 136
    /// follow (an error in the RFC's vector, whose MAC was made over that header): the strict
    /// length check refuses it. With the length corrected, the USERHASH matches our derivation
    /// and the message re-encodes.
    @Test(.spec("RFC8489-5-7")) func rfc8489AppendixB1() throws {
        let printed = try Hex.decode("""
            0001009c2112a44278ad3433c6ad72c029da412e001e00204a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704
            001500296f624d61744a6f73324141414366 2f2f3439396b39353464364f4c33346f4c394653547679363473410000 00
            0014000b6578616d706c652e6f726700001c0020e4686c8f0edeb59013e07090010a93efccbccc544c0a45d9f830aa6d6f735a01
            """)
        #expect(throws: STUNError.badLength(declared: 156, available: 136)) { try STUNMessage(parsing: printed) }
        var corrected = printed
        corrected[3] = 0x88
        let message = try STUNMessage(parsing: corrected)
        #expect(message.attribute(STUNAttributeType.userhash)?.value
                == STUNAttribute.userhash(username: Self.username, realm: "example.org").value)
        let nonce = try #require(try message.text(STUNAttributeType.nonce))
        #expect(nonce == "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA")
        #expect(STUNNonceCookie(nonce: nonce) != nil)
        #expect(message.encoded == corrected)
        // Its MESSAGE-INTEGRITY-SHA256 was computed over the printed header (length 156) with the
        // SHA-256 long-term key: our key derivation reproduces it exactly.
        let key = STUNCredentials.longTermKeySHA256(username: Self.username, realm: "example.org", password: "TheMatrIX")
        #expect(HMAC<SHA256>.authenticate(printed.dropLast(36), key: key) == Array(printed.suffix(32)))
        #expect(!message.hasValidMessageIntegritySHA256(key: key))   // over the corrected length it cannot match
    }

    @Test(.spec("RFC8489-9.2-1", "RFC8489-9.2-2")) func nonceCookie() {
        #expect(STUNNonceCookie(passwordAlgorithms: false, usernameAnonymity: false).text == "obMatJos2AAAA")
        #expect(STUNNonceCookie(passwordAlgorithms: true, usernameAnonymity: false).text == "obMatJos2gAAA")
        #expect(STUNNonceCookie(passwordAlgorithms: true, usernameAnonymity: true).text == "obMatJos2wAAA")
        let cookie = STUNNonceCookie(passwordAlgorithms: true, usernameAnonymity: false)
        #expect(STUNNonceCookie(nonce: cookie.nonce("abc123")) == cookie)
        #expect(STUNNonceCookie(nonce: "f//499k954d6OL34oL9FSTvy64sA") == nil)
        #expect(STUNNonceCookie(nonce: "obMatJos2!!!!x") == nil)
    }

    @Test(.spec("RFC8489-14.12-1")) func passwordAlgorithms() throws {
        var message = STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .errorResponse), transactionID: Array(1...12))
        let odd = STUNPasswordAlgorithm(number: 0x00ff, parameters: [1, 2, 3])
        message.attributes.append(.passwordAlgorithms([.sha256, odd, .md5]))
        let encoded = message.encoded
        // The 3-byte parameters are followed by one zero byte of padding.
        #expect(Array(encoded[20...]) == [0x80, 0x02, 0x00, 0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 0xff, 0x00, 0x03,
                                         0x01, 0x02, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00])
        #expect(try STUNMessage(parsing: encoded).passwordAlgorithms() == [.sha256, odd, .md5])
        // Non-zero padding is ignored by the receiver.
        var padded = encoded
        padded[35] = 0xee
        #expect(try STUNMessage(parsing: padded).passwordAlgorithms() == [.sha256, odd, .md5])
        #expect(STUNPasswordAlgorithm.sha256.key(username: "u", realm: "r", password: "p") == SHA256.hash(Array("u:r:p".utf8)))
        #expect(STUNPasswordAlgorithm.md5.key(username: "u", realm: "r", password: "p") == MD5.hash(Array("u:r:p".utf8)))
        #expect(odd.key(username: "u", realm: "r", password: "p") == nil)
    }

    @Test(.spec("RFC8489-14.16-1")) func alternates() throws {
        var message = STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .errorResponse), transactionID: Array(1...12))
        let server = STUNTransportAddress(address: [203, 0, 113, 9], port: 3478)
        message.attributes.append(.alternateServer(server))
        message.attributes.append(try #require(STUNAttribute.alternateDomain("turn.example.org")))
        let parsed = try STUNMessage(parsing: message.encoded)
        #expect(try parsed.alternateServer() == server)
        #expect(STUNAttribute.alternateDomain(String(repeating: "a", count: 256)) == nil)
        #expect(STUNAttribute.alternateDomain("bücher.example") == nil)
    }
}
