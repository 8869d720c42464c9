/// One media description: an `m=` line and the `i=`, `c=`, `b=`, `k=` and `a=` lines under it
/// (RFC 8866 §5.14). In JSEP terms, one "m= section".
public struct MediaDescription: Sendable, Hashable, SDPAttributeHolder {
    /// The media type: `audio`, `video`, `application`, `text` or `message` (any token is kept).
    public var media: String
    /// The transport port; `9` (discard) in WebRTC offers, `0` for a rejected section.
    public var port: UInt16
    /// The `/<number of ports>` after the port, when present.
    public var numberOfPorts: UInt32?
    /// The transport protocol, e.g. `UDP/TLS/RTP/SAVPF` or `UDP/DTLS/SCTP`.
    public var proto: String
    /// The media formats: RTP payload type numbers, or `webrtc-datachannel` for data channels.
    public var formats: [String]
    /// The text after `i=`.
    public var information: String?
    /// The `c=` lines of this section (more than one only for layered multicast).
    public var connections: [SDPConnection]
    /// The `b=` lines of this section.
    public var bandwidths: [SDPBandwidth]
    /// The text after `k=` (obsolete, RFC 8866 §5.12; kept only so nothing received is lost).
    public var key: String?
    /// The `a=` lines, in order.
    public var attributes: [SDPAttribute]

    /// Creates a media description; add attributes with the builders of ``SDPAttributeHolder``.
    public init(media: String, port: UInt16 = 9, numberOfPorts: UInt32? = nil, proto: String, formats: [String],
                information: String? = nil, connections: [SDPConnection] = [SDPConnection()],
                bandwidths: [SDPBandwidth] = [], key: String? = nil, attributes: [SDPAttribute] = []) {
        self.media = media
        self.port = port
        self.numberOfPorts = numberOfPorts
        self.proto = proto
        self.formats = formats
        self.information = information
        self.connections = connections
        self.bandwidths = bandwidths
        self.key = key
        self.attributes = attributes
    }

    /// The text after `m=`.
    public var mediaLine: String {
        var text = media + " " + String(port)
        if let numberOfPorts { text += "/" + String(numberOfPorts) }
        text += " " + proto
        for format in formats { text += " " + format }
        return text
    }

    /// The direction of this section: its own direction attribute, else the session's, else
    /// `sendrecv`.
    public func effectiveDirection(in session: SessionDescription) throws(SDPAttributeError) -> SDPDirection {
        if let own = try direction { return own }
        if let inherited = try session.direction { return inherited }
        // spec: RFC8866-6.7-2 sendrecv is the default when no direction attribute is present
        return .sendrecv
    }
}
