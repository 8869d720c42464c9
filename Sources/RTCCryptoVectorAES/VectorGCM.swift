import _Builtin_intrinsics.intel
import RTCCryptoAccelerated

/// AES-GCM (SP 800-38D) in one pass with VAES and VPCLMULQDQ: each step makes the keystream
/// of eight blocks and hashes eight ciphertext blocks, so the AES and carry-less multiply
/// units work side by side instead of one pass after the other (opening keeps the keystream
/// aside until the tag is checked). E(K, J0), the AAD and the
/// lengths block are done in the same call, for one call per packet or record.
///
/// 96-bit nonces only (what SRTP and DTLS use): J0 = nonce ‖ 0³¹ ‖ 1.
public enum VectorGCM {
    /// Encrypts `count` bytes at `data` in place and returns the full 16-byte tag as
    /// big-endian halves. The AAD is `aad` followed by `aadSuffix` (at most 16 bytes).
    @inline(never)
    public static func seal(_ data: UnsafeMutableRawPointer, count: Int, aad: UnsafeRawBufferPointer, aadSuffix: UnsafeRawBufferPointer,
                            nonce: (high: UInt64, low: UInt32), roundKeys: UnsafeRawPointer, rounds: Int,
                            key: VectorGHASHKey) -> (high: UInt64, low: UInt64) {
        crypt(data, count: count, aad: aad, aadSuffix: aadSuffix, nonce: nonce, roundKeys: roundKeys, rounds: rounds, key: key,
              sealing: true, keystream: nil)
    }

    /// Hashes the `count` bytes of ciphertext at `data` and writes their keystream to
    /// `keystream` (room for `count` rounded up to 128 bytes) in the same pass, without
    /// touching `data`; returns the tag the ciphertext should carry. Only once the caller has
    /// found the tag valid does it decrypt, with ``xor(_:keystream:count:)``: RFC 7714 §5.3
    /// (and SP 800-38D) decrypt nothing before the tag is validated.
    @inline(never)
    public static func open(_ data: UnsafeRawPointer, count: Int, keystream: UnsafeMutableRawPointer,
                            aad: UnsafeRawBufferPointer, aadSuffix: UnsafeRawBufferPointer,
                            nonce: (high: UInt64, low: UInt32), roundKeys: UnsafeRawPointer, rounds: Int,
                            key: VectorGHASHKey) -> (high: UInt64, low: UInt64) {
        crypt(UnsafeMutableRawPointer(mutating: data), count: count, aad: aad, aadSuffix: aadSuffix, nonce: nonce, roundKeys: roundKeys,
              rounds: rounds, key: key, sealing: false, keystream: keystream)
    }

    /// XORs `count` bytes of `keystream` into `data`.
    @inline(never)
    public static func xor(_ data: UnsafeMutableRawPointer, keystream: UnsafeRawPointer, count: Int) {
        var offset = 0
        while offset + 32 <= count {
            let value = _mm256_xor_si256(data.loadUnaligned(fromByteOffset: offset, as: SIMD4<Int64>.self),
                                         keystream.loadUnaligned(fromByteOffset: offset, as: SIMD4<Int64>.self))
            data.storeBytes(of: value, toByteOffset: offset, as: SIMD4<Int64>.self)
            offset += 32
        }
        while offset < count {
            data.storeBytes(of: data.load(fromByteOffset: offset, as: UInt8.self) ^ keystream.load(fromByteOffset: offset, as: UInt8.self),
                            toByteOffset: offset, as: UInt8.self)
            offset += 1
        }
    }

