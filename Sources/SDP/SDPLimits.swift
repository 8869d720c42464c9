/// Bounds the parser puts on its input so that no text can make it use unbounded memory or time.
///
/// Browser offers are a few kilobytes (a Chrome offer with dozens of transceivers stays under
/// 100 KiB); the limits are far above that. Parsing is linear in the input size.
public enum SDPLimits {
    /// The largest input accepted, in bytes: 1 MiB.
    public static let maximumSize = 1 << 20
    /// The most lines accepted: 32768.
    public static let maximumLineCount = 32_768
}
