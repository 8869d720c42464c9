import Builtin
import _Builtin_intrinsics.intel

/// Powers of the GHASH key prepared for ``HardwareGHASH``: H·x⁻¹, H²·x⁻¹, … H⁸·x⁻¹ in the
/// byte-swapped representation, the first four each with the XOR of its halves for Karatsuba.
/// The 256-bit kernel (`RTCCryptoVectorAES`) takes all eight, two per register.
public struct HardwareGHASHKey: Sendable {
    public let h1, h2, h3, h4, h5, h6, h7, h8: SIMD2<Int64>
    let k1, k2, k3, k4: SIMD2<Int64>

    /// Prepares H (big-endian halves, as E(K, 0¹²⁸) reads).
    @inline(never)
    public init(h: (high: UInt64, low: UInt64)) {
        // V-form: the block as a 128-bit big-endian integer, coefficient of x^i at bit 127 − i.
        let v = SIMD2<Int64>(Int64(bitPattern: h.low), Int64(bitPattern: h.high))
        // H·x⁻¹: V shifted left by one; the bit shifted out (x⁰ · x⁻¹ = x⁻¹) reduces to the
        // constant x¹²⁷ + x¹²⁶ + x¹²¹ + 1 in this form, XORed in without a branch.
        let carry = v[1] >> 63   // all ones when the top bit was set
        let shifted = SIMD2<Int64>(v[0] << 1, (v[1] << 1) | Int64(bitPattern: UInt64(bitPattern: v[0]) >> 63))
        let h1 = shifted ^ (HardwareGHASH.polynomial & SIMD2<Int64>(carry, carry))
        let h2 = HardwareGHASH.multiply(h1, h1, h1 ^ HardwareGHASH.swapped(h1))
        let h3 = HardwareGHASH.multiply(h2, h1, h1 ^ HardwareGHASH.swapped(h1))
        let h4 = HardwareGHASH.multiply(h3, h1, h1 ^ HardwareGHASH.swapped(h1))
        (self.h1, self.h2, self.h3, self.h4) = (h1, h2, h3, h4)
        h5 = HardwareGHASH.multiply(h4, h1, h1 ^ HardwareGHASH.swapped(h1))
        h6 = HardwareGHASH.multiply(h5, h1, h1 ^ HardwareGHASH.swapped(h1))
        h7 = HardwareGHASH.multiply(h6, h1, h1 ^ HardwareGHASH.swapped(h1))
        h8 = HardwareGHASH.multiply(h7, h1, h1 ^ HardwareGHASH.swapped(h1))
        k1 = h1 ^ HardwareGHASH.swapped(h1)
        k2 = h2 ^ HardwareGHASH.swapped(h2)
        k3 = h3 ^ HardwareGHASH.swapped(h3)
        k4 = h4 ^ HardwareGHASH.swapped(h4)
    }
}

/// GHASH over whole blocks with PCLMULQDQ: blocks are byte-swapped into 128-bit integers (no
/// bit reversal), multiplied by prepared powers of H four at a time (one reduction per four
/// blocks), and reduced with two carry-less multiplications by the field polynomial's
/// reflected constant.
public enum HardwareGHASH {
    /// x¹²⁸ + x⁷ + x² + x + 1 in the byte-swapped form, as the reduction uses it.
    static let polynomial = SIMD2<Int64>(1, Int64(bitPattern: 0xc200_0000_0000_0000))

    /// Absorbs `blocks` (a multiple of 16 bytes) into `state` (the GHASH value as big-endian
    /// halves) with the prepared key.
    @inline(never)
    public static func absorb(state: inout (high: UInt64, low: UInt64), key: HardwareGHASHKey, blocks: UnsafeRawBufferPointer) {
        guard blocks.count >= 16, let base = blocks.baseAddress else { return }
        // Constants as locals: static lets would cost a lazy-initialisation check per call.
        let reverse = SIMD2<Int64>(0x0809_0a0b_0c0d_0e0f, 0x0001_0203_0405_0607)
        let swap = SIMD2<Int64>(0x0f0e_0d0c_0b0a_0908, 0x0706_0504_0302_0100)
        let polynomial = SIMD2<Int64>(1, Int64(bitPattern: 0xc200_0000_0000_0000))
        var x = SIMD2<Int64>(Int64(bitPattern: state.low), Int64(bitPattern: state.high))
        let count = blocks.count / 16
        var index = 0
        while index + 4 <= count {
            let a0 = _mm_xor_si128(load(base, index, reverse), x)
            let a1 = load(base, index + 1, reverse), a2 = load(base, index + 2, reverse), a3 = load(base, index + 3, reverse)
            let low = _mm_xor_si128(_mm_xor_si128(clmul00(a0, key.h4), clmul00(a1, key.h3)),
                                    _mm_xor_si128(clmul00(a2, key.h2), clmul00(a3, key.h1)))
            let high = _mm_xor_si128(_mm_xor_si128(clmul11(a0, key.h4), clmul11(a1, key.h3)),
                                     _mm_xor_si128(clmul11(a2, key.h2), clmul11(a3, key.h1)))
            let middle = _mm_xor_si128(
                _mm_xor_si128(clmul00(_mm_xor_si128(a0, _mm_shuffle_epi8(a0, swap)), key.k4),
                              clmul00(_mm_xor_si128(a1, _mm_shuffle_epi8(a1, swap)), key.k3)),
                _mm_xor_si128(clmul00(_mm_xor_si128(a2, _mm_shuffle_epi8(a2, swap)), key.k2),
                              clmul00(_mm_xor_si128(a3, _mm_shuffle_epi8(a3, swap)), key.k1)))
            x = reduce(low: low, high: high, middle: middle, swap: swap, polynomial: polynomial)
            index += 4
        }
        while index < count {
            let a = _mm_xor_si128(load(base, index, reverse), x)
            x = reduce(low: clmul00(a, key.h1), high: clmul11(a, key.h1),
                       middle: clmul00(_mm_xor_si128(a, _mm_shuffle_epi8(a, swap)), key.k1), swap: swap, polynomial: polynomial)
            index += 1
        }
        state = (UInt64(bitPattern: x[1]), UInt64(bitPattern: x[0]))
    }

