import RTCCrypto
import SpecTesting
import Testing
import Wire
@testable import STUN

@Suite struct STUNCodecTests {
    static let transactionID: [UInt8] = Array(1...12)

    /// Every method and class survives the interleaved type encoding (RFC 8489 §5 Figure 3).
    @Test func messageTypeEncoding() {
        #expect(STUNMessageType(method: .binding, messageClass: .request).rawValue == 0x0001)
        #expect(STUNMessageType(method: .binding, messageClass: .successResponse).rawValue == 0x0101)
        #expect(STUNMessageType(method: .binding, messageClass: .errorResponse).rawValue == 0x0111)
        #expect(STUNMessageType(method: .binding, messageClass: .indication).rawValue == 0x0011)
        for method in stride(from: UInt16(0), through: 0xfff, by: 7) {
            for messageClass in STUNClass.allCases {
                let type = STUNMessageType(method: STUNMethod(rawValue: method), messageClass: messageClass)
                #expect(STUNMessageType(rawValue: type.rawValue) == type)
                #expect(type.rawValue & 0xc000 == 0)
            }
        }
    }

    /// A response built here carries integrity and fingerprint that verify, FINGERPRINT last.
    @Test(.spec("RFC8489-14.7-1", "RFC8489-14.7-2")) func buildsVerifiableMessages() throws {
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .successResponse), transactionID: Self.transactionID)
        message.attributes.append(.xorMappedAddress(STUNTransportAddress(address: [127, 0, 0, 1], port: 5000), transactionID: Self.transactionID))
        message.attributes.append(.software("SpecRTC"))
        let key = STUNCredentials.shortTermKey(password: "secret")
        message.appendMessageIntegrity(key: key)
        message.appendMessageIntegritySHA256(key: key)
        message.appendFingerprint()
        let parsed = try STUNMessage(parsing: message.encoded)
        #expect(parsed.attributes.last?.type == STUNAttributeType.fingerprint)
        #expect(parsed.hasValidFingerprint)
        #expect(parsed.hasValidMessageIntegrity(key: key) && parsed.hasValidMessageIntegritySHA256(key: key))
        #expect(try parsed.xorMappedAddress() == STUNTransportAddress(address: [127, 0, 0, 1], port: 5000))
        // A flipped byte breaks both.
        var tampered = message.encoded
        tampered[30] ^= 1
        let broken = try STUNMessage(parsing: tampered)
        #expect(!broken.hasValidFingerprint && !broken.hasValidMessageIntegrity(key: key))
    }

    @Test(.spec("RFC8489-5-1")) func rejectsNonSTUN() {
        var bytes = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Self.transactionID).encoded
        bytes[0] |= 0x80
        #expect(throws: STUNError.notSTUN(reason: "the first two bits are not zero")) { try STUNMessage(parsing: bytes) }
        #expect(!STUNMessage.looksLikeSTUN(bytes))
    }

    @Test(.spec("RFC8489-5-3")) func rejectsWrongCookie() {
        var bytes = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Self.transactionID).encoded
        bytes[4] = 0
        #expect(throws: STUNError.self) { try STUNMessage(parsing: bytes) }
    }

    @Test(.spec("RFC8489-5-7")) func rejectsLengthMismatch() {
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Self.transactionID)
        message.attributes.append(.software("x"))
        let bytes = message.encoded
        #expect(throws: STUNError.badLength(declared: 8, available: 12)) { try STUNMessage(parsing: bytes + [0, 0, 0, 0]) }
        #expect(throws: STUNError.self) { try STUNMessage(parsing: Array(bytes.dropLast(4))) }
        #expect(throws: STUNError.self) { try STUNMessage(parsing: Array(bytes.prefix(10))) }
    }

    @Test(.spec("RFC8489-14.7-2")) func rejectsAttributesAfterFingerprint() throws {
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Self.transactionID)
        message.appendFingerprint()
        message.attributes.append(.software("late"))
        #expect(throws: STUNError.attributeAfterFingerprint(offset: 28)) { try STUNMessage(parsing: message.encoded) }
    }

    @Test(.spec("RFC8489-14.8-4", "RFC8489-14.8-5", "RFC8489-14.8-3")) func errorCodes() throws {
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .errorResponse), transactionID: Self.transactionID)
        message.attributes.append(.errorCode(STUNErrorCode(code: 420, reason: "Unknown Attribute")))
        message.attributes.append(.unknownAttributes([0x0031]))
        let parsed = try STUNMessage(parsing: message.encoded)
        #expect(try parsed.errorCode() == STUNErrorCode(code: 420, reason: "Unknown Attribute"))
        for bad: [UInt8] in [[0, 0, 2, 0], [0, 0, 7, 0], [0, 0, 4, 100], [0, 0]] {
            var m = STUNMessage(type: message.type, transactionID: Self.transactionID)
            m.attributes.append(STUNAttribute(type: STUNAttributeType.errorCode, value: bad))
            #expect(throws: STUNError.self) { try STUNMessage(parsing: m.encoded).errorCode() }
        }
        // Reserved bits are ignored.
        var reserved = STUNMessage(type: message.type, transactionID: Self.transactionID)
        reserved.attributes.append(STUNAttribute(type: STUNAttributeType.errorCode, value: [0xff, 0xf8, 4, 1]))
        #expect(try STUNMessage(parsing: reserved.encoded).errorCode()?.code == 401)
    }

    @Test(.spec("RFC8489-14.1-1", "RFC8489-14.1-2")) func addressValidation() throws {
        for bad: [UInt8] in [[0, 1, 0, 1, 1, 2, 3], [0, 2, 0, 1, 1, 2, 3, 4], [0, 3, 0, 1, 1, 2, 3, 4], [0]] {
            var m = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .successResponse), transactionID: Self.transactionID)
            m.attributes.append(STUNAttribute(type: STUNAttributeType.xorMappedAddress, value: bad))
            #expect(throws: STUNError.self) { try STUNMessage(parsing: m.encoded).xorMappedAddress() }
        }
        let v6 = STUNTransportAddress(address: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1], port: 443)
        var m = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .successResponse), transactionID: Self.transactionID)
        m.attributes.append(.xorMappedAddress(v6, transactionID: Self.transactionID))
        #expect(try STUNMessage(parsing: m.encoded).xorMappedAddress() == v6)
    }

    /// Only the first occurrence of an attribute type is processed; the others are kept.
    @Test(.spec("RFC8489-14-5", "RFC8489-14-6")) func firstOccurrenceWins() throws {
        var m = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .indication), transactionID: Self.transactionID)
        m.attributes.append(.username("first"))
        m.attributes.append(.username("second"))
        m.appendFingerprint()
        let parsed = try STUNMessage(parsing: m.encoded)
        #expect(try parsed.text(STUNAttributeType.username) == "first")
        #expect(parsed.attributes.count == 3 && parsed.hasValidFingerprint)
    }

    /// Unknown comprehension-required attributes are reported for a 420; optional ones are not.
    @Test func comprehensionRequired() throws {
        var m = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Self.transactionID)
        m.attributes.append(STUNAttribute(type: 0x0031, value: [1]))
        m.attributes.append(STUNAttribute(type: 0xc001, value: [2]))
        #expect(try STUNMessage(parsing: m.encoded).unknownComprehensionRequired == [0x0031])
    }

    @Test(.spec("RFC8489-14.3-1", "RFC8489-14.14-2", "RFC8489-14.9-1", "RFC8489-14.10-1")) func textLimits() {
        #expect(STUNAttribute.username(String(repeating: "a", count: 600)).value.count == 508)
        #expect(STUNAttribute.software(String(repeating: "é", count: 300)).value.count == 254)   // 127 characters
        #expect(STUNAttribute.realm(String(repeating: "r", count: 200)).value.count == 127)
        #expect(STUNAttribute.nonce(String(repeating: "n", count: 200)).value.count == 127)
    }

    @Test(.spec("RFC8489-14.3-2")) func receiversAcceptLongTexts() throws {
        var m = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Self.transactionID)
        m.attributes.append(STUNAttribute(type: STUNAttributeType.username, value: [UInt8](repeating: 0x61, count: 763)))
        #expect(try STUNMessage(parsing: m.encoded).text(STUNAttributeType.username)?.count == 763)
        m.attributes[0] = STUNAttribute(type: STUNAttributeType.username, value: [UInt8](repeating: 0x61, count: 764))
        #expect(throws: STUNError.self) { try STUNMessage(parsing: m.encoded).text(STUNAttributeType.username) }
    }

    @Test(.spec("RFC8489-14.6-1")) func truncatedSHA256Integrity() throws {
        var m = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Self.transactionID)
        let key = [UInt8](repeating: 7, count: 16)
        m.appendMessageIntegritySHA256(key: key)
        var truncated = m
        truncated.attributes[0].value = Array(m.attributes[0].value.prefix(16))
        // The MAC covers the length field, which now counts 16 bytes: recompute for that length.
        var expected = STUNMessage(type: m.type, transactionID: Self.transactionID)
        let prefix = Array(expected.encoded.prefix(2)) + [0x00, 0x14] + Array(expected.encoded[4..<20])
        truncated.attributes[0].value = Array(HMAC<SHA256>.authenticate(prefix, key: key).prefix(16))
        #expect(try STUNMessage(parsing: truncated.encoded).hasValidMessageIntegritySHA256(key: key))
        truncated.attributes[0].value = Array(truncated.attributes[0].value.prefix(12))
        #expect(!(try STUNMessage(parsing: truncated.encoded).hasValidMessageIntegritySHA256(key: key)))
        expected.attributes = []
    }

    @Test func explanationNamesEveryField() throws {
        let message = try STUNMessage(parsing: try STUNVectors.file("rfc5769/sample_request.bin"))
        let text = message.explanation().rendered()
        for field in ["Binding Request", "Magic Cookie", "SOFTWARE: \"STUN test client\"", "PRIORITY: 1845494271",
                      "USERNAME: \"evtj:h6vY\"", "FINGERPRINT: 0xe57a3bcf (valid)", "RFC 8489 §14.7", "RFC 8445 §16.1"] {
            #expect(text.contains(field), "\(field)")
        }
    }
}
