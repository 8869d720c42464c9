import Foundation
import RTCCrypto
import SpecTesting
import Testing
import Wire
@testable import STUN

/// ``STUNMessageView`` (in place) against ``STUNMessage`` (allocating): the same bytes are
/// accepted or rejected with the same error, the same attributes are seen, and integrity and
/// fingerprint verify alike.
@Suite struct STUNMessageViewTests {
    static let shortTermPassword = STUNCredentials.shortTermKey(password: "VOkJxbRl1RmTxUk/WvJxBt")
    static let longTermKey = STUNCredentials.longTermKeyMD5(
        username: "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}", realm: "example.org", password: "TheMatrIX")
    /// The keys every message is checked with: the right ones for the vectors, and a wrong one.
    static let keys: [[UInt8]] = [shortTermPassword, longTermKey, Array("wrong".utf8)]
    static let preparedKeys = keys.map { HMACSHA1Key(key: $0) }

    /// Every captured message the STUN vector tests use.
    static func vectors() throws -> [(name: String, bytes: [UInt8])] {
        var result: [(String, [UInt8])] = []
        for name in ["rfc5769/sample_request.bin", "rfc5769/sample_ipv4_response.bin", "rfc5769/sample_ipv6_response.bin",
                     "rfc5769/sample_request_long_term_auth.bin", "aioice/binding_request.bin",
                     "aioice/binding_request_ice_controlled.bin", "aioice/binding_request_ice_controlling.bin",
                     "aioice/binding_response.bin", "pion-stun/ex1_chrome.stun"] {
            result.append((name, try STUNVectors.file(name)))
        }
        for line in try String(contentsOfFile: STUNVectors.directory + "/pion-stun/frombrowsers.csv", encoding: .utf8)
            .split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("ip,") {
            let fields = line.split(separator: ",")
            result.append(("frombrowsers \(fields[0])", try #require(Data(base64Encoded: String(fields[1])).map(Array.init))))
        }
        return result
    }

    /// Checks that the view and STUNMessage agree on `bytes`; returns whether they accepted it.
    @discardableResult
    static func expectAgreement(_ bytes: [UInt8], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let parsed = Result { () throws(STUNError) in try STUNMessage(parsing: bytes) }
        return bytes.withUnsafeBytes { buffer in
            let viewed = Result { () throws(STUNError) in try STUNMessageView(buffer) }
            switch (parsed, viewed) {
            case let (.failure(expected), .failure(actual)):
                #expect(actual == expected, "\(label)", sourceLocation: sourceLocation)
                return false
            case let (.success(message), .success(view)):
                compare(message, view, label, sourceLocation: sourceLocation)
                return true
            case let (.failure(error), .success):
                Issue.record("\(label): the view accepts what STUNMessage rejects (\(error))", sourceLocation: sourceLocation)
                return false
            case let (.success, .failure(error)):
                Issue.record("\(label): the view rejects what STUNMessage accepts (\(error))", sourceLocation: sourceLocation)
                return false
            }
        }
    }

    static func compare(_ message: STUNMessage, _ view: STUNMessageView, _ label: String, sourceLocation: SourceLocation) {
        #expect(view.type == message.type, "\(label)", sourceLocation: sourceLocation)
        #expect(Array(view.transactionID) == message.transactionID, "\(label)", sourceLocation: sourceLocation)
        // The same attributes in the same order, values and padding read in place.
        let walked = view.attributes.map { attribute in
            STUNAttribute(type: attribute.type, value: Array(view.value(of: attribute)),
                          padding: Array(view.bytes[(attribute.valueOffset + attribute.length)..<attribute.end]))
        }
        #expect(walked == message.attributes, "\(label)", sourceLocation: sourceLocation)
        #expect(view.attributeCount == message.attributes.count, "\(label)", sourceLocation: sourceLocation)
        // The fields the view keeps: the first occurrence before MESSAGE-INTEGRITY(-SHA256)
        // (RFC 8489 §9), the first integrity attributes, and FINGERPRINT.
        let boundary = message.attributes.firstIndex {
            $0.type == STUNAttributeType.messageIntegrity || $0.type == STUNAttributeType.messageIntegritySHA256
        } ?? message.attributes.endIndex
        let protected = message.attributes[..<boundary]
        let fields: [(UInt16, STUNMessageView.Attribute?, STUNAttribute?)] = [
            (STUNAttributeType.username, view.username, protected.first { $0.type == STUNAttributeType.username }),
            (STUNAttributeType.priority, view.priority, protected.first { $0.type == STUNAttributeType.priority }),
            (STUNAttributeType.useCandidate, view.useCandidate, protected.first { $0.type == STUNAttributeType.useCandidate }),
            (STUNAttributeType.iceControlling, view.iceControlling, protected.first { $0.type == STUNAttributeType.iceControlling }),
            (STUNAttributeType.iceControlled, view.iceControlled, protected.first { $0.type == STUNAttributeType.iceControlled }),
            (STUNAttributeType.xorMappedAddress, view.xorMappedAddress, protected.first { $0.type == STUNAttributeType.xorMappedAddress }),
            (STUNAttributeType.errorCode, view.errorCode, protected.first { $0.type == STUNAttributeType.errorCode }),
            (STUNAttributeType.messageIntegrity, view.messageIntegrity, message.attribute(STUNAttributeType.messageIntegrity)),
            (STUNAttributeType.messageIntegritySHA256, view.messageIntegritySHA256, message.attribute(STUNAttributeType.messageIntegritySHA256)),
            (STUNAttributeType.fingerprint, view.fingerprint, message.attribute(STUNAttributeType.fingerprint)),
        ]
        for (type, found, expected) in fields {
            #expect(found?.type ?? type == type, "\(label)", sourceLocation: sourceLocation)
            #expect(found.map { Array(view.value(of: $0)) } == expected?.value,
                    "\(label): \(STUNAttributeType.name(of: type))", sourceLocation: sourceLocation)
        }
        // The general lookup finds the first occurrence anywhere, as STUNMessage's does.
        for attribute in message.attributes {
            #expect(view.attribute(attribute.type).map { Array(view.value(of: $0)) } == message.attribute(attribute.type)?.value,
                    "\(label)", sourceLocation: sourceLocation)
        }
        #expect(view.hasValidFingerprint == message.hasValidFingerprint, "\(label)", sourceLocation: sourceLocation)
        for (key, prepared) in zip(keys, preparedKeys) {
            #expect(view.hasValidMessageIntegrity(key: prepared) == message.hasValidMessageIntegrity(key: key),
                    "\(label)", sourceLocation: sourceLocation)
        }
    }

    /// Every vector: the view sees what STUNMessage sees, and the signed ones verify.
    @Test(.spec("RFC8489-5-1", "RFC8489-5-3", "RFC8489-5-7", "RFC8489-14-1", "RFC8489-14-2", "RFC8489-14-3",
                "RFC8489-14-4", "RFC8489-14-6", "RFC8489-9-1", "RFC8489-6.3-1"))
    func agreesWithSTUNMessageOnEveryVector() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count == 23)
        for (name, bytes) in vectors { #expect(Self.expectAgreement(bytes, name), "\(name) is accepted") }
        let request = try STUNVectors.file("rfc5769/sample_request.bin")
        try request.withUnsafeBytes { buffer in
            let view = try STUNMessageView(buffer)
            #expect(view.type == STUNMessageType(method: .binding, messageClass: .request))
            #expect(Hex.encode(Array(view.transactionID)) == "b7e7a701bc34d686fa87dfae")
            #expect(String(decoding: view.value(of: try #require(view.username)), as: UTF8.self) == "evtj:h6vY")
            #expect(try view.priorityValue() == 0x6e00_01ff)
            #expect(try view.tiebreaker(view.iceControlled) == 0x932f_f9b1_5126_3b36)
            #expect(try view.tiebreaker(view.iceControlling) == nil)
            #expect(view.useCandidate == nil)
            #expect(view.hasValidMessageIntegrity(key: HMACSHA1Key(key: Self.shortTermPassword)))
            #expect(view.hasValidFingerprint)
        }
        for name in ["rfc5769/sample_ipv4_response.bin", "rfc5769/sample_ipv6_response.bin"] {
            try STUNVectors.file(name).withUnsafeBytes { buffer in
                let view = try STUNMessageView(buffer)
                #expect(view.xorMappedAddress != nil)
                #expect(view.hasValidMessageIntegrity(key: HMACSHA1Key(key: Self.shortTermPassword)) && view.hasValidFingerprint)
            }
        }
        try STUNVectors.file("rfc5769/sample_request_long_term_auth.bin").withUnsafeBytes { buffer in
            let view = try STUNMessageView(buffer)
            #expect(view.hasValidMessageIntegrity(key: HMACSHA1Key(key: Self.longTermKey)))
        }
        try STUNVectors.file("aioice/binding_request_ice_controlling.bin").withUnsafeBytes { buffer in
            let view = try STUNMessageView(buffer)
            #expect(try view.tiebreaker(view.iceControlling) == 5_943_294_521_425_135_761)
            #expect(view.useCandidate != nil && view.hasValidFingerprint)
        }
    }

    /// Seeded mutations of every vector (flipped bytes, truncations, extensions, and the same
    /// with the header's length patched to match so that the attribute walk is reached): the
    /// view and STUNMessage accept and reject the same inputs, with the same errors, and agree
    /// on everything they accept.
    @Test(.spec("RFC8489-5-1", "RFC8489-5-3", "RFC8489-5-7", "RFC8489-14-1", "RFC8489-14-2", "RFC8489-14-3", "RFC8489-14.7-2"))
    func differentialOnMutatedMessages() throws {
        var rng = SeededGenerator(seed: 0x5354_554e)
        var accepted = 0, rejected = 0
        for (name, original) in try Self.vectors() {
            for round in 0..<400 {
                var bytes = original
                switch rng.next() % 4 {
                case 0:
                    for _ in 0...(rng.next() % 3) where !bytes.isEmpty {
                        bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                    }
                case 1: bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1))))
                case 2: bytes += rng.bytes(Int(rng.next() % 12))
                default:
                    // Overwrite an attribute length (or any 16-bit field) after the header.
                    if bytes.count > 24 {
                        let at = 20 + Int(rng.next() % UInt64(bytes.count - 21))
                        bytes[at] = UInt8(truncatingIfNeeded: rng.next() % 3)
                        bytes[at + 1] = UInt8(truncatingIfNeeded: rng.next())
                    }
                }
                // Half the time, make the header's length match so the attributes are walked.
                if rng.next() % 2 == 0, bytes.count >= 20 {
                    let length = (bytes.count - 20) & ~3
                    bytes = Array(bytes.prefix(20 + length))
                    bytes[2] = UInt8(length >> 8)
                    bytes[3] = UInt8(length & 0xff)
                }
                if Self.expectAgreement(bytes, "\(name) mutation \(round)") { accepted += 1 } else { rejected += 1 }
            }
        }
        // Both outcomes are exercised in bulk.
        #expect(accepted > 1000 && rejected > 1000, "accepted \(accepted), rejected \(rejected)")
    }

    /// A few hand-made rejections, with STUNMessage's errors.
    @Test(.spec("RFC8489-5-1", "RFC8489-5-3", "RFC8489-5-7", "RFC8489-14.7-2"))
    func rejectsLikeSTUNMessage() throws {
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Array(1...12))
        message.attributes = [.username("a:b")]
        message.appendFingerprint()
        let good = message.encoded
        var cases: [[UInt8]] = [[], [0x00], [0x00, 0x01, 0x00], Array(good.prefix(7)), Array(good.prefix(19))]
        var notSTUN = good; notSTUN[0] |= 0x80; cases.append(notSTUN)
        var badCookie = good; badCookie[5] = 0; cases.append(badCookie)
        var badLength = good; badLength[3] &+= 4; cases.append(badLength)
        var unaligned = good; unaligned[3] &-= 1; cases.append(Array(unaligned.dropLast()))
        cases.append(good + [0x80, 0x22, 0x00, 0x00])  // after FINGERPRINT (length fixed below)
        cases[cases.count - 1][3] &+= 4
        var overlong = good; overlong[22] = 0x01; cases.append(overlong)  // USERNAME longer than the message
        for (index, bytes) in cases.enumerated() {
            #expect(!Self.expectAgreement(bytes, "case \(index)"), "case \(index) is rejected")
        }
        cases[9].withUnsafeBytes { buffer in
            _ = #expect(throws: STUNError.attributeAfterFingerprint(offset: good.count)) { try STUNMessageView(buffer) }
        }
    }

    /// Attributes after MESSAGE-INTEGRITY (other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT)
    /// are not taken as the message's, and do not disturb the integrity check.
    @Test(.spec("RFC8489-9-1", "RFC8489-14-6"))
    func ignoresAttributesAfterIntegrity() throws {
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Array(1...12))
        message.attributes = [.priority(7)]
        message.appendMessageIntegrity(key: Self.shortTermPassword)
        message.attributes += [.username("late:user"), .priority(9), .useCandidate]
        message.appendFingerprint()
        let bytes = message.encoded
        Self.expectAgreement(bytes, "attributes after MESSAGE-INTEGRITY")
        try bytes.withUnsafeBytes { buffer in
            let view = try STUNMessageView(buffer)
            #expect(view.username == nil && view.useCandidate == nil)
            #expect(try view.priorityValue() == 7)
            #expect(view.attribute(STUNAttributeType.username) != nil)
            #expect(view.hasValidMessageIntegrity(key: HMACSHA1Key(key: Self.shortTermPassword)))
            #expect(view.hasValidFingerprint)
        }
    }
}

