import Foundation

/// Reads an RFC in the classic RFC Editor plain-text layout (pages of 58 lines with a header
/// and a footer, separated by form feeds) into an ``RFCDocument``.
///
/// - Page footers (`Author  Standards Track  [Page 41]`), page headers (`RFC 8489  STUN
///   February 2020`) and form feeds are removed. A paragraph cut by a page break is joined
///   again unless the text before the break ends a sentence.
/// - Section headings start in column 0: `14.7.  FINGERPRINT`, `Appendix B.  Test Vectors`,
///   `B.2.  Title`. The table of contents is indented, so it is never taken for headings; a
///   candidate heading is accepted only if its number can follow the previous one, so that a
///   stray line such as `2008. The person(s)` cannot open a section.
/// - Unnumbered back matter (`Acknowledgements`, `Authors' Addresses`, …) ends the last section.
public enum ClassicRFCReader {
    static let backMatterTitles = [
        "acknowledgement", "acknowledgment", "author's address", "authors' address", "authors address",
        "contributors", "full copyright statement", "intellectual property", "index", "editors' address",
        "editor's address", "contributors' addresses", "appendix: acknowledg",
    ]

    private enum Line {
        case text(String)
        case blank
        case pageBreak
    }

    /// Parses the text of RFC `number`.
    public static func read(_ source: String, number: Int) -> RFCDocument {
        let lines = removePageLayout(source, number: number)
        var text = SectionAccumulator { blocks in
            blocks.filter { !RFCText.isArtwork($0) }.map(RFCText.joinLines)
        }
        var previousNumber: SectionNumber? = nil
        var headingContinues = false    // the next indented line may continue a wrapped heading title

        var sawFirstSection = false
        var pageBreakPending = false
        for line in lines {
            switch line {
            case .blank:
                text.endBlock()
                headingContinues = false
            case .pageBreak:
                pageBreakPending = true
            case .text(let line):
                // A paragraph cut by a page break goes on after it when the text before the break
                // stops mid-sentence and the text after it keeps the same margin; otherwise the
                // break also ended the paragraph (or the figure) before it.
                if pageBreakPending, let last = text.block.last {
                    let lastTrimmed = last.trimmingWhitespace()
                    let continues = !(lastTrimmed.last.map { ".:;?!{}".contains($0) } ?? true)
                        && indentation(last) == indentation(line)
                    if !continues { text.endBlock() }
                }
                pageBreakPending = false
                if let first = line.first, first != " " {
                    if let heading = parseHeading(line), let number = SectionNumber(heading.number),
                       previousNumber.map({ $0.canBeFollowed(by: number) }) ?? (heading.number == "1") {
                        text.endSection(opening: RFCDocument.Section(number: heading.number, title: heading.title))
                        previousNumber = number
                        headingContinues = true
                        sawFirstSection = true
                        continue
                    }
                    let lower = line.lowercased()
                    if sawFirstSection, backMatterTitles.contains(where: { lower.hasPrefix($0) }) {
                        text.endSection()
                        continue
                    }
                }
                guard text.current != nil else { continue }
                if headingContinues, text.block.isEmpty, text.blocks.isEmpty, line.hasPrefix("    ") {
                    text.current!.title += " " + line.trimmingWhitespace()
                    continue
                }
                headingContinues = false
                if RFCText.startsListItem(line.trimmingWhitespace()[...]) { text.endBlock() }
                text.append(line)
            }
        }
        text.endSection()
        return RFCDocument(number: number, title: documentTitle(lines), sections: text.sections)
    }

