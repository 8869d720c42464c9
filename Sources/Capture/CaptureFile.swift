import Wire

/// A link-layer header type, as pcap and pcapng number them (tcpdump.org/linktypes.html).
public enum LinkType: Equatable, Sendable, CustomStringConvertible {
    /// BSD loopback: a 4-byte address family in host order.
    case null
    /// Ethernet II.
    case ethernet
    /// Raw IPv4 or IPv6, told apart by the version nibble.
    case raw
    /// Linux "cooked" capture v1 (16-byte header), as `tcpdump -i any` writes.
    case linuxSLL
    /// Linux "cooked" capture v2 (20-byte header).
    case linuxSLL2
    /// Raw IPv4 only.
    case ipv4
    /// Raw IPv6 only.
    case ipv6
    /// Anything else.
    case other(UInt32)

    /// The type for a pcap/pcapng link-type number.
    public init(_ value: UInt32) {
        switch value {
        case 0, 108: self = .null
        case 1: self = .ethernet
        case 101, 12, 14: self = .raw
        case 113: self = .linuxSLL
        case 276: self = .linuxSLL2
        case 228: self = .ipv4
        case 229: self = .ipv6
        default: self = .other(value)
        }
    }

    /// The number pcap files use for it.
    public var value: UInt32 {
        switch self {
        case .null: return 0
        case .ethernet: return 1
        case .raw: return 101
        case .linuxSLL: return 113
        case .linuxSLL2: return 276
        case .ipv4: return 228
        case .ipv6: return 229
        case .other(let value): return value
        }
    }

    public var description: String {
        switch self {
        case .null: return "BSD loopback"
        case .ethernet: return "Ethernet"
        case .raw: return "raw IP"
        case .linuxSLL: return "Linux cooked v1"
        case .linuxSLL2: return "Linux cooked v2"
        case .ipv4: return "raw IPv4"
        case .ipv6: return "raw IPv6"
        case .other(let value): return "link type \(value)"
        }
    }
}

/// One packet of a capture file.
public struct CapturedPacket: Sendable, Equatable {
    /// 1-based position in the file.
    public var number: Int
    /// Capture time: seconds since 1970 and nanoseconds.
    public var seconds: UInt64
    public var nanoseconds: UInt32
    /// The link layer of `data`.
    public var linkType: LinkType
    /// The captured bytes (possibly fewer than were on the wire).
    public var data: [UInt8]
    /// The length on the wire.
    public var originalLength: Int

    /// A packet from its parts.
    public init(number: Int, seconds: UInt64, nanoseconds: UInt32, linkType: LinkType, data: [UInt8], originalLength: Int) {
        self.number = number
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.linkType = linkType
        self.data = data
        self.originalLength = originalLength
    }
}

/// Why a capture file could not be read.
public enum CaptureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Neither a pcap nor a pcapng magic number.
    case unknownFormat(magic: UInt32)
    /// A structure of the file is malformed; `packet` is the 1-based packet (or block) number.
    case malformed(packet: Int, WireError)
    /// A field holds a value the format forbids.
    case invalid(packet: Int, offset: Int, reason: String)

    public var description: String {
        switch self {
        case .unknownFormat(let magic):
            return "not a pcap or pcapng file (magic 0x\(String(magic, radix: 16)))"
        case let .malformed(packet, error):
            return "record \(packet): \(error)"
        case let .invalid(packet, offset, reason):
            return "record \(packet) at offset \(offset): \(reason)"
        }
    }
}

/// Reads pcap (microsecond and nanosecond, either byte order) and pcapng (section header,
/// interface description, enhanced and simple packet blocks, either byte order) files.
public enum CaptureFile {
    /// The largest packet record accepted; larger lengths are malformed input, not allocations.
    public static let maximumRecordLength = 1 << 20

    /// Whether `bytes` starts like a capture file.
    public static func isCapture(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        let magic = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        return [0xa1b2_c3d4, 0xd4c3_b2a1, 0xa1b2_3c4d, 0x4d3c_b2a1, 0x0a0d_0d0a].contains(magic)
    }

