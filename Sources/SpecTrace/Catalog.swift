/// The requirement catalog of one RFC, as stored in `Specs/rfcNNNN.json`.
public struct Catalog: Sendable, Equatable {
    /// Bump when the extractor's rules change (changes are checked against committed IDs).
    public static let extractorVersion = 1

    /// RFC number.
    public var rfc: Int
    /// RFC title.
    public var title: String
    /// File name of the text it was extracted from (`rfc8489.txt`, `nontxt/rfc8656.md`).
    public var source: String
    /// SHA-256 of that text, hex.
    public var sourceSHA256: String
    /// The extractor version that wrote it.
    public var extractor: Int
    /// Every numbered section and appendix with its title, in document order (also those
    /// without requirements, so that scope rules can name a parent section by title).
    public var sections: [SectionTitle]
    /// The requirements, in document order.
    public var requirements: [Requirement]

    /// A section number and its title.
    public struct SectionTitle: Sendable, Equatable, Codable {
        public var number: String
        public var title: String
        public init(number: String, title: String) {
            self.number = number
            self.title = title
        }
    }

    /// A catalog from its parts.
    public init(rfc: Int, title: String, source: String, sourceSHA256: String,
                extractor: Int = Catalog.extractorVersion, sections: [SectionTitle] = [], requirements: [Requirement]) {
        self.rfc = rfc
        self.title = title
        self.source = source
        self.sourceSHA256 = sourceSHA256
        self.extractor = extractor
        self.sections = sections
        self.requirements = requirements
    }

    /// How many requirements there are at each level.
    public var counts: [RequirementLevel: Int] {
        var counts: [RequirementLevel: Int] = [.must: 0, .should: 0, .may: 0]
        for requirement in requirements { counts[requirement.level, default: 0] += 1 }
        return counts
    }

    /// Section number → title.
    public var sectionTitles: [String: String] {
        Dictionary(sections.map { ($0.number, $0.title) }, uniquingKeysWith: { first, _ in first })
    }

    /// The catalog file name for an RFC: `rfc8489.json`.
    public static func fileName(rfc: Int) -> String { "rfc\(rfc).json" }
}

/// Turns an ``RFCDocument`` into requirements: one per sentence with a BCP 14 keyword in capitals.
public enum RequirementExtractor {
    /// The requirements of `document`, numbered per section in order of appearance.
    public static func requirements(of document: RFCDocument) -> [Requirement] {
        var requirements: [Requirement] = []
        var ordinals: [String: Int] = [:]
        for section in document.sections {
            for paragraph in section.paragraphs {
                for sentence in SentenceSplitter.sentences(paragraph) where !BCP14.isBoilerplate(sentence) {
                    let keywords = BCP14.keywords(in: sentence)
                    guard let level = BCP14.level(of: keywords) else { continue }
                    let ordinal = ordinals[section.number, default: 0] + 1
                    ordinals[section.number] = ordinal
                    requirements.append(Requirement(
                        id: RequirementID(rfc: document.number, section: section.number, ordinal: ordinal).description,
                        section: section.number, sectionTitle: section.title, level: level,
                        keywords: keywords, text: sentence))
                }
            }
        }
        return requirements
    }
}
