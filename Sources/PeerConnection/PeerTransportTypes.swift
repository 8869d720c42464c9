import DTLS
import DataChannel
import ICE
import RTCCrypto
import SCTP
import STUN

/// How one WebRTC transport (ICE, DTLS, SCTP, data channels, all on one bundled 5-tuple) is set up
/// on this side.
public struct PeerTransportConfiguration: Sendable {
    /// This side's DTLS certificate (its fingerprint goes into the description).
    public var certificate: X509Certificate
    /// The P-256 private key of `certificate`.
    public var privateKey: [UInt8]
    /// The ICE agent's settings; the role in it is a default that JSEP overrides.
    public var ice: ICEAgent.Configuration
    /// The SCTP association's settings; the ports come from the descriptions.
    public var sctp: SCTPAssociationConfiguration
    /// The largest datagram DTLS writes (IP and UDP headers not counted).
    public var maximumTransmissionUnit = 1200
    /// Emit NSS key log lines (`PeerTransportEvent.keyLog`) for Wireshark.
    public var keyLog = false
    /// Emit every SCTP packet in plaintext (`PeerTransportEvent.sctpPacket`), for a capture of
    /// the layers DTLS encrypts.
    public var tapsSCTP = false
    /// The largest SCTP packet path MTU discovery probes for (RFC 8261 §4). A DTLS record may hold
    /// 16 KiB, but peers read records into small buffers (aiortc takes 1500 bytes per read and
    /// misreads the rest), so the default stays at 1500; between SpecRTC peers 16 KiB works. At
    /// or below the SCTP configuration's packet size nothing is probed.
    public var pathMTUProbeCeiling = 1500
    /// Stream identifiers data channels may use.
    public var maximumDataChannelStreams = 65535
    /// The largest data channel message sent when the peer does not interleave messages (no
    /// I-DATA, RFC 8260): RFC 8831 §6.6 recommends 16 KiB so one message cannot monopolise the
    /// association; 0 lifts the limit (then only the peer's max-message-size applies).
    public var nonInterleavedMessageLimit = 16 * 1024

    public init(certificate: X509Certificate, privateKey: [UInt8], ice: ICEAgent.Configuration = .init(role: .controlling),
                sctp: SCTPAssociationConfiguration = SCTPAssociationConfiguration()) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.ice = ice
        self.sctp = sctp
    }
}

/// What the two descriptions decided for the transport, once both are known.
public struct PeerTransportParameters: Sendable, Equatable {
    /// Who nominates: the offerer controls (RFC 8829 §5.2.1, §5.3.1), unless the peer is lite.
    public var iceRole: ICERole
    /// The peer's ICE username fragment and password.
    public var remoteCredentials: ICECredentials
    /// Whether the peer is an ICE-lite agent.
    public var remoteIsLite: Bool
    /// This side's DTLS role, from `a=setup` (RFC 8842 §5): active is the client.
    public var dtlsRole: DTLSConfiguration.Role
    /// The certificate fingerprints from the peer's description (RFC 8122).
    public var remoteFingerprints: [Fingerprint]
    /// This side's and the peer's `a=sctp-port`, or nil without a data channel m-line.
    public var localSCTPPort: UInt16?
    public var remoteSCTPPort: UInt16?
    /// The peer's `a=max-message-size` (RFC 8841 §6.1); 0 means no limit.
    public var remoteMaxMessageSize: Int

    public init(iceRole: ICERole, remoteCredentials: ICECredentials, remoteIsLite: Bool = false,
                dtlsRole: DTLSConfiguration.Role, remoteFingerprints: [Fingerprint],
                localSCTPPort: UInt16? = 5000, remoteSCTPPort: UInt16? = 5000, remoteMaxMessageSize: Int = 65536) {
        self.iceRole = iceRole
        self.remoteCredentials = remoteCredentials
        self.remoteIsLite = remoteIsLite
        self.dtlsRole = dtlsRole
        self.remoteFingerprints = remoteFingerprints
        self.localSCTPPort = localSCTPPort
        self.remoteSCTPPort = remoteSCTPPort
        self.remoteMaxMessageSize = remoteMaxMessageSize
    }
}

/// The aggregate state an application sees (W3C `RTCPeerConnectionState`).
public enum PeerConnectionState: String, Sendable, Equatable {
    case new, connecting, connected, disconnected, failed, closed
}

/// The DTLS transport's state (W3C `RTCDtlsTransportState`).
public enum DTLSTransportState: String, Sendable, Equatable {
    case new, connecting, connected, closed, failed
}

