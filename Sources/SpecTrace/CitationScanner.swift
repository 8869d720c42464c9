import Foundation

/// A `// spec: RFCxxxx-S-N` comment in `Sources/`: the line that carries out a requirement.
public struct CodeCitation: Sendable, Equatable {
    /// Requirement ID.
    public var id: String
    /// File path relative to the package root.
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// The rest of the comment after the ID.
    public var note: String
}

/// A `.spec("RFCxxxx-S-N")` trait on a test (or a suite, meaning each of its tests).
public struct TestCitation: Sendable, Equatable {
    /// Requirement ID.
    public var id: String
    /// File path relative to the package root.
    public var file: String
    /// 1-based line of the trait.
    public var line: Int
    /// The test's identity as xunit reports it: `WireTests.ByteReaderTests` …
    public var className: String
    /// … and `readsUInt16()`; empty for a suite-level citation (every test in `className`).
    public var testName: String

    /// `WireTests.ByteReaderTests/readsUInt16()`.
    public var testID: String { testName.isEmpty ? className : className + "/" + testName }
}

/// What a scan of the tree found.
public struct CitationScan: Sendable {
    /// Citations in code.
    public var code: [CodeCitation] = []
    /// Citations in tests.
    public var tests: [TestCitation] = []
    /// Malformed citations and citations of unknown IDs, each with file and line.
    public var errors: [SpecTraceError] = []
}

/// Finds requirement citations in Swift sources.
public enum CitationScanner {
    /// Scans `root/Sources` for code citations and `root/Tests` for test citations.
    /// When `knownIDs` is given, a citation of an ID outside it is an error.
    public static func scan(root: String, knownIDs: Set<String>? = nil) -> CitationScan {
        var scan = CitationScan()
        for file in swiftFiles(under: root + "/Sources", root: root) {
            guard let text = try? String(contentsOfFile: root + "/" + file, encoding: .utf8) else {
                scan.errors.append(.io(path: file, reason: "cannot read"))
                continue
            }
            scanCode(text, file: file, into: &scan)
        }
        for file in swiftFiles(under: root + "/Tests", root: root) {
            guard let text = try? String(contentsOfFile: root + "/" + file, encoding: .utf8) else {
                scan.errors.append(.io(path: file, reason: "cannot read"))
                continue
            }
            // Tests/<Target>/… : the test target is the module name xunit reports.
            let components = file.split(separator: "/")
            let module = components.count > 1 ? String(components[1]) : "Tests"
            scanTests(text, file: file, module: module, into: &scan)
        }
        if let knownIDs {
            for citation in scan.code where !knownIDs.contains(citation.id) {
                scan.errors.append(.unknownRequirement(path: citation.file, line: citation.line, id: citation.id))
            }
            for citation in scan.tests where !knownIDs.contains(citation.id) {
                scan.errors.append(.unknownRequirement(path: citation.file, line: citation.line, id: citation.id))
            }
        }
        return scan
    }

    /// Code citations in one file: line comments whose text starts with `spec:`.
    public static func scanCode(_ text: String, file: String, into scan: inout CitationScan) {
        for token in SwiftLexer.tokens(text) {
            guard case .lineComment(let comment) = token.kind else { continue }
            let body = comment.trimmingWhitespace()
            guard body.hasPrefix("spec:") else { continue }
            let rest = body.dropFirst("spec:".count).trimmingWhitespace()
            let idText = String(rest.prefix { !$0.isWhitespace })
            guard RequirementID(idText) != nil else {
                scan.errors.append(.malformedCitation(path: file, line: token.line, text: idText))
                continue
            }
            let note = rest.dropFirst(idText.count).trimmingWhitespace()
            scan.code.append(CodeCitation(id: idText, file: file, line: token.line, note: note))
        }
    }

