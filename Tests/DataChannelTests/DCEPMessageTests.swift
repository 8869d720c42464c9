import SpecTesting
import Testing
@testable import DataChannel

/// DCEP message codec: byte layouts built by hand from the figures of RFC 8832 §5.1 and §5.2.
@Suite struct DCEPMessageTests {
    /// DATA_CHANNEL_OPEN, reliable and ordered, priority 256, label "chat", no protocol:
    /// type 0x03 | channel type 0x00 | priority 0x0100 | reliability 0 | label length 4 |
    /// protocol length 0 | "chat".
    static let reliableOpen: [UInt8] = [0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
                                        0x63, 0x68, 0x61, 0x74]

    @Test(.spec("RFC8832-5.1-1")) func encodesReliableOpenByteExact() throws {
        let open = try DCEPOpen(ordered: true, reliability: .reliable, priority: 256, label: "chat", protocol: "")
        #expect(DCEPMessage.open(open).encoded == Self.reliableOpen)
        #expect(try DCEPMessage(decoding: Self.reliableOpen) == .open(open))
    }

    /// Partially reliable, unordered, 3 retransmissions, priority 512, label "é" (C3 A9),
    /// protocol "json".
    @Test func encodesPartialReliableOpenByteExact() throws {
        let bytes: [UInt8] = [0x03, 0x81, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x04,
                              0xC3, 0xA9, 0x6A, 0x73, 0x6F, 0x6E]
        let open = try DCEPOpen(ordered: false, reliability: .maxRetransmits(3), priority: 512, label: "é", protocol: "json")
        #expect(DCEPMessage.open(open).encoded == bytes)
        let decoded = try DCEPMessage(decoding: bytes)
        #expect(decoded == .open(open))
        guard case .open(let back) = decoded else { return }
        #expect(back.channelType == .partialReliableRexmitUnordered)
    }

    /// Timed reliability carries the lifetime in milliseconds.
    @Test func encodesTimedOpen() throws {
        let open = try DCEPOpen(ordered: true, reliability: .maxLifetime(milliseconds: 0x01020304), priority: 128,
                                label: "", protocol: "")
        let bytes = DCEPMessage.open(open).encoded
        #expect(bytes == [0x03, 0x02, 0x00, 0x80, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00])
        #expect(try DCEPMessage(decoding: bytes) == .open(open))
    }

    /// A reliable channel's Reliability Parameter is ignored on receipt and sent as 0.
    @Test(.spec("RFC8832-5.1-1")) func ignoresReliabilityParameterOfReliableChannels() throws {
        var bytes = Self.reliableOpen
        bytes[1] = 0x80
        bytes[4...7] = [0xDE, 0xAD, 0xBE, 0xEF]
        guard case .open(let open) = try DCEPMessage(decoding: bytes) else {
            Issue.record("not an OPEN"); return
        }
        #expect(open.reliability == .reliable)
        #expect(!open.ordered)
        #expect(Array(DCEPMessage.open(open).encoded[4...7]) == [0, 0, 0, 0])
    }

    @Test func encodesAck() throws {
        #expect(DCEPMessage.ack.encoded == [0x02])
        #expect(try DCEPMessage(decoding: [0x02]) == .ack)
    }

    /// The six channel types of RFC 8832 §5.1, with the high-order bit meaning unordered.
    @Test func mapsChannelTypes() {
        let table: [(DataChannelType, UInt8, Bool, DataChannelReliability)] = [
            (.reliable, 0x00, true, .reliable),
            (.reliableUnordered, 0x80, false, .reliable),
            (.partialReliableRexmit, 0x01, true, .maxRetransmits(7)),
            (.partialReliableRexmitUnordered, 0x81, false, .maxRetransmits(7)),
            (.partialReliableTimed, 0x02, true, .maxLifetime(milliseconds: 7)),
            (.partialReliableTimedUnordered, 0x82, false, .maxLifetime(milliseconds: 7)),
        ]
        for (type, raw, ordered, reliability) in table {
            #expect(type.rawValue == raw)
            #expect(type.isOrdered == ordered)
            #expect(type.reliability(parameter: 7) == reliability)
            #expect(DataChannelType(ordered: ordered, reliability: reliability) == type)
        }
        #expect(DataChannelType.allCases.count == 6)
    }

