import ArgumentParser
import Foundation
import SpecTrace

/// `specrtc matrix`: catalogs + scope + citations + test results → `Conformance/`.
struct MatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Write the conformance matrix (MATRIX.md, matrix.json, report.html, junit.xml) into Conformance/.",
        discussion: """
        Test results come from the xunit files given with --results (as `swift test --xunit-output` \
        writes them); without --results, the results recorded in the committed matrix.json are reused, \
        so the matrix can be refreshed after moving code without running the tests. Any malformed \
        citation, citation of an unknown ID, or citation of a not-applicable requirement is an error \
        naming its file and line.
        """
    )

    @Option(name: .long, help: "Package root.")
    var root: String = "."

    @Option(name: .long, help: "xunit XML with test results (repeatable).")
    var results: [String] = []

    @Flag(name: .long, help: "Write nothing; exit 1 if a committed matrix file is stale.")
    var check = false

    func run() throws {
        let start = Date()
        let (matrix, testResults) = try MatrixFiles.build(root: root, xunitPaths: results.isEmpty ? nil : results)
        if !matrix.errors.isEmpty {
            for error in matrix.errors { FileHandle.standardError.write(Data(("error: \(error)\n").utf8)) }
            throw ExitCode(1)
        }
        let files = MatrixFiles.render(matrix, results: testResults)
        let entries = matrix.allEntries
        let counts = RequirementState.allCases.map { state in "\(entries.filter { $0.state == state }.count) \(state.rawValue)" }
        let elapsed = String(format: "%.2f", Date().timeIntervalSince(start))
        if check {
            let stale = MatrixFiles.stale(files, root: root)
            guard stale.isEmpty else {
                FileHandle.standardError.write(Data("error: stale conformance matrix: \(stale.joined(separator: ", ")); run `specrtc matrix` and commit Conformance/\n".utf8))
                throw ExitCode(1)
            }
            print("Conformance matrix is fresh: \(entries.count) requirements in scope (\(counts.joined(separator: ", "))) [\(elapsed) s]")
        } else {
            try MatrixFiles.write(files, root: root)
            print("Wrote Conformance/MATRIX.md, matrix.json, report.html, junit.xml: \(entries.count) requirements in scope (\(counts.joined(separator: ", "))) [\(elapsed) s]")
            print("Open \(root == "." ? "" : root + "/")Conformance/report.html in a browser to read it.")
        }
    }
}
