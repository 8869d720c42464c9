import Foundation

/// A JSON value written deterministically: object keys keep the order given, numbers are
/// integers, output is byte-for-byte the same for the same value. Used for catalogs and the
/// matrix so that regenerating them gives identical files and readable diffs.
public indirect enum JSONText: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONText])
    case object([(String, JSONText)])

    public static func == (lhs: JSONText, rhs: JSONText) -> Bool { lhs.rendered() == rhs.rendered() }

    /// The value as text. Arrays of scalars and small objects stay on one line when
    /// `compactDepth` says so; deeper structure is indented by two spaces.
    public func rendered(indent: Int = 0, inlineDepth: Int = Int.max) -> String {
        var out = ""
        write(into: &out, indent: indent, inlineDepth: inlineDepth)
        return out
    }

    private func write(into out: inout String, indent: Int, inlineDepth: Int) {
        switch self {
        case .string(let s): JSONText.writeString(s, into: &out)
        case .int(let n): out += String(n)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            if inlineDepth <= 0 {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += ", " }
                    item.write(into: &out, indent: indent, inlineDepth: 0)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                item.write(into: &out, indent: indent + 2, inlineDepth: inlineDepth - 1)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            if inlineDepth <= 0 {
                out += "{"
                for (i, (key, value)) in members.enumerated() {
                    if i > 0 { out += ", " }
                    JSONText.writeString(key, into: &out)
                    out += ": "
                    value.write(into: &out, indent: indent, inlineDepth: 0)
                }
                out += "}"
                return
            }
            out += "{\n"
            for (i, (key, value)) in members.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                JSONText.writeString(key, into: &out)
                out += ": "
                value.write(into: &out, indent: indent + 2, inlineDepth: inlineDepth - 1)
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"   // safe to embed in an HTML <script> block
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