    private static func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }

    /// The title: the centred lines after the header block and before the abstract.
    static func documentTitle<S: Sequence>(_ lines: S) -> String where S.Element == String {
        var pastHeader = false
        var titleLines: [String] = []
        var sawHeaderText = false
        for line in lines {
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty {
                if sawHeaderText { pastHeader = true }
                if !titleLines.isEmpty { break }
                continue
            }
            if !pastHeader {
                sawHeaderText = true
                continue
            }
            let lower = trimmed.lowercased()
            if lower.hasPrefix("abstract") || lower.hasPrefix("status of") { break }
            titleLines.append(trimmed)
        }
        return RFCText.collapseWhitespace(titleLines.joined(separator: " "))
    }

    private static func documentTitle(_ lines: [Line]) -> String {
        documentTitle(lines.map { line -> String in
            if case .text(let t) = line { return t }
            return ""
        })
    }

    /// A column-0 heading: `14.7.  FINGERPRINT`, `Appendix A.  Title`, `A.1.  Title`, `Appendix B`.
    static func parseHeading(_ line: String) -> (number: String, title: String)? {
        var rest = Substring(line)
        if rest.hasPrefix("Appendix ") {
            rest = rest.dropFirst("Appendix ".count)
            let number = rest.prefix { $0.isLetter || $0.isNumber || $0 == "." }
            let trimmedNumber = number.hasSuffix(".") ? number.dropLast() : number
            guard let letter = trimmedNumber.first, letter.isUppercase,
                  SectionNumber(String(trimmedNumber)) != nil else { return nil }
            var title = rest.dropFirst(number.count).trimmingWhitespace()
            while let first = title.first, ":-.".contains(first) { title = String(title.dropFirst()).trimmingWhitespace() }
            return (String(trimmedNumber), title)
        }
        let number = rest.prefix { $0.isNumber || $0 == "." || ($0.isUppercase && $0.isLetter) }
        // Older RFCs (3264) write `5.1 Unicast Streams`: one space and no final dot.
        guard !number.isEmpty, number.hasSuffix(".") || rest.dropFirst(number.count).hasPrefix(" ") else {
            return nil
        }
        let trimmedNumber = number.hasSuffix(".") ? number.dropLast() : number
        guard let parsed = SectionNumber(String(trimmedNumber)) else { return nil }
        // A lone capital letter needs its dot ("A.  Title"), or ordinary words would qualify.
        if parsed.appendix != nil, parsed.components.isEmpty, !number.hasSuffix(".") { return nil }
        let afterNumber = rest.dropFirst(number.count)
        guard afterNumber.first == " " else { return nil }
        let title = afterNumber.trimmingWhitespace()
        guard !title.isEmpty, !title.contains("....") else { return nil }
        return (String(trimmedNumber), title)
    }

    /// Splits into lines with page headers, footers and form feeds replaced by page-break markers.
    private static func removePageLayout(_ source: String, number: Int) -> [Line] {
        var out: [Line] = []
        let rawLines = source.split(separator: "\n", omittingEmptySubsequences: false)
        var skippingHeader = false
        for raw in rawLines {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            line.removeAll { $0 == "\u{0C}" }
            if isFooter(line) {
                while case .blank? = out.last { out.removeLast() }
                out.append(.pageBreak)
                skippingHeader = true
                continue
            }
            if line.trimmingWhitespace().isEmpty {
                if !skippingHeader { out.append(.blank) }
                continue
            }
            if skippingHeader, isHeader(line, number: number) {
                continue
            }
            skippingHeader = false
            out.append(.text(line))
        }
        return out
    }

    /// `Rosenberg, et al.     Standards Track     [Page 12]`
    static func isFooter(_ line: String) -> Bool {
        // Footers start at the margin with the authors' names and end with the page number.
        guard let first = line.first, first != " " else { return false }
        let trimmed = line.trimmingWhitespace()
        guard trimmed.hasSuffix("]"), let open = trimmed.range(of: "[Page ", options: .backwards) else { return false }
        let digits = trimmed[open.upperBound..<trimmed.index(before: trimmed.endIndex)]
        return !digits.isEmpty && digits.allSatisfy(\.isNumber) && open.lowerBound != trimmed.startIndex
    }

    /// `RFC 8489                 STUN                 February 2020`
    static func isHeader(_ line: String, number: Int) -> Bool {
        line.hasPrefix("RFC \(number) ") || line.hasPrefix("RFC \(number)\t")
    }
}
