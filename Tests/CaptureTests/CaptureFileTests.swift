import Foundation
import Testing
import Wire
@testable import Capture

@Suite struct CaptureFileTests {
    /// An IPv4/UDP packet 10.0.0.1:5000 → 10.0.0.2:6000 carrying `payload`.
    static func ipv4UDP(_ payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.writeUInt8(0x45); w.writeUInt8(0); w.writeUInt16(UInt16(28 + payload.count))
        w.writeUInt16(1); w.writeUInt16(0); w.writeUInt8(64); w.writeUInt8(17); w.writeUInt16(0)
        w.writeBytes([10, 0, 0, 1]); w.writeBytes([10, 0, 0, 2])
        w.writeUInt16(5000); w.writeUInt16(6000); w.writeUInt16(UInt16(8 + payload.count)); w.writeUInt16(0)
        w.writeBytes(payload)
        return w.bytes
    }

    static let stunPayload: [UInt8] = [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42] + [UInt8](repeating: 7, count: 12)

    @Test func pcapRoundTrip() throws {
        var writer = PcapWriter(linkType: .raw)
        writer.append(Self.ipv4UDP(Self.stunPayload), seconds: 1_700_000_000, nanoseconds: 123_456_789)
        writer.append(Self.ipv4UDP([0x16, 0xfe, 0xfd]), seconds: 1_700_000_001, nanoseconds: 5)
        let packets = try CaptureFile.read(writer.bytes)
        #expect(packets.count == 2)
        #expect(packets[0].seconds == 1_700_000_000 && packets[0].nanoseconds == 123_456_789)
        #expect(packets[0].linkType == .raw)
        let decoded = PacketDecoder.decode(packets[0].data, linkType: packets[0].linkType)
        #expect(decoded.problem == nil)
        #expect(decoded.transport?.description == "UDP 10.0.0.1:5000 → 10.0.0.2:6000")
        #expect(Array(decoded.payload) == Self.stunPayload)
        #expect(decoded.payloadOffset == 28)
        #expect(PayloadKind.classify(decoded.payload) == .stun)
        #expect(PayloadKind.classify(PacketDecoder.decode(packets[1].data, linkType: .raw).payload) == .dtls)
    }

