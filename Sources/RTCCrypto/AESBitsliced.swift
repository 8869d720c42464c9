/// A constant-time AES core: four blocks at a time in bit-sliced form.
///
/// The 64 bytes of four blocks are held as eight 64-bit words, one per bit position: bit `j`
/// of plane `b` is bit `b` of byte `j` (byte `j` belongs to block `j / 16`, column-major
/// position `j % 16`). SubBytes is then a Boolean circuit evaluated on whole words, so no
/// table is indexed by secret data and no branch depends on it; ShiftRows and MixColumns are
/// fixed bit permutations and XORs.
struct BitslicedAES: Sendable {
    /// Eight bit planes.
    typealias Planes = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// Round keys, bit-sliced and repeated in each of the four block lanes.
    let roundKeys: [Planes]
    /// The same schedule as bytes, (rounds + 1) × 16 in FIPS 197 order, for the AES-NI path.
    let scheduleBytes: [UInt8]

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
        var keys: [Planes] = []
        var schedule: [UInt8] = []
        for word in words { schedule.appendBigEndian(word) }
        scheduleBytes = schedule
        for round in 0...rounds {
            var block = [UInt8](repeating: 0, count: 64)
            for column in 0..<4 {
                let word = words[4 * round + column]
                for row in 0..<4 {
                    let byte = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * row))
                    for lane in 0..<4 { block[16 * lane + 4 * column + row] = byte }
                }
            }
            keys.append(BitslicedAES.slice(block))
        }
        roundKeys = keys
    }

    var rounds: Int { roundKeys.count - 1 }

    /// S-box applied to each byte of a word, through the circuit (the key is secret too).
    static func subWord(_ word: UInt32) -> UInt32 {
        var bytes = [UInt8](repeating: 0, count: 64)
        for i in 0..<4 { bytes[i] = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * i)) }
        var planes = slice(bytes)
        subBytes(&planes)
        let out = unslice(planes)
        return UInt32(out[0]) << 24 | UInt32(out[1]) << 16 | UInt32(out[2]) << 8 | UInt32(out[3])
    }

    /// Encrypts four blocks (64 bytes, bit-sliced) in place.
    func encrypt(_ q: inout Planes) {
        roundKeys.withUnsafeBufferPointer { keys in
            BitslicedAES.addRoundKey(&q, keys[0])
            for round in 1..<keys.count {
                BitslicedAES.subBytes(&q)
                BitslicedAES.shiftRows(&q)
                if round != keys.count - 1 { BitslicedAES.mixColumns(&q) }
                BitslicedAES.addRoundKey(&q, keys[round])
            }
        }
    }

    // MARK: - Layout

    /// The transpose of an 8×8 bit matrix held in a word (row `r` = byte `r`).
    @inline(__always) static func transpose8x8(_ x: UInt64) -> UInt64 {
        var x = x
        var t = (x ^ (x >> 7)) & 0x00aa_00aa_00aa_00aa; x ^= t ^ (t << 7)
        t = (x ^ (x >> 14)) & 0x0000_cccc_0000_cccc; x ^= t ^ (t << 14)
        t = (x ^ (x >> 28)) & 0x0000_0000_f0f0_f0f0; x ^= t ^ (t << 28)
        return x
    }

    /// 64 bytes → eight bit planes.
    static func slice(_ bytes: UnsafeRawBufferPointer) -> Planes {
        var q: Planes = (0, 0, 0, 0, 0, 0, 0, 0)
        for k in 0..<8 {
            let t = transpose8x8(bytes.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self).littleEndian)
            // Byte b of t holds bit b of the eight bytes 8k…8k+7; it becomes byte k of plane b.
            let shift = UInt64(8 * k)
            q.0 |= (t & 0xff) << shift
            q.1 |= ((t >> 8) & 0xff) << shift
            q.2 |= ((t >> 16) & 0xff) << shift
            q.3 |= ((t >> 24) & 0xff) << shift
            q.4 |= ((t >> 32) & 0xff) << shift
            q.5 |= ((t >> 40) & 0xff) << shift
            q.6 |= ((t >> 48) & 0xff) << shift
            q.7 |= (t >> 56) << shift
        }
        return q
    }

    static func slice(_ bytes: [UInt8]) -> Planes {
        bytes.withUnsafeBytes { slice($0) }
    }

    /// Eight bit planes → 64 bytes, written to `output`.
    static func unslice(_ q: Planes, into output: UnsafeMutableRawBufferPointer) {
        for k in 0..<8 {
            let shift = UInt64(8 * k)
            var t = (q.0 >> shift) & 0xff
            t |= ((q.1 >> shift) & 0xff) << 8
            t |= ((q.2 >> shift) & 0xff) << 16
            t |= ((q.3 >> shift) & 0xff) << 24
            t |= ((q.4 >> shift) & 0xff) << 32
            t |= ((q.5 >> shift) & 0xff) << 40
            t |= ((q.6 >> shift) & 0xff) << 48
            t |= ((q.7 >> shift) & 0xff) << 56
            output.storeBytes(of: transpose8x8(t).littleEndian, toByteOffset: 8 * k, as: UInt64.self)
        }
    }

    static func unslice(_ q: Planes) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        out.withUnsafeMutableBytes { unslice(q, into: $0) }
        return out
    }

    // MARK: - Round functions

    @inline(__always) static func addRoundKey(_ q: inout Planes, _ k: Planes) {
        q.0 ^= k.0; q.1 ^= k.1; q.2 ^= k.2; q.3 ^= k.3; q.4 ^= k.4; q.5 ^= k.5; q.6 ^= k.6; q.7 ^= k.7
    }

    /// ShiftRows on one plane: row r (bits r, r+4, r+8, r+12 of each 16-bit block lane)
    /// rotates left by r columns, i.e. the byte at column c moves to column c − r.
    @inline(__always) static func shiftRows(_ x: UInt64) -> UInt64 {
        let row0 = x & 0x1111_1111_1111_1111
        let row1 = x & 0x2222_2222_2222_2222
        let row2 = x & 0x4444_4444_4444_4444
        let row3 = x & 0x8888_8888_8888_8888
        // Within each 16-bit lane: a right rotation by 4r bits.
        let r1 = ((row1 >> 4) & 0x0fff_0fff_0fff_0fff) | ((row1 << 12) & 0xf000_f000_f000_f000)
        let r2 = ((row2 >> 8) & 0x00ff_00ff_00ff_00ff) | ((row2 << 8) & 0xff00_ff00_ff00_ff00)
        let r3 = ((row3 >> 12) & 0x000f_000f_000f_000f) | ((row3 << 4) & 0xfff0_fff0_fff0_fff0)
        return row0 | r1 | r2 | r3
    }

    static func shiftRows(_ q: inout Planes) {
        q.0 = shiftRows(q.0); q.1 = shiftRows(q.1); q.2 = shiftRows(q.2); q.3 = shiftRows(q.3)
        q.4 = shiftRows(q.4); q.5 = shiftRows(q.5); q.6 = shiftRows(q.6); q.7 = shiftRows(q.7)
    }

    /// Each byte replaced by the byte one row down in its column (rows are the bits of a nibble).
    @inline(__always) static func nextRow(_ x: UInt64) -> UInt64 {
        ((x >> 1) & 0x7777_7777_7777_7777) | ((x << 3) & 0x8888_8888_8888_8888)
    }

    /// MixColumns (FIPS 197 §5.1.3): b_r = 2·(a_r ⊕ a_{r+1}) ⊕ a_{r+1} ⊕ a_{r+2} ⊕ a_{r+3}.
    static func mixColumns(_ q: inout Planes) {
        @inline(__always) func parts(_ a: UInt64) -> (t: UInt64, rest: UInt64) {
            let n1 = nextRow(a), n2 = nextRow(n1)
            return (a ^ n1, n1 ^ n2 ^ nextRow(n2))
        }
        let p0 = parts(q.0), p1 = parts(q.1), p2 = parts(q.2), p3 = parts(q.3)
        let p4 = parts(q.4), p5 = parts(q.5), p6 = parts(q.6), p7 = parts(q.7)
        // xtime on planes: multiply by x modulo x^8 + x^4 + x^3 + x + 1.
        let high = p7.t
        q = (high ^ p0.rest, p0.t ^ high ^ p1.rest, p1.t ^ p2.rest, p2.t ^ high ^ p3.rest,
             p3.t ^ high ^ p4.rest, p4.t ^ p5.rest, p5.t ^ p6.rest, p6.t ^ p7.rest)
    }

    /// SubBytes on 64 bytes at once: the S-box as the Boyar–Peralta circuit (J. Boyar and
    /// R. Peralta, "A depth-16 circuit for the AES S-box", 2011): a top linear layer, a shared
    /// non-linear core of 32 AND gates computing the GF(2^8) inverse, and a bottom linear
    /// layer that also applies the affine map. Plane 0 holds the least significant bit.
    static func subBytes(_ q: inout Planes) {
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
