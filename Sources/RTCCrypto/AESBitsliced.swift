/// A constant-time AES core: sixteen blocks at a time in bit-sliced form.
///
/// The 256 bytes of sixteen blocks are held as eight bit planes, one per bit position of a
/// byte (plane 0 holds the least significant bit). A plane is a `SIMD4<UInt64>`: each of its
/// four 64-bit lanes holds one row of the AES state (FIPS 197 §3.4) for all sixteen blocks,
/// as four 16-bit groups, one per column, each with one bit per block. SubBytes is then a
/// Boolean circuit evaluated on whole planes, so no table is indexed by secret data and no
/// branch depends on it; ShiftRows permutes the 16-bit groups inside a lane and MixColumns
/// combines lanes (rows), both fixed permutations and XORs.
///
/// The vector type is plain Swift (no intrinsics); the compiler lowers it to whatever the
/// target has (two SSE2 registers per plane on baseline x86-64, NEON on ARM).
///
/// Layout in detail, chosen so that slicing is five bit-matrix swaps (see ``transpose(_:)``):
/// - lane ℓ holds row `[0, 2, 1, 3][ℓ]`;
/// - within a lane, 16-bit group `g` holds column `[0, 2, 1, 3][g]`;
/// - within a group, bit `j` belongs to block `2·(j & 7) + (j >> 3)` (any fixed order of the
///   blocks would do: blocks never mix, and ``transpose(_:)`` is its own inverse).
struct BitslicedAES: Sendable {
    /// One bit plane of sixteen blocks.
    typealias Plane = SIMD4<UInt64>
    /// Eight bit planes; `.0` holds the least significant bit of every byte.
    typealias Planes = (Plane, Plane, Plane, Plane, Plane, Plane, Plane, Plane)

    /// Blocks processed by one evaluation of the circuit.
    static let batchBlockCount = 16
    /// Bytes processed by one evaluation of the circuit.
    static let batchByteCount = 256
    /// 64-bit words in a batch.
    static let batchWordCount = 32

    /// Round keys, bit-sliced and repeated in every block: eight planes per round, rounds + 1
    /// rounds. Sliced once here so that encryption never re-slices them.
    let roundKeys: [Plane]
    /// The same schedule as bytes, (rounds + 1) × 16 in FIPS 197 order, for the AES-NI path.
    let scheduleBytes: [UInt8]
    /// Nr: 10, 12 or 14.
    let rounds: Int

    /// Expands a 16-, 24- or 32-byte key (FIPS 197 §5.2).
    init(key: [UInt8]) {
        precondition([16, 24, 32].contains(key.count), "AES keys are 16, 24 or 32 bytes")
        let nk = key.count / 4
        let rounds = nk + 6
        var words: [UInt32] = []
        for i in 0..<nk {
            let high = UInt32(key[4 * i]) << 24 | UInt32(key[4 * i + 1]) << 16
            words.append(high | UInt32(key[4 * i + 2]) << 8 | UInt32(key[4 * i + 3]))
        }
        var rcon: UInt32 = 0x01
        for i in nk..<(4 * (rounds + 1)) {
            var temp = words[i - 1]
            if i % nk == 0 {
                temp = BitslicedAES.subWord((temp << 8) | (temp >> 24)) ^ (rcon << 24)
                rcon = (rcon << 1) ^ (((rcon >> 7) & 1) * 0x11b)
            } else if nk > 6, i % nk == 4 {
                temp = BitslicedAES.subWord(temp)
            }
            words.append(words[i - nk] ^ temp)
        }
        var schedule: [UInt8] = []
        for word in words { schedule.appendBigEndian(word) }
        scheduleBytes = schedule
        self.rounds = rounds
        var keys: [Plane] = []
        keys.reserveCapacity(8 * (rounds + 1))
        for round in 0...rounds {
            // The round key in each of the sixteen blocks, then sliced like data.
            var batch = [UInt8](repeating: 0, count: BitslicedAES.batchByteCount)
            for block in 0..<BitslicedAES.batchBlockCount {
                for i in 0..<16 { batch[16 * block + i] = schedule[16 * round + i] }
            }
            let q = BitslicedAES.slice(batch)
            keys += [q.0, q.1, q.2, q.3, q.4, q.5, q.6, q.7]
        }
        roundKeys = keys
    }

