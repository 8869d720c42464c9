/// An application message on a data channel: text or bytes, either possibly empty.
public enum DataChannelMessage: Sendable, Hashable {
    /// A string, carried as UTF-8 with PPID 51 (or 56 when empty).
    case string(String)
    /// Binary data, carried with PPID 53 (or 57 when empty).
    case binary([UInt8])

    /// The message's size in bytes: UTF-8 bytes of a string, the count of binary data.
    public var byteCount: Int {
        switch self {
        case .string(let text): return text.utf8.count
        case .binary(let bytes): return bytes.count
        }
    }
}
