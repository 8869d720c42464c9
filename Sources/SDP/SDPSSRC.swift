/// `a=ssrc:<ssrc-id> <attribute>[:<value>]` (RFC 5576 §4.1), e.g. `4124696349 cname:c5Qo`.
public struct SDPSSRC: SDPAttributeValue, Hashable {
    public static let attributeName = "ssrc"
    /// The synchronization source.
    public var ssrc: UInt32
    /// The source attribute name, e.g. `cname` or `msid`.
    public var attribute: String
    /// The source attribute value, if any.
    public var value: String?

    /// Creates a source attribute.
    public init(ssrc: UInt32, attribute: String, value: String? = nil) {
        self.ssrc = ssrc
        self.attribute = attribute
        self.value = value
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        guard let space = sdpValue.firstIndex(of: " "),
              let ssrc = SDPSyntax.number(sdpValue[..<space], as: UInt32.self) else {
            throw Self.malformed(sdpValue, "expected <ssrc-id> <attribute>, the id a 32-bit number")
        }
        let rest = sdpValue[sdpValue.index(after: space)...]
        let name = rest.firstIndex(of: ":").map { rest[..<$0] } ?? rest
        guard SDPSyntax.isToken(name) else { throw Self.malformed(sdpValue, "source attribute name is not a token") }
        self.ssrc = ssrc
        attribute = String(name)
        if let colon = rest.firstIndex(of: ":") { value = String(rest[rest.index(after: colon)...]) }
    }

    public var sdpValue: String {
        var text = "\(ssrc) \(attribute)"
        if let value { text += ":" + value }
        return text
    }
}

/// `a=ssrc-group:<semantics> *(SP <ssrc-id>)` (RFC 5576 §4.2), e.g. `FID 1698465521 1478334356`
/// (a media source and its RTX repair source).
public struct SDPSSRCGroup: SDPAttributeValue, Hashable {
    public static let attributeName = "ssrc-group"
    /// The semantics, e.g. `FID`, `SIM`, `FEC-FR`.
    public var semantics: String
    /// The grouped sources in order.
    public var ssrcs: [UInt32]

    /// Creates a source group.
    public init(semantics: String, ssrcs: [UInt32]) {
        self.semantics = semantics
        self.ssrcs = ssrcs
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let fields = SDPSyntax.fields(sdpValue)
        guard SDPSyntax.isToken(fields[0]) else { throw Self.malformed(sdpValue, "semantics is not a token") }
        var ssrcs: [UInt32] = []
        for field in fields.dropFirst() {
            guard let ssrc = SDPSyntax.number(field, as: UInt32.self) else { throw Self.malformed(sdpValue, "\"\(field)\" is not a 32-bit ssrc") }
            ssrcs.append(ssrc)
        }
        semantics = String(fields[0])
        self.ssrcs = ssrcs
    }

    public var sdpValue: String { ([semantics] + ssrcs.map { String($0) }).joined(separator: " ") }
}
