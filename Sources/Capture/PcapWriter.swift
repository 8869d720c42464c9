import Wire

/// Writes packets as a classic pcap file (little-endian, nanosecond timestamps), which
/// Wireshark and tshark read.
public struct PcapWriter: Sendable {
    /// The file so far.
    public private(set) var bytes: [UInt8]

    /// A file whose packets have link type `linkType`, truncated to `snapLength` bytes.
    public init(linkType: LinkType, snapLength: UInt32 = 262_144) {
        var writer = ByteWriter(capacity: 24)
        writer.writeUIntLittleEndian(0xa1b2_3c4d, byteCount: 4)  // nanosecond magic
        writer.writeUIntLittleEndian(2, byteCount: 2)
        writer.writeUIntLittleEndian(4, byteCount: 2)
        writer.writeUIntLittleEndian(0, byteCount: 8)
        writer.writeUIntLittleEndian(UInt64(snapLength), byteCount: 4)
        writer.writeUIntLittleEndian(UInt64(linkType.value), byteCount: 4)
        bytes = writer.bytes
        self.snapLength = Int(snapLength)
    }

    private let snapLength: Int

    /// Appends one packet captured at `seconds` + `nanoseconds`.
    public mutating func append(_ data: [UInt8], seconds: UInt32, nanoseconds: UInt32) {
        let captured = min(data.count, snapLength)
        var writer = ByteWriter(capacity: 16 + captured)
        writer.writeUIntLittleEndian(UInt64(seconds), byteCount: 4)
        writer.writeUIntLittleEndian(UInt64(nanoseconds), byteCount: 4)
        writer.writeUIntLittleEndian(UInt64(captured), byteCount: 4)
        writer.writeUIntLittleEndian(UInt64(data.count), byteCount: 4)
        writer.writeBytes(data.prefix(captured))
        bytes += writer.bytes
    }
}
