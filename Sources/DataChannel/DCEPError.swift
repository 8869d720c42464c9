/// Why bytes are not a valid DCEP message, or a DCEP message cannot be built (RFC 8832 §5).
///
/// Offsets count from the first byte of the SCTP user message.
public enum DCEPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message ends inside a fixed field.
    case truncated(field: String, offset: Int, needed: Int, available: Int)
    /// The Message Type is neither DATA_CHANNEL_OPEN (0x03) nor DATA_CHANNEL_ACK (0x02).
    case unknownMessageType(UInt8)
    /// The Channel Type of a DATA_CHANNEL_OPEN is not one RFC 8832 §5.1 defines.
    case unknownChannelType(UInt8)
    /// The Label Length or Protocol Length counts more bytes than the message holds.
    case lengthBeyondMessage(field: String, offset: Int, length: Int, available: Int)
    /// Bytes follow the end of the message as its lengths describe it.
    case trailingBytes(offset: Int, count: Int)
    /// The label or protocol is not valid UTF-8 (RFC 8832 §5.1 requires UTF-8).
    case invalidUTF8(field: String)
    /// A label or protocol to send is longer than its 16-bit length field can count.
    case fieldTooLong(field: String, length: Int)

    public var description: String {
        switch self {
        case let .truncated(field, offset, needed, available):
            return "DCEP \(field) at offset \(offset): needs \(needed) bytes, \(available) remain"
        case let .unknownMessageType(type):
            return "DCEP message type 0x\(String(type, radix: 16)) is unknown"
        case let .unknownChannelType(type):
            return "DATA_CHANNEL_OPEN channel type 0x\(String(type, radix: 16)) is unknown"
        case let .lengthBeyondMessage(field, offset, length, available):
            return "DATA_CHANNEL_OPEN \(field) at offset \(offset) is \(length) bytes long, \(available) remain"
        case let .trailingBytes(offset, count):
            return "DCEP message: \(count) bytes after its end at offset \(offset)"
        case let .invalidUTF8(field):
            return "DATA_CHANNEL_OPEN \(field) is not valid UTF-8"
        case let .fieldTooLong(field, length):
            return "DATA_CHANNEL_OPEN \(field) of \(length) bytes exceeds 65535"
        }
    }
}
