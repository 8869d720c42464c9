/// Hexadecimal text for bytes: compact strings, classic dumps, and a tolerant parser.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex with no separators: `[0x21, 0x12]` → `"2112"`.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A dump of 16 bytes per line: offset, hex in two groups of 8, printable ASCII.
    ///
    ///     0000  00 01 00 58 21 12 a4 42  b7 e7 a7 01 bc 34 d6 86  ...X!..B.....4..
    public static func dump<C: Collection>(_ bytes: C, startOffset: Int = 0) -> String
    where C.Element == UInt8 {
        let all = Array(bytes)
        var lines: [String] = []
        var lineStart = 0
        while lineStart < all.count {
            let line = all[lineStart..<min(lineStart + 16, all.count)]
            var text = String(startOffset + lineStart, radix: 16)
            text = String(repeating: "0", count: max(0, 4 - text.count)) + text + "  "
            for (i, byte) in line.enumerated() {
                text += encode([byte]) + (i == 7 ? "  " : " ")
            }
            if line.count < 16 {
                text += String(repeating: "   ", count: 16 - line.count) + (line.count <= 7 ? " " : "")
            }
            text += " " + String(line.map { (0x20...0x7e).contains($0) ? Character(UnicodeScalar($0)) : "." })
            lines.append(text)
            lineStart += 16
        }
        return lines.joined(separator: "\n")
    }

    /// Parses hex text. Accepts upper and lower case, white space, `:` and `-` between bytes,
    /// and an optional `0x` before each group; anything else is an error with its position.
    public static func decode(_ text: String) throws(WireError) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8? = nil
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "0", i + 1 < scalars.count, scalars[i + 1] == "x" || scalars[i + 1] == "X", high == nil {
                i += 2
                continue
            }
            if let nibble = nibble(c) {
                if let h = high {
                    out.append(h << 4 | nibble)
                    high = nil
                } else {
                    high = nibble
                }
            } else if c == " " || c == "\n" || c == "\t" || c == "\r" || c == ":" || c == "-" {
                if high != nil {
                    throw .malformedText(what: "hex", position: i, reason: "a byte needs two hex digits")
                }
            } else {
                throw .malformedText(what: "hex", position: i, reason: "'\(c)' is not a hex digit")
            }
            i += 1
        }
        if high != nil {
            throw .malformedText(what: "hex", position: scalars.count, reason: "odd number of hex digits")
        }
        return out
    }

    private static func nibble(_ c: Unicode.Scalar) -> UInt8? {
        switch c.value {
        case 0x30...0x39: return UInt8(c.value - 0x30)
        case 0x61...0x66: return UInt8(c.value - 0x61 + 10)
        case 0x41...0x46: return UInt8(c.value - 0x41 + 10)
        default: return nil
        }
    }
}
