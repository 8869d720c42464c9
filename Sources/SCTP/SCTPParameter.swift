import Wire

/// A type-length-value parameter (RFC 9260 §3.2.1), as carried in INIT, INIT ACK and
/// RE-CONFIG chunks and inside error causes. Kept as raw bytes so that every parameter,
/// known or not, re-encodes byte for byte; typed views live on the chunks that use them.
public struct SCTPParameter: Sendable, Equatable {
    public var type: UInt16
    public var value: [UInt8]

    public init(type: UInt16, value: [UInt8]) {
        self.type = type
        self.value = value
    }

    // Parameter types (RFC 9260 §3.3.2.1, §3.3.3.1; RFC 3758; RFC 5061; RFC 6525; RFC 4895).
    public static let heartbeatInfo: UInt16 = 1
    public static let ipv4Address: UInt16 = 5
    public static let ipv6Address: UInt16 = 6
    public static let stateCookie: UInt16 = 7
    public static let unrecognizedParameter: UInt16 = 8
    public static let cookiePreservative: UInt16 = 9
    public static let hostNameAddress: UInt16 = 11
    public static let supportedAddressTypes: UInt16 = 12
    public static let outgoingSSNResetRequest: UInt16 = 13
    public static let incomingSSNResetRequest: UInt16 = 14
    public static let ssnTSNResetRequest: UInt16 = 15
    public static let reconfigurationResponse: UInt16 = 16
    public static let addOutgoingStreamsRequest: UInt16 = 17
    public static let addIncomingStreamsRequest: UInt16 = 18
    public static let ecnCapable: UInt16 = 0x8000
    public static let random: UInt16 = 0x8002
    public static let chunkList: UInt16 = 0x8003
    public static let requestedHMACAlgorithm: UInt16 = 0x8004
    public static let padding: UInt16 = 0x8005
    public static let supportedExtensions: UInt16 = 0x8008
    public static let forwardTSNSupported: UInt16 = 0xc000

    /// What a receiver does with a parameter type it does not know: the two high bits say
    /// whether to stop (00, 01) or skip (10, 11), and whether to report it (01, 11).
    public var unrecognizedStopsProcessing: Bool { type & 0x8000 == 0 }
    /// Whether an unrecognized parameter of this type is reported back.
    public var unrecognizedIsReported: Bool { type & 0x4000 != 0 }

    /// Reads parameters until the reader is empty (padding between them skipped).
    static func readAll(_ reader: inout ByteReader) throws(WireError) -> [SCTPParameter] {
        try readTypeLengthValues(&reader, naming: "parameter").map { SCTPParameter(type: $0.type, value: $0.value) }
    }

    /// Reads type-length-value items until the reader is empty: the layout parameters and
    /// error causes share (RFC 9260 §3.2.1, §3.3.10). `naming` labels the fields in errors.
    static func readTypeLengthValues(_ reader: inout ByteReader, naming item: String) throws(WireError) -> [(type: UInt16, value: [UInt8])] {
        var items: [(type: UInt16, value: [UInt8])] = []
        while !reader.isAtEnd {
            let start = reader.offset
            let type = try reader.readUInt16("\(item) type")
            let length = Int(try reader.readUInt16("\(item) length"))
            guard length >= 4 else {
                throw WireError.invalidValue(field: "\(item) length", offset: start + 2, value: UInt64(length), reason: "below the 4-byte header")
            }
            let value = try reader.readBytes(length - 4, field: "\(item) value")
            // spec: RFC9260-3.2.1-3 padding bytes are ignored (a final parameter may omit them)
            try reader.skip(min(Padding.count(for: length), reader.remaining), field: "\(item) padding")
            items.append((type, Array(value)))
        }
        return items
    }

    /// Appends the parameter with its padding; returns the number of padding bytes.
    @discardableResult
    func write(to writer: inout ByteWriter) -> Int {
        SCTPParameter.writeTypeLengthValue(type: type, value: value, to: &writer)
    }

    /// Appends one type-length-value item with its padding; returns the number of padding bytes.
    static func writeTypeLengthValue(type: UInt16, value: [UInt8], to writer: inout ByteWriter) -> Int {
        writer.writeUInt16(type)
        writer.writeUInt16(UInt16(4 + value.count))
        writer.writeBytes(value)
        // spec: RFC9260-3.2.1-1 a parameter's total length is a multiple of 4
        // spec: RFC9260-3.2.1-2 never more than 3 padding bytes
        writer.pad(alignment: 4)
        return Padding.count(for: value.count)
    }

    /// The encoded size including padding.
    var encodedCount: Int { Padding.padded(4 + value.count) }
}
