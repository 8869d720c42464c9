import RTCCrypto
import Wire

/// An SCTP packet (RFC 9260 §3): the common header and its chunks. Over DTLS (RFC 8261) each
/// DTLS record's application data is one SCTP packet.
public struct SCTPPacket: Sendable, Equatable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var verificationTag: UInt32
    public var chunks: [SCTPChunk]
    /// Bytes after a chunk whose unrecognized type says to stop processing (RFC 9260 §3.2,
    /// action 00 or 01): they were not parsed, and are kept so the packet re-encodes exactly.
    public var unparsedTail: [UInt8]

    public init(sourcePort: UInt16, destinationPort: UInt16, verificationTag: UInt32, chunks: [SCTPChunk], unparsedTail: [UInt8] = []) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.verificationTag = verificationTag
        self.chunks = chunks
        self.unparsedTail = unparsedTail
    }

    /// The size of the common header.
    public static let headerSize = 12

    /// The CRC32c checksum of a packet, computed with its checksum field taken as zero
    /// (RFC 9260 Appendix A), in the byte order it is stored on the wire.
    public static func checksum(of packet: UnsafeRawBufferPointer, hardware: Bool = true) -> UInt32 {
        // spec: RFC9260-6.8-5 the hardware CRC32c always has the software one beside it (hardware: false)
        var crc = CRC32C(hardware: hardware)
        crc.update(bytes: UnsafeRawBufferPointer(rebasing: packet[0..<8]))
        withUnsafeBytes(of: UInt32(0)) { crc.update(bytes: $0) }
        crc.update(bytes: UnsafeRawBufferPointer(rebasing: packet[12...]))
        return crc.value
    }

    /// The checksum as stored in bytes 8–11: the CRC's least significant byte first.
    static func storedChecksum(_ packet: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(packet[8]) | UInt32(packet[9]) << 8 | UInt32(packet[10]) << 16 | UInt32(packet[11]) << 24
    }

    /// Parses a packet. With `verifyChecksum`, a wrong CRC32c rejects it (the caller may turn
    /// this off only where RFC 9653's zero checksum was negotiated).
    public init(parsing bytes: [UInt8], verifyChecksum: Bool = true) throws(SCTPPacketError) {
        var storage: [SCTPChunk] = []
        try self.init(parsing: bytes, verifyChecksum: verifyChecksum, chunkStorage: &storage)
    }

    /// Parses a packet into `chunkStorage`'s buffer (taken, left empty): a receiver that gives
    /// the emptied `chunks` back each time parses without allocating the list.
    init(parsing bytes: [UInt8], verifyChecksum: Bool = true, chunkStorage: inout [SCTPChunk]) throws(SCTPPacketError) {
        // spec: RFC9260-3-3 integer fields are read in network byte order
        guard bytes.count >= SCTPPacket.headerSize else { throw .tooShort(count: bytes.count) }
        if verifyChecksum {
            let (stored, computed) = bytes.withUnsafeBytes { ($0.load(fromByteOffset: 8, as: UInt32.self).littleEndian, SCTPPacket.checksum(of: $0)) }
            // spec: RFC9260-6.8-3 the CRC32c is checked first
            // spec: RFC9260-6.8-4 a mismatch makes the packet invalid
            guard stored == computed else { throw .badChecksum(received: stored, computed: computed) }
        }
        sourcePort = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        destinationPort = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        verificationTag = UInt32(bytes[4]) << 24 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7])
        chunks = []
        swap(&chunks, &chunkStorage)
        unparsedTail = []
        var offset = SCTPPacket.headerSize
        while offset < bytes.count {
            // Up to three zero bytes may trail the last chunk as its padding.
            if bytes.count - offset < 4 {
                guard bytes[offset...].allSatisfy({ $0 == 0 }) else {
                    throw .badChunkLength(type: bytes[offset], offset: offset, length: 0, available: bytes.count - offset)
                }
                break
            }
            let type = bytes[offset]
            let flags = bytes[offset + 1]
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            // spec: RFC9260-6.10-7 a partial chunk is dropped (with its packet)
            guard length >= 4, length <= bytes.count - offset else {
                throw .badChunkLength(type: type, offset: offset, length: length, available: bytes.count - offset)
            }
            let chunk = try SCTPChunk.decode(type: type, flags: flags, value: bytes[(offset + 4)..<(offset + length)], offset: offset)
            chunks.append(chunk)
            // spec: RFC9260-3.2-4 padding bytes are ignored
            offset = min(bytes.count, offset + ((length + 3) & ~3))
            if case .unknown(let unknownType, _, _) = chunk, unknownType & 0x80 == 0 {
                unparsedTail = Array(bytes[offset...])
                break
            }
        }
    }

    /// The packet's bytes with its CRC32c filled in.
    public func encoded() -> [UInt8] {
        var capacity = SCTPPacket.headerSize + unparsedTail.count
        for chunk in chunks {
            if case .data(let d) = chunk { capacity += d.encodedCount } else { capacity += 64 }
        }
        var w = ByteWriter(capacity: capacity)
        SCTPPacket.writeCommonHeader(sourcePort: sourcePort, destinationPort: destinationPort, verificationTag: verificationTag, to: &w)
        for chunk in chunks { chunk.write(to: &w) }
        w.writeBytes(unparsedTail)
        var bytes = w.takeBytes()
        SCTPPacket.fillChecksum(&bytes)
        return bytes
    }

    /// Writes the common header with a zero checksum, for ``fillChecksum(_:)`` to fill in
    /// once the chunks follow.
    static func writeCommonHeader(sourcePort: UInt16, destinationPort: UInt16, verificationTag: UInt32, to w: inout ByteWriter) {
        // spec: RFC9260-3-3 integer fields are written in network byte order
        w.writeUInt16(sourcePort)
        w.writeUInt16(destinationPort)
        w.writeUInt32(verificationTag)
        w.writeUInt32(0)
    }

    /// Computes and stores the CRC32c of an encoded packet.
    public static func fillChecksum(_ bytes: inout [UInt8]) {
        // spec: RFC9260-6.8-2 every packet built is checksummed before it goes out
        // spec: RFC9260-6.8-1 the sender computes the CRC32c over the whole packet with the checksum field zero
        let crc = bytes.withUnsafeBytes { checksum(of: $0) }
        bytes[8] = UInt8(crc & 0xff)
        bytes[9] = UInt8((crc >> 8) & 0xff)
        bytes[10] = UInt8((crc >> 16) & 0xff)
        bytes[11] = UInt8(crc >> 24)
    }
}
