import Builtin
import _Builtin_intrinsics.intel

/// The SHA-1 compression function (FIPS 180-4 §6.1.2) with the x86-64 SHA extensions
/// (`sha1rnds4`, `sha1nexte`, `sha1msg1`, `sha1msg2`). Built only with the `Accelerated`
/// package trait; RTCCrypto calls it only when ``HardwareFeatures/sha`` is true.
///
/// The instructions keep a, b, c, d in one register (a in the highest lane) and e in the
/// highest lane of another, and take four message words per instruction with W[t] in the
/// highest lane, so each block's bytes are reversed as a whole on loading.
public enum HardwareSHA1 {
    /// Compresses `blockCount` 64-byte blocks at `blocks` into `state` (h0…h4). The state
    /// stays in registers from the first block to the last.
    @inline(never)
    public static func compress(state: inout (UInt32, UInt32, UInt32, UInt32, UInt32),
                                blocks: UnsafeRawPointer, blockCount: Int) {
        var abcd = vector(state.3, state.2, state.1, state.0)
        var e = vector(0, 0, 0, state.4)
        for index in 0..<blockCount { compressBlock(&abcd, &e, blocks + 64 * index) }
        let words = unsafeBitCast(abcd, to: SIMD4<UInt32>.self)
        state = (words[3], words[2], words[1], words[0], unsafeBitCast(e, to: SIMD4<UInt32>.self)[3])
    }

    /// Compresses two independent messages of `blockCount` blocks each, interleaved: one
    /// message's rounds form a chain of dependent instructions whose latency, not the
    /// hardware's throughput, bounds the speed, so a second chain beside it runs almost free.
    @inline(never)
    public static func compress2(_ first: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ firstBlocks: UnsafeRawPointer,
                                 _ second: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ secondBlocks: UnsafeRawPointer,
                                 blockCount: Int) {
        var abcd1 = vector(first.3, first.2, first.1, first.0), e1 = vector(0, 0, 0, first.4)
        var abcd2 = vector(second.3, second.2, second.1, second.0), e2 = vector(0, 0, 0, second.4)
        for index in 0..<blockCount {
            // Both inlined into one straight run of code, which the out-of-order core overlaps.
            compressBlock(&abcd1, &e1, firstBlocks + 64 * index)
            compressBlock(&abcd2, &e2, secondBlocks + 64 * index)
        }
        let words1 = unsafeBitCast(abcd1, to: SIMD4<UInt32>.self), words2 = unsafeBitCast(abcd2, to: SIMD4<UInt32>.self)
        first = (words1[3], words1[2], words1[1], words1[0], unsafeBitCast(e1, to: SIMD4<UInt32>.self)[3])
        second = (words2[3], words2[2], words2[1], words2[0], unsafeBitCast(e2, to: SIMD4<UInt32>.self)[3])
    }

