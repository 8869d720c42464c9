import Testing

/// A Swift Testing trait naming the requirements a test verifies: `@Test(.spec("RFC8489-14.7-2"))`.
///
/// The trait itself only carries the IDs; `specrtc matrix` finds the citations in the test
/// sources and joins them with the test results. At run time it checks that every ID is
/// well formed, so a typo fails the test that carries it.
public struct SpecTrait: TestTrait, SuiteTrait, TestScoping, Sendable {
    /// The cited requirement IDs, e.g. `RFC8489-14.7-2`.
    public let requirementIDs: [String]

    /// Suite-level citations apply to each test in the suite, not to the suite as one test.
    public var isRecursive: Bool { false }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        for id in requirementIDs where !SpecTrait.isWellFormed(id) {
            Issue.record("malformed requirement ID \"\(id)\": expected RFC<number>-<section>-<ordinal>")
        }
        try await function()
    }

    /// Whether `id` has the shape `RFC<number>-<section>-<ordinal>`, e.g. `RFC3711-B.2-1`.
    public static func isWellFormed(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].hasPrefix("RFC"), parts[0].count > 3,
              parts[0].dropFirst(3).allSatisfy(\.isASCIIDigit),
              !parts[2].isEmpty, parts[2].allSatisfy(\.isASCIIDigit) else { return false }
        let section = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard let first = section.first, !first.isEmpty,
              first.allSatisfy(\.isASCIIDigit) || (first.count == 1 && first.first!.isUppercase) else { return false }
        return section.dropFirst().allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension Trait where Self == SpecTrait {
    /// Cites the requirements this test (or suite) verifies.
    public static func spec(_ ids: String...) -> SpecTrait { SpecTrait(requirementIDs: ids) }
}