    /// A captured WebRTC call (str0m's test data): Ethernet, IPv4, UDP, RTP.
    @Test func readsARealCapture() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.str0mCapture)))
        let packets = try CaptureFile.read(bytes)
        #expect(packets.count == 104)
        let kinds = packets.map { PayloadKind.classify(PacketDecoder.decode($0.data, linkType: $0.linkType).payload) }
        #expect(kinds.allSatisfy { $0 == .rtp })
        let first = PacketDecoder.decode(packets[0].data, linkType: packets[0].linkType)
        #expect(first.transport?.description == "UDP 10.2.2.2:62132 → 10.1.1.1:5443")
    }

    /// Tests/Vectors/str0m/vp8.pcap (see Tests/Vectors/SOURCES.md).
    static let str0mCapture: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Vectors/str0m/vp8.pcap").path
    }()

    @Test func pcapngWithEnhancedAndSimplePackets() throws {
        var w = ByteWriter()
        func block(_ type: UInt32, _ body: [UInt8]) {
            let length = 12 + Padding.padded(body.count)
            w.writeUIntLittleEndian(UInt64(type), byteCount: 4)
            w.writeUIntLittleEndian(UInt64(length), byteCount: 4)
            w.writeBytes(body)
            for _ in 0..<Padding.count(for: body.count) { w.writeUInt8(0) }
            w.writeUIntLittleEndian(UInt64(length), byteCount: 4)
        }
        var shb = ByteWriter()
        shb.writeUIntLittleEndian(0x1a2b_3c4d, byteCount: 4); shb.writeUIntLittleEndian(1, byteCount: 2)
        shb.writeUIntLittleEndian(0, byteCount: 2); shb.writeUIntLittleEndian(UInt64.max, byteCount: 8)
        block(0x0a0d_0d0a, shb.bytes)
        var idb = ByteWriter()
        idb.writeUIntLittleEndian(101, byteCount: 2); idb.writeUIntLittleEndian(0, byteCount: 2)
        idb.writeUIntLittleEndian(65535, byteCount: 4)
        idb.writeUIntLittleEndian(9, byteCount: 2); idb.writeUIntLittleEndian(1, byteCount: 2); idb.writeBytes([9, 0, 0, 0])
        idb.writeUIntLittleEndian(0, byteCount: 4)
        block(1, idb.bytes)
        let packet = Self.ipv4UDP([0x90, 0x60, 0, 1])
        var epb = ByteWriter()
        let ticks: UInt64 = 1_700_000_000_123_456_789
        epb.writeUIntLittleEndian(0, byteCount: 4)
        epb.writeUIntLittleEndian(ticks >> 32, byteCount: 4); epb.writeUIntLittleEndian(ticks & 0xffff_ffff, byteCount: 4)
        epb.writeUIntLittleEndian(UInt64(packet.count), byteCount: 4); epb.writeUIntLittleEndian(UInt64(packet.count), byteCount: 4)
        epb.writeBytes(packet)
        block(6, epb.bytes)
        var spb = ByteWriter()
        spb.writeUIntLittleEndian(UInt64(packet.count), byteCount: 4)
        spb.writeBytes(packet)
        block(3, spb.bytes)
        let packets = try CaptureFile.read(w.bytes)
        #expect(packets.count == 2)
        #expect(packets[0].seconds == 1_700_000_000 && packets[0].nanoseconds == 123_456_789)
        #expect(packets[0].data == packet && packets[1].data == packet)
        #expect(PayloadKind.classify(PacketDecoder.decode(packets[0].data, linkType: packets[0].linkType).payload) == .rtp)
    }

    @Test func malformedCapturesGiveTypedErrors() {
        #expect(throws: CaptureError.unknownFormat(magic: 0x1234_5678)) { try CaptureFile.read([0x12, 0x34, 0x56, 0x78, 0]) }
        var writer = PcapWriter(linkType: .raw)
        writer.append(Self.ipv4UDP([1, 2, 3]), seconds: 1, nanoseconds: 0)
        let truncated = Array(writer.bytes.dropLast(2))
        #expect(throws: CaptureError.self) { try CaptureFile.read(truncated) }
        // A record that claims 4 GB is rejected before any allocation.
        var huge = Array(writer.bytes.prefix(24))
        huge += [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        #expect(throws: CaptureError.invalid(packet: 1, offset: 32, reason: "captured length 4294967295 exceeds 1048576")) {
            try CaptureFile.read(huge)
        }
    }

    @Test func decoderReportsProblemsInsteadOfTrapping() {
        let cutInHeader = PacketDecoder.decode(Array(Self.ipv4UDP([1, 2, 3]).prefix(25)), linkType: .raw)
        #expect(cutInHeader.problem == "UDP length at offset 24: needs 2 bytes, 1 remain")
        // A payload cut by the snap length decodes, with a note on the UDP header.
        let cutInPayload = PacketDecoder.decode(Array(Self.ipv4UDP([1, 2, 3]).prefix(30)), linkType: .raw)
        #expect(cutInPayload.problem == nil && cutInPayload.payload == [1, 2])
        #expect(cutInPayload.layers.last?.notes == ["UDP length 11 does not match the 10 bytes present"])
        #expect(PacketDecoder.decode([0x70], linkType: .raw).problem == "not IP (unknown network protocol)")
    }

    @Test func ipv6TextFollowsRFC5952() {
        var bytes = [UInt8](repeating: 0, count: 16)
        bytes[0] = 0x20; bytes[1] = 0x01; bytes[2] = 0x0d; bytes[3] = 0xb8; bytes[15] = 1
        #expect(PacketDecoder.ipv6Text(bytes[...]) == "2001:db8::1")
        #expect(PacketDecoder.ipv6Text([UInt8](repeating: 0, count: 16)[...]) == "::")
        var loopback = [UInt8](repeating: 0, count: 16); loopback[15] = 1
        #expect(PacketDecoder.ipv6Text(loopback[...]) == "::1")
    }

    @Test func demultiplexingByFirstByte() {
        #expect(PayloadKind.classify([0x00, 0x01]) == .stun)
        #expect(PayloadKind.classify([0x10, 0x00]) == .zrtp)
        #expect(PayloadKind.classify([0x16, 0xfe]) == .dtls)
        #expect(PayloadKind.classify([0x40, 0x00]) == .turnChannel)
        #expect(PayloadKind.classify([0x80, 0xc8]) == .rtcp)
        #expect(PayloadKind.classify([0x80, 0x60]) == .rtp)
        #expect(PayloadKind.classify([0xff]) == .unknown)
        #expect(PayloadKind.classify([UInt8]()) == .unknown)
    }
}