    /// Every packet of the file.
    public static func read(_ bytes: [UInt8]) throws(CaptureError) -> [CapturedPacket] {
        guard bytes.count >= 4 else { throw .unknownFormat(magic: 0) }
        let magic = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        switch magic {
        case 0xa1b2_c3d4, 0xd4c3_b2a1, 0xa1b2_3c4d, 0x4d3c_b2a1:
            return try readPcap(bytes)
        case 0x0a0d_0d0a:
            return try readPcapng(bytes)
        default:
            throw .unknownFormat(magic: magic)
        }
    }

    /// Reads an integer in the file's byte order.
    private struct OrderedReader {
        var reader: ByteReader
        var littleEndian: Bool

        mutating func u16(_ field: String) throws(WireError) -> UInt16 {
            UInt16(littleEndian ? try reader.readUIntLittleEndian(byteCount: 2, field: field) : try reader.readUInt(byteCount: 2, field: field))
        }
        mutating func u32(_ field: String) throws(WireError) -> UInt32 {
            UInt32(littleEndian ? try reader.readUIntLittleEndian(byteCount: 4, field: field) : try reader.readUInt(byteCount: 4, field: field))
        }
    }

    private static func readPcap(_ bytes: [UInt8]) throws(CaptureError) -> [CapturedPacket] {
        // The magic is written in the writer's byte order: d4 c3 b2 a1 on disk is little-endian.
        let littleEndian = bytes[0] == 0xd4 || bytes[0] == 0x4d
        let nanosecond = bytes[0] == 0x4d || bytes[3] == 0x4d
        var r = OrderedReader(reader: ByteReader(bytes), littleEndian: littleEndian)
        let linkType: UInt32
        do {
            try r.reader.skip(4, field: "magic")
            let major = try r.u16("version_major")
            guard major == 2 else { throw CaptureError.invalid(packet: 0, offset: 4, reason: "pcap major version \(major), expected 2") }
            _ = try r.u16("version_minor")
            try r.reader.skip(8, field: "thiszone and sigfigs")
            _ = try r.u32("snaplen")
            linkType = try r.u32("network")
        } catch let error as CaptureError {
            throw error
        } catch let error as WireError {
            throw .malformed(packet: 0, error)
        } catch {
            throw .invalid(packet: 0, offset: 0, reason: "\(error)")
        }
        var packets: [CapturedPacket] = []
        while !r.reader.isAtEnd {
            let number = packets.count + 1
            do {
                let seconds = try r.u32("ts_sec")
                let fraction = try r.u32("ts_usec")
                let captured = Int(try r.u32("incl_len"))
                let original = Int(try r.u32("orig_len"))
                guard captured <= maximumRecordLength else {
                    throw CaptureError.invalid(packet: number, offset: r.reader.offset - 8,
                                               reason: "captured length \(captured) exceeds \(maximumRecordLength)")
                }
                let data = Array(try r.reader.readBytes(captured, field: "packet data"))
                packets.append(CapturedPacket(number: number, seconds: UInt64(seconds),
                                              nanoseconds: nanosecond ? fraction : fraction &* 1000,
                                              linkType: LinkType(linkType & 0x0fff_ffff), data: data, originalLength: original))
            } catch let error as CaptureError {
                throw error
            } catch let error as WireError {
                throw .malformed(packet: number, error)
            } catch {
                throw .invalid(packet: number, offset: r.reader.offset, reason: "\(error)")
            }
        }
        return packets
    }

