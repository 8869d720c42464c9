/// The strength of a requirement, from the BCP 14 keyword (RFC 2119, RFC 8174) its sentence carries.
public enum RequirementLevel: String, Sendable, Codable, CaseIterable, Comparable {
    /// MUST, MUST NOT, REQUIRED, SHALL, SHALL NOT.
    case must = "MUST"
    /// SHOULD, SHOULD NOT, RECOMMENDED, NOT RECOMMENDED.
    case should = "SHOULD"
    /// MAY, OPTIONAL.
    case may = "MAY"

    private var strength: Int {
        switch self {
        case .must: return 3
        case .should: return 2
        case .may: return 1
        }
    }

    /// Ordered by strength: `.may < .should < .must`.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.strength < rhs.strength }
}

/// One normative sentence of an RFC: a sentence that holds a BCP 14 keyword in capitals.
public struct Requirement: Sendable, Equatable, Codable {
    /// Stable ID: `RFC<number>-<section>-<ordinal>`, e.g. `RFC8489-14.7-2`.
    public var id: String
    /// Section or appendix number, e.g. `14.7` or `B.2`.
    public var section: String
    /// The section's title, e.g. `FINGERPRINT`.
    public var sectionTitle: String
    /// The strongest keyword's level.
    public var level: RequirementLevel
    /// Every keyword the sentence carries, in order of appearance (`MUST NOT`, `MAY`, …).
    public var keywords: [String]
    /// The sentence, with line breaks and page breaks of the source removed.
    public var text: String

    /// A requirement as the extractor or a catalog file gives it.
    public init(id: String, section: String, sectionTitle: String, level: RequirementLevel,
                keywords: [String], text: String) {
        self.id = id
        self.section = section
        self.sectionTitle = sectionTitle
        self.level = level
        self.keywords = keywords
        self.text = text
    }

    /// The RFC number this ID belongs to, e.g. 8489 for `RFC8489-14.7-2`.
    public var rfcNumber: Int { RequirementID(id)?.rfc ?? 0 }
}

/// The parts of a requirement ID `RFC<number>-<section>-<ordinal>`.
public struct RequirementID: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    /// RFC number.
    public let rfc: Int
    /// Section or appendix number (`14.7`, `B.2`).
    public let section: String
    /// 1-based ordinal of the requirement within its section.
    public let ordinal: Int

    /// Parses an ID; nil when it does not have the shape `RFC<number>-<section>-<ordinal>`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].hasPrefix("RFC"),
              let rfc = Int(parts[0].dropFirst(3)), rfc > 0, parts[0].dropFirst(3).allSatisfy(\.isNumber),
              let ordinal = Int(parts[2]), ordinal > 0, parts[2].allSatisfy(\.isNumber),
              SectionNumber(String(parts[1])) != nil else { return nil }
        self.rfc = rfc
        self.section = String(parts[1])
        self.ordinal = ordinal
    }

    /// An ID from its parts.
    public init(rfc: Int, section: String, ordinal: Int) {
        self.rfc = rfc
        self.section = section
        self.ordinal = ordinal
    }

    public var description: String { "RFC\(rfc)-\(section)-\(ordinal)" }

    /// Document order: by RFC, then section (numerically, appendices after sections), then ordinal.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.rfc != rhs.rfc { return lhs.rfc < rhs.rfc }
        if lhs.section != rhs.section {
            return SectionNumber(lhs.section)! < SectionNumber(rhs.section)!
        }
        return lhs.ordinal < rhs.ordinal
    }
}

/// A section number such as `14.7` or an appendix number such as `B.2`, ordered as in the document.
public struct SectionNumber: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    /// The appendix letter, or nil for a numbered section.
    public let appendix: Character?
    /// The numeric components after the letter (or all of them for a numbered section).
    public let components: [Int]

    /// Parses `14.7`, `3`, `B`, `B.2.1`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty else { return nil }
        var numbers: [Int] = []
        if first.count == 1, let letter = first.first, letter.isASCII, letter.isUppercase {
            appendix = letter
        } else if first.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(first) {
            appendix = nil
            numbers.append(n)
        } else {
            return nil
        }
        for part in parts.dropFirst() {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(part) else { return nil }
            numbers.append(n)
        }
        components = numbers
    }

    private init(appendix: Character?, components: [Int]) {
        self.appendix = appendix
        self.components = components
    }

    /// How many levels deep: `14` is 1, `14.7` is 2, `B` is 1, `B.2` is 2.
    public var depth: Int { components.count + (appendix == nil ? 0 : 1) }

    public var description: String {
        var parts = components.map(String.init)
        if let letter = appendix { parts.insert(String(letter), at: 0) }
        return parts.joined(separator: ".")
    }

    /// Whether `next` can follow this number as the next heading of a document: a first
    /// subsection (`14.7` → `14.7.1`), the next sibling at this or an outer level
    /// (`14.7` → `14.8`, `15`), or the first appendix (`A` after any numbered section).
    public func canBeFollowed(by next: SectionNumber) -> Bool {
        if next.appendix != appendix {
            guard let letter = next.appendix, next.components.isEmpty else { return false }
            if let current = appendix {
                return letter.asciiValue == current.asciiValue.map { $0 + 1 }
            }
            return letter == "A"
        }
        if next.components == components + [1] { return true }
        // Next sibling at some level: a prefix of ours with its last component incremented.
        let nextCount = next.components.count
        guard nextCount >= 1, nextCount <= components.count else {
            return appendix != nil && next.components.isEmpty ? false : false
        }
        return Array(next.components.dropLast()) == Array(components.prefix(nextCount - 1))
            && next.components.last == components[nextCount - 1] + 1
    }

    /// Document order.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        switch (lhs.appendix, rhs.appendix) {
        case (nil, .some): return true
        case (.some, nil): return false
        case let (.some(a), .some(b)) where a != b: return a < b
        default: return lhs.components.lexicographicallyPrecedes(rhs.components)
        }
    }
}
