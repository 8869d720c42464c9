import ArgumentParser
import Foundation
import SpecTrace

/// `specrtc specs …`: requirement catalogs.
struct SpecsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "specs",
        abstract: "Requirement catalogs extracted from RFC texts.",
        subcommands: [Extract.self]
    )

    /// `specrtc specs extract`: RFC texts → `Specs/rfcNNNN.json`.
    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Extract one requirement per BCP 14 sentence from RFC texts into Specs/rfcNNNN.json.",
            discussion: """
            Reads classic RFC Editor text (rfcNNNN.txt) and, for RFCs that have none, the Markdown \
            rendering in nontxt/rfcNNNN.md. A committed ID never silently changes meaning: if the \
            extraction would give an existing ID another sentence, nothing is written unless \
            --migrate is given, which rewrites the citations in Sources/ and Tests/ to the new IDs \
            and records the mapping in Specs/migrations.json.
            """
        )

        @Option(name: .long, help: "Directory with the RFC texts.")
        var specs: String = "../shared/specs"

        @Option(name: .long, help: "Package root (holds Specs/, Sources/, Tests/).")
        var root: String = "."

        @Option(name: .long, help: "Only these RFC numbers (repeatable).")
        var rfc: [Int] = []

        @Flag(name: .long, help: "Accept ID changes: rewrite citations to the new IDs and record the migration.")
        var migrate = false

        @Flag(name: .long, help: "Write nothing; fail if any catalog would change.")
        var check = false

        func run() throws {
            let specsDirectory = specs.hasPrefix("/") ? specs : root + "/" + specs
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: specsDirectory, isDirectory: &isDirectory),
                  isDirectory.boolValue else {
                throw ValidationError("RFC text directory not found: \(specsDirectory) (give it with --specs)")
            }
            var sources = try RFCSourceFile.discover(in: specsDirectory)
            if !rfc.isEmpty {
                let missing = Set(rfc).subtracting(sources.map(\.rfc))
                guard missing.isEmpty else {
                    throw ValidationError("no text for RFC \(missing.sorted().map(String.init).joined(separator: ", ")) in \(specsDirectory)")
                }
                sources = sources.filter { rfc.contains($0.rfc) }
            }
            let outcome = try CatalogUpdate.run(sources: sources, specsDirectory: specsDirectory, root: root,
                                                mode: check ? .check : (migrate ? .migrate : .write)) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            print(outcome.summary)
            if check, !outcome.changedFiles.isEmpty {
                throw ExitCode(1)
            }
        }
    }
}
