/// The `o=` line: who created the session and which version of its description this is
/// (RFC 8866 §5.2).
public struct SDPOrigin: Sendable, Hashable {
    /// The user's login on the originating host, or `-`. Never contains a space.
    public var username: String
    /// A numeric string that, with the other fields, identifies the session globally.
    public var sessionID: String
    /// A numeric string increased each time the description changes (JSEP bumps it per offer or answer).
    public var sessionVersion: String
    /// Network type, normally `IN`.
    public var networkType: String
    /// Address type, normally `IP4` or `IP6`.
    public var addressType: String
    /// The address of the machine that created the session (browsers put `127.0.0.1` or `0.0.0.0`).
    public var unicastAddress: String

    /// Creates an origin from its six fields as text.
    public init(username: String = "-", sessionID: String, sessionVersion: String,
                networkType: String = "IN", addressType: String = "IP4", unicastAddress: String = "127.0.0.1") {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.unicastAddress = unicastAddress
    }

    /// Creates an origin with numeric session ID and version, as JSEP generates them.
    public init(username: String = "-", sessionID: UInt64, sessionVersion: UInt64,
                networkType: String = "IN", addressType: String = "IP4", unicastAddress: String = "127.0.0.1") {
        self.init(username: username, sessionID: String(sessionID), sessionVersion: String(sessionVersion),
                  networkType: networkType, addressType: addressType, unicastAddress: unicastAddress)
    }

    /// The session version as a number, when it fits 64 bits.
    public var sessionVersionNumber: UInt64? { SDPSyntax.number(sessionVersion) }

    /// The text after `o=`.
    public var sdpValue: String {
        "\(username) \(sessionID) \(sessionVersion) \(networkType) \(addressType) \(unicastAddress)"
    }
}
