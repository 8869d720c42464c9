import Foundation
import RTCCrypto
import SpecTesting
import Testing
import Wire
@testable import STUN

enum STUNVectors {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Vectors").path
    }()

    static func file(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
    }
}

@Suite struct STUNVectorTests {
    static let password = STUNCredentials.shortTermKey(password: "VOkJxbRl1RmTxUk/WvJxBt")

    /// RFC 5769 §2.1: the sample request decodes, verifies and re-encodes byte for byte.
    @Test(.spec("RFC8489-5-1", "RFC8489-5-3", "RFC8489-5-7", "RFC8489-14-1", "RFC8489-14-2", "RFC8489-14-3", "RFC8489-14-4"))
    func sampleRequest() throws {
        let bytes = try STUNVectors.file("rfc5769/sample_request.bin")
        let message = try STUNMessage(parsing: bytes)
        #expect(message.type == STUNMessageType(method: .binding, messageClass: .request))
        #expect(Hex.encode(message.transactionID) == "b7e7a701bc34d686fa87dfae")
        #expect(try message.text(STUNAttributeType.software) == "STUN test client")
        #expect(try message.text(STUNAttributeType.username) == "evtj:h6vY")
        #expect(try message.integer(STUNAttributeType.priority) == 0x6e0001ff)
        #expect(try message.integer(STUNAttributeType.iceControlled) == 0x932ff9b151263b36)
        // The USERNAME is padded with spaces in the RFC: receivers ignore padding; we keep it.
        #expect(message.attribute(STUNAttributeType.username)?.padding == [0x20, 0x20, 0x20])
        #expect(message.hasValidMessageIntegrity(key: Self.password))
        #expect(!message.hasValidMessageIntegrity(key: Array("wrong".utf8)))
        #expect(message.hasValidFingerprint)
        #expect(message.encoded == bytes)
    }

    /// RFC 5769 §2.2 and §2.3: IPv4 and IPv6 responses with XOR-MAPPED-ADDRESS.
    @Test(.spec("RFC8489-14.1-1", "RFC8489-14.1-2", "RFC8489-14.1-3"))
    func sampleResponses() throws {
        let v4 = try STUNMessage(parsing: try STUNVectors.file("rfc5769/sample_ipv4_response.bin"))
        #expect(try v4.xorMappedAddress()?.description == "192.0.2.1:32853")
        #expect(v4.hasValidMessageIntegrity(key: Self.password) && v4.hasValidFingerprint)
        let v6 = try STUNMessage(parsing: try STUNVectors.file("rfc5769/sample_ipv6_response.bin"))
        #expect(try v6.xorMappedAddress()?.description == "[2001:db8:1234:5678:11:2233:4455:6677]:32853")
        #expect(v6.hasValidMessageIntegrity(key: Self.password) && v6.hasValidFingerprint)
        #expect(try v6.text(STUNAttributeType.software) == "test vector")
    }

    /// RFC 5769 §2.4: long-term credentials (MD5 key over the SASLprep'd password "TheMatrIX").
    @Test func longTermAuthentication() throws {
        let message = try STUNMessage(parsing: try STUNVectors.file("rfc5769/sample_request_long_term_auth.bin"))
        let username = "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}"
        #expect(try message.text(STUNAttributeType.username) == username)
        #expect(try message.text(STUNAttributeType.realm) == "example.org")
        #expect(try message.text(STUNAttributeType.nonce) == "f//499k954d6OL34oL9FSTvy64sA")
        let key = STUNCredentials.longTermKeyMD5(username: username, realm: "example.org", password: "TheMatrIX")
        #expect(message.hasValidMessageIntegrity(key: key))
    }

    /// aioice's captures: FreeSWITCH requests and a Citrix server response.
    @Test func aioiceMessages() throws {
        let controlled = try STUNMessage(parsing: try STUNVectors.file("aioice/binding_request_ice_controlled.bin"))
        #expect(try controlled.text(STUNAttributeType.username) == "AYeZ:sw7YvCSbcVex3bhi")
        #expect(try controlled.integer(STUNAttributeType.priority) == 1_685_987_071)
        #expect(try controlled.integer(STUNAttributeType.iceControlled) == 5_491_930_053_772_927_353)
        #expect(Hex.encode(try #require(controlled.attribute(STUNAttributeType.messageIntegrity)).value) == "1963108a4f764015a66b3fea0b1883dfde1436c8")
        #expect(controlled.hasValidFingerprint)
        let controlling = try STUNMessage(parsing: try STUNVectors.file("aioice/binding_request_ice_controlling.bin"))
        #expect(try controlling.integer(STUNAttributeType.iceControlling) == 5_943_294_521_425_135_761)
        #expect(controlling.attribute(STUNAttributeType.useCandidate) != nil)
        #expect(controlling.hasValidFingerprint)
        let response = try STUNMessage(parsing: try STUNVectors.file("aioice/binding_response.bin"))
        #expect(try response.xorMappedAddress()?.description == "80.200.136.90:53054")
        #expect(try response.mappedAddress()?.description == "80.200.136.90:53054")
        #expect(try response.text(STUNAttributeType.software) == "Citrix-3.2.4.5 'Marshal West'")
        for name in ["binding_request.bin", "binding_request_ice_controlled.bin", "binding_request_ice_controlling.bin", "binding_response.bin"] {
            let bytes = try STUNVectors.file("aioice/" + name)
            #expect(try STUNMessage(parsing: bytes).encoded == bytes, "\(name)")
        }
    }

    /// Browser captures (pion/stun testdata): all decode and re-encode byte for byte; an unknown
    /// comprehension-optional attribute (Chrome's ORIGIN, 0x802F) is kept, not lost, and not
    /// reported as comprehension-required.
    @Test(.spec("RFC8489-6.3-1")) func browserMessages() throws {
        let chrome = try STUNVectors.file("pion-stun/ex1_chrome.stun")
        let message = try STUNMessage(parsing: chrome)
        #expect(message.attribute(0x802f).map { String(decoding: $0.value, as: UTF8.self) } == "http://localhost:3000/")
        #expect(message.unknownComprehensionRequired.isEmpty)
        #expect(message.encoded == chrome)
        var parsed = 0
        for line in try String(contentsOfFile: STUNVectors.directory + "/pion-stun/frombrowsers.csv", encoding: .utf8)
            .split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("ip,") {
            let fields = line.split(separator: ",")
            let bytes = try #require(Data(base64Encoded: String(fields[1])).map(Array.init))
            let browserMessage = try STUNMessage(parsing: bytes)
            #expect(browserMessage.encoded == bytes)
            if browserMessage.attribute(STUNAttributeType.fingerprint) != nil { #expect(browserMessage.hasValidFingerprint) }
            parsed += 1
        }
        #expect(parsed == 14)
    }
}
