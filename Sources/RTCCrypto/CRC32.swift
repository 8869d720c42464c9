#if Accelerated
import RTCCryptoAccelerated
#endif

/// Cyclic redundancy checks used on the wire: CRC-32 (ITU-T V.42 / IEEE 802.3, the STUN
/// FINGERPRINT) and CRC-32C (Castagnoli, the SCTP checksum). Table-driven, slicing by 16;
/// the data is public, so table lookups are fine here. With the `Accelerated` trait, CRC-32
/// inputs of 32 bytes or more are first folded with PCLMULQDQ (`.hardware`, on CPUs that
/// have it: the instruction is part of the ``CryptoBackend/Feature/aes`` feature).
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

    /// Sixteen 256-entry tables end to end: table k, at `256 * k`, maps a byte to the CRC of
    /// that byte followed by k zero bytes.
    private let tables: [UInt32]
    private var state: UInt32 = 0xffff_ffff
    /// Whether long inputs are folded with PCLMULQDQ (CRC-32 only).
    private let folds: Bool
    /// The implementation: `.hardware` when long CRC-32 inputs are folded with PCLMULQDQ.
    public var backend: CryptoBackend { folds ? .hardware : .portable }

    /// A fresh checksum of the given variant, on `backend` where this build and CPU offer it
    /// (CRC-32C is always table-driven).
    public init(_ polynomial: Polynomial, backend: CryptoBackend = .best) {
        tables = polynomial == .ieee ? CRC32.ieeeTables : CRC32.castagnoliTables
        folds = polynomial == .ieee && backend.resolved(for: .aes).isHardware
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

    /// Absorbs bytes, sixteen at a time (two little-endian 64-bit loads, sixteen independent
    /// table lookups), then eight, four, and one at a time.
    public mutating func update(bytes: UnsafeRawBufferPointer) {
        #if Accelerated
        if folds && bytes.count >= 32 {
            // All whole 16-byte blocks fold into one with the same remainder; the table path
            // takes that block from a zero register, then the rest.
            let whole = bytes.count / 16 * 16
            withUnsafeTemporaryAllocation(byteCount: 16, alignment: 16) { folded in
                HardwareCRC32.fold(state: state, bytes: bytes.baseAddress!, blockCount: whole / 16, into: folded.baseAddress!)
                state = 0
                updateWithTables(UnsafeRawBufferPointer(folded))
            }
            updateWithTables(UnsafeRawBufferPointer(rebasing: bytes[whole...]))
            return
        }
        #endif
        updateWithTables(bytes)
    }

    private mutating func updateWithTables(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        var crc = state
        var index = 0
        tables.withUnsafeBufferPointer { buffer in
            // The indices are bytes, so every lookup is within its 256-entry table.
            let t = buffer.baseAddress!
            @inline(__always) func lookup(_ table: Int, _ word: UInt64, _ byte: UInt64) -> UInt32 {
                t[256 * table + Int(truncatingIfNeeded: (word >> (8 * byte)) & 0xff)]
            }
            while index + 16 <= count {
                let low = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ UInt64(crc)
                let high = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self))
                let a = lookup(15, low, 0) ^ lookup(14, low, 1) ^ lookup(13, low, 2) ^ lookup(12, low, 3)
                let b = lookup(11, low, 4) ^ lookup(10, low, 5) ^ lookup(9, low, 6) ^ lookup(8, low, 7)
                let c = lookup(7, high, 0) ^ lookup(6, high, 1) ^ lookup(5, high, 2) ^ lookup(4, high, 3)
                let d = lookup(3, high, 4) ^ lookup(2, high, 5) ^ lookup(1, high, 6) ^ lookup(0, high, 7)
                crc = (a ^ b) ^ (c ^ d)
                index += 16
            }
            if index + 8 <= count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ UInt64(crc)
                crc = (lookup(7, word, 0) ^ lookup(6, word, 1) ^ lookup(5, word, 2) ^ lookup(4, word, 3))
                    ^ (lookup(3, word, 4) ^ lookup(2, word, 5) ^ lookup(1, word, 6) ^ lookup(0, word, 7))
                index += 8
            }
            if index + 4 <= count {
                let word = UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt32.self)) ^ crc)
                crc = (lookup(3, word, 0) ^ lookup(2, word, 1)) ^ (lookup(1, word, 2) ^ lookup(0, word, 3))
                index += 4
            }
            while index < count {
                crc = t[Int((crc ^ UInt32(base.load(fromByteOffset: index, as: UInt8.self))) & 0xff)] ^ (crc >> 8)
                index += 1
            }
        }
        state = crc
    }

    /// The checksum of everything absorbed.
    public var value: UInt32 { state ^ 0xffff_ffff }

    private static func makeTables(_ polynomial: Polynomial) -> [UInt32] {
        var tables = [UInt32](repeating: 0, count: 16 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial.rawValue : crc >> 1 }
            tables[byte] = crc
        }
        for k in 1..<16 {
            for byte in 0..<256 {
                let previous = tables[256 * (k - 1) + byte]
                tables[256 * k + byte] = tables[Int(previous & 0xff)] ^ (previous >> 8)
            }
        }
        return tables
    }
}
