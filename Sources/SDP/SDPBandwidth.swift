/// A `b=<bwtype>:<bandwidth>` line (RFC 8866 §5.8).
///
/// Types this module does not know (anything but `CT`, `AS`, `TIAS`, `RS`, `RR`) are kept as
/// they are; what they mean is up to the reader, who ignores the unknown ones.
public struct SDPBandwidth: Sendable, Hashable {
    /// The bandwidth type, e.g. `AS` (kilobits per second) or `TIAS` (bits per second, RFC 3890).
    public var type: String
    /// The value, in the type's unit.
    public var value: UInt64

    /// Creates a bandwidth line.
    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }

    /// Whether RFC 8866 or RFC 3556/3890 define this type.
    public var isKnownType: Bool { ["CT", "AS", "TIAS", "RS", "RR"].contains(type) }

    /// The text after `b=`.
    public var sdpValue: String { "\(type):\(value)" }
}
