import Wire

/// A ChannelData message (RFC 8656 §12.4): application data to or from a peer bound to a
/// channel, with a 4-byte header instead of a STUN Send/Data indication.
public struct ChannelData: Sendable, Equatable {
    /// Channel numbers a client may bind: 0x4000 through 0x4FFF (RFC 8656 §12).
    public static let channelRange: ClosedRange<UInt16> = 0x4000...0x4fff

    public var channel: UInt16
    public var data: [UInt8]

    /// Why bytes are not a usable ChannelData message.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// The channel number is outside 0x4000–0x4FFF.
        case channelOutOfRange(UInt16)
        /// The header or the data is cut short.
        case malformed(WireError)
    }

    public init(channel: UInt16, data: [UInt8]) {
        precondition(ChannelData.channelRange.contains(channel), "channel numbers are 0x4000 to 0x4FFF")
        self.channel = channel
        self.data = data
    }

    /// The wire form; `padded` adds zeros up to a multiple of four bytes.
    public func encoded(padded: Bool) -> [UInt8] {
        var writer = ByteWriter(capacity: 4 + data.count + 3)
        writer.writeUInt16(channel)
        writer.writeUInt16(UInt16(data.count))
        writer.writeBytes(data)
        if padded { writer.pad() }
        return writer.bytes
    }

    /// Parses one ChannelData message from a UDP datagram: the length field says how much is
    /// data; up to three bytes of padding after it may be present.
    public init(datagram: [UInt8]) throws(Error) {
        var reader = ByteReader(datagram)
        do {
            channel = try reader.readUInt16("channel number")
            let length = Int(try reader.readUInt16("length"))
            data = Array(try reader.readBytes(length, field: "application data"))
            // spec: RFC8656-12.5-3 padding over UDP is optional: accepted when present
            guard reader.remaining <= 3 else {
                throw WireError.trailingBytes(field: "ChannelData", offset: reader.offset, count: reader.remaining)
            }
        } catch let error as Error {
            throw error
        } catch let error as WireError {
            throw .malformed(error)
        } catch {
            throw .malformed(.malformedText(what: "ChannelData", position: 0, reason: "\(error)"))
        }
        guard ChannelData.channelRange.contains(channel) else { throw .channelOutOfRange(channel) }
    }
}

/// What a message on a TURN server connection is, from its first two bits (RFC 8656 §12).
public enum TURNMessageKind: Sendable, Equatable {
    /// 0b00: a STUN message.
    case stun
    /// 0b01: ChannelData.
    case channelData
    /// 0b10, 0b11: reserved; such messages are dropped.
    case reserved

    public static func classify(firstByte: UInt8) -> TURNMessageKind {
        switch firstByte >> 6 {
        case 0b00: return .stun
        case 0b01: return .channelData
        // spec: RFC8656-12-1 reserved first bits: the message is dropped
        default: return .reserved
        }
    }
}

/// Splits the byte stream of a TURN connection over TCP or TLS into messages: STUN messages
/// (20-byte header plus their length) and ChannelData messages, which over a stream are always
/// padded to four bytes (RFC 8656 §12.5). Bounded: a frame longer than `maximumFrame` or a
/// reserved first byte ends the stream with an error instead of growing the buffer.
public struct TURNStreamFramer: Sendable {
    /// One message taken off the stream.
    public enum Frame: Sendable, Equatable {
        case stun([UInt8])
        case channelData(ChannelData)
    }

    /// Why the stream cannot be framed any further.
    public enum Error: Swift.Error, Equatable, Sendable {
        case reservedFirstBits(UInt8)
        case frameTooLarge(Int)
        case channelOutOfRange(UInt16)
    }

    private var buffer: [UInt8] = []
    private var start = 0
    public let maximumFrame: Int

    public init(maximumFrame: Int = 65_535 + 20) {
        self.maximumFrame = maximumFrame
    }

    /// Appends bytes read from the connection.
    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if start > 4096, start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message, or nil until more bytes arrive.
    public mutating func next() throws(Error) -> Frame? {
        let available = buffer.count - start
        guard available >= 4 else { return nil }
        let first = buffer[start]
        let length = Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
        let frameLength: Int
        switch TURNMessageKind.classify(firstByte: first) {
        case .stun: frameLength = 20 + length
        // spec: RFC8656-12.5-2 over a stream ChannelData is padded to a multiple of four bytes
        case .channelData: frameLength = 4 + Padding.padded(length)
        case .reserved: throw .reservedFirstBits(first)
        }
        guard frameLength <= maximumFrame else { throw .frameTooLarge(frameLength) }
        guard available >= frameLength else { return nil }
        let frame = Array(buffer[start..<(start + frameLength)])
        start += frameLength
        if first >> 6 == 0 { return .stun(frame) }
        let channel = UInt16(frame[0]) << 8 | UInt16(frame[1])
        guard ChannelData.channelRange.contains(channel) else { throw .channelOutOfRange(channel) }
        return .channelData(ChannelData(channel: channel, data: Array(frame[4..<(4 + length)])))
    }

    /// Bytes received but not yet part of a complete message.
    public var pendingByteCount: Int { buffer.count - start }
}
