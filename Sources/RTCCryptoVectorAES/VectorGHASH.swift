import Builtin
import _Builtin_intrinsics.intel
import RTCCryptoAccelerated

/// The GHASH key powers arranged for ``VectorGHASH``: two per 256-bit register, highest
/// power first, so that eight blocks multiply by H⁸ … H¹ in four registers.
public struct VectorGHASHKey: Sendable {
    /// The 128-bit kernel's key, for the blocks left after the last group of eight.
    public let narrow: HardwareGHASHKey
    let h87, h65, h43, h21: SIMD4<Int64>

    /// Prepares H (big-endian halves, as E(K, 0¹²⁸) reads).
    public init(h: (high: UInt64, low: UInt64)) {
        let key = HardwareGHASHKey(h: h)
        narrow = key
        h87 = SIMD4(lowHalf: key.h8, highHalf: key.h7)
        h65 = SIMD4(lowHalf: key.h6, highHalf: key.h5)
        h43 = SIMD4(lowHalf: key.h4, highHalf: key.h3)
        h21 = SIMD4(lowHalf: key.h2, highHalf: key.h1)
    }
}

/// GHASH over whole blocks with VPCLMULQDQ: eight blocks per step, two per 256-bit register,
/// each multiplied by its power of H (schoolbook, four carry-less products per pair), the
/// eight products summed and reduced once. Same byte-swapped representation and reduction
/// as ``HardwareGHASH``, whose 128-bit kernel takes the last one to seven blocks.
public enum VectorGHASH {
    /// Absorbs `blocks` (a multiple of 16 bytes) into `state` (the GHASH value as big-endian
    /// halves).
    @inline(never)
    public static func absorb(state: inout (high: UInt64, low: UInt64), key: VectorGHASHKey, blocks: UnsafeRawBufferPointer) {
        guard blocks.count >= 16, let base = blocks.baseAddress else { return }
        let count = blocks.count / 16
        var index = 0
        if count >= 8 {
            let reverse = SIMD4<Int64>(0x0809_0a0b_0c0d_0e0f, 0x0001_0203_0405_0607, 0x0809_0a0b_0c0d_0e0f, 0x0001_0203_0405_0607)
            let constants = Constants()
            var x = SIMD2<Int64>(Int64(bitPattern: state.low), Int64(bitPattern: state.high))
            var pointer = base
            while index + 8 <= count {
                @inline(__always) func load(_ pair: Int) -> SIMD4<Int64> {
                    _mm256_shuffle_epi8(pointer.loadUnaligned(fromByteOffset: 32 &* pair, as: SIMD4<Int64>.self), reverse)
                }
                x = step(x, load(0), load(1), load(2), load(3), key: key, constants: constants)
                pointer += 128
                index += 8
            }
            state = (UInt64(bitPattern: x[1]), UInt64(bitPattern: x[0]))
        }
        if index < count {
            HardwareGHASH.absorb(state: &state, key: key.narrow,
                                 blocks: UnsafeRawBufferPointer(start: base + 16 * index, count: 16 * (count - index)))
        }
    }

    /// The constants of a step, made once per call (static lets would cost a check per use).
    struct Constants {
        let swap = SIMD4<Int64>(0x0f0e_0d0c_0b0a_0908, 0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908, 0x0706_0504_0302_0100)
        let polynomial = SIMD4<Int64>(1, Int64(bitPattern: 0xc200_0000_0000_0000), 1, Int64(bitPattern: 0xc200_0000_0000_0000))
        let zero = _mm256_setzero_si256()
    }

    /// One step: (x ⊕ a₀)·H⁸ ⊕ a₁·H⁷ ⊕ … ⊕ a₇·H¹, reduced, for eight byte-swapped blocks two
    /// per register. Written with explicit AVX2 operations and reduced in both lanes at once
    /// (the reduction is linear, so the lanes fold after it): with SIMD operators and the
    /// lanes folded first, the compiler scattered the sums over shuffles and spills.
    @inline(__always) static func step(_ x: SIMD2<Int64>, _ b01: SIMD4<Int64>, _ b23: SIMD4<Int64>, _ b45: SIMD4<Int64>, _ b67: SIMD4<Int64>,
                                       key: VectorGHASHKey, constants: Constants) -> SIMD2<Int64> {
        let a0 = _mm256_xor_si256(b01, _mm256_zextsi128_si256(x))
        var low = _mm256_xor_si256(_mm256_xor_si256(clmul00(a0, key.h87), clmul00(b23, key.h65)),
                                   _mm256_xor_si256(clmul00(b45, key.h43), clmul00(b67, key.h21)))
        let high = _mm256_xor_si256(_mm256_xor_si256(clmul11(a0, key.h87), clmul11(b23, key.h65)),
                                    _mm256_xor_si256(clmul11(b45, key.h43), clmul11(b67, key.h21)))
        let middle = _mm256_xor_si256(
            _mm256_xor_si256(_mm256_xor_si256(clmul01(a0, key.h87), clmul10(a0, key.h87)),
                             _mm256_xor_si256(clmul01(b23, key.h65), clmul10(b23, key.h65))),
            _mm256_xor_si256(_mm256_xor_si256(clmul01(b45, key.h43), clmul10(b45, key.h43)),
                             _mm256_xor_si256(clmul01(b67, key.h21), clmul10(b67, key.h21))))
        low = _mm256_xor_si256(low, _mm256_unpacklo_epi64(constants.zero, middle))          // + middle · x⁶⁴
        let top = _mm256_xor_si256(high, _mm256_unpackhi_epi64(middle, constants.zero))
        low = _mm256_xor_si256(_mm256_shuffle_epi8(low, constants.swap), clmul10(low, constants.polynomial))
        low = _mm256_xor_si256(_mm256_shuffle_epi8(low, constants.swap), clmul10(low, constants.polynomial))
        let reduced = _mm256_xor_si256(low, top)
        return _mm_xor_si128(_mm256_castsi256_si128(reduced), reduced.highHalf)
    }

    // The selector is an immediate, so each form is its own function (the C macro does not import).
    @inline(__always) static func clmul00(_ a: SIMD4<Int64>, _ b: SIMD4<Int64>) -> SIMD4<Int64> {
        unsafeBitCast(Builtin.int_x86_pclmulqdq_256(a._storage._value, b._storage._value, Int8(0x00)._value), to: SIMD4<Int64>.self)
    }

    @inline(__always) static func clmul11(_ a: SIMD4<Int64>, _ b: SIMD4<Int64>) -> SIMD4<Int64> {
        unsafeBitCast(Builtin.int_x86_pclmulqdq_256(a._storage._value, b._storage._value, Int8(0x11)._value), to: SIMD4<Int64>.self)
    }

    /// a's high halves times b's low halves.
    @inline(__always) static func clmul01(_ a: SIMD4<Int64>, _ b: SIMD4<Int64>) -> SIMD4<Int64> {
        unsafeBitCast(Builtin.int_x86_pclmulqdq_256(a._storage._value, b._storage._value, Int8(0x01)._value), to: SIMD4<Int64>.self)
    }

    /// a's low halves times b's high halves.
    @inline(__always) static func clmul10(_ a: SIMD4<Int64>, _ b: SIMD4<Int64>) -> SIMD4<Int64> {
        unsafeBitCast(Builtin.int_x86_pclmulqdq_256(a._storage._value, b._storage._value, Int8(0x10)._value), to: SIMD4<Int64>.self)
    }
}
