/// What went wrong in the traceability chain, with the file and line it concerns.
public enum SpecTraceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// A file's content is not what it should be (bad JSON, a missing field).
    case malformed(path: String, line: Int?, reason: String)
    /// A citation names an ID that has the wrong shape.
    case malformedCitation(path: String, line: Int, text: String)
    /// A citation names an ID no catalog holds.
    case unknownRequirement(path: String, line: Int, id: String)
    /// A citation names a requirement that scope.json marks not applicable.
    case citedNotApplicable(path: String, line: Int, id: String, reason: String)
    /// Re-extraction would give committed IDs another sentence (or drop them).
    case idsChanged(rfc: Int, changes: [String])
    /// A directory holds no RFC texts.
    case noSources(path: String)

    public var description: String {
        switch self {
        case let .io(path, reason):
            return "\(path): \(reason)"
        case let .malformed(path, line, reason):
            return "\(path)\(line.map { ":\($0)" } ?? ""): \(reason)"
        case let .malformedCitation(path, line, text):
            return "\(path):\(line): malformed requirement ID \"\(text)\" (expected RFC<number>-<section>-<ordinal>, e.g. RFC8489-14.7-2)"
        case let .unknownRequirement(path, line, id):
            return "\(path):\(line): \(id) is not in any catalog under Specs/"
        case let .citedNotApplicable(path, line, id, reason):
            return "\(path):\(line): \(id) is cited but Specs/scope.json marks it not applicable (\(reason))"
        case let .idsChanged(rfc, changes):
            return "RFC \(rfc): re-extraction would change \(changes.count) committed ID(s); migrate them explicitly (specrtc specs extract --migrate):\n"
                + changes.prefix(20).map { "  " + $0 }.joined(separator: "\n")
                + (changes.count > 20 ? "\n  … and \(changes.count - 20) more" : "")
        case let .noSources(path):
            return "\(path): no RFC texts found (expected rfcNNNN.txt or nontxt/rfcNNNN.md)"
        }
    }
}
