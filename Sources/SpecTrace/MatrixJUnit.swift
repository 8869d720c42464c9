/// `Conformance/junit.xml`: one test case per requirement in scope, so a CI system can show
/// conformance. An open MUST fails; a not-applicable requirement is skipped with its reason.
public enum MatrixJUnit {
    /// The XML text.
    public static func render(_ matrix: Matrix) -> String {
        var out = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        let all = matrix.allEntries
        out.append("<testsuites name=\"SpecRTC conformance\" tests=\"\(all.count)\" failures=\"\(failures(all))\">")
        for rfc in matrix.rfcs {
            let skipped = rfc.count(nil, .notApplicable)
            out.append("  <testsuite name=\"RFC \(rfc.rfc): \(escape(rfc.title))\" tests=\"\(rfc.entries.count)\" failures=\"\(failures(rfc.entries))\" skipped=\"\(skipped)\">")
            for entry in rfc.entries {
                let r = entry.requirement
                let open = "    <testcase classname=\"RFC\(rfc.rfc).\(r.section)\" name=\"\(r.id) \(r.level.rawValue)\""
                switch entry.state {
                case .notApplicable:
                    out.append(open + "><skipped message=\"not applicable: \(escape(entry.reason ?? ""))\"/></testcase>")
                case .open where r.level == .must:
                    out.append(open + "><failure message=\"open MUST: neither implemented nor verified\">\(escape(r.text))</failure></testcase>")
                default:
                    out.append(open + "><system-out>\(entry.state.rawValue)</system-out></testcase>")
                }
            }
            out.append("  </testsuite>")
        }
        out.append("</testsuites>")
        return out.joined(separator: "\n") + "\n"
    }

    private static func failures(_ entries: [MatrixEntry]) -> Int {
        entries.filter { $0.state == .open && $0.requirement.level == .must }.count
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
