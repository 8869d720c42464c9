/// Why bytes could not be read or written as a network format.
///
/// Every case names the field being handled and the byte offset (from the start of the
/// buffer the reader was given) where the problem was found, so a caller can report
/// "STUN attribute length at offset 22: needs 8 bytes, 3 remain" rather than a bare failure.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The field needs more bytes than remain.
    case truncated(field: String, offset: Int, needed: Int, available: Int)
    /// The field holds a value the format does not allow.
    case invalidValue(field: String, offset: Int, value: UInt64, reason: String)
    /// Bytes remain after a structure that must fill its buffer exactly.
    case trailingBytes(field: String, offset: Int, count: Int)
    /// A text encoding (hex, for instance) is malformed at a character position.
    case malformedText(what: String, position: Int, reason: String)

    /// The byte offset (or character position) the error refers to.
    public var offset: Int {
        switch self {
        case .truncated(_, let offset, _, _), .invalidValue(_, let offset, _, _),
             .trailingBytes(_, let offset, _):
            return offset
        case .malformedText(_, let position, _):
            return position
        }
    }

    public var description: String {
        switch self {
        case let .truncated(field, offset, needed, available):
            return "\(field) at offset \(offset): needs \(needed) byte\(needed == 1 ? "" : "s"), \(available) remain"
        case let .invalidValue(field, offset, value, reason):
            return "\(field) at offset \(offset): invalid value \(value) (\(reason))"
        case let .trailingBytes(field, offset, count):
            return "\(field) at offset \(offset): \(count) unexpected trailing byte\(count == 1 ? "" : "s")"
        case let .malformedText(what, position, reason):
            return "\(what) at position \(position): \(reason)"
        }
    }
}