    /// Test citations in one file: `.spec("…")` inside `@Test(…)` or `@Suite(…)` attributes,
    /// attached to the function or type declared after the attribute.
    public static func scanTests(_ text: String, file: String, module: String, into scan: inout CitationScan) {
        let tokens = SwiftLexer.tokens(text).filter {
            if case .lineComment = $0.kind { return false }
            return true
        }
        var typeStack: [(name: String, depth: Int)] = []
        var depth = 0
        var pendingType: String? = nil
        var pendingSpecs: [(id: String, line: Int)] = []
        var pendingIsSuite = false
        var i = 0
        func identifier(_ k: Int) -> String? {
            guard k < tokens.count, case .identifier(let name) = tokens[k].kind else { return nil }
            return name
        }
        func isPunct(_ k: Int, _ c: Character) -> Bool {
            guard k < tokens.count, case .punctuation(let p) = tokens[k].kind else { return false }
            return p == c
        }
        while i < tokens.count {
            let token = tokens[i]
            switch token.kind {
            case .punctuation("{"):
                depth += 1
                if let name = pendingType {
                    typeStack.append((name, depth))
                    pendingType = nil
                }
            case .punctuation("}"):
                if let last = typeStack.last, last.depth == depth { typeStack.removeLast() }
                depth -= 1
            case .punctuation("@"):
                if let attribute = identifier(i + 1), attribute == "Test" || attribute == "Suite", isPunct(i + 2, "(") {
                    // Collect `.spec("…", …)` calls in the attribute's argument list.
                    var k = i + 3
                    var parens = 1
                    while k < tokens.count, parens > 0 {
                        if isPunct(k, "(") { parens += 1 }
                        if isPunct(k, ")") { parens -= 1 }
                        if isPunct(k, "."), identifier(k + 1) == "spec", isPunct(k + 2, "(") {
                            var m = k + 3
                            while m < tokens.count, !isPunct(m, ")") {
                                if case .string(let value) = tokens[m].kind {
                                    pendingSpecs.append((value, tokens[m].line))
                                }
                                m += 1
                            }
                            // Past the call's closing parenthesis: it balances the `(` skipped above.
                            k = m + 1
                            continue
                        }
                        k += 1
                    }
                    pendingIsSuite = attribute == "Suite"
                    i = k
                    continue
                }
            case .identifier(let word):
                if ["struct", "class", "enum", "actor", "extension"].contains(word), let name = identifier(i + 1) {
                    pendingType = name
                    if pendingIsSuite {
                        let className = ([module] + typeStack.map(\.name) + [name]).joined(separator: ".")
                        for spec in pendingSpecs { record(spec, className: className, testName: "") }
                        pendingSpecs = []
                        pendingIsSuite = false
                    }
                } else if word == "func", let name = identifier(i + 1) {
                    if !pendingSpecs.isEmpty, !pendingIsSuite {
                        let className = ([module] + typeStack.map(\.name)).joined(separator: ".")
                        let testName = name + "(" + parameterLabels(tokens, openParenSearchFrom: i + 2) + ")"
                        for spec in pendingSpecs { record(spec, className: className, testName: testName) }
                    }
                    pendingSpecs = []
                }
            default:
                break
            }
            i += 1
        }
        func record(_ spec: (id: String, line: Int), className: String, testName: String) {
            guard RequirementID(spec.id) != nil else {
                scan.errors.append(.malformedCitation(path: file, line: spec.line, text: spec.id))
                return
            }
            scan.tests.append(TestCitation(id: spec.id, file: file, line: spec.line,
                                           className: className, testName: testName))
        }
        for spec in pendingSpecs {
            scan.errors.append(.malformed(path: file, line: spec.line,
                                          reason: ".spec(\"\(spec.id)\") is not followed by a test function or suite"))
        }
    }

    /// `x: Int, _ y: Int, label z: Int` → `x:_:label:` (the form xunit uses in test names).
    private static func parameterLabels(_ tokens: [SwiftLexer.Token], openParenSearchFrom start: Int) -> String {
        var k = start
        // Skip generic parameters.
        while k < tokens.count, tokens[k].kind != .punctuation("(") { k += 1 }
        k += 1
        var labels = ""
        var depth = 1
        var atParameterStart = true
        while k < tokens.count, depth > 0 {
            switch tokens[k].kind {
            case .punctuation("("), .punctuation("["), .punctuation("<"):
                depth += 1
            case .punctuation(")"), .punctuation("]"), .punctuation(">"):
                depth -= 1
            case .punctuation(","):
                if depth == 1 { atParameterStart = true }
            case .identifier(let name):
                if depth == 1, atParameterStart {
                    labels += name + ":"
                    atParameterStart = false
                }
            default:
                break
            }
            k += 1
        }
        return labels
    }

    /// Relative paths of the `.swift` files under `directory`, sorted.
    static func swiftFiles(under directory: String, root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        let prefix = String(directory.dropFirst(root.count + 1))
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".swift") { files.append(prefix + "/" + path) }
        }
        return files.sorted()
    }
}
