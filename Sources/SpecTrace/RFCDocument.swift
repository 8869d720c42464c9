/// An RFC reduced to what the requirement extractor needs: numbered sections and their
/// paragraphs of running text (line breaks, page breaks, markup and artwork removed).
public struct RFCDocument: Sendable, Equatable {
    /// The RFC number.
    public var number: Int
    /// The RFC's title.
    public var title: String
    /// The numbered sections and appendices, in document order.
    public var sections: [Section]

    /// A document from its parts.
    public init(number: Int, title: String, sections: [Section]) {
        self.number = number
        self.title = title
        self.sections = sections
    }

    /// A numbered section or appendix.
    public struct Section: Sendable, Equatable {
        /// `14.7`, `B.2`.
        public var number: String
        /// `FINGERPRINT`.
        public var title: String
        /// Paragraphs and list items as single lines of text.
        public var paragraphs: [String]

        /// A section from its parts.
        public init(number: String, title: String, paragraphs: [String] = []) {
            self.number = number
            self.title = title
            self.paragraphs = paragraphs
        }
    }
}

/// Gathers lines into paragraphs and paragraphs into sections, for both RFC readers.
struct SectionAccumulator {
    /// Finished sections.
    private(set) var sections: [RFCDocument.Section] = []
    /// The section being read, if any (text outside numbered sections is ignored).
    var current: RFCDocument.Section? = nil
    /// Raw lines of the paragraph being gathered.
    private(set) var block: [String] = []
    /// Paragraphs (as raw lines) of the current section.
    private(set) var blocks: [[String]] = []
    /// Turns a section's raw paragraphs into text paragraphs (dropping artwork, markup).
    let paragraphs: ([[String]]) -> [String]

    init(paragraphs: @escaping ([[String]]) -> [String]) {
        self.paragraphs = paragraphs
    }

    mutating func append(_ line: String) { block.append(line) }

    mutating func endBlock() {
        if !block.isEmpty { blocks.append(block) }
        block = []
    }

    /// Ends the current section and, when `next` is given, opens it.
    mutating func endSection(opening next: RFCDocument.Section? = nil) {
        endBlock()
        if var section = current {
            section.paragraphs = paragraphs(blocks).filter { !$0.isEmpty }
            sections.append(section)
        }
        current = next
        blocks = []
    }
}

/// Shared text helpers for the RFC readers.
enum RFCText {
    /// Joins wrapped lines into one paragraph: a line that ends in a letter followed by `-`
    /// was broken after a hyphen in a compound (`MESSAGE-` / `INTEGRITY`) and joins without
    /// a space; every other break becomes one space. Runs of white space collapse to one.
    static func joinLines(_ lines: [String]) -> String {
        var text = ""
        for raw in lines {
            let line = raw.trimmingWhitespace()
            guard !line.isEmpty else { continue }
            if text.isEmpty {
                text = line
            } else if text.hasSuffix("-"), text.count >= 2,
                      text[text.index(text.endIndex, offsetBy: -2)].isLetter {
                text += line
            } else {
                text += " " + line
            }
        }
        return collapseWhitespace(removeBullet(text))
    }

    /// A list item's text without its bullet (`o  `, `*  `, `-  `); numbered items keep their number.
    static func removeBullet(_ text: String) -> String {
        guard let first = text.first, "o*-+\u{2022}".contains(first), text.dropFirst().first == " " else { return text }
        return String(text.dropFirst(2))
    }

    static func collapseWhitespace(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        var lastWasSpace = false
        for c in text {
            if c == " " || c == "\t" || c == "\u{00A0}" {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(c)
                lastWasSpace = false
            }
        }
        return out.trimmingWhitespace()
    }

    /// Whether a trimmed line starts a list item: `o  `, `*  `, `-  `, `1.  `, `(a) `, `a) `.
    static func startsListItem(_ trimmed: Substring) -> Bool {
        guard let first = trimmed.first else { return false }
        if "o*-+\u{2022}".contains(first) {
            let rest = trimmed.dropFirst()
            return rest.first == " "
        }
        var rest = trimmed[...]
        if first == "(" {
            rest = rest.dropFirst()
            let token = rest.prefix { $0.isLetter || $0.isNumber }
            guard !token.isEmpty, token.count <= 3 else { return false }
            rest = rest.dropFirst(token.count)
            return rest.hasPrefix(") ")
        }
        let token = rest.prefix { $0.isNumber }
        guard !token.isEmpty, token.count <= 2 else { return false }
        rest = rest.dropFirst(token.count)
        return rest.hasPrefix(". ") || rest.hasPrefix(") ")
    }

    /// Whether a block of raw lines is a figure, table or code rather than running text.
    static func isArtwork(_ lines: [String]) -> Bool {
        var boxLines = 0
        var symbolLines = 0
        for line in lines {
            let trimmed = line.trimmingWhitespace()
            if trimmed.contains("+-") || trimmed.contains("-+") || trimmed.filter({ $0 == "|" }).count >= 2
                || trimmed.hasPrefix("|") {
                boxLines += 1
            }
            let letters = trimmed.filter { $0.isLetter || $0.isNumber || $0 == " " }.count
            if trimmed.count >= 8, letters * 10 < trimmed.count * 6 { symbolLines += 1 }
        }
        return boxLines >= 1 && boxLines * 2 >= lines.count || symbolLines * 2 > lines.count
            || isCode(lines)
    }

    /// Whether a block reads as code: C, ASN.1 or TLS presentation language (`struct {`,
    /// `Foo ::= SEQUENCE`, `/* … */`, lines ending in `;`). ASN.1 uses `OPTIONAL` as a word of
    /// its own, which must not become a requirement.
    static func isCode(_ lines: [String]) -> Bool {
        var codeLines = 0
        var strong = false
        for line in lines {
            let trimmed = line.trimmingWhitespace()
            if trimmed.contains("::=") || trimmed.hasPrefix("/*") || trimmed.hasSuffix("*/") || trimmed.hasSuffix("{")
                || trimmed.hasPrefix("}") || trimmed.hasPrefix("#include") || trimmed.hasPrefix("#define") {
                strong = true
                codeLines += 1
            } else if trimmed.hasSuffix(";") || trimmed.hasSuffix(",") || trimmed.hasPrefix("*") {
                codeLines += 1
            }
        }
        return strong && codeLines * 3 >= lines.count
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and no-break spaces.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{00A0}" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