/// A data channel as the application holds it: a number that stays the same from creation,
/// before the DTLS role (and so the stream identifier) is known, to close.
public struct DataChannelHandle: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "channel #\(rawValue)" }
}

/// What the transport tells its owner. The rare cases with large payloads are `indirect`, so
/// that the enum, copied for every datagram on its way out, stays small.
public enum PeerTransportEvent: Sendable, Equatable {
    /// A local candidate to signal (trickle) to the peer.
    indirect case localCandidate(ICECandidate)
    /// No more local candidates in this ICE generation.
    case gatheringComplete
    case iceStateChanged(ICEConnectionState)
    /// Data goes on this pair from now on.
    indirect case selectedPair(ICESelectedPair)
    case dtlsStateChanged(DTLSTransportState)
    /// The DTLS handshake completed and the peer's certificate matched its fingerprint.
    indirect case dtlsConnected(DTLSConnectionInfo)
    /// The SCTP association is up, with these stream counts and extensions.
    case sctpConnected(outboundStreams: Int, inboundStreams: Int, interleaving: Bool)
    case connectionStateChanged(PeerConnectionState)
    /// The peer opened a channel in band; it has this handle from now on.
    indirect case dataChannelCreated(DataChannelHandle, label: String, protocol: String, options: DataChannelOptions)
    /// A channel is open.
    case dataChannelOpened(DataChannelHandle, id: UInt16)
    case dataChannelMessage(DataChannelHandle, DataChannelMessage)
    case bufferedAmountLow(DataChannelHandle)
    case dataChannelClosing(DataChannelHandle)
    case dataChannelClosed(DataChannelHandle)
    /// A protocol error on a channel (or on the association when the handle is nil).
    case dataChannelError(DataChannelHandle?, DataChannelProtocolError)
    /// A channel could not be created when the DTLS role became known.
    case dataChannelFailed(DataChannelHandle, DataChannelError)
    /// SCTP refused what the data channel layer asked of it (a message, a stream reset).
    case sendFailed(DataChannelHandle?, String)
    /// Why the connection failed, in words (a DTLS alert, a fingerprint mismatch, ICE failure).
    case failed(String)
    /// An NSS key log line, when asked for.
    case keyLog(String)
    /// An SCTP packet as it went into DTLS (`sent`) or came out of it, when asked for.
    case sctpPacket([UInt8], sent: Bool)
}

/// What the owner feeds the transport.
public enum PeerTransportInput: Sendable, Equatable {
    /// A datagram that arrived from `from` on the local socket `to`.
    case datagram([UInt8], from: STUNTransportAddress, to: STUNTransportAddress)
    /// The deadline of the last `.timeout` output has passed.
    case timeout
}

/// What `poll(at:)` returns: drain until `.timeout`.
public enum PeerTransportOutput: Sendable, Equatable {
    case transmit(ICETransmit)
    case event(PeerTransportEvent)
    /// Poll again at this time at the latest (nil: only an input or a call can change anything).
    case timeout(Duration?)
}

/// Counters of the transport's own (the layers below keep theirs).
public struct PeerTransportStatistics: Sendable, Equatable {
    public var datagramsReceived = 0
    public var bytesReceived = 0
    public var datagramsSent = 0
    public var bytesSent = 0
    /// DTLS datagrams handed to DTLS.
    public var dtlsDatagramsReceived = 0
    /// RTP/RTCP datagrams dropped because no media is negotiated yet.
    public var rtpDropped = 0
    /// Datagrams whose first byte fits no protocol here (RFC 7983), or that came before DTLS was ready.
    public var unclassifiedDropped = 0
    /// SCTP packets that DTLS could not send (not connected).
    public var sctpPacketsNotSent = 0
    /// DTLS datagrams ICE could not send (no valid pair).
    public var dtlsDatagramsNotSent = 0
    public var messagesSent = 0
    public var messagesReceived = 0
    public var messageBytesSent = 0
    public var messageBytesReceived = 0
    /// Channels that reached open, and channels that closed, over the transport's life.
    public var dataChannelsOpened = 0
    public var dataChannelsClosed = 0
    public init() {}
}

/// Per-channel counters (W3C `RTCDataChannelStats`).
public struct DataChannelCounters: Sendable, Equatable {
    public var label = ""
    public var protocolName = ""
    public var messagesSent = 0
    public var bytesSent = 0
    public var messagesReceived = 0
    public var bytesReceived = 0
    public init() {}
}
