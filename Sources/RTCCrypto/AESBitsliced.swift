/// A constant-time AES core: sixteen blocks at a time in bit-sliced form.
///
/// The 256 bytes of sixteen blocks are held as 32 words of 64 bits: for each bit position
/// `i` of a byte (0 the least significant) and each row `r` of the AES state (FIPS 197 §3.4),
/// one word holds bit `i` of the four bytes of row `r` of all sixteen blocks, as four 16-bit
/// groups, one per column, each with one bit per block. SubBytes is then a Boolean circuit
/// evaluated on whole words, so no table is indexed by secret data and no branch depends on
/// it; ShiftRows is a rotation of each row's words by a whole number of columns, and
/// MixColumns combines the words of different rows, which are plain variables.
///
/// Layout in detail, chosen so that converting to and from bytes is six bit-matrix swaps
/// (see ``slice(_:)``): bit `i` of row `r` is word `4·i + lane(r)`, with rows in lane order
/// [0, 2, 1, 3]; in a word, column `c` is bits `16·c…16·c + 15`; in a column group, bit `j`
/// belongs to block `2·(j & 7) + (j >> 3)` (any fixed order of the blocks would do: blocks
/// never mix).
///
/// Why plain `UInt64` words and not `SIMD` vectors: Swift's integer SIMD operators `&`, `^`
/// are per-lane loops that LLVM turns back into vector instructions only for shallow
/// expressions; the S-box circuit is too deep for that, and the result was scalar code with
/// moves between vector and integer registers. Scalar words with rows kept apart make the
/// linear layers almost free instead (a rotation per row, XORs between rows), and SubBytes,
/// written as a loop over the four rows, is widened by the loop vectorizer (two rows per
/// SSE2 register on baseline x86-64), which has no such depth limit.
struct BitslicedAES: Sendable {
    /// Blocks processed by one evaluation of the circuit.
    static let batchBlockCount = 16
    /// Bytes processed by one evaluation of the circuit.
    static let batchByteCount = 256
    /// 64-bit words in a batch.
    static let batchWordCount = 32

    /// The eight bit planes of one row, `.0` the least significant bit.
    typealias Row = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    /// One bit plane of the four rows, row 0 first.
    typealias Quad = (UInt64, UInt64, UInt64, UInt64)

    /// The S-box's affine constant (FIPS 197 §5.1.1), which the circuit leaves out: it is
    /// XORed into round keys 1…Nr instead. That is exact because ShiftRows moves whole bytes
    /// and MixColumns maps a column of four equal bytes c to itself (2c ⊕ 3c ⊕ c ⊕ c = c).
    static let affineConstant: UInt8 = 0x63