    /// S-box applied to each byte of a word, through the circuit (the key is secret too).
    static func subWord(_ word: UInt32) -> UInt32 {
        var bytes = [UInt8](repeating: 0, count: batchByteCount)
        for i in 0..<4 { bytes[i] = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * i)) }
        var planes = slice(bytes)
        subBytes(&planes)
        let out = unslice(planes)
        return UInt32(out[0]) << 24 | UInt32(out[1]) << 16 | UInt32(out[2]) << 8 | UInt32(out[3])
    }

    /// Encrypts sixteen blocks held as 32 words in place. Word `2k` holds bytes 0…7 of block
    /// `k` and word `2k + 1` bytes 8…15, each read as a little-endian integer (what a plain
    /// load gives on a little-endian machine). Allocates nothing.
    func encrypt(words: UnsafeMutablePointer<UInt64>) {
        BitslicedAES.transpose(words)
        let raw = UnsafeMutableRawPointer(words)
        var q: Planes = (raw.loadUnaligned(as: Plane.self), raw.loadUnaligned(fromByteOffset: 32, as: Plane.self),
                         raw.loadUnaligned(fromByteOffset: 64, as: Plane.self), raw.loadUnaligned(fromByteOffset: 96, as: Plane.self),
                         raw.loadUnaligned(fromByteOffset: 128, as: Plane.self), raw.loadUnaligned(fromByteOffset: 160, as: Plane.self),
                         raw.loadUnaligned(fromByteOffset: 192, as: Plane.self), raw.loadUnaligned(fromByteOffset: 224, as: Plane.self))
        encrypt(&q)
        raw.storeBytes(of: q.0, as: Plane.self)
        raw.storeBytes(of: q.1, toByteOffset: 32, as: Plane.self)
        raw.storeBytes(of: q.2, toByteOffset: 64, as: Plane.self)
        raw.storeBytes(of: q.3, toByteOffset: 96, as: Plane.self)
        raw.storeBytes(of: q.4, toByteOffset: 128, as: Plane.self)
        raw.storeBytes(of: q.5, toByteOffset: 160, as: Plane.self)
        raw.storeBytes(of: q.6, toByteOffset: 192, as: Plane.self)
        raw.storeBytes(of: q.7, toByteOffset: 224, as: Plane.self)
        BitslicedAES.transpose(words)
    }

    /// Encrypts sixteen bit-sliced blocks in place.
    func encrypt(_ q: inout Planes) {
        roundKeys.withUnsafeBufferPointer { keys in
            let keys = keys.baseAddress!
            BitslicedAES.addRoundKey(&q, keys)
            for round in 1..<rounds {
                BitslicedAES.subBytes(&q)
                BitslicedAES.shiftRows(&q)
                BitslicedAES.mixColumns(&q)
                BitslicedAES.addRoundKey(&q, keys + 8 * round)
            }
            BitslicedAES.subBytes(&q)
            BitslicedAES.shiftRows(&q)
            BitslicedAES.addRoundKey(&q, keys + 8 * rounds)
        }
    }

    // MARK: - Layout

    /// Exchanges the bits of `x0` at positions with bit `log2(shift)` set with the bits of
    /// `x1` `shift` places lower (`mask` marks those lower positions): a transposition of
    /// two index bits, one inside the word and one choosing between the words.
    @inline(__always) static func swapMove(_ x0: inout UInt64, _ x1: inout UInt64, shift: UInt64, mask: UInt64) {
        let t = ((x0 &>> shift) ^ x1) & mask
        x1 ^= t
        x0 ^= t &<< shift
    }

    /// Converts 32 words between the byte layout and the plane layout, in place; its own
    /// inverse. The 2048 bits are indexed by 11 bits: the word's index `m` (5 bits) and the
    /// bit's position in the word (6 bits). In byte layout (`m = 2·block + column/2`, the bit
    /// at `32·(column & 1) + 8·row + bit`) five index bits are exchanged pairwise — m₀ with
    /// position bit 4, m₁ with 3, m₂ with 0, m₃ with 1, m₄ with 2 — which leaves plane `i`,
    /// row lanes `[0, 2, 1, 3]`, in words `4i…4i + 3`, and the column and block bits inside
    /// the words as ``BitslicedAES`` describes. The five exchanges touch disjoint index bits,
    /// so they commute and the whole is an involution.
    @inline(__always) static func transpose(_ w: UnsafeMutablePointer<UInt64>) {
        for m in stride(from: 0, to: 32, by: 2) {
            swapMove(&w[m], &w[m + 1], shift: 16, mask: 0x0000_ffff_0000_ffff)
        }
        for m in stride(from: 0, to: 32, by: 4) {
            swapMove(&w[m], &w[m + 2], shift: 8, mask: 0x00ff_00ff_00ff_00ff)
            swapMove(&w[m + 1], &w[m + 3], shift: 8, mask: 0x00ff_00ff_00ff_00ff)
        }
        for m in 0..<32 where m & 4 == 0 { swapMove(&w[m], &w[m + 4], shift: 1, mask: 0x5555_5555_5555_5555) }
        for m in 0..<32 where m & 8 == 0 { swapMove(&w[m], &w[m + 8], shift: 2, mask: 0x3333_3333_3333_3333) }
        for m in 0..<16 { swapMove(&w[m], &w[m + 16], shift: 4, mask: 0x0f0f_0f0f_0f0f_0f0f) }
    }

    /// 256 bytes → eight bit planes (for the key schedule and tests; not on the data path).
    static func slice(_ bytes: [UInt8]) -> Planes {
        precondition(bytes.count == batchByteCount, "a batch is 256 bytes")
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: batchWordCount) { words in
            let w = words.baseAddress!
            bytes.withUnsafeBytes { raw in
                for m in 0..<batchWordCount { w[m] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * m, as: UInt64.self)) }
            }
            transpose(w)
            let raw = UnsafeRawPointer(w)
            return (raw.loadUnaligned(as: Plane.self), raw.loadUnaligned(fromByteOffset: 32, as: Plane.self),
                    raw.loadUnaligned(fromByteOffset: 64, as: Plane.self), raw.loadUnaligned(fromByteOffset: 96, as: Plane.self),
                    raw.loadUnaligned(fromByteOffset: 128, as: Plane.self), raw.loadUnaligned(fromByteOffset: 160, as: Plane.self),
                    raw.loadUnaligned(fromByteOffset: 192, as: Plane.self), raw.loadUnaligned(fromByteOffset: 224, as: Plane.self))
        }
    }

    /// Eight bit planes → 256 bytes (for the key schedule and tests).
    static func unslice(_ q: Planes) -> [UInt8] {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: batchWordCount) { words in
            let w = words.baseAddress!
            let raw = UnsafeMutableRawPointer(w)
            for (i, plane) in [q.0, q.1, q.2, q.3, q.4, q.5, q.6, q.7].enumerated() {
                raw.storeBytes(of: plane, toByteOffset: 32 * i, as: Plane.self)
            }
            transpose(w)
            var out = [UInt8](repeating: 0, count: batchByteCount)
            out.withUnsafeMutableBytes { bytes in
                for m in 0..<batchWordCount { bytes.storeBytes(of: w[m].littleEndian, toByteOffset: 8 * m, as: UInt64.self) }
            }
            return out
        }
    }

    // MARK: - Round functions

    @inline(__always) static func addRoundKey(_ q: inout Planes, _ k: UnsafePointer<Plane>) {
        q.0 ^= k[0]; q.1 ^= k[1]; q.2 ^= k[2]; q.3 ^= k[3]; q.4 ^= k[4]; q.5 ^= k[5]; q.6 ^= k[6]; q.7 ^= k[7]
    }

    /// ShiftRows (FIPS 197 §5.1.2) on one plane: in the lane of row r the column groups
    /// rotate so that column c receives column c + r (mod 4). With columns stored in group
    /// order [0, 2, 1, 3] this is a fixed permutation of the sixteen 16-bit groups.
    @inline(__always) static func shiftRows(_ x: Plane) -> Plane {
        #if _endian(little)
        // Group g of lane ℓ is 16-bit element 4ℓ + g; the compiler emits word shuffles.
        let h = unsafeBitCast(x, to: SIMD16<UInt16>.self)
        let shifted = SIMD16<UInt16>(h[0], h[1], h[2], h[3],      // row 0: unchanged
                                     h[5], h[4], h[7], h[6],      // row 2: columns c + 2
                                     h[10], h[11], h[9], h[8],    // row 1: columns c + 1
                                     h[15], h[14], h[12], h[13])  // row 3: columns c + 3
        return unsafeBitCast(shifted, to: Plane.self)
        #else
        @inline(__always) func group(_ lane: UInt64, _ g: UInt64) -> UInt64 { (lane >> (16 * g)) & 0xffff }
        @inline(__always) func groups(_ lane: UInt64, _ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> UInt64 {
            group(lane, a) | group(lane, b) << 16 | group(lane, c) << 32 | group(lane, d) << 48
        }
        return Plane(x[0], groups(x[1], 1, 0, 3, 2), groups(x[2], 2, 3, 1, 0), groups(x[3], 3, 2, 0, 1))
        #endif
    }

    @inline(__always) static func shiftRows(_ q: inout Planes) {
        q.0 = shiftRows(q.0); q.1 = shiftRows(q.1); q.2 = shiftRows(q.2); q.3 = shiftRows(q.3)
        q.4 = shiftRows(q.4); q.5 = shiftRows(q.5); q.6 = shiftRows(q.6); q.7 = shiftRows(q.7)
    }

    /// Each row replaced by the next one down (row r receives row r + 1 mod 4): with lanes
    /// holding rows [0, 2, 1, 3], lanes (2, 3, 1, 0).
    @inline(__always) static func nextRow(_ x: Plane) -> Plane {
        Plane(x[2], x[3], x[1], x[0])
    }

    /// Each row replaced by the one two further down (row r receives row r + 2 mod 4).
    @inline(__always) static func rowPlusTwo(_ x: Plane) -> Plane {
        Plane(x[1], x[0], x[3], x[2])
    }

    /// MixColumns (FIPS 197 §5.1.3): b_r = 2·(a_r ⊕ a_{r+1}) ⊕ a_{r+1} ⊕ a_{r+2} ⊕ a_{r+3},
    /// with t = a ⊕ next(a) the last two terms are rowPlusTwo(t), and 2· is xtime on planes
    /// (multiplication by x modulo x^8 + x^4 + x^3 + x + 1: plane 7 folds into 0, 1, 3, 4).
    @inline(__always) static func mixColumns(_ q: inout Planes) {
        let r0 = nextRow(q.0), r1 = nextRow(q.1), r2 = nextRow(q.2), r3 = nextRow(q.3)
        let r4 = nextRow(q.4), r5 = nextRow(q.5), r6 = nextRow(q.6), r7 = nextRow(q.7)
        let t0 = q.0 ^ r0, t1 = q.1 ^ r1, t2 = q.2 ^ r2, t3 = q.3 ^ r3
        let t4 = q.4 ^ r4, t5 = q.5 ^ r5, t6 = q.6 ^ r6, t7 = q.7 ^ r7
        q.0 = t7 ^ r0 ^ rowPlusTwo(t0)
        q.1 = t0 ^ t7 ^ r1 ^ rowPlusTwo(t1)
        q.2 = t1 ^ r2 ^ rowPlusTwo(t2)
        q.3 = t2 ^ t7 ^ r3 ^ rowPlusTwo(t3)
        q.4 = t3 ^ t7 ^ r4 ^ rowPlusTwo(t4)
        q.5 = t4 ^ r5 ^ rowPlusTwo(t5)
        q.6 = t5 ^ r6 ^ rowPlusTwo(t6)
        q.7 = t6 ^ r7 ^ rowPlusTwo(t7)
    }

    /// SubBytes on 256 bytes at once: the S-box as the Boyar–Peralta circuit (J. Boyar and
    /// R. Peralta, "A depth-16 circuit for the AES S-box", 2011): a top linear layer, a shared
    /// non-linear core of 32 AND gates computing the GF(2^8) inverse, and a bottom linear
    /// layer that also applies the affine map. Plane 0 holds the least significant bit.
    @inline(__always) static func subBytes(_ q: inout Planes) {
        let x0 = q.7, x1 = q.6, x2 = q.5, x3 = q.4, x4 = q.3, x5 = q.2, x6 = q.1, x7 = q.0

        // Top linear transformation.
        let y14 = x3 ^ x5, y13 = x0 ^ x6, y9 = x0 ^ x3, y8 = x0 ^ x5
        let t0 = x1 ^ x2
        let y1 = t0 ^ x7, y4 = y1 ^ x3, y12 = y13 ^ y14, y2 = y1 ^ x0, y5 = y1 ^ x6, y3 = y5 ^ y8
        let t1 = x4 ^ y12
        let y15 = t1 ^ x5, y20 = t1 ^ x1, y6 = y15 ^ x7, y10 = y15 ^ t0, y11 = y20 ^ y9, y7 = x7 ^ y11
        let y17 = y10 ^ y11, y19 = y10 ^ y8, y16 = t0 ^ y11, y21 = y13 ^ y16, y18 = x0 ^ y16

        // Non-linear core.
        let t2 = y12 & y15, t3 = y3 & y6, t4 = t3 ^ t2, t5 = y4 & x7, t6 = t5 ^ t2
        let t7 = y13 & y16, t8 = y5 & y1, t9 = t8 ^ t7, t10 = y2 & y7, t11 = t10 ^ t7
        let t12 = y9 & y11, t13 = y14 & y17, t14 = t13 ^ t12, t15 = y8 & y10, t16 = t15 ^ t12
        let t17 = t4 ^ t14, t18 = t6 ^ t16, t19 = t9 ^ t14, t20 = t11 ^ t16
        let t21 = t17 ^ y20, t22 = t18 ^ y19, t23 = t19 ^ y21, t24 = t20 ^ y18

        let t25 = t21 ^ t22, t26 = t21 & t23, t27 = t24 ^ t26, t28 = t25 & t27, t29 = t28 ^ t22
        let t30 = t23 ^ t24, t31 = t22 ^ t26, t32 = t31 & t30, t33 = t32 ^ t24, t34 = t23 ^ t33
        let t35 = t27 ^ t33, t36 = t24 & t35, t37 = t36 ^ t34, t38 = t27 ^ t36, t39 = t29 & t38
        let t40 = t25 ^ t39

        let t41 = t40 ^ t37, t42 = t29 ^ t33, t43 = t29 ^ t40, t44 = t33 ^ t37, t45 = t42 ^ t41
        let z0 = t44 & y15, z1 = t37 & y6, z2 = t33 & x7, z3 = t43 & y16, z4 = t40 & y1, z5 = t29 & y7
        let z6 = t42 & y11, z7 = t45 & y17, z8 = t41 & y10, z9 = t44 & y12, z10 = t37 & y3, z11 = t33 & y4
        let z12 = t43 & y13, z13 = t40 & y5, z14 = t29 & y2, z15 = t42 & y9, z16 = t45 & y14, z17 = t41 & y8

        // Bottom linear transformation (with the affine constant as complements).
        let t46 = z15 ^ z16, t47 = z10 ^ z11, t48 = z5 ^ z13, t49 = z9 ^ z10, t50 = z2 ^ z12
        let t51 = z2 ^ z5, t52 = z7 ^ z8, t53 = z0 ^ z3, t54 = z6 ^ z7, t55 = z16 ^ z17
        let t56 = z12 ^ t48, t57 = t50 ^ t53, t58 = z4 ^ t46, t59 = z3 ^ t54, t60 = t46 ^ t57
        let t61 = z14 ^ t57, t62 = t52 ^ t58, t63 = t49 ^ t58, t64 = z4 ^ t59, t65 = t61 ^ t62
        let t66 = z1 ^ t63
        let s0 = t59 ^ t63, s6 = t56 ^ ~t62, s7 = t48 ^ ~t60
        let t67 = t64 ^ t65
        let s3 = t53 ^ t66, s4 = t51 ^ t66, s5 = t47 ^ t65, s1 = t64 ^ ~s3, s2 = t55 ^ ~t67

        q = (s7, s6, s5, s4, s3, s2, s1, s0)
    }
}
