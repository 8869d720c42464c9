import Testing
import Wire

@Suite struct ByteReaderTests {
    @Test func readsBigEndianIntegersOfEveryWidth() throws {
        var reader = ByteReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
                                 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c,
                                 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24])
        #expect(try reader.readUInt8() == 0x01)
        #expect(try reader.readUInt16() == 0x0203)
        #expect(try reader.readUInt24() == 0x04_0506)
        #expect(try reader.readUInt32() == 0x0708_090a)
        #expect(try reader.readUInt48() == 0x0b0c_0d0e_0f10)
        #expect(try reader.readUInt64() == 0x1112_1314_1516_1718)
        #expect(try reader.readUInt(byteCount: 5, field: "five") == 0x19_1a1b_1c1d)
        #expect(reader.offset == 29)
        #expect(reader.remaining == 7)
    }

    @Test func readsLittleEndianForCaptureHeaders() throws {
        var reader = ByteReader([0xd4, 0xc3, 0xb2, 0xa1])
        #expect(try reader.readUIntLittleEndian(byteCount: 4, field: "magic") == 0xa1b2_c3d4)
    }

    @Test func readingPastTheEndThrowsWithOffsetAndField() throws {
        var reader = ByteReader([0x00, 0x01, 0x02])
        _ = try reader.readUInt16("first")
        #expect(throws: WireError.truncated(field: "length", offset: 2, needed: 4, available: 1)) {
            try reader.readUInt32("length")
        }
        // A failed read consumes nothing.
        #expect(reader.offset == 2)
        #expect(try reader.readUInt8() == 0x02)
        #expect(throws: WireError.truncated(field: "uint8", offset: 3, needed: 1, available: 0)) {
            try reader.readUInt8()
        }
    }

    @Test func negativeCountsAreErrorsNotTraps() {
        var reader = ByteReader([1, 2, 3])
        #expect(throws: WireError.self) { try reader.readBytes(-1) }
        #expect(throws: WireError.self) { try reader.skip(-5) }
    }

    @Test func slicesShareStorageAndKeepIndices() throws {
        let bytes: [UInt8] = Array(0..<32)
        var reader = ByteReader(bytes)
        try reader.skip(4)
        let slice = try reader.readBytes(8)
        #expect(slice.startIndex == 4)
        #expect(Array(slice) == Array(4..<12))
        slice.withUnsafeBufferPointer { sliceBuffer in
            bytes.withUnsafeBufferPointer { whole in
                #expect(sliceBuffer.baseAddress == whole.baseAddress! + 4)
            }
        }
    }

    @Test func subReadersReportOffsetsOfTheOuterBuffer() throws {
        var reader = ByteReader([0xaa, 0xbb, 0x00, 0x02, 0x01, 0x02, 0xcc])
        try reader.skip(2)
        let length = Int(try reader.readUInt16("length"))
        var value = try reader.subReader(count: length, field: "value")
        #expect(value.offset == 4)
        #expect(try value.readUInt16() == 0x0102)
        #expect(throws: WireError.truncated(field: "more", offset: 6, needed: 1, available: 0)) {
            try value.readUInt8("more")
        }
        #expect(try reader.readUInt8() == 0xcc)
        try reader.expectEnd()
    }

    @Test func paddingToFourBytes() throws {
        #expect(Padding.count(for: 0) == 0)
        #expect(Padding.count(for: 1) == 3)
        #expect(Padding.count(for: 4) == 0)
        #expect(Padding.count(for: 5) == 3)
        #expect(Padding.padded(10) == 12)
        var reader = ByteReader([1, 2, 3, 4, 5, 0, 0, 0, 9])
        _ = try reader.readBytes(5)
        try reader.skipPadding(after: 5)
        #expect(try reader.readUInt8() == 9)
        var short = ByteReader([1, 0])
        _ = try short.readBytes(1)
        #expect(throws: WireError.truncated(field: "padding", offset: 1, needed: 3, available: 1)) {
            try short.skipPadding(after: 1)
        }
    }

    @Test func trailingBytesAreReported() throws {
        var reader = ByteReader([1, 2, 3])
        _ = try reader.readUInt8()
        #expect(throws: WireError.trailingBytes(field: "header", offset: 1, count: 2)) { try reader.expectEnd("header") }
    }

    @Test func invalidValueErrorsPointAtTheField() throws {
        var reader = ByteReader([0x00, 0x07])
        let version = try reader.readUInt16("version")
        let error = reader.invalid("version", value: UInt64(version), width: 2, reason: "must be 2")
        #expect(error == .invalidValue(field: "version", offset: 0, value: 7, reason: "must be 2"))
        #expect(error.description == "version at offset 0: invalid value 7 (must be 2)")
    }
}