    @Test func rejectsMalformedMessages() {
        #expect(throws: DCEPError.truncated(field: "Message Type", offset: 0, needed: 1, available: 0)) {
            try DCEPMessage(decoding: [])
        }
        #expect(throws: DCEPError.unknownMessageType(0x05)) { try DCEPMessage(decoding: [0x05]) }
        #expect(throws: DCEPError.trailingBytes(offset: 1, count: 1)) { try DCEPMessage(decoding: [0x02, 0x00]) }

        var badType = Self.reliableOpen
        badType[1] = 0x03
        #expect(throws: DCEPError.unknownChannelType(0x03)) { try DCEPMessage(decoding: badType) }

        var longLabel = Self.reliableOpen
        longLabel[9] = 0x05
        #expect(throws: DCEPError.lengthBeyondMessage(field: "Label", offset: 12, length: 5, available: 4)) {
            try DCEPMessage(decoding: longLabel)
        }
        var longProtocol = Self.reliableOpen
        longProtocol[11] = 0x01
        #expect(throws: DCEPError.lengthBeyondMessage(field: "Protocol", offset: 16, length: 1, available: 0)) {
            try DCEPMessage(decoding: longProtocol)
        }
        #expect(throws: DCEPError.trailingBytes(offset: 16, count: 1)) {
            try DCEPMessage(decoding: Self.reliableOpen + [0x21])
        }
        var badUTF8 = Self.reliableOpen
        badUTF8[12] = 0xFF
        #expect(throws: DCEPError.invalidUTF8(field: "Label")) { try DCEPMessage(decoding: badUTF8) }
    }

    /// Every proper prefix of a valid OPEN is refused with a typed error, never a trap.
    @Test func rejectsEveryTruncation() {
        for length in 0..<Self.reliableOpen.count {
            #expect(throws: DCEPError.self) { try DCEPMessage(decoding: Array(Self.reliableOpen.prefix(length))) }
        }
    }

    /// The 16-bit length fields bound what can be sent.
    @Test func refusesOverlongFields() {
        let long = String(repeating: "a", count: 65_536)
        #expect(throws: DCEPError.fieldTooLong(field: "Label", length: 65_536)) {
            try DCEPOpen(ordered: true, reliability: .reliable, priority: 0, label: long, protocol: "")
        }
        #expect(throws: DCEPError.fieldTooLong(field: "Protocol", length: 65_536)) {
            try DCEPOpen(ordered: true, reliability: .reliable, priority: 0, label: "", protocol: long)
        }
    }

    /// Labels and protocols of the maximum length (RFC 8832 §7) decode.
    @Test func decodesMaximumLengthFields() throws {
        let label = String(repeating: "x", count: 65_535)
        let open = try DCEPOpen(ordered: true, reliability: .reliable, priority: 256, label: label, protocol: label)
        #expect(try DCEPMessage(decoding: DCEPMessage.open(open).encoded) == .open(open))
    }

    @Test func namesPPIDs() {
        #expect(DataChannelPPID.dcep.rawValue == 50)
        #expect(DataChannelPPID.string.rawValue == 51)
        #expect(DataChannelPPID.binaryPartial.rawValue == 52)
        #expect(DataChannelPPID.binary.rawValue == 53)
        #expect(DataChannelPPID.stringPartial.rawValue == 54)
        #expect(DataChannelPPID.stringEmpty.rawValue == 56)
        #expect(DataChannelPPID.binaryEmpty.rawValue == 57)
    }
}
