import Wire

/// Why bytes are not an acceptable STUN message.
public enum STUNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not STUN at all: the first two bits are not zero, or the magic cookie is missing.
    case notSTUN(reason: String)
    /// The header's length does not match the bytes, or is not a multiple of 4.
    case badLength(declared: Int, available: Int)
    /// A field could not be read (truncated attribute, bad value), with its offset.
    case malformed(WireError)
    /// An attribute value breaks its definition (wrong size, out-of-range field).
    case invalidAttribute(type: UInt16, offset: Int, reason: String)
    /// Attributes follow FINGERPRINT, which must be last.
    case attributeAfterFingerprint(offset: Int)

    public var description: String {
        switch self {
        case .notSTUN(let reason): return "not a STUN message: \(reason)"
        case let .badLength(declared, available):
            return "message length \(declared) does not fit the \(available) bytes after the header (or is not a multiple of 4)"
        case .malformed(let error): return error.description
        case let .invalidAttribute(type, offset, reason):
            return "attribute \(STUNAttributeType.name(of: type)) at offset \(offset): \(reason)"
        case .attributeAfterFingerprint(let offset): return "attribute at offset \(offset) follows FINGERPRINT"
        }
    }
}
