import Foundation

/// `Specs/scope.json`: which RFCs are in scope, in which role, and which requirements do not apply.
public struct Scope: Sendable {
    /// An RFC in scope.
    public struct InScope: Sendable, Equatable {
        public var rfc: Int
        public var module: String
        public var role: String
    }

    /// An RFC left out (a catalog may exist), or one without a text, with the reason.
    public struct Excluded: Sendable, Equatable {
        public var rfc: Int
        public var reason: String
    }

    /// A rule marking requirements not applicable: by ID, by RFC section (and its
    /// subsections), or by section title in every RFC.
    public struct NotApplicable: Sendable, Equatable {
        public var ids: [String]
        public var rfc: Int?
        public var sections: [String]
        public var sectionTitle: String?
        public var reason: String
    }

    public var inScope: [InScope]
    public var outOfScope: [Excluded]
    public var noText: [Excluded]
    public var notApplicable: [NotApplicable]

    /// Parses scope.json; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws(SpecTraceError) -> Scope {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .malformed(path: path, line: nil, reason: "not a JSON object")
        }
        func list(_ key: String) -> [[String: Any]] { root[key] as? [[String: Any]] ?? [] }
        var scope = Scope(inScope: [], outOfScope: [], noText: [], notApplicable: [])
        for (index, entry) in list("rfcs").enumerated() {
            guard let rfc = entry["rfc"] as? Int, let module = entry["module"] as? String,
                  let role = entry["role"] as? String else {
                throw .malformed(path: path, line: nil, reason: "rfcs[\(index)] needs rfc, module and role")
            }
            scope.inScope.append(InScope(rfc: rfc, module: module, role: role))
        }
        for key in ["outOfScope", "noText"] {
            for (index, entry) in list(key).enumerated() {
                guard let rfc = entry["rfc"] as? Int, let reason = entry["reason"] as? String, !reason.isEmpty else {
                    throw .malformed(path: path, line: nil, reason: "\(key)[\(index)] needs rfc and a reason")
                }
                if key == "outOfScope" { scope.outOfScope.append(Excluded(rfc: rfc, reason: reason)) }
                else { scope.noText.append(Excluded(rfc: rfc, reason: reason)) }
            }
        }
        for (index, entry) in list("notApplicable").enumerated() {
            guard let reason = entry["reason"] as? String, !reason.isEmpty else {
                throw .malformed(path: path, line: nil, reason: "notApplicable[\(index)] needs a reason")
            }
            let rule = NotApplicable(ids: entry["ids"] as? [String] ?? [], rfc: entry["rfc"] as? Int,
                                     sections: entry["sections"] as? [String] ?? [],
                                     sectionTitle: entry["sectionTitle"] as? String, reason: reason)
            guard !rule.ids.isEmpty || (rule.rfc != nil && !rule.sections.isEmpty) || rule.sectionTitle != nil else {
                throw .malformed(path: path, line: nil,
                                 reason: "notApplicable[\(index)] needs ids, rfc with sections, or sectionTitle")
            }
            for id in rule.ids where RequirementID(id) == nil {
                throw .malformed(path: path, line: nil, reason: "notApplicable[\(index)]: malformed ID \(id)")
            }
            scope.notApplicable.append(rule)
        }
        let inScopeNumbers = Set(scope.inScope.map(\.rfc))
        for excluded in scope.outOfScope where inScopeNumbers.contains(excluded.rfc) {
            throw .malformed(path: path, line: nil, reason: "RFC \(excluded.rfc) is both in and out of scope")
        }
        return scope
    }

    /// Loads `root/Specs/scope.json`.
    public static func load(root: String) throws(SpecTraceError) -> Scope {
        let path = root + "/Specs/scope.json"
        guard let data = FileManager.default.contents(atPath: path) else { throw .io(path: path, reason: "cannot read") }
        return try decode(data, path: path)
    }

    /// Why `requirement` of `catalog` does not apply, or nil when it does.
    public func notApplicableReason(_ requirement: Requirement, in catalog: Catalog,
                                    titledSections: [String: String]) -> String? {
        // titledSections: the catalog's section number → title table.
        for rule in notApplicable {
            if rule.ids.contains(requirement.id) { return rule.reason }
            if let rfc = rule.rfc, rfc == catalog.rfc,
               rule.sections.contains(where: { requirement.section == $0 || requirement.section.hasPrefix($0 + ".") }) {
                return rule.reason
            }
            if let title = rule.sectionTitle {
                // The titled section is the nearest ancestor (or the section itself) with that title.
                var section = requirement.section
                while true {
                    if titledSections[section] == title { return rule.reason }
                    guard let dot = section.lastIndex(of: ".") else { break }
                    section = String(section[..<dot])
                }
            }
        }
        return nil
    }
}
