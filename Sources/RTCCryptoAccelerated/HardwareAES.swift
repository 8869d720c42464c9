import _Builtin_intrinsics.intel

/// AES rounds with the x86-64 AES-NI instructions. Built only with the `Accelerated` package
/// trait (the target needs `-maes` and friends, which are unsafe flags); RTCCrypto calls it
/// only when ``HardwareFeatures/aes`` says the CPU has the instructions.
///
/// Entry points are `@inline(never)`: inlining a kernel into code compiled without the target
/// flags crashes the compiler rather than diagnosing it.
public enum HardwareAES {
    /// Encrypts `blockCount` 16-byte blocks from `input` into `output` with the expanded key
    /// schedule `roundKeys` ((rounds + 1) × 16 bytes, in FIPS 197 byte order).
    @inline(never)
    public static func encrypt(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, blockCount: Int,
                               roundKeys: UnsafeRawPointer, rounds: Int) {
        withUnsafeTemporaryAllocation(of: __m128i.self, capacity: rounds + 1) { keys in
        for round in 0...rounds { keys[round] = roundKeys.loadUnaligned(fromByteOffset: 16 * round, as: __m128i.self) }
        var index = 0
        // Four blocks at a time keep the AES unit's pipeline full.
        while index + 4 <= blockCount {
            var b0 = _mm_xor_si128(input.loadUnaligned(fromByteOffset: 16 * index, as: __m128i.self), keys[0])
            var b1 = _mm_xor_si128(input.loadUnaligned(fromByteOffset: 16 * index + 16, as: __m128i.self), keys[0])
            var b2 = _mm_xor_si128(input.loadUnaligned(fromByteOffset: 16 * index + 32, as: __m128i.self), keys[0])
            var b3 = _mm_xor_si128(input.loadUnaligned(fromByteOffset: 16 * index + 48, as: __m128i.self), keys[0])
            for round in 1..<rounds {
                let k = keys[round]
                b0 = _mm_aesenc_si128(b0, k)
                b1 = _mm_aesenc_si128(b1, k)
                b2 = _mm_aesenc_si128(b2, k)
                b3 = _mm_aesenc_si128(b3, k)
            }
            let last = keys[rounds]
            output.storeBytes(of: _mm_aesenclast_si128(b0, last), toByteOffset: 16 * index, as: __m128i.self)
            output.storeBytes(of: _mm_aesenclast_si128(b1, last), toByteOffset: 16 * index + 16, as: __m128i.self)
            output.storeBytes(of: _mm_aesenclast_si128(b2, last), toByteOffset: 16 * index + 32, as: __m128i.self)
            output.storeBytes(of: _mm_aesenclast_si128(b3, last), toByteOffset: 16 * index + 48, as: __m128i.self)
            index += 4
        }
        while index < blockCount {
            var b = _mm_xor_si128(input.loadUnaligned(fromByteOffset: 16 * index, as: __m128i.self), keys[0])
            for round in 1..<rounds { b = _mm_aesenc_si128(b, keys[round]) }
            output.storeBytes(of: _mm_aesenclast_si128(b, keys[rounds]), toByteOffset: 16 * index, as: __m128i.self)
            index += 1
        }
        }
    }
}
