import Foundation
import Testing
@testable import SpecTrace

/// The chain catalog → citations → results → matrix, on a small tree built per test.
@Suite struct TraceabilityTests {
    static let catalog = RFCSourceFile.extract(bytes: Array(Fixtures.classicRFC.utf8), rfc: 9999,
                                               format: .classicText, source: "rfc9999.txt")

    static let scope = """
    {"rfcs": [{"rfc": 9999, "module": "Demo", "role": "sender"}],
     "outOfScope": [], "noText": [],
     "notApplicable": [{"ids": ["RFC9999-2-5"], "reason": "receivers only"},
                       {"sectionTitle": "Vectors", "reason": "test data"}]}
    """

    static let source = """
    /// Doc comments that mention `\u{2F}/ spec: RFC9999-2-2` are not citations.
    struct Sender {
        func send() {
            \u{2F}/ spec: RFC9999-2-1 set MESSAGE-INTEGRITY
            let text = "\u{2F}/ spec: RFC9999-2-3 inside a string is not a citation"
            \u{2F}/ spec: RFC9999-2-2
            _ = text
        }
    }
    """

    static let tests = """
    import Testing
    import SpecTesting

    @Suite struct SenderTests {
        @Test(.spec(\u{22}RFC9999-2-1")) func setsIntegrity() {}
        @Test("a display name", .spec(\u{22}RFC9999-2-2"), arguments: [1, 2])
        func checks(count: Int) {}
        struct Nested {
            @Test(.spec(\u{22}RFC9999-2.1-1")) func details(_ value: Int, label other: String) {}
        }
    }

    @Suite(.spec(\u{22}RFC9999-2-4"))
    struct ItemTests {
        @Test func first() {}
        @Test func second() {}
    }
    """

    static let xunit = """
    <?xml version="1.0" encoding="UTF-8"?>
    <testsuites>
      <testsuite name="TestResults" errors="0" tests="5" failures="1" skipped="0" time="0.1">
        <testcase classname="DemoTests.SenderTests" name="setsIntegrity()" time="0.1" />
        <testcase classname="DemoTests.SenderTests" name="checks(count:)" time="0.1" >
          <failure message="Expectation failed" />
        </testcase>
        <testcase classname="DemoTests.SenderTests.Nested" name="details(_:label:)" time="0.1" />
        <testcase classname="DemoTests.ItemTests" name="first()" time="0.1" />
        <testcase classname="DemoTests.ItemTests" name="second()" time="0.1" />
      </testsuite>
    </testsuites>
    """

    /// A tree with the catalog, scope, one source file and one test file.
    static func makeTree(source: String = source, tests: String = tests) throws -> String {
        let root = try Fixtures.scratchDirectory()
        try Fixtures.write([
            "Specs/rfc9999.json": CatalogFile.encode(catalog),
            "Specs/scope.json": scope,
            "Sources/Demo/Sender.swift": source,
            "Tests/DemoTests/SenderTests.swift": tests,
            "results.xml": xunit,
        ], under: root)
        return root
    }

