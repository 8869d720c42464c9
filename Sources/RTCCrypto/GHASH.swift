#if Accelerated
import RTCCryptoAccelerated
import RTCCryptoVectorAES
#endif

/// A GHASH key H = E(K, 0^128) in the forms each backend needs, prepared once per AES key.
struct GHASHKey: Sendable {
    /// H, bit-reversed (the portable form).
    let h: (UInt64, UInt64)
    #if Accelerated
    /// Powers of H for the aggregated PCLMULQDQ kernel.
    let prepared: HardwareGHASHKey?
    /// The same powers in pairs for the 256-bit VPCLMULQDQ kernel (`.hardwareWide`).
    let wide: VectorGHASHKey?
    #else
    /// No hardware kernel in this build.
    var prepared: Never? { nil }
    #endif

    init(hashSubkey: [UInt8], backend: CryptoBackend) {
        let natural = GHASH.load(hashSubkey[...])
        h = GHASH.reversed(natural)
        #if Accelerated
        let backend = backend.resolved(for: .aes)
        wide = backend == .hardwareWide ? VectorGHASHKey(h: (natural.0, natural.1)) : nil
        prepared = wide?.narrow ?? (backend == .hardware ? HardwareGHASHKey(h: (natural.0, natural.1)) : nil)
        #endif
    }
}

/// GHASH (NIST SP 800-38D §6.4), constant-time: carry-less multiplication is done with
/// ordinary integer multiplications on operands whose bits are spread out with holes, so
/// that carries never reach a bit that is kept; there are no tables and no data-dependent
/// branches.
///
/// GCM numbers the coefficients of a block from its most significant bit (x^0) down. The
/// state is kept bit-reversed (coefficient of x^i at bit i), where the product is a plain
/// carry-less product reduced modulo x^128 + x^7 + x^2 + x + 1.
struct GHASH: Sendable {
    private let key: GHASHKey
    /// The running value: bit-reversed on the portable path, big-endian halves (the form the
    /// PCLMULQDQ kernel works in) on the hardware path.
    private var state: (UInt64, UInt64) = (0, 0)

    /// A GHASH keyed with H = E(K, 0^128), on `backend`.
    init(hashSubkey: [UInt8], backend: CryptoBackend = .portable) {
        key = GHASHKey(hashSubkey: hashSubkey, backend: backend)
    }

    /// A GHASH with a key prepared once (per AES-GCM key).
    init(key: GHASHKey) {
        self.key = key
    }

    /// Absorbs data padded with zeros to whole blocks.
    mutating func update(paddingToBlock data: UnsafeRawBufferPointer) {
        var offset = 0
        #if Accelerated
        if let prepared = key.prepared {
            let whole = data.count / 16 * 16
            var halves = (high: state.0, low: state.1)
            if let wide = key.wide {
                VectorGHASH.absorb(state: &halves, key: wide, blocks: UnsafeRawBufferPointer(rebasing: data[0..<whole]))
            } else {
                HardwareGHASH.absorb(state: &halves, key: prepared, blocks: UnsafeRawBufferPointer(rebasing: data[0..<whole]))
            }
            if whole < data.count {
                let tail = GHASH.loadPadded(UnsafeRawBufferPointer(rebasing: data[whole...]))
                HardwareGHASH.absorb(state: &halves, key: prepared, block: (tail.0, tail.1))
            }
            state = (halves.high, halves.low)
            return
        }
        #endif
        while offset < data.count {
            let take = min(16, data.count - offset)
            absorb(GHASH.loadPadded(UnsafeRawBufferPointer(rebasing: data[offset..<(offset + take)])))
            offset += take
        }
    }

    /// Absorbs the final length block: bit lengths of the AAD and the ciphertext.
    mutating func update(lengthsOfAAD aad: Int, ciphertext: Int) {
        absorb((UInt64(aad) &* 8, UInt64(ciphertext) &* 8))
    }

    /// The hash so far as big-endian halves (no allocation).
    var digestWords: (UInt64, UInt64) { key.prepared == nil ? GHASH.reversed(state) : state }

    /// The hash so far, as 16 bytes.
    var digest: [UInt8] {
        let value = digestWords
        var out: [UInt8] = []
        out.reserveCapacity(16)
        out.appendBigEndian(value.0)
        out.appendBigEndian(value.1)
        return out
    }

    /// Absorbs one block (big-endian halves).
    private mutating func absorb(_ block: (UInt64, UInt64)) {
        #if Accelerated
        if let prepared = key.prepared {
            var halves = (high: state.0, low: state.1)
            HardwareGHASH.absorb(state: &halves, key: prepared, block: (block.0, block.1))
            state = (halves.high, halves.low)
            return
        }
        #endif
        let x = GHASH.reversed(block)
        state = GHASH.multiply((state.0 ^ x.0, state.1 ^ x.1), key.h)
    }

    /// Up to 16 bytes as a big-endian block, zero-padded on the right.
    @inline(__always) static func loadPadded(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        if bytes.count == 16 {
            return (UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self)),
                    UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<bytes.count {
            if i < 8 { high |= UInt64(bytes[i]) << UInt64(56 - 8 * i) } else { low |= UInt64(bytes[i]) << UInt64(120 - 8 * i) }
        }
        return (high, low)
    }

