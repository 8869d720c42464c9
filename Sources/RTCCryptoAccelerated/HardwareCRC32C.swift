import _Builtin_intrinsics.intel

/// CRC-32C (Castagnoli) with the SSE4.2 `crc32` instruction, eight bytes per instruction.
/// Built only with the `Accelerated` package trait; RTCCrypto calls it only when
/// ``HardwareFeatures/crc32c`` is true.
public enum HardwareCRC32C {
    /// Continues a CRC-32C computation: `state` is the running register (initially
    /// 0xFFFFFFFF, inverted at the end by the caller), as the instruction expects.
    @inline(never)
    public static func update(_ state: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard var pointer = bytes.baseAddress else { return state }
        var remaining = bytes.count
        var crc = UInt64(state)
        while remaining >= 32 {
            crc = _mm_crc32_u64(crc, pointer.loadUnaligned(as: UInt64.self))
            crc = _mm_crc32_u64(crc, pointer.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            crc = _mm_crc32_u64(crc, pointer.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            crc = _mm_crc32_u64(crc, pointer.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            pointer += 32
            remaining -= 32
        }
        while remaining >= 8 {
            crc = _mm_crc32_u64(crc, pointer.loadUnaligned(as: UInt64.self))
            pointer += 8
            remaining -= 8
        }
        var crc32 = UInt32(truncatingIfNeeded: crc)
        while remaining > 0 {
            crc32 = _mm_crc32_u8(crc32, pointer.load(as: UInt8.self))
            pointer += 1
            remaining -= 1
        }
        return crc32
    }
}
