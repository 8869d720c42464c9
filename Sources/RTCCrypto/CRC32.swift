/// Cyclic redundancy checks used on the wire: CRC-32 (ITU-T V.42 / IEEE 802.3, the STUN
/// FINGERPRINT) and CRC-32C (Castagnoli, the SCTP checksum). Table-driven, slicing by 8;
/// the data is public, so table lookups are fine here.
public struct CRC32: Sendable {
    /// The reflected polynomial of a CRC-32 variant.
    public enum Polynomial: UInt32, Sendable {
        /// CRC-32 (ITU-T V.42, IEEE 802.3): 0x04C11DB7 reflected.
        case ieee = 0xedb8_8320
        /// CRC-32C (Castagnoli, RFC 9260 Appendix A): 0x1EDC6F41 reflected.
        case castagnoli = 0x82f6_3b78
    }

    private static let ieeeTables = makeTables(.ieee)
    private static let castagnoliTables = makeTables(.castagnoli)

    private let tables: [[UInt32]]
    private var state: UInt32 = 0xffff_ffff

    /// A fresh checksum of the given variant.
    public init(_ polynomial: Polynomial) {
        tables = polynomial == .ieee ? CRC32.ieeeTables : CRC32.castagnoliTables
    }

    /// The checksum of `data` in one call.
    public static func checksum<C: Collection>(_ data: C, polynomial: Polynomial = .ieee) -> UInt32 where C.Element == UInt8 {
        var crc = CRC32(polynomial)
        crc.update(data)
        return crc.value
    }

    /// Absorbs bytes.
    public mutating func update<C: Collection>(_ data: C) where C.Element == UInt8 {
        let done: Void? = data.withContiguousStorageIfAvailable { update(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { Array(data).withUnsafeBytes { update(bytes: $0) } }
    }

    /// Absorbs bytes.
    public mutating func update(bytes: UnsafeRawBufferPointer) {
        var crc = state
        var index = 0
        tables.withUnsafeBufferPointer { t in
            let t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7]
            while index + 8 <= bytes.count {
                let low = crc ^ (UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8
                                 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24)
                crc = t7[Int(low & 0xff)] ^ t6[Int((low >> 8) & 0xff)] ^ t5[Int((low >> 16) & 0xff)] ^ t4[Int(low >> 24)]
                    ^ t3[Int(bytes[index + 4])] ^ t2[Int(bytes[index + 5])] ^ t1[Int(bytes[index + 6])] ^ t0[Int(bytes[index + 7])]
                index += 8
            }
            while index < bytes.count {
                crc = t0[Int((crc ^ UInt32(bytes[index])) & 0xff)] ^ (crc >> 8)
                index += 1
            }
        }
        state = crc
    }

    /// The checksum of everything absorbed.
    public var value: UInt32 { state ^ 0xffff_ffff }

    private static func makeTables(_ polynomial: Polynomial) -> [[UInt32]] {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial.rawValue : crc >> 1 }
            tables[0][byte] = crc
        }
        for byte in 0..<256 {
            for k in 1..<8 {
                let previous = tables[k - 1][byte]
                tables[k][byte] = tables[0][Int(previous & 0xff)] ^ (previous >> 8)
            }
        }
        return tables
    }
}
