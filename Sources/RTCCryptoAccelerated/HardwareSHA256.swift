import Builtin
import _Builtin_intrinsics.intel

/// The SHA-256 compression function (FIPS 180-4 §6.2.2) with the x86-64 SHA extensions
/// (`sha256rnds2`, `sha256msg1`, `sha256msg2`). Built only with the `Accelerated` package
/// trait; RTCCrypto calls it only when ``HardwareFeatures/sha`` is true.
///
/// `sha256rnds2` runs two rounds on the working variables split as (a, b, e, f) and
/// (c, d, g, h), a and c in the highest lanes; message words sit one per lane, W[t] lowest.
public enum HardwareSHA256 {
    /// Compresses `blockCount` 64-byte blocks at `blocks` into `state` (h0…h7). The state
    /// stays in registers from the first block to the last.
    @inline(never)
    public static func compress(state: inout (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32),
                                blocks: UnsafeRawPointer, blockCount: Int) {
        // Lanes lowest first: (f, e, b, a) and (h, g, d, c).
        var abef = vector(state.5, state.4, state.1, state.0)
        var cdgh = vector(state.7, state.6, state.3, state.2)
        roundConstants.withUnsafeBufferPointer { k in
            for index in 0..<blockCount {
                let block = blocks + 64 * index
                let savedABEF = abef, savedCDGH = cdgh
                var m0 = loadWords(block, 0), m1 = loadWords(block, 16)
                var m2 = loadWords(block, 32), m3 = loadWords(block, 48)
                // Message schedule (§6.2.2 step 1), four words at a time: W[t..t+3] for t ≥ 16 is
                // msg2(msg1(W[t-16..], W[t-12..]) + W[t-7..t-4], W[t-4..]), built up over the
                // groups before it is needed. W[t-7..t-4] straddles two registers (palignr).
                // Each line: four rounds on one register, then the schedule steps that it feeds.
                quad(&abef, &cdgh, m0, k[0])
                quad(&abef, &cdgh, m1, k[1]); m0 = _mm_sha256msg1_epu32(m0, m1)
                quad(&abef, &cdgh, m2, k[2]); m1 = _mm_sha256msg1_epu32(m1, m2)
                quad(&abef, &cdgh, m3, k[3]); m0 = next(m0, m2, m3); m2 = _mm_sha256msg1_epu32(m2, m3)
                quad(&abef, &cdgh, m0, k[4]); m1 = next(m1, m3, m0); m3 = _mm_sha256msg1_epu32(m3, m0)
                quad(&abef, &cdgh, m1, k[5]); m2 = next(m2, m0, m1); m0 = _mm_sha256msg1_epu32(m0, m1)
                quad(&abef, &cdgh, m2, k[6]); m3 = next(m3, m1, m2); m1 = _mm_sha256msg1_epu32(m1, m2)
                quad(&abef, &cdgh, m3, k[7]); m0 = next(m0, m2, m3); m2 = _mm_sha256msg1_epu32(m2, m3)
                quad(&abef, &cdgh, m0, k[8]); m1 = next(m1, m3, m0); m3 = _mm_sha256msg1_epu32(m3, m0)
                quad(&abef, &cdgh, m1, k[9]); m2 = next(m2, m0, m1); m0 = _mm_sha256msg1_epu32(m0, m1)
                quad(&abef, &cdgh, m2, k[10]); m3 = next(m3, m1, m2); m1 = _mm_sha256msg1_epu32(m1, m2)
                quad(&abef, &cdgh, m3, k[11]); m0 = next(m0, m2, m3); m2 = _mm_sha256msg1_epu32(m2, m3)
                quad(&abef, &cdgh, m0, k[12]); m1 = next(m1, m3, m0); m3 = _mm_sha256msg1_epu32(m3, m0)
                // W[60..63] is the last set: no more msg1 from here.
                quad(&abef, &cdgh, m1, k[13]); m2 = next(m2, m0, m1)
                quad(&abef, &cdgh, m2, k[14]); m3 = next(m3, m1, m2)
                quad(&abef, &cdgh, m3, k[15])
                // §6.2.2 step 4.
                abef = _mm_add_epi32(abef, savedABEF)
                cdgh = _mm_add_epi32(cdgh, savedCDGH)
            }
        }
        let x = unsafeBitCast(abef, to: SIMD4<UInt32>.self), y = unsafeBitCast(cdgh, to: SIMD4<UInt32>.self)
        state = (x[3], x[2], y[3], y[2], x[1], x[0], y[1], y[0])
    }

    /// Four rounds on the words `w` with their constants `k`: two `sha256rnds2`, the second on
    /// the upper two words. Each call returns the new (a, b, e, f); the old one is the new
    /// (c, d, g, h), so the two registers trade roles twice and end where they started.
    @inline(__always)
    static func quad(_ abef: inout __m128i, _ cdgh: inout __m128i, _ w: __m128i, _ k: SIMD4<UInt32>) {
        let wk = _mm_add_epi32(w, unsafeBitCast(k, to: __m128i.self))
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk)
        // sha256rnds2 reads only the low two lanes of its third operand.
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_unpackhi_epi64(wk, wk))
    }

    /// Completes W[t..t+3] from `partial` (msg1 of W[t-16..] and W[t-12..]), the words
    /// W[t-8..t-5] in `older` and W[t-4..t-1] in `newest`.
    @inline(__always)
    static func next(_ partial: __m128i, _ older: __m128i, _ newest: __m128i) -> __m128i {
        let o = unsafeBitCast(older, to: SIMD4<UInt32>.self), n = unsafeBitCast(newest, to: SIMD4<UInt32>.self)
        // W[t-7..t-4]: the top three lanes of `older` and the lowest of `newest`. Written as
        // lanes because `_mm_alignr_epi8` is a C macro; LLVM turns this into one palignr.
        let straddle = unsafeBitCast(SIMD4<UInt32>(o[1], o[2], o[3], n[0]), to: __m128i.self)
        return _mm_sha256msg2_epu32(_mm_add_epi32(partial, straddle), newest)
    }

    /// Four big-endian message words from `block + offset`, W[t] in the lowest lane: each
    /// word's bytes swapped with one `pshufb`.
    @inline(__always)
    static func loadWords(_ block: UnsafeRawPointer, _ offset: Int) -> __m128i {
        let swap = unsafeBitCast(SIMD16<UInt8>(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12), to: __m128i.self)
        return _mm_shuffle_epi8(block.loadUnaligned(fromByteOffset: offset, as: __m128i.self), swap)
    }

    /// A vector from four lanes, lowest first.
    @inline(__always)
    static func vector(_ l0: UInt32, _ l1: UInt32, _ l2: UInt32, _ l3: UInt32) -> __m128i {
        unsafeBitCast(SIMD4<UInt32>(l0, l1, l2, l3), to: __m128i.self)
    }

    /// K (FIPS 180-4 §4.2.2), four per round group.
    static let roundConstants: [SIMD4<UInt32>] = [
        SIMD4(0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5), SIMD4(0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5),
        SIMD4(0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3), SIMD4(0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174),
        SIMD4(0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc), SIMD4(0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da),
        SIMD4(0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7), SIMD4(0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967),
        SIMD4(0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13), SIMD4(0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85),
        SIMD4(0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3), SIMD4(0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070),
        SIMD4(0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5), SIMD4(0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3),
        SIMD4(0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208), SIMD4(0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2),
    ]
}
