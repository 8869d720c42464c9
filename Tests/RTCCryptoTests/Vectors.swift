import Foundation
import Wire

/// Test-vector files kept in Tests/Vectors (see Tests/Vectors/SOURCES.md).
enum Vectors {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Vectors").path
    }()

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOfFile: relativePath.hasPrefix("/") ? relativePath : directory + "/" + relativePath, encoding: .utf8)
    }

    /// NIST CAVP / pyca style files: `KEY = value` lines; a key seen again starts the next
    /// record (blank lines can fall inside a record). `#` comments and `[section]` lines are skipped.
    static func records(_ relativePath: String) throws -> [[String: String]] {
        var records: [[String: String]] = []
        var current: [String: String] = [:]
        for rawLine in try text(relativePath).split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("[") { continue }
            var parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if parts == ["FAIL"] { parts = ["FAIL", "1"] }   // NIST decrypt files mark bad tags so
            guard parts.count == 2 else { continue }
            if current[parts[0]] != nil {
                records.append(current)
                current = [:]
            }
            current[parts[0]] = parts[1]
        }
        if !current.isEmpty { records.append(current) }
        return records
    }

    /// A Wycheproof file's tests, each with its group's fields merged under `group.` keys.
    static func wycheproof(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/wycheproof/" + name))
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var tests: [[String: Any]] = []
        for group in root["testGroups"] as! [[String: Any]] {
            for test in group["tests"] as! [[String: Any]] {
                var merged = test
                for (key, value) in group where key != "tests" { merged["group." + key] = value }
                tests.append(merged)
            }
        }
        return tests
    }

    static func hex(_ text: Any?) throws -> [UInt8] { try Hex.decode(text as? String ?? "") }

    /// A file under ../shared/vectors next to the checkout, if that directory is there.
    static func shared(_ relativePath: String) -> String? {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        let path = url.appendingPathComponent("shared/vectors/" + relativePath).path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
