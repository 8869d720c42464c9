import Wire

/// The content type of a record (RFC 6347 §4.1, RFC 5246 §6.2.1).
public enum DTLSContentType: UInt8, Sendable {
    case changeCipherSpec = 20, alert = 21, handshake = 22, applicationData = 23
}

/// One DTLS record: header fields and the (possibly protected) fragment (RFC 6347 §4.1).
public struct DTLSRecord: Sendable, Equatable {
    /// DTLS 1.2 on the wire ({254, 253}); DTLS 1.0 is {254, 255}.
    public static let version12: UInt16 = 0xfefd
    public static let version10: UInt16 = 0xfeff
    public static let headerLength = 13

    public var contentType: DTLSContentType
    public var version: UInt16
    public var epoch: UInt16
    /// 48-bit record sequence number.
    public var sequenceNumber: UInt64
    public var fragment: [UInt8]

    public init(contentType: DTLSContentType, version: UInt16 = DTLSRecord.version12, epoch: UInt16, sequenceNumber: UInt64, fragment: [UInt8]) {
        self.contentType = contentType
        self.version = version
        self.epoch = epoch
        self.sequenceNumber = sequenceNumber
        self.fragment = fragment
    }

    /// The 13-byte header followed by the fragment.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: DTLSRecord.headerLength + fragment.count)
        writer.writeUInt8(contentType.rawValue)
        writer.writeUInt16(version)
        writer.writeUInt16(epoch)
        writer.writeUInt48(sequenceNumber)
        writer.writeUInt16(UInt16(fragment.count))
        writer.writeBytes(fragment)
        return writer.bytes
    }

    /// Every record in a datagram (RFC 6347 §4.1.1: several records may share one). Parsing
    /// stops at the first record that cannot be read; the ones before it are returned with
    /// the error, so a truncated tail does not hide good records.
    public static func parseDatagram(_ datagram: [UInt8]) -> (records: [DTLSRecord], error: DTLSError?) {
        var reader = ByteReader(datagram)
        var records: [DTLSRecord] = []
        while !reader.isAtEnd {
            do {
                let typeValue = try reader.readUInt8("record content type")
                guard let type = DTLSContentType(rawValue: typeValue) else {
                    return (records, .unexpectedContentType(typeValue))
                }
                let version = try reader.readUInt16("record version")
                guard version >> 8 == 0xfe else { return (records, .unsupportedVersion(version)) }
                let epoch = try reader.readUInt16("record epoch")
                let sequence = try reader.readUInt48("record sequence number")
                let length = Int(try reader.readUInt16("record length"))
                // RFC 6347 §4.1 via RFC 5246 §6.2.3: at most 2^14 + 2048 bytes of fragment.
                guard length <= 16_384 + 2_048 else { return (records, .recordOverflow(length)) }
                let fragment = Array(try reader.readBytes(length, field: "record fragment"))
                records.append(DTLSRecord(contentType: type, version: version, epoch: epoch, sequenceNumber: sequence, fragment: fragment))
            } catch {
                return (records, .malformed(error))
            }
        }
        return (records, nil)
    }
}
