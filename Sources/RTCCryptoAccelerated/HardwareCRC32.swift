import Builtin
import _Builtin_intrinsics.intel

/// CRC-32 (the reflected IEEE 802.3 polynomial P = 0x104C11DB7) folded with PCLMULQDQ. Built
/// only with the `Accelerated` package trait; RTCCrypto calls it only when the CPU has
/// PCLMULQDQ.
///
/// A CRC depends only on the message's remainder modulo P, so a 16-byte block A followed by
/// a block B can be replaced by one block with the same remainder: A·x^128 + B ≡
/// L·(x^192 mod P) + H·(x^128 mod P) + B, where L and H are A's first and last eight bytes as
/// polynomials. Each product has degree at most 94, so it fits a block. Bytes hold their
/// coefficients bit-reflected (bit 0 of the first byte is the highest power), so the two
/// constants are reflected too, and a carry-less product of reflected operands comes out one
/// position higher, which the constants absorb (x^191 and x^127 instead of x^192 and x^128).
public enum HardwareCRC32 {
    /// Folds `blockCount` (at least 1) 16-byte blocks at `bytes`, with the CRC register
    /// `state` XORed into the first four bytes, into one 16-byte block with the same
    /// remainder, written to `result`. A table-driven CRC of that block from a zero register
    /// then gives the register after all the blocks.
    @inline(never)
    public static func fold(state: UInt32, bytes: UnsafeRawPointer, blockCount: Int, into result: UnsafeMutableRawPointer) {
        // (x^191 mod P) and (x^127 mod P), bit-reflected into the high halves of the lanes:
        // the low lane multiplies the block's first eight bytes, the high lane its last eight.
        let constants = SIMD2<Int64>(Int64(bitPattern: 0x6567_3b46_0000_0000), Int64(bitPattern: 0x9ba5_4c6f_0000_0000))
        var x = _mm_xor_si128(bytes.loadUnaligned(as: __m128i.self), SIMD2<Int64>(Int64(state), 0))
        var index = 1
        while index < blockCount {
            let next = bytes.loadUnaligned(fromByteOffset: 16 * index, as: __m128i.self)
            x = _mm_xor_si128(_mm_xor_si128(clmul00(x, constants), clmul11(x, constants)), next)
            index += 1
        }
        result.storeBytes(of: x, as: __m128i.self)
    }

    // The selector is an immediate, so each form is its own function (the C macro does not import).
    @inline(__always) static func clmul00(_ a: SIMD2<Int64>, _ b: SIMD2<Int64>) -> SIMD2<Int64> {
        unsafeBitCast(Builtin.int_x86_pclmulqdq(a._storage._value, b._storage._value, Int8(0x00)._value), to: SIMD2<Int64>.self)
    }

    @inline(__always) static func clmul11(_ a: SIMD2<Int64>, _ b: SIMD2<Int64>) -> SIMD2<Int64> {
        unsafeBitCast(Builtin.int_x86_pclmulqdq(a._storage._value, b._storage._value, Int8(0x11)._value), to: SIMD2<Int64>.self)
    }
}
