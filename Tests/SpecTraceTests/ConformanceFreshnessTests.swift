import Testing
@testable import SpecTrace

/// The committed conformance matrix must match the tree: every citation valid, and
/// `Conformance/` what `specrtc matrix` would write from the test results it records.
@Suite struct ConformanceFreshnessTests {
    @Test func everyCitationInTheTreeIsValid() throws {
        let (matrix, _) = try MatrixFiles.build(root: Fixtures.packageRoot, xunitPaths: nil)
        #expect(matrix.errors.isEmpty, "\(matrix.errors.map(\.description).joined(separator: "\n"))")
    }

    @Test func committedMatrixIsFresh() throws {
        let (matrix, results) = try MatrixFiles.build(root: Fixtures.packageRoot, xunitPaths: nil)
        let stale = MatrixFiles.stale(MatrixFiles.render(matrix, results: results), root: Fixtures.packageRoot)
        #expect(stale.isEmpty, "stale: \(stale.joined(separator: ", ")); run `swift run specrtc matrix` and commit Conformance/")
    }
}