    static func load(_ bytes: ArraySlice<UInt8>) -> (UInt64, UInt64) {
        var high: UInt64 = 0, low: UInt64 = 0
        let start = bytes.startIndex
        for i in 0..<8 { high = high << 8 | UInt64(bytes[start + i]); low = low << 8 | UInt64(bytes[start + 8 + i]) }
        return (high, low)
    }

    /// Reverses the 128 bits: (high, low) → (reverse(low), reverse(high)).
    @inline(__always) static func reversed(_ value: (UInt64, UInt64)) -> (UInt64, UInt64) {
        (reverse64(value.1), reverse64(value.0))
    }

    @inline(__always) static func reverse64(_ x: UInt64) -> UInt64 {
        var x = x
        x = ((x >> 1) & 0x5555_5555_5555_5555) | ((x & 0x5555_5555_5555_5555) << 1)
        x = ((x >> 2) & 0x3333_3333_3333_3333) | ((x & 0x3333_3333_3333_3333) << 2)
        x = ((x >> 4) & 0x0f0f_0f0f_0f0f_0f0f) | ((x & 0x0f0f_0f0f_0f0f_0f0f) << 4)
        return x.byteSwapped
    }

    /// Carry-less product of two 32-bit values. Each operand is split into four classes of
    /// bits (positions ≡ 0, 1, 2, 3 mod 4); a class holds 8 bits, so every coefficient of a
    /// class product is a sum of at most 8 terms and its carries stay within the 3-bit holes.
    @inline(__always) static func multiply32(_ x: UInt32, _ y: UInt32) -> UInt64 {
        let m0: UInt64 = 0x1111_1111_1111_1111, m1: UInt64 = 0x2222_2222_2222_2222
        let m2: UInt64 = 0x4444_4444_4444_4444, m3: UInt64 = 0x8888_8888_8888_8888
        let x = UInt64(x), y = UInt64(y)
        let x0 = x & m0, x1 = x & m1, x2 = x & m2, x3 = x & m3
        let y0 = y & m0, y1 = y & m1, y2 = y & m2, y3 = y & m3
        var z0 = (x0 &* y0) ^ (x1 &* y3)
        z0 ^= (x2 &* y2) ^ (x3 &* y1)
        var z1 = (x0 &* y1) ^ (x1 &* y0)
        z1 ^= (x2 &* y3) ^ (x3 &* y2)
        var z2 = (x0 &* y2) ^ (x1 &* y1)
        z2 ^= (x2 &* y0) ^ (x3 &* y3)
        var z3 = (x0 &* y3) ^ (x1 &* y2)
        z3 ^= (x2 &* y1) ^ (x3 &* y0)
        return (z0 & m0) | (z1 & m1) | (z2 & m2) | (z3 & m3)
    }

    /// Carry-less product of two 64-bit values as (high, low), by Karatsuba on 32-bit halves.
    @inline(__always) static func multiply64(_ x: UInt64, _ y: UInt64) -> (UInt64, UInt64) {
        let xl = UInt32(truncatingIfNeeded: x), xh = UInt32(truncatingIfNeeded: x >> 32)
        let yl = UInt32(truncatingIfNeeded: y), yh = UInt32(truncatingIfNeeded: y >> 32)
        let low = multiply32(xl, yl), high = multiply32(xh, yh)
        let middle = multiply32(xl ^ xh, yl ^ yh) ^ low ^ high
        return (high ^ (middle >> 32), low ^ (middle << 32))
    }

    /// (a · b) mod x^128 + x^7 + x^2 + x + 1, operands with the coefficient of x^i at bit i.
    static func multiply(_ a: (UInt64, UInt64), _ b: (UInt64, UInt64)) -> (UInt64, UInt64) {
        // Karatsuba on 64-bit halves: a = a1·x^64 + a0.
        let (a1, a0) = a, (b1, b1b) = (b.0, b.1)
        let low = multiply64(a0, b1b)
        let high = multiply64(a1, b1)
        let cross = multiply64(a0 ^ a1, b1b ^ b1)
        let middle = (cross.0 ^ low.0 ^ high.0, cross.1 ^ low.1 ^ high.1)
        // The 256-bit product p3:p2:p1:p0.
        let p0 = low.1
        let p1 = low.0 ^ middle.1
        let p2 = high.1 ^ middle.0
        let p3 = high.0
        // Reduce: x^128 ≡ x^7 + x^2 + x + 1. Fold p3:p2 (times that) into p1:p0; the bits the
        // shifts push past x^127 (at most 7) fold once more.
        let overflow = (p3 >> 57) ^ (p3 >> 62) ^ (p3 >> 63)
        let h2 = p2 ^ overflow
        let h3 = p3
        let r0 = p0 ^ h2 ^ (h2 << 1) ^ (h2 << 2) ^ (h2 << 7)
        let r1 = p1 ^ h3 ^ (h3 << 1 | h2 >> 63) ^ (h3 << 2 | h2 >> 62) ^ (h3 << 7 | h2 >> 57)
        return (r1, r0)
    }
}