    /// Absorbs one block given as big-endian halves (a padded tail, the lengths block).
    @inline(never)
    public static func absorb(state: inout (high: UInt64, low: UInt64), key: HardwareGHASHKey, block: (high: UInt64, low: UInt64)) {
        let x = SIMD2<Int64>(Int64(bitPattern: state.low ^ block.low), Int64(bitPattern: state.high ^ block.high))
        let y = multiply(x, key.h1, key.k1)
        state = (UInt64(bitPattern: y[1]), UInt64(bitPattern: y[0]))
    }

    /// a · b (b a prepared power, k its halves' XOR), reduced.
    @inline(__always) static func multiply(_ a: SIMD2<Int64>, _ b: SIMD2<Int64>, _ k: SIMD2<Int64>) -> SIMD2<Int64> {
        let swap = SIMD2<Int64>(0x0f0e_0d0c_0b0a_0908, 0x0706_0504_0302_0100)
        return reduce(low: clmul00(a, b), high: clmul11(a, b), middle: clmul00(_mm_xor_si128(a, _mm_shuffle_epi8(a, swap)), k),
                      swap: swap, polynomial: polynomial)
    }

    /// Combines Karatsuba's three products into the 256-bit product and reduces it: the low
    /// half (the terms above x¹²⁷ in this form) is folded twice by the polynomial constant.
    @inline(__always) static func reduce(low: SIMD2<Int64>, high: SIMD2<Int64>, middle: SIMD2<Int64>,
                                         swap: SIMD2<Int64>, polynomial: SIMD2<Int64>) -> SIMD2<Int64> {
        let zero = _mm_setzero_si128()
        let m = _mm_xor_si128(_mm_xor_si128(middle, low), high)
        var lo = _mm_xor_si128(low, _mm_unpacklo_epi64(zero, m))      // low ^ (m << 64)
        let hi = _mm_xor_si128(high, _mm_unpackhi_epi64(m, zero))     // high ^ (m >> 64)
        lo = _mm_xor_si128(_mm_shuffle_epi8(lo, swap), clmul10(lo, polynomial))
        lo = _mm_xor_si128(_mm_shuffle_epi8(lo, swap), clmul10(lo, polynomial))
        return _mm_xor_si128(lo, hi)
    }

    @inline(__always) static func load(_ base: UnsafeRawPointer, _ index: Int, _ reverse: SIMD2<Int64>) -> SIMD2<Int64> {
        _mm_shuffle_epi8(base.loadUnaligned(fromByteOffset: 16 * index, as: __m128i.self), reverse)
    }

    @inline(__always) static func swapped(_ v: SIMD2<Int64>) -> SIMD2<Int64> { SIMD2(v[1], v[0]) }

    // The selector is an immediate, so each form is its own function (the C macro does not import).
    @inline(__always) static func clmul00(_ a: SIMD2<Int64>, _ b: SIMD2<Int64>) -> SIMD2<Int64> {
        unsafeBitCast(Builtin.int_x86_pclmulqdq(a._storage._value, b._storage._value, Int8(0x00)._value), to: SIMD2<Int64>.self)
    }

    @inline(__always) static func clmul11(_ a: SIMD2<Int64>, _ b: SIMD2<Int64>) -> SIMD2<Int64> {
        unsafeBitCast(Builtin.int_x86_pclmulqdq(a._storage._value, b._storage._value, Int8(0x11)._value), to: SIMD2<Int64>.self)
    }

    /// a's low half times b's high half.
    @inline(__always) static func clmul10(_ a: SIMD2<Int64>, _ b: SIMD2<Int64>) -> SIMD2<Int64> {
        unsafeBitCast(Builtin.int_x86_pclmulqdq(a._storage._value, b._storage._value, Int8(0x10)._value), to: SIMD2<Int64>.self)
    }
}
