import _Builtin_intrinsics.intel

/// CRC-32C (Castagnoli) with the SSE4.2 `crc32` instruction, eight bytes per instruction.
/// Built only with the `Accelerated` package trait; RTCCrypto calls it only when
/// ``HardwareFeatures/crc32c`` is true.
public enum HardwareCRC32C {
    /// Continues a CRC-32C computation: `state` is the running register (initially
    /// 0xFFFFFFFF, inverted at the end by the caller), as the instruction expects.
    @inline(never)
    public static func update(_ state: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return state }
        return tail(UInt64(state), base, bytes.count)
    }

    /// The same register as ``update(_:_:)``, computed as three independent lanes where the
    /// buffer is long enough; needs PCLMULQDQ besides SSE4.2 (``HardwareFeatures/crc32cLanes``).
    ///
    /// One `crc32` waits for the one before it (three cycles), but the CPU can start one
    /// every cycle, so three chains over three thirds of the buffer run in the time of one.
    /// A CRC is linear: the register after lanes A, B, C is shift(shift(A) ⊕ B) ⊕ C, where B
    /// and C start from a zero register and shift(r) is the register after r meets a lane's
    /// length of zero bytes, r·x^(8L) mod P. One carry-less product by x^(8L−33) mod P and one
    /// `crc32` of that 64-bit product compute it (the product of two bit-reflected operands
    /// comes out multiplied by x, and the instruction multiplies its operand by x^32).
    @inline(never)
    public static func updateInLanes(_ state: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard var pointer = bytes.baseAddress else { return state }
        var remaining = bytes.count
        var crc = UInt64(state)
        // Below a few hundred bytes the two combining steps cost more than the lanes save.
        while remaining >= 3 * 8 * minimumLaneWords {
            let words = min(remaining / 24, maximumLaneWords)
            let lane = 8 * words
            var a = crc, b: UInt64 = 0, c: UInt64 = 0
            var p = pointer
            for _ in 0..<words {
                a = _mm_crc32_u64(a, p.loadUnaligned(as: UInt64.self))
                b = _mm_crc32_u64(b, p.loadUnaligned(fromByteOffset: lane, as: UInt64.self))
                c = _mm_crc32_u64(c, p.loadUnaligned(fromByteOffset: 2 * lane, as: UInt64.self))
                p += 8
            }
            let constant = laneShiftConstants[words - 1]
            crc = shift(shift(a, constant) ^ b, constant) ^ c
            pointer += 3 * lane
            remaining -= 3 * lane
        }
        return tail(crc, pointer, remaining)
    }

    /// Lanes of 8 to 2048 bytes: shorter ones are not worth combining, and longer buffers take
    /// several rounds of three lanes.
    static let minimumLaneWords = 8
    static let maximumLaneWords = 256

    /// x^(64·n − 33) mod P for lanes of n words (n = 1...maximumLaneWords), bit-reflected as
    /// the instruction's register is, computed once by multiplying by x one bit at a time.
    static let laneShiftConstants: [UInt32] = {
        var constants: [UInt32] = []
        constants.reserveCapacity(maximumLaneWords)
        var value: UInt32 = 0x8000_0000 // x^0
        for _ in 0..<31 { value = timesX(value) }
        constants.append(value) // x^31
        for _ in 1..<maximumLaneWords {
            for _ in 0..<64 { value = timesX(value) }
            constants.append(value)
        }
        return constants
    }()

    /// Multiplies a bit-reflected polynomial by x modulo the Castagnoli polynomial.
    static func timesX(_ value: UInt32) -> UInt32 {
        value & 1 == 0 ? value >> 1 : (value >> 1) ^ 0x82f6_3b78
    }

    /// The register after `crc` meets a lane's length of zero bytes, given that length's constant.
    @inline(__always) static func shift(_ crc: UInt64, _ constant: UInt32) -> UInt64 {
        let product = HardwareCRC32.clmul00(SIMD2<Int64>(Int64(crc), 0), SIMD2<Int64>(Int64(constant), 0))
        return _mm_crc32_u64(0, UInt64(bitPattern: product[0]))
    }

    /// One chain over the bytes left: words four at a time, then single bytes.
    @inline(__always) static func tail(_ state: UInt64, _ start: UnsafeRawPointer, _ count: Int) -> UInt32 {
        var pointer = start
        var remaining = count
        var crc = state
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
