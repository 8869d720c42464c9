import Testing
import Wire

@Suite struct BitFieldTests {
    /// The first byte of an RTP header, 0x90: V=2, P=0, X=1, CC=0.
    @Test func readsFieldsMostSignificantBitFirst() throws {
        var bits = BitReader([0x90, 0xe0][...])
        #expect(try bits.read(bits: 2, field: "V") == 2)
        #expect(try bits.readFlag("P") == false)
        #expect(try bits.readFlag("X") == true)
        #expect(try bits.read(bits: 4, field: "CC") == 0)
        #expect(try bits.readFlag("M") == true)
        #expect(try bits.read(bits: 7, field: "PT") == 0x60)
        #expect(bits.remainingBits == 0)
        #expect(throws: WireError.self) { try bits.read(bits: 1, field: "past end") }
    }

    @Test func widthOutsideZeroToSixtyFourIsAnError() {
        var bits = BitReader([0xff][...])
        #expect(throws: WireError.self) { try bits.read(bits: 65, field: "wide") }
        #expect(throws: WireError.self) { try bits.read(bits: -1, field: "negative") }
    }

    @Test func writerRoundTrips() throws {
        var writer = BitWriter()
        writer.write(2, bits: 2)
        writer.writeFlag(false)
        writer.writeFlag(true)
        writer.write(0, bits: 4)
        writer.writeFlag(true)
        writer.write(0x60, bits: 7)
        writer.write(0b101, bits: 3)
        #expect(writer.bytes == [0x90, 0xe0, 0xa0])
    }

    @Test func extractsDiagramBitRanges() {
        let firstWord: UInt32 = 0x8060_1234
        #expect(firstWord.bits(from: 0, count: 2) == 2)
        #expect(firstWord.bits(from: 9, count: 7) == 0x60)
        #expect(firstWord.bits(from: 16, count: 16) == 0x1234)
        #expect(firstWord.bits(from: 0, count: 32) == firstWord)
    }
}