    @inline(__always)
    static func crypt(_ data: UnsafeMutableRawPointer, count: Int, aad: UnsafeRawBufferPointer, aadSuffix: UnsafeRawBufferPointer,
                      nonce: (high: UInt64, low: UInt32), roundKeys: UnsafeRawPointer, rounds: Int,
                      key: VectorGHASHKey, sealing: Bool, keystream: UnsafeMutableRawPointer?) -> (high: UInt64, low: UInt64) {
        withUnsafeTemporaryAllocation(of: SIMD4<Int64>.self, capacity: rounds + 1 + 5) { scratch in
        let keys = scratch.baseAddress!
        broadcastRoundKeys(roundKeys, rounds: rounds, into: keys)
        // Five registers of scratch: the last, partial step and the lengths block after it.
        let tail = UnsafeMutableRawPointer(keys + rounds + 1)

        // The AAD first: whole blocks, then its tail joined to the suffix, zero-padded.
        var state: (high: UInt64, low: UInt64) = (0, 0)
        let wholeAAD = aad.count / 16 * 16
        if wholeAAD > 0 {
            HardwareGHASH.absorb(state: &state, key: key.narrow, blocks: UnsafeRawBufferPointer(rebasing: aad[0..<wholeAAD]))
        }
        let joined = aad.count - wholeAAD + aadSuffix.count
        if joined > 0 {
            tail.initializeMemory(as: UInt8.self, repeating: 0, count: 32)
            if aad.count > wholeAAD { tail.copyMemory(from: aad.baseAddress! + wholeAAD, byteCount: aad.count - wholeAAD) }
            if !aadSuffix.isEmpty { (tail + (aad.count - wholeAAD)).copyMemory(from: aadSuffix.baseAddress!, byteCount: aadSuffix.count) }
            HardwareGHASH.absorb(state: &state, key: key.narrow, blocks: UnsafeRawBufferPointer(start: tail, count: (joined + 15) / 16 * 16))
        }

        let reverse = SIMD4<Int64>(0x0809_0a0b_0c0d_0e0f, 0x0001_0203_0405_0607, 0x0809_0a0b_0c0d_0e0f, 0x0001_0203_0405_0607)
        let constants = VectorGHASH.Constants()
        // inc32 wraps the low 32 bits only. J0 ends in 1, the data starts at 2.
        let j0Low = UInt64(nonce.low) << 32 | 1
        var counters = VectorCounterBlocks(counter: (nonce.high, j0Low &+ 1), varying: 0xffff_ffff)
        @inline(__always) func nextKeystream() -> (SIMD4<Int64>, SIMD4<Int64>, SIMD4<Int64>, SIMD4<Int64>) {
            let k0 = keys[0]
            var b0 = counters.pair(0, whitening: k0), b1 = counters.pair(2, whitening: k0)
            var b2 = counters.pair(4, whitening: k0), b3 = counters.pair(6, whitening: k0)
            counters.advance(8)
            for round in 1..<rounds {
                let k = keys[round]
                b0 = _mm256_aesenc_epi128(b0, k); b1 = _mm256_aesenc_epi128(b1, k)
                b2 = _mm256_aesenc_epi128(b2, k); b3 = _mm256_aesenc_epi128(b3, k)
            }
            let last = keys[rounds]
            return (_mm256_aesenclast_epi128(b0, last), _mm256_aesenclast_epi128(b1, last),
                    _mm256_aesenclast_epi128(b2, last), _mm256_aesenclast_epi128(b3, last))
        }

        // E(K, J0), independent of everything else, so it overlaps the first steps.
        var mask = _mm_xor_si128(SIMD2<Int64>(Int64(bitPattern: nonce.high.bigEndian), Int64(bitPattern: j0Low.bigEndian)),
                                 roundKeys.loadUnaligned(as: SIMD2<Int64>.self))
        for round in 1..<rounds { mask = _mm_aesenc_si128(mask, roundKeys.loadUnaligned(fromByteOffset: 16 * round, as: SIMD2<Int64>.self)) }
        mask = _mm_aesenclast_si128(mask, roundKeys.loadUnaligned(fromByteOffset: 16 * rounds, as: SIMD2<Int64>.self))

        var x = SIMD2<Int64>(Int64(bitPattern: state.low), Int64(bitPattern: state.high))
        var pointer = data
        var remaining = count
        var output = keystream ?? data
        while remaining >= 128 {
            let (k0, k1, k2, k3) = nextKeystream()
            let i0 = pointer.loadUnaligned(as: SIMD4<Int64>.self)
            let i1 = pointer.loadUnaligned(fromByteOffset: 32, as: SIMD4<Int64>.self)
            let i2 = pointer.loadUnaligned(fromByteOffset: 64, as: SIMD4<Int64>.self)
            let i3 = pointer.loadUnaligned(fromByteOffset: 96, as: SIMD4<Int64>.self)
            // Sealing writes the ciphertext over the data and hashes it; opening keeps the
            // keystream aside and hashes the ciphertext as it is.
            let o0 = sealing ? _mm256_xor_si256(i0, k0) : k0, o1 = sealing ? _mm256_xor_si256(i1, k1) : k1
            let o2 = sealing ? _mm256_xor_si256(i2, k2) : k2, o3 = sealing ? _mm256_xor_si256(i3, k3) : k3
            output.storeBytes(of: o0, as: SIMD4<Int64>.self)
            output.storeBytes(of: o1, toByteOffset: 32, as: SIMD4<Int64>.self)
            output.storeBytes(of: o2, toByteOffset: 64, as: SIMD4<Int64>.self)
            output.storeBytes(of: o3, toByteOffset: 96, as: SIMD4<Int64>.self)
            let (c0, c1, c2, c3) = sealing ? (o0, o1, o2, o3) : (i0, i1, i2, i3)
            x = VectorGHASH.step(x, _mm256_shuffle_epi8(c0, reverse), _mm256_shuffle_epi8(c1, reverse),
                                 _mm256_shuffle_epi8(c2, reverse), _mm256_shuffle_epi8(c3, reverse), key: key, constants: constants)
            pointer += 128
            output += 128
            remaining -= 128
        }
        state = (UInt64(bitPattern: x[1]), UInt64(bitPattern: x[0]))

        if remaining > 0 {
            // The last one to 127 bytes: one more keystream step, the ciphertext zero-padded
            // in scratch for the hash.
            let (k0, k1, k2, k3) = nextKeystream()
            tail.initializeMemory(as: UInt8.self, repeating: 0, count: 128)
            tail.copyMemory(from: pointer, byteCount: remaining)
            if sealing {
                tail.storeBytes(of: _mm256_xor_si256(tail.loadUnaligned(as: SIMD4<Int64>.self), k0), as: SIMD4<Int64>.self)
                tail.storeBytes(of: _mm256_xor_si256(tail.loadUnaligned(fromByteOffset: 32, as: SIMD4<Int64>.self), k1), toByteOffset: 32, as: SIMD4<Int64>.self)
                tail.storeBytes(of: _mm256_xor_si256(tail.loadUnaligned(fromByteOffset: 64, as: SIMD4<Int64>.self), k2), toByteOffset: 64, as: SIMD4<Int64>.self)
                tail.storeBytes(of: _mm256_xor_si256(tail.loadUnaligned(fromByteOffset: 96, as: SIMD4<Int64>.self), k3), toByteOffset: 96, as: SIMD4<Int64>.self)
                pointer.copyMemory(from: tail, byteCount: remaining)
                (tail + remaining).initializeMemory(as: UInt8.self, repeating: 0, count: 128 - remaining)
            } else {
                // The keystream area has room for the whole step.
                output.storeBytes(of: k0, as: SIMD4<Int64>.self)
                output.storeBytes(of: k1, toByteOffset: 32, as: SIMD4<Int64>.self)
                output.storeBytes(of: k2, toByteOffset: 64, as: SIMD4<Int64>.self)
                output.storeBytes(of: k3, toByteOffset: 96, as: SIMD4<Int64>.self)
            }
            // The lengths block (bit lengths of the AAD and the text) follows the padded
            // tail, so one call hashes both.
            let padded = (remaining + 15) / 16 * 16
            (tail + padded).storeBytes(of: (UInt64(aad.count + aadSuffix.count) &* 8).bigEndian, as: UInt64.self)
            (tail + padded + 8).storeBytes(of: (UInt64(count) &* 8).bigEndian, as: UInt64.self)
            HardwareGHASH.absorb(state: &state, key: key.narrow, blocks: UnsafeRawBufferPointer(start: tail, count: padded + 16))
        } else {
            HardwareGHASH.absorb(state: &state, key: key.narrow,
                                 block: (UInt64(aad.count + aadSuffix.count) &* 8, UInt64(count) &* 8))
        }
        // mask holds E(K, J0) in memory order: lane 0 is bytes 0–7.
        return (state.high ^ UInt64(bigEndian: UInt64(bitPattern: mask[0])), state.low ^ UInt64(bigEndian: UInt64(bitPattern: mask[1])))
        }
    }
}
