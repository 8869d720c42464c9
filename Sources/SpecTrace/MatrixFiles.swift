import Foundation

/// Builds the matrix of a package tree and writes (or checks) the four files in `Conformance/`.
public enum MatrixFiles {
    /// The files, by name, with their content.
    public static func render(_ matrix: Matrix, results: TestResults) -> [(name: String, content: String)] {
        [
            ("MATRIX.md", MatrixMarkdown.render(matrix)),
            ("matrix.json", MatrixJSON.render(matrix, results: results)),
            ("report.html", MatrixHTML.render(matrix)),
            ("junit.xml", MatrixJUnit.render(matrix)),
        ]
    }

    /// Loads catalogs, scope and citations under `root`, and the test results: from the xunit
    /// files given, or, when none is given, those recorded in the committed `matrix.json`.
    public static func build(root: String, xunitPaths: [String]?) throws(SpecTraceError) -> (Matrix, TestResults) {
        let catalogs = try CatalogFile.loadAll(in: root + "/Specs")
        let scope = try Scope.load(root: root)
        let citations = CitationScanner.scan(root: root)
        let results: TestResults
        if let xunitPaths {
            for path in xunitPaths where !FileManager.default.fileExists(atPath: path) {
                throw .io(path: path, reason: "no test results here (run the tests with --xunit-output first)")
            }
            results = try TestResults.load(paths: xunitPaths)
        } else if let data = FileManager.default.contents(atPath: root + "/Conformance/matrix.json") {
            results = MatrixJSON.recordedResults(Array(data))
        } else {
            results = TestResults()
        }
        return (Matrix.build(catalogs: catalogs, scope: scope, citations: citations, results: results), results)
    }

    /// Names of the files in `root/Conformance` whose content differs from `files`.
    public static func stale(_ files: [(name: String, content: String)], root: String) -> [String] {
        files.compactMap { file in
            let path = root + "/Conformance/" + file.name
            guard let data = FileManager.default.contents(atPath: path) else { return file.name }
            return String(decoding: data, as: UTF8.self) == file.content ? nil : file.name
        }
    }

    /// Writes the files into `root/Conformance`.
    public static func write(_ files: [(name: String, content: String)], root: String) throws(SpecTraceError) {
        let directory = root + "/Conformance"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in files {
            do {
                try file.content.write(toFile: directory + "/" + file.name, atomically: true, encoding: .utf8)
            } catch {
                throw .io(path: directory + "/" + file.name, reason: "cannot write: \(error.localizedDescription)")
            }
        }
    }
}