    private static func readPcapng(_ bytes: [UInt8]) throws(CaptureError) -> [CapturedPacket] {
        var reader = ByteReader(bytes)
        var littleEndian = true
        var interfaces: [(linkType: LinkType, resolution: UInt64)] = []
        var packets: [CapturedPacket] = []
        var blockNumber = 0
        while !reader.isAtEnd {
            blockNumber += 1
            let blockStart = reader.offset
            do {
                let typeBytes = try reader.readBytes(4, field: "block type")
                let type = UInt32(typeBytes[typeBytes.startIndex]) << 24 | UInt32(typeBytes[typeBytes.startIndex + 1]) << 16
                    | UInt32(typeBytes[typeBytes.startIndex + 2]) << 8 | UInt32(typeBytes[typeBytes.startIndex + 3])
                if type == 0x0a0d_0d0a {
                    // Section header: the byte-order magic after the length decides the order.
                    let lengthBytes = try reader.readBytes(4, field: "block length")
                    let order = try reader.peekUInt8("byte-order magic")
                    littleEndian = order == 0x4d
                    var lengthReader = OrderedReader(reader: ByteReader(lengthBytes), littleEndian: littleEndian)
                    let length = Int(try lengthReader.u32("block length"))
                    guard length >= 28, length % 4 == 0, length - 8 <= reader.remaining + 0 else {
                        throw CaptureError.invalid(packet: blockNumber, offset: blockStart, reason: "section header length \(length)")
                    }
                    try reader.skip(length - 8, field: "section header")
                    interfaces = []
                    continue
                }
                var r = OrderedReader(reader: reader, littleEndian: littleEndian)
                let length = Int(try r.u32("block length"))
                guard length >= 12, length % 4 == 0, length <= maximumRecordLength + 64 else {
                    throw CaptureError.invalid(packet: blockNumber, offset: blockStart, reason: "block length \(length)")
                }
                var body = OrderedReader(reader: try r.reader.subReader(count: length - 12, field: "block body"),
                                         littleEndian: littleEndian)
                _ = try r.u32("trailing block length")
                reader = r.reader
                let blockType = littleEndian ? type.byteSwapped : type
                switch blockType {
                case 1: // Interface Description Block
                    let link = try body.u16("LinkType")
                    _ = try body.u16("reserved")
                    _ = try body.u32("SnapLen")
                    var resolution: UInt64 = 1_000_000
                    // Options: if_tsresol (9).
                    while body.reader.remaining >= 4 {
                        let code = try body.u16("option code")
                        let optionLength = Int(try body.u16("option length"))
                        if code == 0 { break }
                        let value = try body.reader.readBytes(optionLength, field: "option value")
                        try body.reader.skipPadding(after: optionLength)
                        if code == 9, let raw = value.first {
                            let exponent = UInt64(raw & 0x7f)
                            guard exponent <= 19 else { continue }
                            resolution = raw & 0x80 == 0 ? (0..<exponent).reduce(1) { r, _ in r * 10 } : 1 << min(exponent, 63)
                        }
                    }
                    interfaces.append((LinkType(UInt32(link)), resolution))
                case 6: // Enhanced Packet Block
                    let interface = Int(try body.u32("Interface ID"))
                    let high = UInt64(try body.u32("Timestamp (High)"))
                    let low = UInt64(try body.u32("Timestamp (Low)"))
                    let captured = Int(try body.u32("Captured Packet Length"))
                    let original = Int(try body.u32("Original Packet Length"))
                    guard interface < interfaces.count else {
                        throw CaptureError.invalid(packet: blockNumber, offset: blockStart, reason: "interface \(interface) was not described")
                    }
                    let data = Array(try body.reader.readBytes(captured, field: "Packet Data"))
                    let ticks = high << 32 | low
                    let resolution = interfaces[interface].resolution
                    let fraction = ticks % resolution
                    packets.append(CapturedPacket(
                        number: packets.count + 1, seconds: ticks / resolution,
                        nanoseconds: UInt32(truncatingIfNeeded: fraction.multipliedReportingOverflow(by: 1_000_000_000).partialValue / resolution),
                        linkType: interfaces[interface].linkType, data: data, originalLength: original))
                case 3: // Simple Packet Block
                    guard let first = interfaces.first else {
                        throw CaptureError.invalid(packet: blockNumber, offset: blockStart, reason: "simple packet before any interface")
                    }
                    let original = Int(try body.u32("Original Packet Length"))
                    let data = Array(body.reader.readRemaining().prefix(original))
                    packets.append(CapturedPacket(number: packets.count + 1, seconds: 0, nanoseconds: 0,
                                                  linkType: first.linkType, data: data, originalLength: original))
                default:
                    continue // Name resolution, statistics, custom blocks: not needed here.
                }
            } catch let error as CaptureError {
                throw error
            } catch let error as WireError {
                throw .malformed(packet: blockNumber, error)
            } catch {
                throw .invalid(packet: blockNumber, offset: blockStart, reason: "\(error)")
            }
        }
        return packets
    }
}
