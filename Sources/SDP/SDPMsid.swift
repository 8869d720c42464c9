/// `a=msid:<id> [<appdata>]` (RFC 8830 §2): the MediaStream id (`-` for none) and, optionally,
/// the track id. Each is 1 to 64 token characters.
public struct SDPMsid: SDPAttributeValue, Hashable {
    public static let attributeName = "msid"
    /// The stream identifier, `-` when the track belongs to no stream.
    public var id: String
    /// The application data (the track identifier in WebRTC), if present.
    public var appData: String?

    /// Creates an msid.
    public init(id: String, appData: String? = nil) {
        self.id = id
        self.appData = appData
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let fields = SDPSyntax.fields(sdpValue)
        func valid(_ text: Substring) -> Bool { text.utf8.count <= 64 && SDPSyntax.isToken(text) }
        guard fields.count <= 2, fields.allSatisfy(valid) else {
            throw Self.malformed(sdpValue, "expected <msid-id> [<msid-appdata>], each 1 to 64 token characters")
        }
        id = String(fields[0])
        if fields.count == 2 { appData = String(fields[1]) }
    }

    public var sdpValue: String { appData.map { id + " " + $0 } ?? id }
}
