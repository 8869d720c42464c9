import _Builtin_intrinsics.intel

/// Counter blocks two per 256-bit register, as the VAES kernels make them. Counters are kept
/// as little-endian 128-bit integers, one per 128-bit lane (low half first), so that adding to
/// them is a vector add; one shuffle per register reverses each lane into the big-endian
/// counter block. Written with explicit AVX2 operations: with SIMD operators the counters
/// were scalarised.
struct VectorCounterBlocks {
    private let reverse = SIMD4<Int64>(0x0809_0a0b_0c0d_0e0f, 0x0001_0203_0405_0607, 0x0809_0a0b_0c0d_0e0f, 0x0001_0203_0405_0607)
    private let laneMask: SIMD4<Int64>
    private let laneFixed: SIMD4<Int64>
    private var base: SIMD4<Int64>

    /// Blocks from `counter` (big-endian halves) on, where only the bits of the low half in
    /// `varying` count (all of them for a full-width counter whose low half the caller knows
    /// will not carry, the low 32 for GCM's inc32, which wraps there).
    init(counter: (high: UInt64, low: UInt64), varying: UInt64) {
        let fixed = Int64(bitPattern: counter.low & ~varying)
        laneMask = SIMD4(Int64(bitPattern: varying), -1, Int64(bitPattern: varying), -1)
        laneFixed = SIMD4(fixed, 0, fixed, 0)
        base = SIMD4(Int64(bitPattern: counter.low), Int64(bitPattern: counter.high),
                     Int64(bitPattern: counter.low), Int64(bitPattern: counter.high))
    }

    /// Blocks `first` and `first + 1` after the current one, XORed with `whitening` (the
    /// first round key in both lanes).
    @inline(__always) func pair(_ first: Int64, whitening: SIMD4<Int64>) -> SIMD4<Int64> {
        let sum = _mm256_add_epi64(base, SIMD4(first, 0, first &+ 1, 0))
        let counters = _mm256_or_si256(_mm256_and_si256(sum, laneMask), laneFixed)
        return _mm256_xor_si256(_mm256_shuffle_epi8(counters, reverse), whitening)
    }

    /// Moves the current block `count` blocks on.
    @inline(__always) mutating func advance(_ count: Int64) {
        base = _mm256_add_epi64(base, SIMD4(count, 0, count, 0))
    }
}

/// The AES round keys (`rounds + 1` blocks in FIPS 197 order at `roundKeys`) repeated in both
/// 128-bit lanes, into `keys`.
@inline(__always) func broadcastRoundKeys(_ roundKeys: UnsafeRawPointer, rounds: Int, into keys: UnsafeMutablePointer<SIMD4<Int64>>) {
    for round in 0...rounds {
        let key = roundKeys.loadUnaligned(fromByteOffset: 16 * round, as: SIMD2<Int64>.self)
        keys[round] = SIMD4(lowHalf: key, highHalf: key)
    }
}
