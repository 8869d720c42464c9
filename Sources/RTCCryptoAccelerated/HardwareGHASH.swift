import Builtin
import _Builtin_intrinsics.intel

/// GHASH over whole blocks with PCLMULQDQ, in the same bit-reversed representation as the
/// portable GHASH in RTCCrypto (coefficient of x^i at bit i; values as (high, low) words), so
/// the two can hand state to each other.
public enum HardwareGHASH {
    /// Absorbs `blocks` (a multiple of 16 bytes) into `state` with the key `h`.
    @inline(never)
    public static func absorb(state: inout (UInt64, UInt64), h: (UInt64, UInt64), blocks: UnsafeRawBufferPointer) {
        var (s1, s0) = state
        var offset = 0
        let hx = h.0 ^ h.1
        while offset + 16 <= blocks.count {
            // Load big-endian, reverse the 128 bits: (high, low) → (rev(low), rev(high)).
            let high = UInt64(bigEndian: blocks.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let low = UInt64(bigEndian: blocks.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            s1 ^= reverse64(low)
            s0 ^= reverse64(high)
            // Karatsuba with three carry-less multiplications.
            let lo = clmul(s0, h.1), hi = clmul(s1, h.0), mid = clmul(s0 ^ s1, hx)
            let m1 = mid.0 ^ lo.0 ^ hi.0, m0 = mid.1 ^ lo.1 ^ hi.1
            let p0 = lo.1, p1 = lo.0 ^ m0, p2 = hi.1 ^ m1, p3 = hi.0
            // Reduce modulo x^128 + x^7 + x^2 + x + 1 (as in RTCCrypto's GHASH.multiply).
            let h2 = p2 ^ (p3 >> 57) ^ (p3 >> 62) ^ (p3 >> 63)
            s0 = p0 ^ h2 ^ (h2 << 1) ^ (h2 << 2) ^ (h2 << 7)
            s1 = p1 ^ p3 ^ (p3 << 1 | h2 >> 63) ^ (p3 << 2 | h2 >> 62) ^ (p3 << 7 | h2 >> 57)
            offset += 16
        }
        state = (s1, s0)
    }

    @inline(__always) static func reverse64(_ x: UInt64) -> UInt64 {
        var x = x
        x = ((x >> 1) & 0x5555_5555_5555_5555) | ((x & 0x5555_5555_5555_5555) << 1)
        x = ((x >> 2) & 0x3333_3333_3333_3333) | ((x & 0x3333_3333_3333_3333) << 2)
        x = ((x >> 4) & 0x0f0f_0f0f_0f0f_0f0f) | ((x & 0x0f0f_0f0f_0f0f_0f0f) << 4)
        return x.byteSwapped
    }

    @inline(__always) static func clmul(_ x: UInt64, _ y: UInt64) -> (UInt64, UInt64) {
        let a = SIMD2<Int64>(Int64(bitPattern: x), 0)
        let b = SIMD2<Int64>(Int64(bitPattern: y), 0)
        let product = Builtin.int_x86_pclmulqdq(a._storage._value, b._storage._value, Int8(0)._value)
        let lanes = unsafeBitCast(product, to: SIMD2<Int64>.self)
        return (UInt64(bitPattern: lanes[1]), UInt64(bitPattern: lanes[0]))
    }
}
