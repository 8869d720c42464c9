import _Builtin_intrinsics.intel
import RTCCryptoAccelerated

/// AES counter mode with VAES: two blocks per 256-bit register, sixteen blocks in flight,
/// counter blocks made with vector adds and one byte shuffle, the keystream XORed into the
/// data in place.
///
/// This target is compiled for AVX2, so it is only called when
/// ``HardwareFeatures/vectorAES`` says the CPU has VAES, VPCLMULQDQ and AVX2; the 128-bit
/// AES-NI kernels live in `RTCCryptoAccelerated`, compiled without AVX, for older CPUs.
public enum VectorCounterMode {
    /// XORs the keystream for `blockCount` whole blocks into `data`, starting at `counter`
    /// (big-endian halves), which is left at the next unused counter block. Same contract as
    /// ``HardwareCounterMode/apply(_:blockCount:counter:increment:roundKeys:rounds:)``.
    @inline(never)
    public static func apply(_ data: UnsafeMutableRawPointer, blockCount: Int, counter: inout (high: UInt64, low: UInt64),
                             increment: HardwareCounterMode.Increment, roundKeys: UnsafeRawPointer, rounds: Int) {
        // A full-width counter whose low half would carry into the high half during this call
        // (about one call in 2^50 for SRTP) goes through the block-at-a-time kernel.
        guard increment == .low32 || counter.low <= UInt64.max - UInt64(blockCount) else {
            HardwareCounterMode.apply(data, blockCount: blockCount, counter: &counter, increment: increment,
                                      roundKeys: roundKeys, rounds: rounds)
            return
        }
        withUnsafeTemporaryAllocation(of: SIMD4<Int64>.self, capacity: rounds + 1) { keys in
        broadcastRoundKeys(roundKeys, rounds: rounds, into: keys.baseAddress!)
        let varying: UInt64 = increment == .full ? .max : 0xffff_ffff
        var counters = VectorCounterBlocks(counter: counter, varying: varying)
        @inline(__always) func blocks(_ first: Int64) -> SIMD4<Int64> { counters.pair(first, whitening: keys[0]) }
        var index = 0
        // Sixteen blocks per step; the last step (one to fifteen blocks) makes a whole
        // step's keystream and uses what it needs: eight registers in flight beat a
        // latency-bound loop over the few blocks left.
        withUnsafeTemporaryAllocation(of: SIMD4<Int64>.self, capacity: 8) { spare in
        while index < blockCount {
            var b0 = blocks(0), b1 = blocks(2), b2 = blocks(4), b3 = blocks(6)
            var b4 = blocks(8), b5 = blocks(10), b6 = blocks(12), b7 = blocks(14)
            counters.advance(16)
            for round in 1..<rounds {
                let k = keys[round]
                b0 = _mm256_aesenc_epi128(b0, k); b1 = _mm256_aesenc_epi128(b1, k)
                b2 = _mm256_aesenc_epi128(b2, k); b3 = _mm256_aesenc_epi128(b3, k)
                b4 = _mm256_aesenc_epi128(b4, k); b5 = _mm256_aesenc_epi128(b5, k)
                b6 = _mm256_aesenc_epi128(b6, k); b7 = _mm256_aesenc_epi128(b7, k)
            }
            let last = keys[rounds]
            b0 = _mm256_aesenclast_epi128(b0, last); b1 = _mm256_aesenclast_epi128(b1, last)
            b2 = _mm256_aesenclast_epi128(b2, last); b3 = _mm256_aesenclast_epi128(b3, last)
            b4 = _mm256_aesenclast_epi128(b4, last); b5 = _mm256_aesenclast_epi128(b5, last)
            b6 = _mm256_aesenclast_epi128(b6, last); b7 = _mm256_aesenclast_epi128(b7, last)
            let offset = 16 * index
            if index + 16 <= blockCount {
                xorStore(data, offset, b0); xorStore(data, offset + 32, b1)
                xorStore(data, offset + 64, b2); xorStore(data, offset + 96, b3)
                xorStore(data, offset + 128, b4); xorStore(data, offset + 160, b5)
                xorStore(data, offset + 192, b6); xorStore(data, offset + 224, b7)
                index += 16
            } else {
                spare[0] = b0; spare[1] = b1; spare[2] = b2; spare[3] = b3
                spare[4] = b4; spare[5] = b5; spare[6] = b6; spare[7] = b7
                let stream = UnsafeRawPointer(spare.baseAddress!)
                var block = 0
                while index < blockCount {
                    let value = data.loadUnaligned(fromByteOffset: 16 * index, as: SIMD2<Int64>.self)
                        ^ stream.loadUnaligned(fromByteOffset: 16 * block, as: SIMD2<Int64>.self)
                    data.storeBytes(of: value, toByteOffset: 16 * index, as: SIMD2<Int64>.self)
                    index += 1
                    block += 1
                }
            }
        }
        }
        let advanced = counter.low &+ UInt64(blockCount)
        counter.low = (advanced & varying) | (counter.low & ~varying)
        }
    }

    @inline(__always) static func xorStore(_ data: UnsafeMutableRawPointer, _ offset: Int, _ keystream: SIMD4<Int64>) {
        let value = _mm256_xor_si256(data.loadUnaligned(fromByteOffset: offset, as: SIMD4<Int64>.self), keystream)
        data.storeBytes(of: value, toByteOffset: offset, as: SIMD4<Int64>.self)
    }
}
