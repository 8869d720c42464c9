import Foundation

/// `Conformance/matrix.json`: one object per requirement in scope, for tools.
public enum MatrixJSON {
    /// The JSON text. `results` are the outcomes of the tests that cite requirements; they are
    /// recorded so the matrix can be rebuilt (and checked for staleness) without a test run.
    public static func render(_ matrix: Matrix, results: TestResults) -> String {
        var rfcs: [JSONText] = []
        for rfc in matrix.rfcs {
            var counts: [(String, JSONText)] = []
            for state in RequirementState.allCases { counts.append((state.rawValue, .int(rfc.count(nil, state)))) }
            rfcs.append(.object([
                ("rfc", .int(rfc.rfc)), ("title", .string(rfc.title)), ("module", .string(rfc.module)),
                ("role", .string(rfc.role)), ("counts", .object(counts)),
            ]))
        }
        var requirements: [JSONText] = []
        var citedTests: Set<String> = []
        for entry in matrix.allEntries {
            let r = entry.requirement
            var members: [(String, JSONText)] = [
                ("id", .string(r.id)), ("rfc", .int(r.rfcNumber)), ("section", .string(r.section)),
                ("sectionTitle", .string(r.sectionTitle)), ("level", .string(r.level.rawValue)),
                ("state", .string(entry.state.rawValue)), ("text", .string(r.text)),
            ]
            if let reason = entry.reason { members.append(("reason", .string(reason))) }
            members.append(("code", .array(entry.code.map {
                .object([("file", .string($0.file)), ("line", .int($0.line))])
            })))
            members.append(("tests", .array(entry.tests.map { evidence in
                var test: [(String, JSONText)] = [
                    ("test", .string(evidence.citation.testID)), ("file", .string(evidence.citation.file)),
                    ("line", .int(evidence.citation.line)), ("result", .string(evidence.outcome.rawValue)),
                ]
                if evidence.citation.testName.isEmpty { test.append(("suite", .bool(true))) }
                return .object(test)
            })))
            for evidence in entry.tests { citedTests.insert(evidence.citation.testID) }
            requirements.append(.object(members))
        }
        // Outcomes of every test a citation covers (suite citations cover each test of the suite).
        let recorded = results.outcomes.filter { id, _ in
            citedTests.contains(id) || citedTests.contains { id.hasPrefix($0 + "/") || id.hasPrefix($0 + ".") }
        }.sorted { $0.key < $1.key }
        let root = JSONText.object([
            ("generatedBy", .string("specrtc matrix")),
            ("rfcs", .array(rfcs)),
            ("outOfScope", .array(matrix.outOfScope.map { .object([("rfc", .int($0.rfc)), ("reason", .string($0.reason))]) })),
            ("noText", .array(matrix.noText.map { .object([("rfc", .int($0.rfc)), ("reason", .string($0.reason))]) })),
            ("testResults", .object(recorded.map { ($0.key, .string($0.value.rawValue)) })),
            ("requirements", .array(requirements)),
        ])
        return root.rendered(inlineDepth: 3) + "\n"
    }

    /// The test outcomes a previous `matrix.json` recorded.
    public static func recordedResults(_ bytes: [UInt8]) -> TestResults {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let recorded = object["testResults"] as? [String: String] else { return TestResults() }
        return TestResults(outcomes: recorded.compactMapValues(TestOutcome.init(rawValue:)))
    }
}
