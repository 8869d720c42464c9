import ICE
import RTCCrypto
import SCTP

/// How a ``PeerConnection`` is set up (W3C `RTCConfiguration`, plus what the transport needs).
public struct PeerConnectionConfiguration: Sendable {
    /// The transport's settings: certificate, ICE (STUN servers, loopback), SCTP.
    public var transport: PeerTransportConfiguration
    // spec: RFC8829-4.1.1-3 the default bundle policy is balanced
    /// How to bundle; with a data-only session every policy gives one transport.
    public var bundlePolicy: BundlePolicy = .balanced
    /// The SCTP port this side puts in `a=sctp-port`.
    public var sctpPort: UInt16 = 5000
    /// The largest message this side accepts, put in `a=max-message-size` (RFC 8841 §6.1).
    public var maxMessageSize: Int = 262_144

    public init(transport: PeerTransportConfiguration) {
        self.transport = transport
        maxMessageSize = transport.sctp.maximumMessageSize
    }
}
