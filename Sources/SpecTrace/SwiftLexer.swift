/// A small Swift tokenizer: enough to find comments, string literals, identifiers and
/// punctuation with their line numbers, so the citation scanner never mistakes text inside
/// a string for a comment or the reverse. Not a full Swift lexer.
struct SwiftLexer {
    enum Kind: Equatable {
        case identifier(String)
        case punctuation(Character)
        case string(String)
        case lineComment(String)
    }

    struct Token: Equatable {
        var kind: Kind
        var line: Int
    }

    static func tokens(_ source: String) -> [Token] {
        let chars = Array(source.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        var line = 1
        func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < chars.count ? chars[i + offset] : nil }

        while i < chars.count {
            let c = chars[i]
            if c == "\n" { line += 1; i += 1; continue }
            if c == " " || c == "\t" || c == "\r" { i += 1; continue }
            if c == "/", peek(1) == "/" {
                var j = i + 2
                while j < chars.count, chars[j] != "\n" { j += 1 }
                var text = String.UnicodeScalarView()
                text.append(contentsOf: chars[(i + 2)..<j])
                tokens.append(Token(kind: .lineComment(String(text)), line: line))
                i = j
                continue
            }
            if c == "/", peek(1) == "*" {
                var depth = 1
                i += 2
                while i < chars.count, depth > 0 {
                    if chars[i] == "\n" { line += 1 }
                    if chars[i] == "/", peek(1) == "*" { depth += 1; i += 2; continue }
                    if chars[i] == "*", peek(1) == "/" { depth -= 1; i += 2; continue }
                    i += 1
                }
                continue
            }
            if c == "\"" || (c == "#" && (peek(1) == "\"" || peek(1) == "#")) {
                let startLine = line
                if let (value, end, newlines) = readString(chars, from: i) {
                    tokens.append(Token(kind: .string(value), line: startLine))
                    line += newlines
                    i = end
                    continue
                }
            }
            if c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c) {
                var j = i
                while j < chars.count, chars[j].properties.isAlphabetic || chars[j] == "_" || ("0"..."9").contains(chars[j]) {
                    j += 1
                }
                var text = String.UnicodeScalarView()
                text.append(contentsOf: chars[i..<j])
                tokens.append(Token(kind: .identifier(String(text)), line: line))
                i = j
                continue
            }
            tokens.append(Token(kind: .punctuation(Character(c)), line: line))
            i += 1
        }
        return tokens
    }

    /// Reads a string literal starting at `start` (`"…"`, `"""…"""`, `#"…"#`); returns its
    /// content (escapes left as written), the index after it and the newlines it spans.
    private static func readString(_ chars: [Unicode.Scalar], from start: Int) -> (String, Int, Int)? {
        var i = start
        var hashes = 0
        while i < chars.count, chars[i] == "#" { hashes += 1; i += 1 }
        guard i < chars.count, chars[i] == "\"" else { return nil }
        let multiline = i + 2 < chars.count && chars[i + 1] == "\"" && chars[i + 2] == "\""
        i += multiline ? 3 : 1
        var content = String.UnicodeScalarView()
        var newlines = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\n" {
                newlines += 1
                if !multiline { return (String(content), i, newlines - 1) }
            }
            if c == "\\", hashes == 0, i + 1 < chars.count {
                if chars[i + 1] == "(" {
                    // Interpolation: skip to the balancing parenthesis.
                    var depth = 0
                    var j = i + 1
                    while j < chars.count {
                        if chars[j] == "(" { depth += 1 }
                        if chars[j] == ")" { depth -= 1; if depth == 0 { break } }
                        if chars[j] == "\n" { newlines += 1 }
                        j += 1
                    }
                    i = j + 1
                    continue
                }
                content.append(c)
                content.append(chars[i + 1])
                i += 2
                continue
            }
            if c == "\"" {
                let closeCount = multiline ? 3 : 1
                var matches = true
                for k in 0..<closeCount where i + k >= chars.count || chars[i + k] != "\"" { matches = false }
                var j = i + closeCount
                var closingHashes = 0
                while matches, closingHashes < hashes, j < chars.count, chars[j] == "#" { closingHashes += 1; j += 1 }
                if matches, closingHashes == hashes { return (String(content), j, newlines) }
            }
            content.append(c)
            i += 1
        }
        return (String(content), chars.count, newlines)
    }
}
