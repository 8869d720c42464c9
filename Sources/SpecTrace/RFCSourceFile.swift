import Foundation
import RTCCrypto
import Wire

/// An RFC text on disk and the reader its format needs.
public struct RFCSourceFile: Sendable, Equatable {
    /// The formats the extractor reads.
    public enum Format: String, Sendable {
        /// Classic RFC Editor text with pages (`rfcNNNN.txt`).
        case classicText
        /// Pandoc Markdown of the RFC Editor HTML (`nontxt/rfcNNNN.md`).
        case markdown
    }

    /// RFC number.
    public var rfc: Int
    /// Path relative to the specs directory (`rfc8489.txt`, `nontxt/rfc8656.md`).
    public var relativePath: String
    /// Its format.
    public var format: Format

    /// The RFC texts in `directory`, one per RFC: the classic `.txt` where there is one,
    /// otherwise `nontxt/rfcNNNN.md`. Ordered by RFC number.
    public static func discover(in directory: String) throws(SpecTraceError) -> [RFCSourceFile] {
        let fm = FileManager.default
        var found: [Int: RFCSourceFile] = [:]
        func scan(_ subdirectory: String, suffix: String, format: Format) {
            let path = subdirectory.isEmpty ? directory : directory + "/" + subdirectory
            guard let names = try? fm.contentsOfDirectory(atPath: path) else { return }
            for name in names where name.hasPrefix("rfc") && name.hasSuffix(suffix) {
                let digits = name.dropFirst(3).dropLast(suffix.count)
                guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let number = Int(digits),
                      found[number] == nil else { continue }
                found[number] = RFCSourceFile(rfc: number,
                                              relativePath: subdirectory.isEmpty ? name : subdirectory + "/" + name,
                                              format: format)
            }
        }
        scan("", suffix: ".txt", format: .classicText)
        scan("nontxt", suffix: ".md", format: .markdown)
        guard !found.isEmpty else { throw .noSources(path: directory) }
        return found.values.sorted { $0.rfc < $1.rfc }
    }

    /// Reads the file and extracts its catalog.
    public func extract(from directory: String) throws(SpecTraceError) -> Catalog {
        let path = directory + "/" + relativePath
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, reason: "cannot read")
        }
        return RFCSourceFile.extract(bytes: Array(data), rfc: rfc, format: format, source: relativePath)
    }

    /// Extracts a catalog from the bytes of an RFC text. UTF-8 is expected; invalid
    /// sequences become U+FFFD rather than failing, so any input yields a catalog.
    public static func extract(bytes: [UInt8], rfc: Int, format: Format, source: String) -> Catalog {
        let text = String(decoding: bytes, as: UTF8.self)
        let document: RFCDocument
        switch format {
        case .classicText: document = ClassicRFCReader.read(text, number: rfc)
        case .markdown: document = MarkdownRFCReader.read(text, number: rfc)
        }
        return Catalog(rfc: rfc, title: document.title, source: source,
                       sourceSHA256: Hex.encode(SHA256.hash(bytes)),
                       sections: document.sections.map { Catalog.SectionTitle(number: $0.number, title: $0.title) },
                       requirements: RequirementExtractor.requirements(of: document))
    }
}
