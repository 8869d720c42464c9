/// One `a=` line: `a=<name>` (a property attribute) or `a=<name>:<value>` (a value attribute),
/// RFC 8866 §5.13.
///
/// Session and media descriptions keep their attributes in order in a list of these, so that
/// attributes this module does not know are never dropped and serialization reproduces them.
/// The value is kept exactly as it was received (including any leading space, as in Chrome's
/// `a=msid-semantic: WMS`); an empty value (`a=name:`) is distinct from no value (`a=name`).
public struct SDPAttribute: Sendable, Hashable, CustomStringConvertible {
    /// The attribute name, e.g. `candidate`.
    public var name: String
    /// The attribute value after the first `:`, or nil for a property attribute.
    public var value: String?

    /// Creates an attribute from its name and value.
    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// Creates the attribute that carries a typed value, e.g. `SDPAttribute(SDPSetupRole.actpass)`.
    public init<Value: SDPAttributeValue>(_ typed: Value) {
        self.init(name: Value.attributeName, value: typed.sdpValue)
    }

    /// The text after `a=`.
    public var description: String {
        guard let value else { return name }
        return name + ":" + value
    }
}

/// A typed view of one WebRTC attribute value: parsed on demand from an ``SDPAttribute`` and
/// turned back into its text to build an attribute.
public protocol SDPAttributeValue: Sendable, Equatable {
    /// The attribute name this type parses, e.g. `fingerprint`.
    static var attributeName: String { get }
    /// Parses the text after `a=<name>:`.
    init(sdpValue: String) throws(SDPAttributeError)
    /// The text after `a=<name>:`.
    var sdpValue: String { get }
}
