/// A whole session description (RFC 8866): the session-level fields, then the media descriptions.
///
/// Parse with ``init(parsing:)-(String)``, serialize with ``serialized()``. Every field keeps
/// its text form closely enough that parsing then serializing well-formed browser SDP gives back
/// the same bytes (with CRLF line ends).
///
/// To build one programmatically (as JSEP does for an offer):
/// ```swift
/// var offer = SessionDescription(origin: SDPOrigin(sessionID: id, sessionVersion: 2))
/// offer.append(SDPGroup(semantics: "BUNDLE", identificationTags: ["0"]))
/// var data = MediaDescription(media: "application", proto: "UDP/DTLS/SCTP", formats: ["webrtc-datachannel"])
/// data.append(SDPMid("0"))
/// data.append(SDPSCTPPort(5000))
/// offer.media.append(data)
/// let text = offer.serialized()
/// ```
public struct SessionDescription: Sendable, Hashable, SDPAttributeHolder {
    /// The protocol version; always 0.
    public var version: UInt = 0
    /// The `o=` line.
    public var origin: SDPOrigin
    /// The text after `s=`; browsers send `-`.
    public var sessionName: String
    /// The text after `i=` at session level.
    public var information: String?
    /// The text after `u=`.
    public var uri: String?
    /// The text after each `e=`.
    public var emails: [String]
    /// The text after each `p=`.
    public var phones: [String]
    /// The session-level `c=` line.
    public var connection: SDPConnection?
    /// The session-level `b=` lines.
    public var bandwidths: [SDPBandwidth]
    /// The time descriptions (at least one when serialized for parsing again).
    public var timings: [SDPTiming]
    /// The text after the session-level `k=` (obsolete, RFC 8866 §5.12; kept only so nothing
    /// received is lost).
    public var key: String?
    /// The session-level `a=` lines, in order.
    public var attributes: [SDPAttribute]
    /// The media descriptions, in order.
    public var media: [MediaDescription]

    /// Creates a session description. The defaults are those of a WebRTC offer: `s=-`, `t=0 0`.
    public init(origin: SDPOrigin, sessionName: String = "-", information: String? = nil, uri: String? = nil,
                emails: [String] = [], phones: [String] = [], connection: SDPConnection? = nil,
                bandwidths: [SDPBandwidth] = [], timings: [SDPTiming] = [SDPTiming()], key: String? = nil,
                attributes: [SDPAttribute] = [], media: [MediaDescription] = []) {
        self.origin = origin
        self.sessionName = sessionName
        self.information = information
        self.uri = uri
        self.emails = emails
        self.phones = phones
        self.connection = connection
        self.bandwidths = bandwidths
        self.timings = timings
        self.key = key
        self.attributes = attributes
        self.media = media
    }

    /// The media description whose `a=mid` is `mid`.
    public func media(withMid mid: String) -> MediaDescription? {
        media.first { (try? $0.mid) == mid }
    }
}
