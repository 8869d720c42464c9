/// Splits a paragraph of RFC prose into sentences.
///
/// A sentence ends at `.`, `?` or `!` (and any closing quotes or brackets after it) followed
/// by a space and a capital letter, a quote or an opening bracket, unless the word before the
/// stop is an abbreviation (`e.g.`, `i.e.`, `et al.`, `Sec.`).
public enum SentenceSplitter {
    static let abbreviations: Set<String> = [
        "e.g.", "i.e.", "et al.", "al.", "etc.", "cf.", "vs.", "Sec.", "Fig.", "Ref.", "No.", "Nos.",
        "Vol.", "pp.", "approx.", "Inc.", "Corp.", "Ltd.", "Mr.", "Ms.", "Dr.", "St.", "viz.", "resp.",
        "U.S.", "ca.", "min.", "max.", "sec.", "Eq.", "eq.", "Ed.", "Eds.",
    ]

    /// The sentences of `paragraph`, trimmed, in order.
    public static func sentences(_ paragraph: String) -> [String] {
        let chars = Array(paragraph)
        var sentences: [String] = []
        var start = 0
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "." || c == "?" || c == "!" {
                var end = i + 1
                while end < chars.count, "\"')]\u{201D}".contains(chars[end]) { end += 1 }
                var next = end
                while next < chars.count, chars[next] == " " { next += 1 }
                if next > end, next < chars.count, startsSentence(chars[next]),
                   c != "." || !endsWithAbbreviation(chars, stop: i) {
                    sentences.append(String(chars[start..<end]).trimmingWhitespace())
                    start = next
                    i = start
                    continue
                }
            }
            i += 1
        }
        let rest = String(chars[start...]).trimmingWhitespace()
        if !rest.isEmpty { sentences.append(rest) }
        return sentences
    }

    private static func startsSentence(_ c: Character) -> Bool {
        c.isUppercase || c == "\"" || c == "(" || c == "[" || c == "\u{201C}" || c == "'"
    }

    /// Whether the word that ends with the `.` at `stop` is an abbreviation.
    private static func endsWithAbbreviation(_ chars: [Character], stop: Int) -> Bool {
        // Abbreviations are short: looking back a few characters keeps the split linear.
        var wordStart = stop
        while wordStart > 0, stop - wordStart < 12, chars[wordStart - 1] != " " { wordStart -= 1 }
        let word = String(chars[wordStart...stop])
        if abbreviations.contains(word) { return true }
        // "et al." spans two words.
        if word == "al.", wordStart >= 3, String(chars[(wordStart - 3)..<wordStart]) == "et " { return true }
        return false
    }
}
