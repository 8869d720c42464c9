/// Why an attribute cannot be read as its typed value.
///
/// The parser keeps attributes as text; these errors come when a typed accessor (e.g.
/// ``SDPAttributeHolder/fingerprints``) reads one.
public enum SDPAttributeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A value attribute has no value (`a=mid` instead of `a=mid:0`).
    case missingValue(attribute: String)
    /// The value does not follow the attribute's grammar.
    case malformed(attribute: String, value: String, reason: String)
    /// An attribute that may appear once per description (or whose key must be unique) is repeated.
    case duplicate(attribute: String, value: String)

    public var description: String {
        switch self {
        case .missingValue(let name): return "a=\(name) has no value"
        case let .malformed(name, value, reason): return "a=\(name):\(value) is malformed: \(reason)"
        case let .duplicate(name, value): return "a=\(name) repeated (\(value))"
        }
    }
}
