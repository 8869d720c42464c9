/// `a=extmap:<id>[/<direction>] <uri> [<extension attributes>]` (RFC 8285 §5, §7): maps an RTP
/// header extension URI to a local identifier.
public struct SDPExtmap: SDPAttributeValue, Hashable {
    public static let attributeName = "extmap"
    /// The local identifier: 1-14 for one-byte headers, 1-255 with two-byte headers, 4096-4351 in
    /// offers for the answerer to remap.
    public var id: UInt16
    /// The direction qualifier, if any.
    public var direction: SDPDirection?
    /// The extension URI, e.g. `urn:ietf:params:rtp-hdrext:sdes:mid`.
    public var uri: String
    /// Anything after the URI, kept as text.
    public var extensionAttributes: String?

    /// Creates an extension mapping.
    public init(id: UInt16, direction: SDPDirection? = nil, uri: String, extensionAttributes: String? = nil) {
        self.id = id
        self.direction = direction
        self.uri = uri
        self.extensionAttributes = extensionAttributes
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let fields = sdpValue.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2 else { throw Self.malformed(sdpValue, "expected <id>[/<direction>] <uri>") }
        let entry = fields[0].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard entry[0].utf8.count <= 5, let id = SDPSyntax.number(entry[0], as: UInt16.self) else {
            throw Self.malformed(sdpValue, "id is not a number")
        }
        // spec: RFC8285-4.1.2-3 ID 0 is reserved for padding, never a local identifier
        guard (1...255).contains(id) || (4096...4351).contains(id) else {
            throw Self.malformed(sdpValue, "id \(id) is outside 1-255 and 4096-4351")
        }
        if entry.count == 2 {
            // spec: RFC8285-7-3 the direction is sendonly, recvonly, sendrecv or inactive
            guard let direction = SDPDirection(rawValue: String(entry[1])) else {
                throw Self.malformed(sdpValue, "direction \"\(entry[1])\" is not sendonly, recvonly, sendrecv or inactive")
            }
            self.direction = direction
        }
        guard SDPSyntax.isNonWhitespace(fields[1]) else { throw Self.malformed(sdpValue, "empty extension URI") }
        self.id = id
        uri = String(fields[1])
        if fields.count == 3 {
            guard !fields[2].isEmpty else { throw Self.malformed(sdpValue, "empty extension attributes after the URI") }
            extensionAttributes = String(fields[2])
        }
    }

    public var sdpValue: String {
        var text = String(id)
        if let direction { text += "/" + direction.rawValue }
        text += " " + uri
        if let extensionAttributes { text += " " + extensionAttributes }
        return text
    }
}
