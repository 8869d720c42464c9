import Foundation

/// What happened to one test in the last run.
public enum TestOutcome: String, Sendable, Equatable, Codable {
    case passed
    case failed
    case skipped
    /// No result was found for the test (not run, renamed, or the results are missing).
    case notRun = "not-run"
}

/// Test outcomes by test ID (`Module.Suite/name()`), read from xunit XML.
public struct TestResults: Sendable, Equatable {
    /// Outcome per test ID.
    public var outcomes: [String: TestOutcome] = [:]

    /// Empty results.
    public init(outcomes: [String: TestOutcome] = [:]) {
        self.outcomes = outcomes
    }

    /// Parses the xunit XML that `swift test --xunit-output` writes, for XCTest (`x.xml`) and
    /// Swift Testing (`x-swift-testing.xml`): `<testcase classname="…" name="…">` elements,
    /// failed when they hold `<failure` or `<error`, skipped when they hold `<skipped`.
    public static func parseXUnit(_ xml: String, path: String) throws(SpecTraceError) -> TestResults {
        var results = TestResults()
        var rest = xml[...]
        guard xml.contains("<testsuite") else {
            throw .malformed(path: path, line: nil, reason: "not xunit XML (no <testsuite> element)")
        }
        while let open = rest.firstRange(of: "<testcase") {
            let afterOpen = rest[open.upperBound...]
            guard let tagEnd = afterOpen.firstIndex(of: ">") else {
                throw .malformed(path: path, line: lineNumber(of: open.lowerBound, in: xml), reason: "unterminated <testcase>")
            }
            let attributes = afterOpen[..<tagEnd]
            guard let className = attribute("classname", in: attributes), let name = attribute("name", in: attributes) else {
                throw .malformed(path: path, line: lineNumber(of: open.lowerBound, in: xml),
                                 reason: "<testcase> without classname and name")
            }
            var body: Substring = ""
            var next = afterOpen.index(after: tagEnd)
            if !attributes.hasSuffix("/") {
                guard let close = afterOpen[next...].firstRange(of: "</testcase>") else {
                    throw .malformed(path: path, line: lineNumber(of: open.lowerBound, in: xml), reason: "unterminated <testcase>")
                }
                body = afterOpen[next..<close.lowerBound]
                next = close.upperBound
            }
            let outcome: TestOutcome = body.contains("<failure") || body.contains("<error") ? .failed
                : body.contains("<skipped") ? .skipped : .passed
            let id = unescape(className) + "/" + unescape(name)
            // A test reported twice (retries, parameterized cases) fails if any report failed.
            if results.outcomes[id] != .failed { results.outcomes[id] = outcome }
            rest = afterOpen[next...]
        }
        return results
    }

    /// Reads xunit files; missing files are skipped, so a caller can pass both possible names.
    public static func load(paths: [String]) throws(SpecTraceError) -> TestResults {
        var merged = TestResults()
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let results = try parseXUnit(String(decoding: data, as: UTF8.self), path: path)
            merged.outcomes.merge(results.outcomes) { old, new in old == .failed ? old : new }
        }
        return merged
    }

    /// The combined outcome of the tests a citation covers: one test, or every test of a suite
    /// (`className` and its nested suites) when `testName` is empty.
    public func outcome(for citation: TestCitation) -> TestOutcome {
        if !citation.testName.isEmpty { return outcomes[citation.testID] ?? .notRun }
        let matching = outcomes.filter { id, _ in
            id.hasPrefix(citation.className + "/") || id.hasPrefix(citation.className + ".")
        }.map(\.value)
        if matching.isEmpty { return .notRun }
        if matching.contains(.failed) { return .failed }
        if matching.contains(.passed) { return .passed }
        return .skipped
    }

    private static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.firstRange(of: " " + name + "=\"") else { return nil }
        let value = tag[start.upperBound...]
        guard let end = value.firstIndex(of: "\"") else { return nil }
        return String(value[..<end])
    }

    private static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingAll("&lt;", with: "<").replacingAll("&gt;", with: ">")
            .replacingAll("&quot;", with: "\"").replacingAll("&apos;", with: "'").replacingAll("&amp;", with: "&")
    }

    private static func lineNumber(of index: String.Index, in text: String) -> Int {
        text[..<index].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }
}
