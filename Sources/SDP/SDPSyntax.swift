/// Character classes and number rules of the RFC 8866 §9 grammar, shared by the line parser and
/// the attribute parsers.
enum SDPSyntax {
    /// `token-char` (RFC 8866 §9): %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E.
    static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x23...0x27, 0x2A...0x2B, 0x2D...0x2E, 0x30...0x39, 0x41...0x5A, 0x5E...0x7E: return true
        default: return false
        }
    }

    static func isToken<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenChar)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isDigits<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isDigit)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// `ice-char = ALPHA / DIGIT / "+" / "/"` (RFC 8839 §5.1).
    static func isICEChar(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == 0x2B || byte == 0x2F
    }

    /// `non-ws-string`: visible characters and bytes above 0x7F, no space.
    static func isNonWhitespace<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }

    /// A decimal number made only of digits that fits `T`; nil otherwise (including for a sign).
    static func number<T: FixedWidthInteger & UnsignedInteger, S: StringProtocol>(_ text: S, as: T.Type = T.self) -> T? {
        guard isDigits(text), text.utf8.count <= 20 else { return nil }
        var value: T = 0
        for byte in text.utf8 {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(T(byte - 0x30))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    /// Like ``number(_:as:)`` but also refuses leading zeros ("0" itself is fine).
    static func numberWithoutLeadingZeros<T: FixedWidthInteger & UnsignedInteger, S: StringProtocol>(_ text: S, as: T.Type = T.self) -> T? {
        if text.utf8.count > 1, text.utf8.first == 0x30 { return nil }
        return number(text, as: T.self)
    }

    /// Splits on single spaces, keeping empty pieces (so that two spaces in a row show up as an
    /// empty field, which every caller rejects).
    static func fields<S: StringProtocol>(_ text: S) -> [S.SubSequence] {
        text.split(separator: " ", omittingEmptySubsequences: false)
    }
}
