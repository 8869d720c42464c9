/// Finds the BCP 14 keywords (RFC 2119 §1–5, as RFC 8174 §2 restricts them to capitals) in a sentence.
public enum BCP14 {
    /// The keywords, longest first so that `MUST NOT` wins over `MUST`.
    static let keywords: [(word: String, level: RequirementLevel)] = [
        ("NOT RECOMMENDED", .should),
        ("MUST NOT", .must), ("SHALL NOT", .must), ("SHOULD NOT", .should),
        ("MUST", .must), ("REQUIRED", .must), ("SHALL", .must),
        ("SHOULD", .should), ("RECOMMENDED", .should),
        ("MAY", .may), ("OPTIONAL", .may),
    ]

    /// The keywords in `sentence`, in order, ignoring:
    /// - lower- or mixed-case words (RFC 8174: only capitals carry the special meaning);
    /// - keywords inside an all-capital token such as `MAY-BE` or `REQUIRED_FIELD`;
    /// - keywords named in short double quotes, as in `the "MUST" keyword` (the terminology
    ///   boilerplate lists every keyword that way).
    public static func keywords(in sentence: String) -> [String] {
        let chars = Array(sentence.unicodeScalars)
        var found: [String] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\"" || c == "\u{201C}", let close = closingQuote(chars, from: i + 1), close - i <= 24 {
                // A short quoted span names a keyword rather than using it.
                i = close + 1
                continue
            }
            if isWordCharacter(c), i == 0 || !isWordCharacter(chars[i - 1]) {
                var matched = false
                for w in keywordScalars {
                    if i + w.count <= chars.count, chars[i..<(i + w.count)].elementsEqual(w),
                       i + w.count == chars.count || !isWordCharacter(chars[i + w.count]) {
                        found.append(String(String.UnicodeScalarView(w)))
                        i += w.count
                        matched = true
                        break
                    }
                }
                if !matched {
                    while i < chars.count, isWordCharacter(chars[i]) { i += 1 }
                }
                continue
            }
            i += 1
        }
        return found
    }

    private static let keywordScalars: [[Unicode.Scalar]] = keywords.map { Array($0.word.unicodeScalars) }

    /// The strongest level among `keywords`, or nil when there are none.
    public static func level(of keywords: [String]) -> RequirementLevel? {
        keywords.compactMap { word in BCP14.keywords.first { $0.word == word }?.level }.max()
    }

    /// Whether a sentence is the RFC 2119 / RFC 8174 terminology boilerplate (or a variant of
    /// it), which names the keywords rather than using them.
    public static func isBoilerplate(_ sentence: String) -> Bool {
        let lower = sentence.lowercased()
        return (lower.contains("key words") || lower.contains("keywords"))
            && lower.contains("interpreted as described in")
    }

    /// The closing quote within the next 24 characters (only short quotes name keywords;
    /// the bound also keeps the scan linear on text full of quotes).
    private static func closingQuote(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var j = start
        while j < min(chars.count, start + 24) {
            if chars[j] == "\"" || chars[j] == "\u{201D}" { return j }
            j += 1
        }
        return nil
    }

    /// Letters, digits, `-` and `_`: the characters of one token.
    private static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_"
    }
}