    /// One block (FIPS 180-4 §6.1.2) on the state held as a, b, c, d and e registers.
    @inline(__always)
    static func compressBlock(_ abcd: inout __m128i, _ e: inout __m128i, _ block: UnsafeRawPointer) {
        let savedABCD = abcd, savedE = e
        var m0 = loadWords(block, 0), m1 = loadWords(block, 16)
        var m2 = loadWords(block, 32), m3 = loadWords(block, 48)
        // `previous` is the state four rounds back: its a, rotated left by 30, is the e of
        // the next group of four rounds (sha1nexte adds it to that group's first word).
        var previous = abcd
        // Rounds 0–3: e is the block's starting e, added directly.
        abcd = rounds(abcd, _mm_add_epi32(e, m0), 0)
        // Message schedule (§6.1.2 step 1), four words at a time: W[t..t+3] for t ≥ 16 is
        // msg2(msg1(W[t-16..], W[t-12..]) ^ W[t-8..], W[t-4..]), built up over the groups
        // before it is needed so the schedule overlaps the rounds.
        group(&abcd, &previous, m1, 0); m0 = _mm_sha1msg1_epu32(m0, m1)
        group(&abcd, &previous, m2, 0); m1 = _mm_sha1msg1_epu32(m1, m2); m0 = _mm_xor_si128(m0, m2)
        group(&abcd, &previous, m3, 0); m2 = _mm_sha1msg1_epu32(m2, m3); m1 = _mm_xor_si128(m1, m3); m0 = _mm_sha1msg2_epu32(m0, m3)
        group(&abcd, &previous, m0, 0); m3 = _mm_sha1msg1_epu32(m3, m0); m2 = _mm_xor_si128(m2, m0); m1 = _mm_sha1msg2_epu32(m1, m0)
        // Rounds 20–39: parity.
        group(&abcd, &previous, m1, 1); m0 = _mm_sha1msg1_epu32(m0, m1); m3 = _mm_xor_si128(m3, m1); m2 = _mm_sha1msg2_epu32(m2, m1)
        group(&abcd, &previous, m2, 1); m1 = _mm_sha1msg1_epu32(m1, m2); m0 = _mm_xor_si128(m0, m2); m3 = _mm_sha1msg2_epu32(m3, m2)
        group(&abcd, &previous, m3, 1); m2 = _mm_sha1msg1_epu32(m2, m3); m1 = _mm_xor_si128(m1, m3); m0 = _mm_sha1msg2_epu32(m0, m3)
        group(&abcd, &previous, m0, 1); m3 = _mm_sha1msg1_epu32(m3, m0); m2 = _mm_xor_si128(m2, m0); m1 = _mm_sha1msg2_epu32(m1, m0)
        group(&abcd, &previous, m1, 1); m0 = _mm_sha1msg1_epu32(m0, m1); m3 = _mm_xor_si128(m3, m1); m2 = _mm_sha1msg2_epu32(m2, m1)
        // Rounds 40–59: majority.
        group(&abcd, &previous, m2, 2); m1 = _mm_sha1msg1_epu32(m1, m2); m0 = _mm_xor_si128(m0, m2); m3 = _mm_sha1msg2_epu32(m3, m2)
        group(&abcd, &previous, m3, 2); m2 = _mm_sha1msg1_epu32(m2, m3); m1 = _mm_xor_si128(m1, m3); m0 = _mm_sha1msg2_epu32(m0, m3)
        group(&abcd, &previous, m0, 2); m3 = _mm_sha1msg1_epu32(m3, m0); m2 = _mm_xor_si128(m2, m0); m1 = _mm_sha1msg2_epu32(m1, m0)
        group(&abcd, &previous, m1, 2); m0 = _mm_sha1msg1_epu32(m0, m1); m3 = _mm_xor_si128(m3, m1); m2 = _mm_sha1msg2_epu32(m2, m1)
        group(&abcd, &previous, m2, 2); m1 = _mm_sha1msg1_epu32(m1, m2); m0 = _mm_xor_si128(m0, m2); m3 = _mm_sha1msg2_epu32(m3, m2)
        // Rounds 60–79: parity; the schedule winds down (W[76..79] is the last set).
        group(&abcd, &previous, m3, 3); m2 = _mm_sha1msg1_epu32(m2, m3); m1 = _mm_xor_si128(m1, m3); m0 = _mm_sha1msg2_epu32(m0, m3)
        group(&abcd, &previous, m0, 3); m3 = _mm_sha1msg1_epu32(m3, m0); m2 = _mm_xor_si128(m2, m0); m1 = _mm_sha1msg2_epu32(m1, m0)
        group(&abcd, &previous, m1, 3); m3 = _mm_xor_si128(m3, m1); m2 = _mm_sha1msg2_epu32(m2, m1)
        group(&abcd, &previous, m2, 3); m3 = _mm_sha1msg2_epu32(m3, m2)
        group(&abcd, &previous, m3, 3)
        // §6.1.2 step 4: add the working variables to the state; e comes out of the last
        // group's `previous` the same way it went in.
        e = _mm_sha1nexte_epu32(previous, savedE)
        abcd = _mm_add_epi32(abcd, savedABCD)
    }

    /// Four rounds on the words `w` (W[t] in the highest lane), with the e that `previous`
    /// implies; `previous` becomes the state before these rounds.
    @inline(__always)
    static func group(_ abcd: inout __m128i, _ previous: inout __m128i, _ w: __m128i, _ function: Int) {
        let ew = _mm_sha1nexte_epu32(previous, w)
        previous = abcd
        abcd = rounds(abcd, ew, function)
    }

    /// `sha1rnds4` with round function and constant `function` (0: rounds 0–19, 1: 20–39,
    /// 2: 40–59, 3: 60–79). The selector is an immediate, and `_mm_sha1rnds4_epu32` is a C
    /// macro that does not import, so the LLVM intrinsic is called with a literal; callers
    /// pass a constant, and the switch folds away once this is inlined.
    @inline(__always)
    static func rounds(_ abcd: __m128i, _ ew: __m128i, _ function: Int) -> __m128i {
        let x = unsafeBitCast(abcd, to: SIMD4<Int32>.self)._storage._value
        let y = unsafeBitCast(ew, to: SIMD4<Int32>.self)._storage._value
        switch function {
        case 0: return unsafeBitCast(Builtin.int_x86_sha1rnds4(x, y, Int8(0)._value), to: __m128i.self)
        case 1: return unsafeBitCast(Builtin.int_x86_sha1rnds4(x, y, Int8(1)._value), to: __m128i.self)
        case 2: return unsafeBitCast(Builtin.int_x86_sha1rnds4(x, y, Int8(2)._value), to: __m128i.self)
        default: return unsafeBitCast(Builtin.int_x86_sha1rnds4(x, y, Int8(3)._value), to: __m128i.self)
        }
    }

    /// Four big-endian message words from `block + offset`, W[t] in the highest lane: all 16
    /// bytes reversed with one `pshufb`.
    @inline(__always)
    static func loadWords(_ block: UnsafeRawPointer, _ offset: Int) -> __m128i {
        let reverse = unsafeBitCast(SIMD16<UInt8>(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0), to: __m128i.self)
        return _mm_shuffle_epi8(block.loadUnaligned(fromByteOffset: offset, as: __m128i.self), reverse)
    }

    /// A vector from four lanes, lowest first.
    @inline(__always)
    static func vector(_ l0: UInt32, _ l1: UInt32, _ l2: UInt32, _ l3: UInt32) -> __m128i {
        unsafeBitCast(SIMD4<UInt32>(l0, l1, l2, l3), to: __m128i.self)
    }
}
