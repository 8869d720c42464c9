/// `a=mid:<identification-tag>` (RFC 5888 §4, RFC 8843): the name of a media description that
/// groups and the MID RTP header extension refer to.
public struct SDPMid: SDPAttributeValue, Hashable {
    public static let attributeName = "mid"
    /// The identification tag (a token).
    public var tag: String

    /// Wraps a tag.
    public init(_ tag: String) { self.tag = tag }

    public init(sdpValue: String) throws(SDPAttributeError) {
        guard SDPSyntax.isToken(sdpValue) else { throw Self.malformed(sdpValue, "identification-tag is not a token") }
        tag = sdpValue
    }

    public var sdpValue: String { tag }
}
