/// Reads an RFC from the pandoc Markdown rendering of the RFC Editor's HTML (the form the newer,
/// RFCXML v3 RFCs are available in here: `nontxt/rfcNNNN.md`) into an ``RFCDocument``.
///
/// - Headings carry their number in a `{.section-number}` link:
///   `### [6.1.](#section-6.1){.section-number .selfRef} [Title](#name-…){.section-name .selfRef}`;
///   a heading without one (Acknowledgements, Authors' Addresses) ends the numbered part.
/// - Figures and code (`::: {… .artwork …}`, `.sourcecode`, fenced code) and tables are skipped.
/// - Links, spans and escapes are reduced to their text: `[MUST]{.bcp14}` → `MUST`,
///   `\[[RFC8261](#RFC8261){.xref}\]` → `[RFC8261]`; the pilcrow anchors are dropped.
public enum MarkdownRFCReader {
    /// Parses the Markdown text of RFC `number`.
    public static func read(_ source: String, number: Int) -> RFCDocument {
        // Artwork, code and tables are marked up in this format and skipped as they are
        // read, so no layout heuristic is needed for paragraphs.
        var text = SectionAccumulator { blocks in blocks.map { stripMarkup(RFCText.joinLines($0)) } }
        var title = ""
        var divStack: [Bool] = []   // per open ::: div: whether it holds artwork or code
        var inFence = false
        var inTable = false

        for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = line.trimmingWhitespace()
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
                text.endBlock()
                continue
            }
            if inFence { continue }
            if trimmed.hasPrefix(":::") {
                text.endBlock()
                inTable = false
                let rest = trimmed.drop { $0 == ":" }.trimmingWhitespace()
                if rest.isEmpty {
                    if !divStack.isEmpty { divStack.removeLast() }
                } else {
                    let isArt = rest.contains(".artwork") || rest.contains(".sourcecode")
                    divStack.append(isArt || (divStack.last ?? false))
                }
                continue
            }
            if divStack.last == true { continue }
            if trimmed.hasPrefix("#") {
                text.endBlock()
                if title.isEmpty, trimmed.hasPrefix("# "), trimmed.contains("{#title}") {
                    title = stripMarkup(String(trimmed.dropFirst(2)).replacingAll("{#title}", with: ""))
                    continue
                }
                if let heading = parseHeading(trimmed) {
                    text.endSection(opening: RFCDocument.Section(number: heading.number, title: heading.title))
                } else if trimmed.hasPrefix("##") {
                    text.endSection()
                }
                continue
            }
            guard text.current != nil else { continue }
            // An empty definition (`:`) or a blank line ends a paragraph.
            if trimmed.isEmpty || trimmed == ":" {
                text.endBlock()
                continue
            }
            // Simple tables are framed by lines of dashes; each row is read as one paragraph,
            // so a normative cell ("Reserved; MUST be dropped") is kept and the rest is dropped
            // as artwork. The caption (`: Table 3`) is not text.
            // Table rows are indented; a line at the margin is running text again.
            if inTable, line.first != " " { inTable = false }
            if trimmed.count >= 3, trimmed.allSatisfy({ $0 == "-" || $0 == " " }) {
                text.endBlock()
                inTable = true
                continue
            }
            if trimmed.hasPrefix(": [Table") { continue }
            if inTable {
                text.endBlock()
                text.append(line)
                text.endBlock()
                continue
            }
            if RFCText.startsListItem(trimmed[...]) || trimmed.hasPrefix(": ") { text.endBlock() }
            text.append(trimmed.hasPrefix(": ") ? String(trimmed.dropFirst(2)) : line)
        }
        text.endSection()
        return RFCDocument(number: number, title: title, sections: text.sections)
    }

    /// `## [14.7.](#section-14.7){.section-number .selfRef} [FINGERPRINT](#name-…){.section-name .selfRef} {#name-…}`
    static func parseHeading(_ line: String) -> (number: String, title: String)? {
        let hashes = line.prefix { $0 == "#" }
        var rest = line.dropFirst(hashes.count).trimmingWhitespace()[...]
        guard rest.hasPrefix("["), let close = rest.firstIndex(of: "]") else { return nil }
        var number = rest[rest.index(after: rest.startIndex)..<close].trimmingWhitespace()
        rest = rest[rest.index(after: close)...]
        guard let braceOpen = rest.firstIndex(of: "{"), let braceClose = rest.firstIndex(of: "}"),
              rest[braceOpen..<braceClose].contains(".section-number") else { return nil }
        if number.hasPrefix("Appendix ") { number = String(number.dropFirst("Appendix ".count)) }
        if number.hasSuffix(".") { number.removeLast() }
        guard SectionNumber(number) != nil else { return nil }
        let title = stripMarkup(String(rest[rest.index(after: braceClose)...]))
        return (number, title)
    }

    /// Reduces pandoc Markdown inline markup to plain text.
    static func stripMarkup(_ text: String) -> String {
        // Protect escaped characters first, so `\[` is never taken for a link bracket.
        let escapes: [(String, Character)] = [
            ("\\[", "\u{E000}"), ("\\]", "\u{E001}"), ("\\\"", "\""), ("\\'", "'"), ("\\*", "\u{E002}"),
            ("\\_", "_"), ("\\<", "<"), ("\\>", ">"), ("\\`", "`"), ("\\#", "#"), ("\\|", "|"), ("\\$", "$"),
            ("\\~", "~"), ("\\-", "-"), ("\\^", "^"), ("\\\\", "\\"), ("\\@", "@"),
        ]
        var s = text
        for (escaped, placeholder) in escapes where s.contains(escaped) {
            s = s.replacingAll(escaped, with: String(placeholder))
        }
        s = removeLinksAndSpans(s)
        // Heading attribute blocks such as `{#name-foo}` and leftover class blocks.
        s = removeBraceBlocks(s)
        s.removeAll { $0 == "*" || $0 == "`" || $0 == "\u{B6}" }
        s = s.replacingAll("\u{E000}", with: "[").replacingAll("\u{E001}", with: "]")
            .replacingAll("\u{E002}", with: "*")
        return RFCText.collapseWhitespace(s)
    }

    /// `[text](target){attrs}` → `text`, `[text]{attrs}` → `text`, innermost first; the
    /// pilcrow link `[¶](#section-1-2){.pilcrow}` disappears. Brackets that form neither stay.
    private static func removeLinksAndSpans(_ input: String) -> String {
        var chars = Array(input)
        var changed = true
        var passes = 0
        // Real markup nests a few levels deep (a span holding links); the bound keeps
        // adversarial nesting from costing a pass per level.
        while changed, passes < 8 {
            passes += 1
            changed = false
            var out: [Character] = []
            out.reserveCapacity(chars.count)
            var i = 0
            while i < chars.count {
                if chars[i] == "[", let close = innerClose(chars, from: i + 1) {
                    var j = close + 1
                    var isMarkup = false
                    if j < chars.count, chars[j] == "(", let end = chars[j..<min(chars.count, j + 512)].firstIndex(of: ")") {
                        j = end + 1
                        isMarkup = true
                    }
                    if j < chars.count, chars[j] == "{", let end = chars[j..<min(chars.count, j + 256)].firstIndex(of: "}") {
                        j = end + 1
                        isMarkup = true
                    }
                    if isMarkup {
                        let inner = chars[(i + 1)..<close]
                        if !(inner.count == 1 && inner.first == "\u{B6}") { out.append(contentsOf: inner) }
                        i = j
                        changed = true
                        continue
                    }
                }
                out.append(chars[i])
                i += 1
            }
            chars = out
        }
        return String(chars)
    }

    /// The index of the `]` closing a bracket that contains no other bracket, looked for
    /// within 8192 characters so that text full of `[` cannot make the scan quadratic.
    private static func innerClose(_ chars: [Character], from start: Int) -> Int? {
        var j = start
        while j < min(chars.count, start + 8192) {
            if chars[j] == "[" { return nil }
            if chars[j] == "]" { return j }
            j += 1
        }
        return nil
    }

    private static func removeBraceBlocks(_ input: String) -> String {
        var out = ""
        var depth = 0
        var pending = ""
        for c in input {
            if c == "{" {
                depth += 1
                pending.append(c)
            } else if c == "}", depth > 0 {
                depth -= 1
                pending.append(c)
                if depth == 0 {
                    // Only attribute blocks (`{#id}`, `{.class}`) are markup; keep other braces.
                    let body = pending.dropFirst().dropLast()
                    if !(body.hasPrefix("#") || body.hasPrefix(".")) { out += pending }
                    pending = ""
                }
            } else if depth > 0 {
                pending.append(c)
            } else {
                out.append(c)
            }
        }
        return out + pending
    }
}

extension String {
    /// Every occurrence of `target` replaced (a small Foundation-free helper).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
