/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`
/// (RFC 8866 §6.6), e.g. `111 opus/48000/2`.
public struct SDPRTPMap: SDPAttributeValue, Hashable {
    public static let attributeName = "rtpmap"
    /// The RTP payload type, 0-127.
    public var payloadType: UInt8
    /// The encoding name as written (`opus`, `VP8`); compare case-insensitively.
    public var encodingName: String
    /// The RTP clock rate in Hz.
    public var clockRate: UInt32
    /// For audio, the number of channels; nil when omitted (meaning one).
    public var channels: UInt32?

    /// Creates an rtpmap.
    public init(payloadType: UInt8, encodingName: String, clockRate: UInt32, channels: UInt32? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let fields = SDPSyntax.fields(sdpValue)
        guard fields.count == 2 else { throw Self.malformed(sdpValue, "expected <payload type> <encoding>/<clock rate>") }
        guard fields[0].utf8.count <= 3, let payloadType = SDPSyntax.number(fields[0], as: UInt8.self), payloadType <= 127 else {
            throw Self.malformed(sdpValue, "payload type is not 0-127")
        }
        let parts = fields[1].split(separator: "/", omittingEmptySubsequences: false)
        // spec: RFC8866-6.6-2 the encoding parameters (channels) may be omitted
        guard parts.count == 2 || parts.count == 3, SDPSyntax.isToken(parts[0]) else {
            throw Self.malformed(sdpValue, "expected <encoding name>/<clock rate>[/<channels>]")
        }
        guard let clockRate = SDPSyntax.number(parts[1], as: UInt32.self) else { throw Self.malformed(sdpValue, "clock rate is not a number") }
        if parts.count == 3 {
            guard let channels = SDPSyntax.number(parts[2], as: UInt32.self) else { throw Self.malformed(sdpValue, "channels is not a number") }
            self.channels = channels
        }
        self.payloadType = payloadType
        encodingName = String(parts[0])
        self.clockRate = clockRate
    }

    public var sdpValue: String {
        var text = "\(payloadType) \(encodingName)/\(clockRate)"
        if let channels { text += "/\(channels)" }
        return text
    }
}
