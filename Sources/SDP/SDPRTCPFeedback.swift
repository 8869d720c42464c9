/// `a=rtcp-fb:<payload type or *> <feedback type> [<parameters>]` (RFC 4585 §4.2), e.g.
/// `96 nack pli`, `* ccm fir`, `111 transport-cc`.
public struct SDPRTCPFeedback: SDPAttributeValue, Hashable {
    public static let attributeName = "rtcp-fb"
    /// The payload type, or `*` for all.
    public var format: String
    /// The feedback type: `ack`, `nack`, `trr-int`, `ccm`, `goog-remb`, `transport-cc`, ...
    public var type: String
    /// The rest (e.g. `pli`, `fir`, a trr-int value), kept as text.
    public var parameters: String?

    /// Creates a feedback line.
    public init(format: String, type: String, parameters: String? = nil) {
        self.format = format
        self.type = type
        self.parameters = parameters
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let fields = sdpValue.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2, fields[0] == "*" || SDPSyntax.isToken(fields[0]), SDPSyntax.isToken(fields[1]) else {
            throw Self.malformed(sdpValue, "expected <payload type or *> <feedback type> [<parameters>]")
        }
        format = String(fields[0])
        type = String(fields[1])
        if fields.count == 3 {
            guard !fields[2].isEmpty else { throw Self.malformed(sdpValue, "empty feedback parameters") }
            parameters = String(fields[2])
        }
    }

    public var sdpValue: String {
        var text = format + " " + type
        if let parameters { text += " " + parameters }
        return text
    }
}
