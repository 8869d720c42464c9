/// `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]` (RFC 3605 §2.1): where RTCP goes
/// when it is not on the RTP port + 1. Browsers send `a=rtcp:9 IN IP4 0.0.0.0`.
public struct SDPRTCP: SDPAttributeValue, Hashable {
    public static let attributeName = "rtcp"
    /// The RTCP port.
    public var port: UInt16
    /// The RTCP address, if given.
    public var connection: SDPConnection?

    /// Creates an rtcp attribute.
    public init(port: UInt16, connection: SDPConnection? = nil) {
        self.port = port
        self.connection = connection
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let parts = sdpValue.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard let port = SDPSyntax.number(parts[0], as: UInt16.self) else { throw Self.malformed(sdpValue, "port is not 0-65535") }
        self.port = port
        if parts.count == 2 {
            switch SDPConnection.parse(String(parts[1])) {
            case .success(let connection): self.connection = connection
            case .failure(let failure): throw Self.malformed(sdpValue, "\(failure.field): \(failure.detail)")
            }
        }
    }

    public var sdpValue: String { connection.map { "\(port) \($0.sdpValue)" } ?? String(port) }
}
