/// `a=setup:` (RFC 4145 §4, used for DTLS by RFC 8842 §5): which side opens the connection.
public enum SDPSetupRole: String, SDPAttributeValue, Hashable, CaseIterable {
    public static let attributeName = "setup"

    /// Will open the connection (the DTLS client).
    case active
    /// Will accept the connection (the DTLS server).
    case passive
    /// Either; the answerer chooses. Offers use this.
    case actpass
    /// Neither, for now.
    case holdconn

    public init(sdpValue: String) throws(SDPAttributeError) {
        guard let role = SDPSetupRole(rawValue: sdpValue) else {
            throw Self.malformed(sdpValue, "expected active, passive, actpass or holdconn")
        }
        self = role
    }

    public var sdpValue: String { rawValue }
}