    /// Round keys 0…Nr, bit-sliced in the state's layout and repeated in all sixteen blocks,
    /// 32 words each; keys 1…Nr include the S-box's affine constant. Sliced once here so that
    /// encryption never re-slices them.
    let roundKeys: [UInt64]
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
        var keys: [UInt64] = []
        keys.reserveCapacity(BitslicedAES.batchWordCount * (rounds + 1))
        for round in 0...rounds {
            // The round key in each of the sixteen blocks, then sliced like data.
            let constant = round == 0 ? 0 : BitslicedAES.affineConstant
            var batch = [UInt8](repeating: 0, count: BitslicedAES.batchByteCount)
            for i in 0..<BitslicedAES.batchByteCount { batch[i] = schedule[16 * round + i % 16] ^ constant }
            keys += BitslicedAES.slice(batch)
        }
        roundKeys = keys
    }

    /// S-box applied to each byte of a word, through the circuit (the key is secret too).
    static func subWord(_ word: UInt32) -> UInt32 {
        var bytes = [UInt8](repeating: 0, count: batchByteCount)
        for i in 0..<4 { bytes[i] = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * i)) }
        var words = slice(bytes)
        words.withUnsafeMutableBufferPointer { subBytes($0.baseAddress!) }
        let out = unslice(words)
        let constant = UInt32(affineConstant) * 0x0101_0101
        return (UInt32(out[0]) << 24 | UInt32(out[1]) << 16 | UInt32(out[2]) << 8 | UInt32(out[3])) ^ constant
    }

    /// Encrypts sixteen blocks held as 32 words in place. Word `2k` holds bytes 0…7 of block
    /// `k` and word `2k + 1` bytes 8…15, each read as a little-endian integer (what a plain
    /// load gives on a little-endian machine). Allocates nothing.
    func encrypt(words: UnsafeMutablePointer<UInt64>) {
        BitslicedAES.slice(words)
        roundKeys.withUnsafeBufferPointer { keys in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: BitslicedAES.batchWordCount) { scratch in
                encryptSliced(words, keys: keys.baseAddress!, scratch: scratch.baseAddress!)
            }
        }
        BitslicedAES.unslice(words)
    }

    /// The cipher (FIPS 197 §5.1) on a bit-sliced state `q`; `scratch` is room for 32 more
    /// words. Each round's SubBytes works in place on one buffer; ShiftRows, MixColumns and
    /// AddRoundKey read it and write the other, and the two swap roles.
    @inline(__always) private func encryptSliced(_ q: UnsafeMutablePointer<UInt64>, keys: UnsafePointer<UInt64>,
                                                 scratch: UnsafeMutablePointer<UInt64>) {
        for j in 0..<BitslicedAES.batchWordCount { q[j] ^= keys[j] }
        var state = q, other = scratch
        for round in 1..<rounds {
            BitslicedAES.subBytes(state)
            BitslicedAES.shiftRowsMixColumnsAddRoundKey(from: state, into: other, key: keys + BitslicedAES.batchWordCount * round)
            swap(&state, &other)
        }
        BitslicedAES.subBytes(state)
        BitslicedAES.shiftRowsAddRoundKey(from: state, into: q, key: keys + BitslicedAES.batchWordCount * rounds)
    }

    // MARK: - Layout

    /// The word offset of row `r` within each group of four (rows in lane order [0, 2, 1, 3]).
    @inline(__always) static func lane(_ r: Int) -> Int { (r >> 1) | (r & 1) << 1 }

    /// The eight bit planes of row `r`.
    @inline(__always) static func loadRow(_ w: UnsafePointer<UInt64>, _ r: Int) -> Row {
        let l = lane(r)
        return (w[l], w[4 + l], w[8 + l], w[12 + l], w[16 + l], w[20 + l], w[24 + l], w[28 + l])
    }

    @inline(__always) static func loadRow(_ w: UnsafeMutablePointer<UInt64>, _ r: Int) -> Row {
        loadRow(UnsafePointer(w), r)
    }

    @inline(__always) static func storeRow(_ x: Row, _ w: UnsafeMutablePointer<UInt64>, _ r: Int) {
        let l = lane(r)
        w[l] = x.0; w[4 + l] = x.1; w[8 + l] = x.2; w[12 + l] = x.3
        w[16 + l] = x.4; w[20 + l] = x.5; w[24 + l] = x.6; w[28 + l] = x.7
    }

    /// Exchanges the bits of `x0` at positions with bit `log2(shift)` set with the bits of
    /// `x1` `shift` places lower (`mask` marks those lower positions): a transposition of
    /// two index bits, one inside the word and one choosing between the words.
    @inline(__always) static func swapMove(_ x0: inout UInt64, _ x1: inout UInt64, shift: UInt64, mask: UInt64) {
        let t = ((x0 &>> shift) ^ x1) & mask
        x1 ^= t
        x0 ^= t &<< shift
    }

    /// The exchanges inside each group of four words (`m₀`, `m₁`): m₀ with p₅ then with p₄,
    /// and m₁ with p₃; `inverse` undoes them (the first two in reverse order; the third
    /// touches other index bits and commutes with both).
    @inline(__always) static func exchangeWithinQuads(_ w: UnsafeMutablePointer<UInt64>, inverse: Bool) {
        for g in stride(from: 0, to: batchWordCount, by: 4) {
            var x0 = w[g], x1 = w[g + 1], x2 = w[g + 2], x3 = w[g + 3]
            if inverse {
                swapMove(&x0, &x1, shift: 16, mask: 0x0000_ffff_0000_ffff)
                swapMove(&x2, &x3, shift: 16, mask: 0x0000_ffff_0000_ffff)
                swapMove(&x0, &x1, shift: 32, mask: 0x0000_0000_ffff_ffff)
                swapMove(&x2, &x3, shift: 32, mask: 0x0000_0000_ffff_ffff)
            } else {
                swapMove(&x0, &x1, shift: 32, mask: 0x0000_0000_ffff_ffff)
                swapMove(&x2, &x3, shift: 32, mask: 0x0000_0000_ffff_ffff)
                swapMove(&x0, &x1, shift: 16, mask: 0x0000_ffff_0000_ffff)
                swapMove(&x2, &x3, shift: 16, mask: 0x0000_ffff_0000_ffff)
            }
            swapMove(&x0, &x2, shift: 8, mask: 0x00ff_00ff_00ff_00ff)
            swapMove(&x1, &x3, shift: 8, mask: 0x00ff_00ff_00ff_00ff)
            w[g] = x0; w[g + 1] = x1; w[g + 2] = x2; w[g + 3] = x3
        }
    }

    /// The exchanges across the groups of four (m₂, m₃, m₄ with p₀, p₁, p₂), each its own
    /// inverse and commuting with every other exchange. One iteration per position in the
    /// group, on its eight words; the iterations are independent, so the compiler may run
    /// two at once in vector registers.
    @inline(__always) static func exchangeAcrossQuads(_ w: UnsafeMutablePointer<UInt64>) {
        for j in 0..<4 {
            var x0 = w[j], x1 = w[4 + j], x2 = w[8 + j], x3 = w[12 + j]
            var x4 = w[16 + j], x5 = w[20 + j], x6 = w[24 + j], x7 = w[28 + j]
            swapMove(&x0, &x1, shift: 1, mask: 0x5555_5555_5555_5555)
            swapMove(&x2, &x3, shift: 1, mask: 0x5555_5555_5555_5555)
            swapMove(&x4, &x5, shift: 1, mask: 0x5555_5555_5555_5555)
            swapMove(&x6, &x7, shift: 1, mask: 0x5555_5555_5555_5555)
            swapMove(&x0, &x2, shift: 2, mask: 0x3333_3333_3333_3333)
            swapMove(&x1, &x3, shift: 2, mask: 0x3333_3333_3333_3333)
            swapMove(&x4, &x6, shift: 2, mask: 0x3333_3333_3333_3333)
            swapMove(&x5, &x7, shift: 2, mask: 0x3333_3333_3333_3333)
            swapMove(&x0, &x4, shift: 4, mask: 0x0f0f_0f0f_0f0f_0f0f)
            swapMove(&x1, &x5, shift: 4, mask: 0x0f0f_0f0f_0f0f_0f0f)
            swapMove(&x2, &x6, shift: 4, mask: 0x0f0f_0f0f_0f0f_0f0f)
            swapMove(&x3, &x7, shift: 4, mask: 0x0f0f_0f0f_0f0f_0f0f)
            w[j] = x0; w[4 + j] = x1; w[8 + j] = x2; w[12 + j] = x3
            w[16 + j] = x4; w[20 + j] = x5; w[24 + j] = x6; w[28 + j] = x7
        }
    }

    /// Byte layout → bit-sliced layout, in place. The 2048 bits are indexed by 11 bits: the
    /// word's index `m` (5 bits) and the bit's position `p` in the word (6 bits). In byte
    /// layout `m = 2·block + column/2` and `p = 32·(column & 1) + 8·row + bit`; six
    /// exchanges of index bits (m₀ with p₅, then m₀ with p₄; m₁ with p₃; m₂, m₃, m₄ with p₀,
    /// p₁, p₂) leave `m = 4·bit + lane(row)` and `p = 16·column + (block bits)`.
    @inline(__always) static func slice(_ w: UnsafeMutablePointer<UInt64>) {
        exchangeWithinQuads(w, inverse: false)
        exchangeAcrossQuads(w)
    }

    /// Bit-sliced layout → byte layout, in place: ``slice(_:)`` undone.
    @inline(__always) static func unslice(_ w: UnsafeMutablePointer<UInt64>) {
        exchangeAcrossQuads(w)
        exchangeWithinQuads(w, inverse: true)
    }

    /// 256 bytes → 32 bit-sliced words (for the key schedule and tests; not on the data path).
    static func slice(_ bytes: [UInt8]) -> [UInt64] {
        precondition(bytes.count == batchByteCount, "a batch is 256 bytes")
        var words = [UInt64](repeating: 0, count: batchWordCount)
        bytes.withUnsafeBytes { raw in
            words.withUnsafeMutableBufferPointer { w in
                for m in 0..<batchWordCount { w[m] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * m, as: UInt64.self)) }
                slice(w.baseAddress!)
            }
        }
        return words
    }

    /// 32 bit-sliced words → 256 bytes (for the key schedule and tests).
    static func unslice(_ words: [UInt64]) -> [UInt8] {
        precondition(words.count == batchWordCount, "a batch is 32 words")
        var words = words
        var out = [UInt8](repeating: 0, count: batchByteCount)
        words.withUnsafeMutableBufferPointer { w in
            unslice(w.baseAddress!)
            out.withUnsafeMutableBytes { bytes in
                for m in 0..<batchWordCount { bytes.storeBytes(of: w[m].littleEndian, toByteOffset: 8 * m, as: UInt64.self) }
            }
        }
        return out
    }

    // MARK: - Round functions

    /// `x` rotated right by `n` bits (0 < n < 64).
    @inline(__always) static func rotateRight(_ x: UInt64, _ n: UInt64) -> UInt64 { x &>> n | x &<< (64 - n) }

    /// SubBytes (FIPS 197 §5.1.1) on all 32 words in place. One S-box circuit per row; the
    /// loop over the four rows has no dependence between iterations and each iteration reads
    /// and writes only its own words, so the compiler may run two or four rows at once in
    /// vector registers.
    @inline(__always) static func subBytes(_ w: UnsafeMutablePointer<UInt64>) {
        for l in 0..<4 {
            let y = subBytes((w[l], w[4 + l], w[8 + l], w[12 + l], w[16 + l], w[20 + l], w[24 + l], w[28 + l]))
            w[l] = y.0; w[4 + l] = y.1; w[8 + l] = y.2; w[12 + l] = y.3
            w[16 + l] = y.4; w[20 + l] = y.5; w[24 + l] = y.6; w[28 + l] = y.7
        }
    }

    /// Row `r` of `w` after ShiftRows (FIPS 197 §5.1.2), which gives column c of row r the
    /// byte of column c + r: with a column per 16-bit group, a right rotation by 16·r bits.
    @inline(__always) static func shiftedRow(_ w: UnsafeMutablePointer<UInt64>, _ r: Int) -> Row {
        let x = loadRow(w, r)
        guard r > 0 else { return x }
        let n = UInt64(16 * r)
        return (rotateRight(x.0, n), rotateRight(x.1, n), rotateRight(x.2, n), rotateRight(x.3, n),
                rotateRight(x.4, n), rotateRight(x.5, n), rotateRight(x.6, n), rotateRight(x.7, n))
    }

    /// ShiftRows, MixColumns (FIPS 197 §5.1.3) and AddRoundKey (§5.1.4), from `s` into `q`:
    /// b_r = 2·(a_r ⊕ a_{r+1}) ⊕ (a_{r+1} ⊕ a_{r+2} ⊕ a_{r+3}), the last term being the XOR of
    /// all four rows with a_r taken out again. 2· is xtime on bit planes: multiplication by x
    /// modulo x^8 + x^4 + x^3 + x + 1, so plane i receives plane i − 1, and plane 7 also
    /// folds into planes 0, 1, 3 and 4. Worked plane by plane (the four rows of one bit at a
    /// time) so that few values are live at once.
    @inline(__always) static func shiftRowsMixColumnsAddRoundKey(from s: UnsafeMutablePointer<UInt64>, into q: UnsafeMutablePointer<UInt64>,
                                                                 key: UnsafePointer<UInt64>) {
        /// Plane `i` of the four rows after ShiftRows (a), their sums a_r ⊕ a_{r+1} (t), and
        /// the XOR of all four (all).
        @inline(__always) func plane(_ i: Int) -> (a: Quad, t: Quad, all: UInt64) {
            let a0 = s[4 * i + lane(0)], a1 = rotateRight(s[4 * i + lane(1)], 16)
            let a2 = rotateRight(s[4 * i + lane(2)], 32), a3 = rotateRight(s[4 * i + lane(3)], 48)
            return ((a0, a1, a2, a3), (a0 ^ a1, a1 ^ a2, a2 ^ a3, a3 ^ a0), a0 ^ a1 ^ a2 ^ a3)
        }
        let top = plane(7)
        /// Writes plane `i`, given plane i − 1 of t (`lower`); returns plane i of t.
        @inline(__always) func mix(_ i: Int, _ p: (a: Quad, t: Quad, all: UInt64), _ lower: Quad) -> Quad {
            // The reduction: plane 7 of t also lands in planes 1, 3 and 4.
            let fold: UInt64 = i == 1 || i == 3 || i == 4 ? .max : 0
            let k = key + 4 * i
            q[4 * i + lane(0)] = lower.0 ^ (top.t.0 & fold) ^ p.all ^ p.a.0 ^ k[lane(0)]
            q[4 * i + lane(1)] = lower.1 ^ (top.t.1 & fold) ^ p.all ^ p.a.1 ^ k[lane(1)]
            q[4 * i + lane(2)] = lower.2 ^ (top.t.2 & fold) ^ p.all ^ p.a.2 ^ k[lane(2)]
            q[4 * i + lane(3)] = lower.3 ^ (top.t.3 & fold) ^ p.all ^ p.a.3 ^ k[lane(3)]
            return p.t
        }
        // Written out (not a loop) so that every index and `fold` is a constant. Plane 0
        // receives plane 7 of t.
        var lower = mix(0, plane(0), top.t)
        lower = mix(1, plane(1), lower)
        lower = mix(2, plane(2), lower)
        lower = mix(3, plane(3), lower)
        lower = mix(4, plane(4), lower)
        lower = mix(5, plane(5), lower)
        lower = mix(6, plane(6), lower)
        _ = mix(7, top, lower)
    }

    /// The last round's ShiftRows and AddRoundKey (no MixColumns), from `s` into `q`, which
    /// may be the same buffer.
    @inline(__always) static func shiftRowsAddRoundKey(from s: UnsafeMutablePointer<UInt64>, into q: UnsafeMutablePointer<UInt64>,
                                                       key: UnsafePointer<UInt64>) {
        for r in 0..<4 {
            let a = shiftedRow(s, r), k = loadRow(key, r)
            storeRow((a.0 ^ k.0, a.1 ^ k.1, a.2 ^ k.2, a.3 ^ k.3, a.4 ^ k.4, a.5 ^ k.5, a.6 ^ k.6, a.7 ^ k.7), q, r)
        }
    }

    /// SubBytes on one row of sixteen blocks: the S-box as the Boyar–Peralta circuit (J. Boyar
    /// and R. Peralta, "A depth-16 circuit for the AES S-box", 2011): a top linear layer, a
    /// shared non-linear core of 32 AND gates computing the GF(2^8) inverse, and a bottom
    /// linear layer that applies the affine map's matrix. The affine constant
    /// (``affineConstant``) is not added here: the round keys carry it.
    @inline(__always) static func subBytes(_ q: Row) -> Row {
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

        // Bottom linear transformation; the affine constant's complements are left out.
        let t46 = z15 ^ z16, t47 = z10 ^ z11, t48 = z5 ^ z13, t49 = z9 ^ z10, t50 = z2 ^ z12
        let t51 = z2 ^ z5, t52 = z7 ^ z8, t53 = z0 ^ z3, t54 = z6 ^ z7, t55 = z16 ^ z17
        let t56 = z12 ^ t48, t57 = t50 ^ t53, t58 = z4 ^ t46, t59 = z3 ^ t54, t60 = t46 ^ t57
        let t61 = z14 ^ t57, t62 = t52 ^ t58, t63 = t49 ^ t58, t64 = z4 ^ t59, t65 = t61 ^ t62
        let t66 = z1 ^ t63
        let s0 = t59 ^ t63, s6 = t56 ^ t62, s7 = t48 ^ t60
        let t67 = t64 ^ t65
        let s3 = t53 ^ t66, s4 = t51 ^ t66, s5 = t47 ^ t65, s1 = t64 ^ s3, s2 = t55 ^ t67

        return (s7, s6, s5, s4, s3, s2, s1, s0)
    }
}
