import Wire

/// Handshake message types (RFC 5246 §7.4, RFC 6347 §4.3.2).
public enum DTLSHandshakeType: UInt8, Sendable {
    case helloRequest = 0, clientHello = 1, serverHello = 2, helloVerifyRequest = 3
    case certificate = 11, serverKeyExchange = 12, certificateRequest = 13, serverHelloDone = 14
    case certificateVerify = 15, clientKeyExchange = 16, finished = 20
}

/// One handshake fragment as carried in a record (RFC 6347 §4.2.2): the message header with
/// message_seq, fragment_offset and fragment_length, and the fragment's bytes.
public struct DTLSHandshakeFragment: Sendable, Equatable {
    public static let headerLength = 12

    public var type: UInt8
    /// The whole message's body length.
    public var length: Int
    public var messageSequence: UInt16
    public var fragmentOffset: Int
    public var body: ArraySlice<UInt8>

    public init(type: UInt8, length: Int, messageSequence: UInt16, fragmentOffset: Int, body: ArraySlice<UInt8>) {
        self.type = type
        self.length = length
        self.messageSequence = messageSequence
        self.fragmentOffset = fragmentOffset
        self.body = body
    }

    /// The fragments in a handshake record's plaintext.
    public static func parse(_ bytes: [UInt8]) throws(DTLSError) -> [DTLSHandshakeFragment] {
        var reader = ByteReader(bytes)
        var fragments: [DTLSHandshakeFragment] = []
        do throws(WireError) {
            while !reader.isAtEnd {
                let type = try reader.readUInt8("handshake type")
                let length = Int(try reader.readUInt24("handshake length"))
                let sequence = try reader.readUInt16("message_seq")
                let offset = Int(try reader.readUInt24("fragment_offset"))
                let fragmentLength = Int(try reader.readUInt24("fragment_length"))
                // spec: RFC6347-4.2.3-2 a fragment must lie within the message it belongs to
                guard offset + fragmentLength <= length else {
                    throw reader.invalid("fragment_offset", value: UInt64(offset), width: 3,
                                         reason: "fragment \(offset)+\(fragmentLength) exceeds the message length \(length)")
                }
                let body = try reader.readBytes(fragmentLength, field: "handshake fragment")
                fragments.append(DTLSHandshakeFragment(type: type, length: length, messageSequence: sequence, fragmentOffset: offset, body: body))
            }
        } catch {
            throw .malformed(error)
        }
        return fragments
    }

    /// Header and body.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: DTLSHandshakeFragment.headerLength + body.count)
        writer.writeUInt8(type)
        writer.writeUInt24(UInt32(length))
        writer.writeUInt16(messageSequence)
        writer.writeUInt24(UInt32(fragmentOffset))
        writer.writeUInt24(UInt32(body.count))
        writer.writeBytes(body)
        return writer.bytes
    }
}

/// A whole handshake message: type, message_seq and body.
public struct DTLSHandshakeMessage: Sendable, Equatable {
    public var type: UInt8
    public var messageSequence: UInt16
    public var body: [UInt8]

    public init(type: DTLSHandshakeType, messageSequence: UInt16, body: [UInt8]) {
        self.type = type.rawValue
        self.messageSequence = messageSequence
        self.body = body
    }

    init(rawType: UInt8, messageSequence: UInt16, body: [UInt8]) {
        self.type = rawType
        self.messageSequence = messageSequence
        self.body = body
    }

    /// The message as the transcript hashes it: as if sent in one fragment (RFC 6347 §4.2.6).
    public var transcriptBytes: [UInt8] {
        DTLSHandshakeFragment(type: type, length: body.count, messageSequence: messageSequence, fragmentOffset: 0, body: body[...]).encoded
    }

    /// Fragments whose encodings (12-byte header included) fit `maximum` bytes each.
    public func fragments(maximum: Int) -> [DTLSHandshakeFragment] {
        let room = max(1, maximum - DTLSHandshakeFragment.headerLength)
        if body.isEmpty {
            return [DTLSHandshakeFragment(type: type, length: 0, messageSequence: messageSequence, fragmentOffset: 0, body: [])]
        }
        var result: [DTLSHandshakeFragment] = []
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + room)
            result.append(DTLSHandshakeFragment(type: type, length: body.count, messageSequence: messageSequence, fragmentOffset: offset, body: body[offset..<end]))
            offset = end
        }
        return result
    }
}
