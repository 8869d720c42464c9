import Wire

/// Why bytes are not an acceptable SCTP packet (RFC 9260 §3). A packet that fails any of
/// these checks is discarded whole; the association never acts on part of it.
public enum SCTPPacketError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer than the 12 bytes of the common header.
    case tooShort(count: Int)
    /// The CRC32c in the common header does not match the packet.
    case badChecksum(received: UInt32, computed: UInt32)
    /// A chunk's length field is below 4, or runs past the end of the packet.
    case badChunkLength(type: UInt8, offset: Int, length: Int, available: Int)
    /// A field could not be read (truncated chunk or parameter), with its offset.
    case malformed(WireError)
    /// A chunk's value breaks its definition (too short, bad parameter, bad count).
    case invalidChunk(type: UInt8, offset: Int, reason: String)

    public var description: String {
        switch self {
        case .tooShort(let count): return "SCTP packet of \(count) bytes is shorter than the 12-byte common header"
        case let .badChecksum(received, computed):
            return "CRC32c mismatch: packet says 0x\(String(received, radix: 16)), bytes give 0x\(String(computed, radix: 16))"
        case let .badChunkLength(type, offset, length, available):
            return "\(SCTPChunkType.name(of: type)) chunk at offset \(offset): length \(length) does not fit (\(available) bytes remain, minimum 4)"
        case .malformed(let error): return error.description
        case let .invalidChunk(type, offset, reason):
            return "\(SCTPChunkType.name(of: type)) chunk at offset \(offset): \(reason)"
        }
    }
}
