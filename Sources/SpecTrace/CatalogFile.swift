import Foundation

/// Reads and writes catalog files (`Specs/rfcNNNN.json`).
public enum CatalogFile {
    /// The catalog as deterministic JSON text, one requirement per block.
    public static func encode(_ catalog: Catalog) -> String {
        let counts = catalog.counts
        let requirements: [JSONText] = catalog.requirements.map { r in
            .object([
                ("id", .string(r.id)),
                ("section", .string(r.section)),
                ("sectionTitle", .string(r.sectionTitle)),
                ("level", .string(r.level.rawValue)),
                ("keywords", .array(r.keywords.map(JSONText.string))),
                ("text", .string(r.text)),
            ])
        }
        let root = JSONText.object([
            ("rfc", .int(catalog.rfc)),
            ("title", .string(catalog.title)),
            ("source", .string(catalog.source)),
            ("sourceSHA256", .string(catalog.sourceSHA256)),
            ("extractor", .int(catalog.extractor)),
            ("counts", .object(RequirementLevel.allCases.map { ($0.rawValue, .int(counts[$0] ?? 0)) })),
            ("sections", .array(catalog.sections.map { .object([("number", .string($0.number)), ("title", .string($0.title))]) })),
            ("requirements", .array(requirements)),
        ])
        return root.rendered(inlineDepth: 2) + "\n"
    }

    private struct Stored: Decodable {
        var rfc: Int
        var title: String
        var source: String
        var sourceSHA256: String
        var extractor: Int
        var sections: [Catalog.SectionTitle]
        var requirements: [Requirement]
    }

    /// Parses a catalog file's content; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws(SpecTraceError) -> Catalog {
        do {
            let stored = try JSONDecoder().decode(Stored.self, from: data)
            for requirement in stored.requirements where RequirementID(requirement.id)?.rfc != stored.rfc {
                throw SpecTraceError.malformed(path: path, line: nil,
                                               reason: "requirement ID \(requirement.id) does not belong to RFC \(stored.rfc)")
            }
            return Catalog(rfc: stored.rfc, title: stored.title, source: stored.source,
                           sourceSHA256: stored.sourceSHA256, extractor: stored.extractor,
                           sections: stored.sections, requirements: stored.requirements)
        } catch let error as SpecTraceError {
            throw error
        } catch {
            throw .malformed(path: path, line: nil, reason: "not a catalog: \(error)")
        }
    }

    /// Every catalog in `directory` (files named `rfcNNNN.json`), ordered by RFC number.
    public static func loadAll(in directory: String) throws(SpecTraceError) -> [Catalog] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .io(path: directory, reason: "cannot list directory: \(error.localizedDescription)")
        }
        var catalogs: [Catalog] = []
        for name in names.sorted() where name.hasPrefix("rfc") && name.hasSuffix(".json") {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .io(path: path, reason: "cannot read")
            }
            catalogs.append(try decode(data, path: path))
        }
        return catalogs.sorted { $0.rfc < $1.rfc }
    }
}
