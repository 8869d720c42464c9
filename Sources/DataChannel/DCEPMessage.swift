import Wire

/// A Data Channel Establishment Protocol message (RFC 8832 §5), carried with PPID 50.
public enum DCEPMessage: Sendable, Hashable {
    /// DATA_CHANNEL_OPEN (message type 0x03): asks the peer to open a channel on this stream.
    case open(DCEPOpen)
    /// DATA_CHANNEL_ACK (message type 0x02): confirms an OPEN received on this stream.
    case ack

    /// The Message Type value of DATA_CHANNEL_OPEN.
    public static let openType: UInt8 = 0x03
    /// The Message Type value of DATA_CHANNEL_ACK.
    public static let ackType: UInt8 = 0x02

    /// Decodes one DCEP message that fills `bytes` exactly.
    public init(decoding bytes: [UInt8]) throws(DCEPError) {
        var reader = ByteReader(bytes)
        do {
            let type = try reader.readUInt8("Message Type")
            switch type {
            case Self.ackType:
                try reader.expectEnd("DATA_CHANNEL_ACK")
                self = .ack
            case Self.openType:
                self = .open(try Self.decodeOpen(&reader))
            default:
                throw DCEPError.unknownMessageType(type)
            }
        } catch let error as DCEPError {
            throw error
        } catch let error as WireError {
            throw Self.translate(error)
        } catch {
            throw .truncated(field: "message", offset: 0, needed: 0, available: bytes.count)
        }
    }

    private static func decodeOpen(_ reader: inout ByteReader) throws -> DCEPOpen {
        let typeValue = try reader.readUInt8("Channel Type")
        guard let channelType = DataChannelType(rawValue: typeValue) else {
            throw DCEPError.unknownChannelType(typeValue)
        }
        let priority = try reader.readUInt16("Priority")
        let parameter = try reader.readUInt32("Reliability Parameter")
        let labelLength = Int(try reader.readUInt16("Label Length"))
        let protocolLength = Int(try reader.readUInt16("Protocol Length"))
        // RFC 8832 §7: inconsistent field lengths are an error, not a crash.
        guard labelLength <= reader.remaining else {
            throw DCEPError.lengthBeyondMessage(field: "Label", offset: reader.offset,
                                                length: labelLength, available: reader.remaining)
        }
        let labelBytes = try reader.readBytes(labelLength, field: "Label")
        guard protocolLength <= reader.remaining else {
            throw DCEPError.lengthBeyondMessage(field: "Protocol", offset: reader.offset,
                                                length: protocolLength, available: reader.remaining)
        }
        let protocolBytes = try reader.readBytes(protocolLength, field: "Protocol")
        guard reader.isAtEnd else {
            throw DCEPError.trailingBytes(offset: reader.offset, count: reader.remaining)
        }
        guard let label = String(validating: labelBytes, as: UTF8.self) else {
            throw DCEPError.invalidUTF8(field: "Label")
        }
        guard let proto = String(validating: protocolBytes, as: UTF8.self) else {
            throw DCEPError.invalidUTF8(field: "Protocol")
        }
        return try DCEPOpen(ordered: channelType.isOrdered, reliability: channelType.reliability(parameter: parameter),
                            priority: priority, label: label, protocol: proto)
    }

    private static func translate(_ error: WireError) -> DCEPError {
        switch error {
        case let .truncated(field, offset, needed, available):
            return .truncated(field: field, offset: offset, needed: needed, available: available)
        case let .trailingBytes(_, offset, count):
            return .trailingBytes(offset: offset, count: count)
        case let .invalidValue(field, offset, _, _), let .malformedText(field, offset, _):
            return .truncated(field: field, offset: offset, needed: 0, available: 0)
        }
    }

    /// The message's bytes, ready to send with PPID 50.
    public var encoded: [UInt8] {
        switch self {
        case .ack:
            return [Self.ackType]
        case .open(let open):
            let label = Array(open.label.utf8)
            let proto = Array(open.protocol.utf8)
            var writer = ByteWriter(capacity: 12 + label.count + proto.count)
            writer.writeUInt8(Self.openType)
            writer.writeUInt8(open.channelType.rawValue)
            writer.writeUInt16(open.priority)
            // spec: RFC8832-5.1-1 a reliable channel's Reliability Parameter is sent as 0
            writer.writeUInt32(open.reliability.parameter)
            // DCEPOpen's initializer guarantees both lengths fit in 16 bits.
            writer.writeUInt16(UInt16(label.count))
            writer.writeUInt16(UInt16(proto.count))
            writer.writeBytes(label)
            writer.writeBytes(proto)
            return writer.bytes
        }
    }
}
