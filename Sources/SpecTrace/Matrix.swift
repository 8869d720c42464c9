/// Where a requirement stands.
public enum RequirementState: String, Sendable, Equatable, CaseIterable, Codable {
    /// Cited in code and by at least one passing test, with no citing test failing.
    case verified
    /// Cited in code; no passing test cites it (yet), or a citing test fails.
    case implemented
    /// Cited by a passing test but by no code.
    case testedOnly = "tested-only"
    /// Scope says it does not apply to SpecRTC.
    case notApplicable = "not-applicable"
    /// Neither cited in code nor verified by a test.
    case open
}

/// A test citing a requirement, with its result.
public struct TestEvidence: Sendable, Equatable {
    public var citation: TestCitation
    public var outcome: TestOutcome
}

/// One row of the matrix.
public struct MatrixEntry: Sendable, Equatable {
    public var requirement: Requirement
    public var state: RequirementState
    public var code: [CodeCitation]
    public var tests: [TestEvidence]
    /// Why it does not apply (for `.notApplicable`).
    public var reason: String?
}

/// The matrix of one RFC in scope.
public struct RFCMatrix: Sendable, Equatable {
    public var rfc: Int
    public var title: String
    public var module: String
    public var role: String
    public var entries: [MatrixEntry]

    /// Count per level and state.
    public func count(_ level: RequirementLevel?, _ state: RequirementState?) -> Int {
        entries.filter { (level == nil || $0.requirement.level == level) && (state == nil || $0.state == state) }.count
    }
}

/// Catalogs, scope, citations and test results joined: the conformance matrix.
public struct Matrix: Sendable {
    /// RFCs in scope, by number.
    public var rfcs: [RFCMatrix]
    /// RFCs out of scope and RFCs without text, with reasons.
    public var outOfScope: [Scope.Excluded]
    public var noText: [Scope.Excluded]
    /// Citations that are wrong: malformed, unknown IDs, citations of not-applicable requirements.
    public var errors: [SpecTraceError]

    /// Builds the matrix.
    public static func build(catalogs: [Catalog], scope: Scope, citations: CitationScan, results: TestResults) -> Matrix {
        var errors = citations.errors
        var codeByID: [String: [CodeCitation]] = [:]
        for citation in citations.code { codeByID[citation.id, default: []].append(citation) }
        var testsByID: [String: [TestCitation]] = [:]
        for citation in citations.tests { testsByID[citation.id, default: []].append(citation) }

        let catalogByRFC = Dictionary(catalogs.map { ($0.rfc, $0) }, uniquingKeysWith: { a, _ in a })
        let knownIDs = Set(catalogs.flatMap { $0.requirements.map(\.id) })
        for citation in citations.code where !knownIDs.contains(citation.id) {
            errors.append(.unknownRequirement(path: citation.file, line: citation.line, id: citation.id))
        }
        for citation in citations.tests where !knownIDs.contains(citation.id) {
            errors.append(.unknownRequirement(path: citation.file, line: citation.line, id: citation.id))
        }

        var rfcs: [RFCMatrix] = []
        for inScope in scope.inScope.sorted(by: { $0.rfc < $1.rfc }) {
            guard let catalog = catalogByRFC[inScope.rfc] else {
                errors.append(.malformed(path: "Specs/scope.json", line: nil,
                                         reason: "RFC \(inScope.rfc) is in scope but has no catalog in Specs/"))
                continue
            }
            let titles = catalog.sectionTitles
            var entries: [MatrixEntry] = []
            for requirement in catalog.requirements {
                let code = codeByID[requirement.id] ?? []
                let tests = (testsByID[requirement.id] ?? []).map {
                    TestEvidence(citation: $0, outcome: results.outcome(for: $0))
                }
                let reason = scope.notApplicableReason(requirement, in: catalog, titledSections: titles)
                if let reason {
                    for citation in code {
                        errors.append(.citedNotApplicable(path: citation.file, line: citation.line, id: requirement.id, reason: reason))
                    }
                }
                let passed = tests.contains { $0.outcome == .passed }
                let failed = tests.contains { $0.outcome == .failed }
                let state: RequirementState
                if reason != nil { state = .notApplicable }
                else if !code.isEmpty { state = passed && !failed ? .verified : .implemented }
                else if passed && !failed { state = .testedOnly }
                else { state = .open }
                entries.append(MatrixEntry(requirement: requirement, state: state, code: code, tests: tests, reason: reason))
            }
            rfcs.append(RFCMatrix(rfc: catalog.rfc, title: catalog.title, module: inScope.module,
                                  role: inScope.role, entries: entries))
        }
        let scoped = Set(scope.inScope.map(\.rfc)).union(scope.outOfScope.map(\.rfc))
        for catalog in catalogs where !scoped.contains(catalog.rfc) {
            errors.append(.malformed(path: "Specs/scope.json", line: nil,
                                     reason: "RFC \(catalog.rfc) has a catalog but is neither in nor out of scope"))
        }
        for citation in citations.code {
            if let rfc = RequirementID(citation.id)?.rfc, scope.outOfScope.contains(where: { $0.rfc == rfc }) {
                errors.append(.malformed(path: citation.file, line: citation.line,
                                         reason: "\(citation.id) belongs to RFC \(rfc), which scope.json puts out of scope"))
            }
        }
        return Matrix(rfcs: rfcs, outOfScope: scope.outOfScope.sorted { $0.rfc < $1.rfc },
                      noText: scope.noText.sorted { $0.rfc < $1.rfc }, errors: errors)
    }

    /// All entries across RFCs.
    public var allEntries: [MatrixEntry] { rfcs.flatMap(\.entries) }
}