    @Test func scansCodeAndTestCitations() throws {
        let root = try Self.makeTree()
        let scan = CitationScanner.scan(root: root)
        #expect(scan.errors.isEmpty)
        #expect(scan.code.map { "\($0.id)@\($0.file):\($0.line) \($0.note)" } == [
            "RFC9999-2-1@Sources/Demo/Sender.swift:4 set MESSAGE-INTEGRITY",
            "RFC9999-2-2@Sources/Demo/Sender.swift:6 ",
        ])
        #expect(scan.tests.map { "\($0.id) \($0.testID) :\($0.line)" } == [
            "RFC9999-2-1 DemoTests.SenderTests/setsIntegrity() :5",
            "RFC9999-2-2 DemoTests.SenderTests/checks(count:) :6",
            "RFC9999-2.1-1 DemoTests.SenderTests.Nested/details(_:label:) :9",
            "RFC9999-2-4 DemoTests.ItemTests :13",
        ])
    }

    @Test("every .spec in one attribute counts, across lines and after other arguments")
    func severalCitationsInOneAttribute() throws {
        let root = try Self.makeTree(tests: """
            import Testing
            @Suite struct SenderTests {
                @Test("name", .spec(\u{22}RFC9999-2-1"), .spec(\u{22}RFC9999-2-2"),
                      .spec(\u{22}RFC9999-2.1-1"), .enabled(if: true)) func all() {}
                @Test(.spec(\u{22}RFC9999-2-4")) func last() {}
            }
            """)
        let scan = CitationScanner.scan(root: root)
        #expect(scan.errors.isEmpty)
        #expect(scan.tests.map { "\($0.id) \($0.testID)" } == [
            "RFC9999-2-1 DemoTests.SenderTests/all()",
            "RFC9999-2-2 DemoTests.SenderTests/all()",
            "RFC9999-2.1-1 DemoTests.SenderTests/all()",
            "RFC9999-2-4 DemoTests.SenderTests/last()",
        ])
    }

    @Test func malformedAndUnknownCitationsNameFileAndLine() throws {
        let root = try Self.makeTree(
            source: "\u{2F}/ spec: RFC9999-2-1\n\u{2F}/ spec: RFC99-x\n\u{2F}/ spec: RFC9999-7-1 unknown\n",
            tests: "@Test(.spec(\"not-an-id\")) func a() {}\nlet x = 1\n@Test(.spec(\"RFC9999-2-1\"))\n")
        let scan = CitationScanner.scan(root: root, knownIDs: Set(Self.catalog.requirements.map(\.id)))
        let messages = scan.errors.map(\.description)
        #expect(messages.contains { $0.hasPrefix("Sources/Demo/Sender.swift:2: malformed requirement ID \"RFC99-x\"") })
        #expect(messages.contains("Sources/Demo/Sender.swift:3: RFC9999-7-1 is not in any catalog under Specs/"))
        #expect(messages.contains { $0.hasPrefix("Tests/DemoTests/SenderTests.swift:1: malformed requirement ID \"not-an-id\"") })
        #expect(messages.contains { $0.hasPrefix("Tests/DemoTests/SenderTests.swift:3:") && $0.contains("not followed by a test") })
        #expect(scan.errors.count == 4)
    }

    @Test func matrixStatesFollowCitationsAndResults() throws {
        let root = try Self.makeTree()
        let (matrix, _) = try MatrixFiles.build(root: root, xunitPaths: [root + "/results.xml"])
        #expect(matrix.errors.isEmpty)
        let states = Dictionary(uniqueKeysWithValues: matrix.allEntries.map { ($0.requirement.id, $0.state) })
        #expect(states["RFC9999-2-1"] == .verified)       // code + passing test
        #expect(states["RFC9999-2-2"] == .implemented)    // code, but its test fails
        #expect(states["RFC9999-2-3"] == .open)           // cited only inside a string
        #expect(states["RFC9999-2-4"] == .testedOnly)     // suite citation, all tests pass
        #expect(states["RFC9999-2-5"] == .notApplicable)  // by ID
        #expect(states["RFC9999-2.1-1"] == .testedOnly)
        #expect(states["RFC9999-A-1"] == .notApplicable)  // by section title…
        #expect(states["RFC9999-A.1-1"] == .notApplicable) // …and its subsections
        let reasons = matrix.allEntries.compactMap(\.reason)
        #expect(reasons.contains("receivers only") && reasons.contains("test data"))
    }

    @Test func writersAgreeAndJUnitFailsOpenMusts() throws {
        let root = try Self.makeTree()
        let (matrix, results) = try MatrixFiles.build(root: root, xunitPaths: [root + "/results.xml"])
        let files = Dictionary(uniqueKeysWithValues: MatrixFiles.render(matrix, results: results).map { ($0.name, $0.content) })
        let junit = try #require(files["junit.xml"])
        // RFC9999-2-3 is the only open requirement and it is a MAY: no failure.
        #expect(junit.contains("failures=\"0\""))
        #expect(junit.contains("<skipped message=\"not applicable: receivers only\"/>"))
        let markdown = try #require(files["MATRIX.md"])
        #expect(markdown.contains("`RFC9999-2-1` MUST · **verified**"))
        #expect(markdown.contains("[Sources/Demo/Sender.swift:4](../Sources/Demo/Sender.swift#L4)"))
        #expect(markdown.contains("`DemoTests.SenderTests/checks(count:)` ✘ failed"))
        let json = try #require(files["matrix.json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let requirements = try #require(object["requirements"] as? [[String: Any]])
        #expect(requirements.count == Self.catalog.requirements.count)
        #expect(requirements.allSatisfy { $0["id"] != nil && $0["level"] != nil && $0["state"] != nil })
        let html = try #require(files["report.html"])
        #expect(html.contains("RFC9999-2-1") && !html.contains("/*DATA*/") && !html.contains("http"))
    }

    @Test func anOpenMustFailsInJUnit() throws {
        let root = try Self.makeTree(source: "", tests: "")
        let (matrix, _) = try MatrixFiles.build(root: root, xunitPaths: [root + "/results.xml"])
        let junit = MatrixJUnit.render(matrix)
        #expect(junit.contains("<failure message=\"open MUST: neither implemented nor verified\">A sender MUST set"))
    }

    @Test func citingANotApplicableRequirementIsAnError() throws {
        let root = try Self.makeTree(source: "\u{2F}/ spec: RFC9999-2-5\n")
        let (matrix, _) = try MatrixFiles.build(root: root, xunitPaths: [root + "/results.xml"])
        #expect(matrix.errors.map(\.description) == [
            "Sources/Demo/Sender.swift:1: RFC9999-2-5 is cited but Specs/scope.json marks it not applicable (receivers only)",
        ])
    }

    @Test func writtenMatrixIsFreshUntilTheCodeMoves() throws {
        let root = try Self.makeTree()
        let (matrix, results) = try MatrixFiles.build(root: root, xunitPaths: [root + "/results.xml"])
        try MatrixFiles.write(MatrixFiles.render(matrix, results: results), root: root)
        // Rebuilt from the results recorded in matrix.json: identical.
        let (again, recorded) = try MatrixFiles.build(root: root, xunitPaths: nil)
        #expect(recorded == results)
        #expect(MatrixFiles.stale(MatrixFiles.render(again, results: recorded), root: root).isEmpty)
        // A citation that moves one line makes every file that links to lines stale.
        try Fixtures.write(["Sources/Demo/Sender.swift": "\n" + Self.source], under: root)
        let (moved, _) = try MatrixFiles.build(root: root, xunitPaths: nil)
        #expect(MatrixFiles.stale(MatrixFiles.render(moved, results: recorded), root: root)
                == ["MATRIX.md", "matrix.json", "report.html"])
    }

    @Test func xunitParsingAndErrors() throws {
        let results = try TestResults.parseXUnit(Self.xunit, path: "x.xml")
        #expect(results.outcomes["DemoTests.SenderTests/setsIntegrity()"] == .passed)
        #expect(results.outcomes["DemoTests.SenderTests/checks(count:)"] == .failed)
        let skipped = try TestResults.parseXUnit(
            "<testsuite><testcase classname=\"A.B\" name=\"c()\"><skipped>no</skipped></testcase></testsuite>", path: "s.xml")
        #expect(skipped.outcomes["A.B/c()"] == .skipped)
        #expect(throws: SpecTraceError.malformed(path: "bad.xml", line: nil, reason: "not xunit XML (no <testsuite> element)")) {
            try TestResults.parseXUnit("<html/>", path: "bad.xml")
        }
        #expect(throws: SpecTraceError.self) {
            try TestResults.parseXUnit("<testsuite>\n<testcase name=\"x\">", path: "cut.xml")
        }
    }

    @Test func scopeErrors() {
        #expect(throws: SpecTraceError.malformed(path: "s.json", line: nil, reason: "notApplicable[0] needs a reason")) {
            try Scope.decode(Data(#"{"rfcs": [], "notApplicable": [{"ids": ["RFC1-1-1"]}]}"#.utf8), path: "s.json")
        }
        #expect(throws: SpecTraceError.malformed(path: "s.json", line: nil, reason: "notApplicable[0]: malformed ID RFC1")) {
            try Scope.decode(Data(#"{"notApplicable": [{"ids": ["RFC1"], "reason": "r"}]}"#.utf8), path: "s.json")
        }
        #expect(throws: SpecTraceError.self) { try Scope.decode(Data("[]".utf8), path: "s.json") }
    }

    @Test func malformedCatalogIsAnError() {
        #expect(throws: SpecTraceError.self) { try CatalogFile.decode(Data("{\"rfc\": 1}".utf8), path: "Specs/rfc1.json") }
        let wrongRFC = CatalogFile.encode(Self.catalog).replacingAll("\"rfc\": 9999", with: "\"rfc\": 1")
        #expect(throws: SpecTraceError.malformed(path: "c.json", line: nil,
                                                 reason: "requirement ID RFC9999-2-1 does not belong to RFC 1")) {
            try CatalogFile.decode(Data(wrongRFC.utf8), path: "c.json")
        }
    }
}
