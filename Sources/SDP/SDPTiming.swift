/// One time description: a `t=` line with its `r=` lines and optional `z=` line
/// (RFC 8866 §5.9-5.11). WebRTC always uses `t=0 0` (unbounded, permanent).
///
/// Repeat and zone lines are kept as their text (their grammar is checked by the parser).
public struct SDPTiming: Sendable, Hashable {
    /// Start time in NTP seconds, 0 for unbounded.
    public var start: UInt64
    /// Stop time in NTP seconds, 0 for unbounded.
    public var stop: UInt64
    /// The text of each `r=` line after `r=`.
    public var repeats: [String]
    /// The text after `z=`, if present (only after at least one `r=`).
    public var zoneAdjustments: String?

    /// Creates a time description; `SDPTiming()` is `t=0 0`.
    public init(start: UInt64 = 0, stop: UInt64 = 0, repeats: [String] = [], zoneAdjustments: String? = nil) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
        self.zoneAdjustments = zoneAdjustments
    }
}
