import Foundation

/// Regenerates catalogs from RFC texts while keeping committed IDs stable.
public enum CatalogUpdate {
    /// What to do with the result.
    public enum Mode: Sendable {
        /// Write changed catalogs; fail if a committed ID would change meaning.
        case write
        /// Write nothing; report what would change.
        case check
        /// Write, rewriting citations of changed IDs and recording the migration.
        case migrate
    }

    /// What a run did.
    public struct Outcome: Sendable {
        /// Catalog files that were (or, with `.check`, would be) written.
        public var changedFiles: [String] = []
        /// One line per RFC: counts per level.
        public var lines: [String] = []
        /// Citations rewritten by a migration.
        public var rewrittenCitations = 0

        /// A short report.
        public var summary: String {
            (lines + ["\(changedFiles.count) catalog file(s) changed" +
                (rewrittenCitations > 0 ? ", \(rewrittenCitations) citation(s) migrated" : "")])
                .joined(separator: "\n")
        }
    }

    /// A committed ID whose sentence would change: its old and new text, and where the old
    /// sentence went (if it is still there under another ID).
    public struct IDChange: Sendable, Equatable {
        public var id: String
        public var oldText: String
        public var newText: String?
        public var movedTo: String?
    }

    /// The committed IDs that `new` would give another sentence or drop.
    public static func changes(from old: Catalog, to new: Catalog) -> [IDChange] {
        let newByID = Dictionary(new.requirements.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var newIDByText: [String: String] = [:]
        for requirement in new.requirements where newIDByText[requirement.text] == nil {
            newIDByText[requirement.text] = requirement.id
        }
        var changes: [IDChange] = []
        for requirement in old.requirements {
            let replacement = newByID[requirement.id]
            if replacement?.text == requirement.text { continue }
            changes.append(IDChange(id: requirement.id, oldText: requirement.text, newText: replacement?.text,
                                    movedTo: newIDByText[requirement.text]))
        }
        return changes
    }

    /// Extracts every source, compares with `root/Specs`, and writes per `mode`.
    public static func run(sources: [RFCSourceFile], specsDirectory: String, root: String, mode: Mode,
                           progress: (String) -> Void) throws(SpecTraceError) -> Outcome {
        var outcome = Outcome()
        let specsOut = root + "/Specs"
        try? FileManager.default.createDirectory(atPath: specsOut, withIntermediateDirectories: true)
        var migrations: [(String, String)] = []
        var pendingWrites: [(String, String)] = []
        for (index, source) in sources.enumerated() {
            progress("[\(index + 1)/\(sources.count)] RFC \(source.rfc) (\(source.relativePath))")
            let catalog = try source.extract(from: specsDirectory)
            let path = specsOut + "/" + Catalog.fileName(rfc: source.rfc)
            let encoded = CatalogFile.encode(catalog)
            if let data = FileManager.default.contents(atPath: path) {
                if String(decoding: data, as: UTF8.self) == encoded {
                    outcome.lines.append(countsLine(catalog))
                    continue
                }
                let old = try CatalogFile.decode(data, path: path)
                let changed = changes(from: old, to: catalog)
                if !changed.isEmpty {
                    if mode == .migrate {
                        let unmapped = changed.filter { $0.movedTo == nil }
                        if !unmapped.isEmpty {
                            let cited = try citedIDs(root: root)
                            let lost = unmapped.filter { cited.contains($0.id) }
                            if !lost.isEmpty {
                                throw .idsChanged(rfc: source.rfc, changes: lost.map {
                                    "\($0.id) is cited, and its sentence is gone: \"\($0.oldText.prefix(80))\" — edit those citations by hand"
                                })
                            }
                        }
                        for change in changed { if let to = change.movedTo, to != change.id { migrations.append((change.id, to)) } }
                    } else {
                        throw .idsChanged(rfc: source.rfc, changes: changed.map { change in
                            "\(change.id): \"\(change.oldText.prefix(70))…\" → "
                                + (change.movedTo.map { "now \($0)" } ?? "gone")
                        })
                    }
                }
            }
            outcome.changedFiles.append(path)
            outcome.lines.append(countsLine(catalog))
            pendingWrites.append((path, encoded))
        }
        guard mode != .check else { return outcome }
        if !migrations.isEmpty {
            outcome.rewrittenCitations = try rewriteCitations(root: root, mapping: Dictionary(migrations, uniquingKeysWith: { a, _ in a }))
            try recordMigrations(migrations, root: root)
        }
        for (path, text) in pendingWrites {
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw .io(path: path, reason: "cannot write: \(error.localizedDescription)")
            }
        }
        return outcome
    }

    private static func countsLine(_ catalog: Catalog) -> String {
        let counts = catalog.counts
        return "RFC \(catalog.rfc): \(counts[.must] ?? 0) MUST, \(counts[.should] ?? 0) SHOULD, \(counts[.may] ?? 0) MAY"
    }

    private static func citedIDs(root: String) throws(SpecTraceError) -> Set<String> {
        let scan = CitationScanner.scan(root: root)
        return Set(scan.code.map(\.id) + scan.tests.map(\.id))
    }

    /// Rewrites `// spec:` and `.spec("…")` citations of the old IDs to the new ones. All
    /// replacements happen at once, so a chain (A→B, B→C) cannot cascade.
    private static func rewriteCitations(root: String, mapping: [String: String]) throws(SpecTraceError) -> Int {
        var count = 0
        let files = CitationScanner.swiftFiles(under: root + "/Sources", root: root)
            + CitationScanner.swiftFiles(under: root + "/Tests", root: root)
        for file in files {
            let path = root + "/" + file
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            var output = ""
            var changed = false
            var rest = text[...]
            while let match = rest.firstRange(of: "RFC") {
                output += rest[..<match.lowerBound]
                let candidate = rest[match.lowerBound...].prefix { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }
                if let replacement = mapping[String(candidate)] {
                    output += replacement
                    changed = true
                    count += 1
                } else {
                    output += candidate
                }
                rest = rest[rest.index(match.lowerBound, offsetBy: candidate.count)...]
            }
            output += rest
            if changed {
                do { try output.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                    throw .io(path: path, reason: "cannot write: \(error.localizedDescription)")
                }
            }
        }
        return count
    }

    private static func recordMigrations(_ migrations: [(String, String)], root: String) throws(SpecTraceError) {
        let path = root + "/Specs/migrations.json"
        var entries: [JSONText] = []
        if let data = FileManager.default.contents(atPath: path),
           let old = try? JSONSerialization.jsonObject(with: data) as? [[String: String]] {
            entries = old.map { .object([("from", .string($0["from"] ?? "")), ("to", .string($0["to"] ?? ""))]) }
        }
        entries += migrations.map { .object([("from", .string($0.0)), ("to", .string($0.1))]) }
        do {
            try (JSONText.array(entries).rendered(inlineDepth: 1) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .io(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}
