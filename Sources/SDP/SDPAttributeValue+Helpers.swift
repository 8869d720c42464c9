extension SDPAttributeValue {
    /// The error for a value of this attribute that does not follow its grammar.
    static func malformed(_ value: String, _ reason: String) -> SDPAttributeError {
        .malformed(attribute: attributeName, value: value, reason: reason)
    }
}
