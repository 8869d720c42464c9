import PeerConnection
import SCTP

/// How an ``RTCPeerConnection`` is set up (the parts of W3C `RTCConfiguration` that apply, plus
/// where its sockets bind and what it records).
public struct RTCConfiguration: Sendable {
    /// Local addresses to bind a UDP socket on, one host candidate each (`127.0.0.1`, `::1`, or
    /// an interface address). Port 0 picks a free port.
    public var hostAddresses: [String] = ["127.0.0.1"]
    /// Bundle policy (RFC 8829 §4.1.1); with a data-only session every policy gives one transport.
    public var bundlePolicy: BundlePolicy = .balanced
    /// The largest message this side accepts (`a=max-message-size`).
    public var maxMessageSize = 262_144
    /// Write every datagram sent and received to this pcap file when the connection closes.
    public var pcapPath: String?
    /// Write the SCTP packets DTLS carries, in plaintext, to this pcap file (as SCTP over IP,
    /// between the selected pair's addresses) when the connection closes: Wireshark dissects
    /// their chunks and the data channel messages (DCEP is PPID 50).
    public var plaintextPcapPath: String?
    /// Write NSS key log lines (for Wireshark to decrypt DTLS) to this file.
    public var keyLogPath: String?
    /// The largest SCTP packet path MTU discovery probes for (RFC 8261 §4). The default, 1500,
    /// suits every peer (aiortc, for one, reads DTLS records in 1500-byte pieces); between SpecRTC
    /// peers up to 16384 works. The SCTP packet size (1200) or less turns probing off.
    public var pathMTUProbeCeiling = 1500
    /// The largest data channel message sent to a peer that does not interleave messages (no
    /// I-DATA): RFC 8831 §6.6 recommends 16 KiB so one message cannot hold back every other
    /// channel; 0 lifts the limit and leaves only the peer's max-message-size.
    public var nonInterleavedMessageLimit = 16 * 1024
    /// The Differentiated Services Code Point (RFC 2474, 0...63) of every IP packet sent, or nil
    /// to leave the system's default (0). RFC 8837 lists the values browsers use per priority,
    /// e.g. 46 (EF) for interactive audio. Out of range, `RTCPeerConnection.make` throws.
    public var dscp: UInt8?
    /// SCTP association settings.
    public var sctp = SCTPAssociationConfiguration()

    public init() {}
}
