import Testing
import Wire

@Suite struct HexTests {
    @Test func encodesAndDecodes() throws {
        #expect(Hex.encode([0x00, 0x01, 0xab, 0xff]) == "0001abff")
        #expect(try Hex.decode("0001abff") == [0x00, 0x01, 0xab, 0xff])
        #expect(try Hex.decode("00 01 AB:ff\n0x10-0x20") == [0x00, 0x01, 0xab, 0xff, 0x10, 0x20])
        #expect(try Hex.decode("") == [])
    }

    @Test func malformedHexNamesThePosition() {
        #expect(throws: WireError.malformedText(what: "hex", position: 2, reason: "'g' is not a hex digit")) {
            try Hex.decode("00g1")
        }
        #expect(throws: WireError.malformedText(what: "hex", position: 3, reason: "odd number of hex digits")) {
            try Hex.decode("abc")
        }
        #expect(throws: WireError.malformedText(what: "hex", position: 1, reason: "a byte needs two hex digits")) {
            try Hex.decode("a bc")
        }
    }

    @Test func dumpsSixteenBytesPerLine() {
        let dump = Hex.dump(Array(0x41...0x52) as [UInt8])
        let lines = dump.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == "0000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  ABCDEFGHIJKLMNOP")
        #expect(lines[1].hasPrefix("0010  51 52 "))
        #expect(lines[1].hasSuffix("  QR"))
        #expect(Hex.dump([UInt8]()) == "")
    }
}
