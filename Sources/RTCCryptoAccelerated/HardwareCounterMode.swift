import _Builtin_intrinsics.intel

/// AES counter mode with AES-NI: counter blocks made in registers, eight blocks in flight,
/// the keystream XORed into the data in place.
public enum HardwareCounterMode {
    /// Which part of the counter block is incremented.
    public enum Increment: Sendable {
        /// The whole 128-bit block (SP 800-38A; SRTP's AES-CM).
        case full
        /// The low 32 bits only, wrapping (GCM's inc32).
        case low32
    }

    /// XORs the keystream for `blockCount` whole blocks into `data`, starting at `counter`
    /// (big-endian halves), which is left at the next unused counter block.
    @inline(never)
    public static func apply(_ data: UnsafeMutableRawPointer, blockCount: Int, counter: inout (high: UInt64, low: UInt64),
                             increment: Increment, roundKeys: UnsafeRawPointer, rounds: Int) {
        withUnsafeTemporaryAllocation(of: __m128i.self, capacity: rounds + 1) { keys in
        for round in 0...rounds { keys[round] = roundKeys.loadUnaligned(fromByteOffset: 16 * round, as: __m128i.self) }
        var (high, low) = counter
        @inline(__always) func next() -> __m128i {
            // Memory order is big-endian: lane 0 holds bytes 0–7.
            let block = SIMD2<Int64>(Int64(bitPattern: high.bigEndian), Int64(bitPattern: low.bigEndian)) ^ keys[0]
            switch increment {
            case .full:
                low &+= 1
                if low == 0 { high &+= 1 }
            case .low32:
                low = (low & 0xffff_ffff_0000_0000) | ((low &+ 1) & 0xffff_ffff)
            }
            return block
        }
        var index = 0
        while index + 8 <= blockCount {
            var b0 = next(), b1 = next(), b2 = next(), b3 = next(), b4 = next(), b5 = next(), b6 = next(), b7 = next()
            for round in 1..<rounds {
                let k = keys[round]
                b0 = _mm_aesenc_si128(b0, k); b1 = _mm_aesenc_si128(b1, k); b2 = _mm_aesenc_si128(b2, k); b3 = _mm_aesenc_si128(b3, k)
                b4 = _mm_aesenc_si128(b4, k); b5 = _mm_aesenc_si128(b5, k); b6 = _mm_aesenc_si128(b6, k); b7 = _mm_aesenc_si128(b7, k)
            }
            let last = keys[rounds]
            let offset = 16 * index
            xorStore(data, offset, _mm_aesenclast_si128(b0, last))
            xorStore(data, offset + 16, _mm_aesenclast_si128(b1, last))
            xorStore(data, offset + 32, _mm_aesenclast_si128(b2, last))
            xorStore(data, offset + 48, _mm_aesenclast_si128(b3, last))
            xorStore(data, offset + 64, _mm_aesenclast_si128(b4, last))
            xorStore(data, offset + 80, _mm_aesenclast_si128(b5, last))
            xorStore(data, offset + 96, _mm_aesenclast_si128(b6, last))
            xorStore(data, offset + 112, _mm_aesenclast_si128(b7, last))
            index += 8
        }
        while index < blockCount {
            var b = next()
            for round in 1..<rounds { b = _mm_aesenc_si128(b, keys[round]) }
            xorStore(data, 16 * index, _mm_aesenclast_si128(b, keys[rounds]))
            index += 1
        }
        counter = (high, low)
        }
    }

    @inline(__always) static func xorStore(_ data: UnsafeMutableRawPointer, _ offset: Int, _ keystream: __m128i) {
        let value = _mm_xor_si128(data.loadUnaligned(fromByteOffset: offset, as: __m128i.self), keystream)
        data.storeBytes(of: value, toByteOffset: offset, as: __m128i.self)
    }
}
