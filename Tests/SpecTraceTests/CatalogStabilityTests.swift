import Foundation
import Testing
@testable import SpecTrace

@Suite struct CatalogStabilityTests {
    /// A specs directory holding the fixture RFC, and a package root whose committed catalog
    /// came from an older text of it.
    private func setUp(committedText: String, currentText: String, citations: String) throws -> (specs: String, root: String) {
        let specs = try Fixtures.scratchDirectory()
        let root = try Fixtures.scratchDirectory()
        try Fixtures.write(["rfc9999.txt": currentText], under: specs)
        let committed = RFCSourceFile.extract(bytes: Array(committedText.utf8), rfc: 9999, format: .classicText, source: "rfc9999.txt")
        try Fixtures.write(["Specs/rfc9999.json": CatalogFile.encode(committed),
                            "Sources/Demo/A.swift": citations], under: root)
        return (specs, root)
    }

    /// The fixture with one more requirement inserted before the first: every ID of §2 shifts.
    private var shiftedText: String {
        Fixtures.classicRFC.replacingAll("   A sender MUST set the MESSAGE-", with: "   A new rule SHALL come first.  A sender MUST set the MESSAGE-")
    }

    @Test func unchangedTextWritesNothing() throws {
        let (specs, root) = try setUp(committedText: Fixtures.classicRFC, currentText: Fixtures.classicRFC, citations: "")
        let outcome = try CatalogUpdate.run(sources: RFCSourceFile.discover(in: specs), specsDirectory: specs,
                                            root: root, mode: .write) { _ in }
        #expect(outcome.changedFiles.isEmpty)
    }

    @Test func anIDThatWouldChangeMeaningFailsTheExtraction() throws {
        let (specs, root) = try setUp(committedText: Fixtures.classicRFC, currentText: shiftedText, citations: "")
        let before = try String(contentsOfFile: root + "/Specs/rfc9999.json", encoding: .utf8)
        #expect {
            try CatalogUpdate.run(sources: RFCSourceFile.discover(in: specs), specsDirectory: specs,
                                  root: root, mode: .write) { _ in }
        } throws: { error in
            guard case SpecTraceError.idsChanged(9999, let changes) = error else { return false }
            return changes.first == "RFC9999-2-1: \"A sender MUST set the MESSAGE-INTEGRITY attribute.…\" → now RFC9999-2-2"
        }
        #expect(try String(contentsOfFile: root + "/Specs/rfc9999.json", encoding: .utf8) == before)
    }

    @Test func migrationRewritesCitationsAndRecordsTheMapping() throws {
        let (specs, root) = try setUp(committedText: Fixtures.classicRFC, currentText: shiftedText,
                                      citations: "\u{2F}/ spec: RFC9999-2-1 integrity\n\u{2F}/ spec: RFC9999-2-2\n")
        let outcome = try CatalogUpdate.run(sources: RFCSourceFile.discover(in: specs), specsDirectory: specs,
                                            root: root, mode: .migrate) { _ in }
        #expect(outcome.rewrittenCitations == 2)
        #expect(try String(contentsOfFile: root + "/Sources/Demo/A.swift", encoding: .utf8)
                == "\u{2F}/ spec: RFC9999-2-2 integrity\n\u{2F}/ spec: RFC9999-2-3\n")
        let migrations = try String(contentsOfFile: root + "/Specs/migrations.json", encoding: .utf8)
        #expect(migrations.contains("{\"from\": \"RFC9999-2-1\", \"to\": \"RFC9999-2-2\"}"))
        let catalog = try CatalogFile.decode(Data(contentsOf: URL(fileURLWithPath: root + "/Specs/rfc9999.json")), path: "c")
        #expect(catalog.requirements.first?.text == "A new rule SHALL come first.")
    }

    @Test func aCitedSentenceThatDisappearsCannotBeMigratedSilently() throws {
        let removed = Fixtures.classicRFC.replacingAll("   A sender MUST set the MESSAGE-\n   INTEGRITY attribute.", with: "")
        let (specs, root) = try setUp(committedText: Fixtures.classicRFC, currentText: removed,
                                      citations: "\u{2F}/ spec: RFC9999-2-1\n")
        #expect(throws: SpecTraceError.self) {
            try CatalogUpdate.run(sources: RFCSourceFile.discover(in: specs), specsDirectory: specs,
                                  root: root, mode: .migrate) { _ in }
        }
    }
}
