/// `a=sctp-port:<port>` (RFC 8841 §5): the SCTP port of the association over DTLS.
public struct SDPSCTPPort: SDPAttributeValue, Hashable {
    public static let attributeName = "sctp-port"
    /// The SCTP port (browsers use 5000; 0 closes the association).
    public var port: UInt16

    /// Wraps a port.
    public init(_ port: UInt16) { self.port = port }

    public init(sdpValue: String) throws(SDPAttributeError) {
        // spec: RFC8841-5.2-1 no leading zeros in the port
        guard sdpValue.utf8.count <= 5, let port = SDPSyntax.numberWithoutLeadingZeros(sdpValue, as: UInt16.self) else {
            throw Self.malformed(sdpValue, "expected a port 0-65535 without leading zeros")
        }
        self.port = port
    }

    public var sdpValue: String { String(port) }
}

/// `a=max-message-size:<size>` (RFC 8841 §6): the largest SCTP user message the sender of the
/// description accepts, in bytes; 0 means no limit. Without the attribute the limit is 64 KiB.
public struct SDPMaxMessageSize: SDPAttributeValue, Hashable {
    public static let attributeName = "max-message-size"
    /// The size in bytes; 0 for no limit.
    public var size: UInt64

    /// Wraps a size.
    public init(_ size: UInt64) { self.size = size }

    public init(sdpValue: String) throws(SDPAttributeError) {
        // spec: RFC8841-6.2-1 no leading zeros in the size
        guard let size = SDPSyntax.numberWithoutLeadingZeros(sdpValue, as: UInt64.self) else {
            throw Self.malformed(sdpValue, "expected a decimal size without leading zeros")
        }
        self.size = size
    }

    public var sdpValue: String { String(size) }
}
