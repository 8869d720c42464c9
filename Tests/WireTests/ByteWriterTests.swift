import Testing
import Wire

@Suite struct ByteWriterTests {
    @Test func writesBigEndianIntegersOfEveryWidth() {
        var writer = ByteWriter()
        writer.writeUInt8(0x01)
        writer.writeUInt16(0x0203)
        writer.writeUInt24(0x04_0506)
        writer.writeUInt32(0x0708_090a)
        writer.writeUInt48(0x0b0c_0d0e_0f10)
        writer.writeUInt64(0x1112_1314_1516_1718)
        #expect(writer.bytes == Array(1...0x18))
    }

    @Test func roundTripsThroughTheReader() throws {
        var writer = ByteWriter()
        for width in 1...8 {
            let value = UInt64.max >> UInt64(64 - 8 * width) - 1
            writer.writeUInt(value, byteCount: width)
        }
        var reader = ByteReader(writer.bytes)
        for width in 1...8 {
            #expect(try reader.readUInt(byteCount: width, field: "w\(width)") == UInt64.max >> UInt64(64 - 8 * width) - 1)
        }
        try reader.expectEnd()
    }

    @Test func lengthPlaceholdersArePatched() {
        var writer = ByteWriter()
        writer.writeUInt16(0x0001)
        let length = writer.reserveUInt16()
        writer.writeBytes([0xde, 0xad, 0xbe])
        writer.patch(length, value: UInt64(writer.count(after: length)))
        writer.pad()
        #expect(writer.bytes == [0x00, 0x01, 0x00, 0x03, 0xde, 0xad, 0xbe, 0x00])
    }

    @Test func truncateDropsTheTailAndTakeBytesEmptiesTheWriter() {
        var writer = ByteWriter(capacity: 16)
        writer.writeUInt32(0x0102_0304)
        writer.writeUInt32(0x0506_0708)
        writer.truncate(to: 5)
        #expect(writer.bytes == [1, 2, 3, 4, 5])
        let taken = writer.takeBytes()
        #expect(taken == [1, 2, 3, 4, 5])
        #expect(writer.count == 0)
        writer.writeUInt8(9)
        #expect(writer.bytes == [9])
    }

    @Test func littleEndian() {
        var writer = ByteWriter()
        writer.writeUIntLittleEndian(0xa1b2_c3d4, byteCount: 4)
        #expect(writer.bytes == [0xd4, 0xc3, 0xb2, 0xa1])
    }
}
