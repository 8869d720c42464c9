/// `a=group:<semantics> *(SP <identification-tag>)` (RFC 5888 §5), e.g. `BUNDLE 0 1 2`
/// (RFC 8843) or `LS 1 2`.
public struct SDPGroup: SDPAttributeValue, Hashable {
    public static let attributeName = "group"
    /// The grouping semantics, e.g. `BUNDLE`.
    public var semantics: String
    /// The `a=mid` values of the grouped media descriptions, in order (the first of a BUNDLE
    /// group is the offerer-tagged one).
    public var identificationTags: [String]

    /// Creates a group.
    public init(semantics: String, identificationTags: [String]) {
        self.semantics = semantics
        self.identificationTags = identificationTags
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let fields = SDPSyntax.fields(sdpValue)
        guard fields.allSatisfy({ SDPSyntax.isToken($0) }) else {
            throw Self.malformed(sdpValue, "expected <semantics> followed by identification-tags, single spaces between tokens")
        }
        semantics = String(fields[0])
        identificationTags = fields.dropFirst().map(String.init)
    }

    public var sdpValue: String { ([semantics] + identificationTags).joined(separator: " ") }
}