/// ``STUNMessageWriter`` writes what ``STUNMessage`` encodes, byte for byte.
@Suite struct STUNMessageWriterTests {
    /// The ICE check of RFC 5769 §2.1 (its attributes, with zero padding), a response with
    /// XOR-MAPPED-ADDRESS (IPv4 and IPv6, §2.2 and §2.3), and seeded random checks.
    @Test(.spec("RFC8489-14-1", "RFC8489-14-2", "RFC8489-14-3", "RFC8489-14-4", "RFC8489-5-7", "RFC8489-14.1-3",
                "RFC8489-14.7-1", "RFC8489-14.7-2"))
    func writesWhatSTUNMessageEncodes() throws {
        let password = STUNMessageViewTests.shortTermPassword
        let key = HMACSHA1Key(key: password)
        let sample = try STUNMessage(parsing: try STUNVectors.file("rfc5769/sample_request.bin"))
        // RFC 5769's request: SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MI, FINGERPRINT.
        var expected = STUNMessage(type: sample.type, transactionID: sample.transactionID)
        expected.attributes = sample.attributes.prefix(4).map { STUNAttribute(type: $0.type, value: $0.value) }
        expected.appendMessageIntegrity(key: password)
        expected.appendFingerprint()
        let written = try write { writer in
            for attribute in sample.attributes.prefix(4) {
                switch attribute.type {
                case STUNAttributeType.priority: try writer.appendPriority(UInt32(try #require(try sample.integer(attribute.type))))
                case STUNAttributeType.iceControlled:
                    try writer.appendICERole(controlling: false, tiebreaker: try #require(try sample.integer(attribute.type)))
                case STUNAttributeType.username: try writer.appendUsername(try #require(try sample.text(attribute.type)))
                default: try attribute.value.withUnsafeBytes { try writer.append(type: attribute.type, value: $0) }
                }
            }
            try writer.appendMessageIntegrity(key: key)
            try writer.appendFingerprint()
        } header: { (sample.type, sample.transactionID) }
        #expect(written == expected.encoded)
        // Only the padding differs from the RFC's bytes (spaces there, zeros here), so the
        // same message re-padded with spaces reproduces the vector.
        var respaced = try STUNMessage(parsing: written)
        for index in respaced.attributes.indices where !respaced.attributes[index].padding.isEmpty {
            respaced.attributes[index].padding = respaced.attributes[index].padding.map { _ in 0x20 }
        }
        respaced.attributes.removeLast(2)
        respaced.appendMessageIntegrity(key: password)
        respaced.appendFingerprint()
        #expect(respaced.encoded == (try STUNVectors.file("rfc5769/sample_request.bin")))

        for name in ["rfc5769/sample_ipv4_response.bin", "rfc5769/sample_ipv6_response.bin"] {
            let response = try STUNMessage(parsing: try STUNVectors.file(name))
            let address = try #require(try response.xorMappedAddress())
            var built = STUNMessage(type: response.type, transactionID: response.transactionID)
            built.attributes = [.xorMappedAddress(address, transactionID: response.transactionID)]
            built.appendMessageIntegrity(key: password)
            built.appendFingerprint()
            let bytes = try write { writer in
                try writer.appendXORMappedAddress(address)
                try writer.appendMessageIntegrity(key: key)
                try writer.appendFingerprint()
            } header: { (response.type, response.transactionID) }
            #expect(bytes == built.encoded, "\(name)")
        }

        var rng = SeededGenerator(seed: 8445)
        for round in 0..<300 {
            let transactionID = rng.bytes(12)
            let type = STUNMessageType(method: .binding, messageClass: rng.next() % 2 == 0 ? .request : .successResponse)
            let name = String(decoding: rng.bytes(Int(rng.next() % 40)).map { 0x61 + $0 % 26 }, as: UTF8.self)
            let priority = UInt32(truncatingIfNeeded: rng.next()), tiebreaker = rng.next()
            let controlling = rng.next() % 2 == 0, nominate = rng.next() % 2 == 0, sign = rng.next() % 4 != 0, fingerprint = rng.next() % 4 != 0
            let address = STUNTransportAddress(address: rng.bytes(rng.next() % 2 == 0 ? 4 : 16), port: UInt16(truncatingIfNeeded: rng.next()))
            var message = STUNMessage(type: type, transactionID: transactionID)
            message.attributes = [.username(name), .priority(priority), .iceRole(controlling: controlling, tiebreaker: tiebreaker)]
            if nominate { message.attributes.append(.useCandidate) }
            message.attributes.append(.xorMappedAddress(address, transactionID: transactionID))
            if sign { message.appendMessageIntegrity(key: password) }
            if fingerprint { message.appendFingerprint() }
            let bytes = try write { writer in
                try writer.appendUsername(name)
                try writer.appendPriority(priority)
                try writer.appendICERole(controlling: controlling, tiebreaker: tiebreaker)
                if nominate { try writer.appendUseCandidate() }
                try writer.appendXORMappedAddress(address)
                if sign { try writer.appendMessageIntegrity(key: key) }
                if fingerprint { try writer.appendFingerprint() }
            } header: { (type, transactionID) }
            #expect(bytes == message.encoded, "round \(round)")
            STUNMessageViewTests.expectAgreement(bytes, "written round \(round)")
        }
    }

    /// USERNAME is cut to 508 bytes; nothing follows FINGERPRINT; a small buffer is refused.
    @Test(.spec("RFC8489-14.3-1", "RFC8489-14.7-2"))
    func limits() throws {
        let long = String(repeating: "u", count: 600)
        let bytes = try write { try $0.appendUsername(long) } header: { (STUNMessageType(method: .binding, messageClass: .request), Array(1...12)) }
        var expected = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Array(1...12))
        expected.attributes = [.username(long)]
        #expect(bytes == expected.encoded && bytes.count == 20 + 4 + 508)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 36, alignment: 16)
        defer { buffer.deallocate() }
        var writer = try STUNMessageWriter(into: buffer, type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Array(1...12))
        try writer.appendPriority(1)
        #expect(throws: STUNMessageWriter.Error.bufferTooSmall(needed: 40, available: 36)) {
            try writer.appendICERole(controlling: true, tiebreaker: 1)
        }
        #expect(writer.count == 28)
        try writer.appendFingerprint()
        #expect(throws: STUNMessageWriter.Error.afterFingerprint) { try writer.appendUseCandidate() }
        #expect(throws: STUNMessageWriter.Error.bufferTooSmall(needed: 20, available: 10)) {
            try STUNMessageWriter(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<10]),
                                  type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Array(1...12))
        }
        #expect(try STUNMessage(parsing: Array(writer.bytes)).hasValidFingerprint)
    }

    func write(_ body: (inout STUNMessageWriter) throws -> Void,
               header: () -> (STUNMessageType, [UInt8])) throws -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 16)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0xee)  // padding must be written, not found
        let (type, transactionID) = header()
        var writer = try STUNMessageWriter(into: buffer, type: type, transactionID: transactionID)
        try body(&writer)
        return Array(writer.bytes)
    }
}
