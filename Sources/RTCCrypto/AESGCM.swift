#if Accelerated
import RTCCryptoVectorAES
#endif

/// AES-GCM authenticated encryption (NIST SP 800-38D), as DTLS 1.2 (RFC 5288/5289) and SRTP
/// (RFC 7714) use it. Constant-time: bit-sliced AES and multiplication-based GHASH.
public struct AESGCM: Sendable {
    /// Why sealing or opening failed.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// The tag does not match: the data, the AAD, the nonce or the key is not the one sealed.
        case authenticationFailed
        /// Tags are 4 to 16 bytes (SP 800-38D §5.2.1.2 allows 4 and 8 for special uses; 12–16 otherwise).
        case invalidTagLength(Int)
        /// The nonce (IV) is empty.
        case emptyNonce
    }

    private let aes: AES
    private let hashKey: GHASHKey

    /// A GCM instance for `key` (16, 24 or 32 bytes) on `backend`.
    public init(key: [UInt8], backend: CryptoBackend = .best) throws(AES.Error) {
        aes = try AES(key: key, backend: backend)
        hashKey = GHASHKey(hashSubkey: aes.encrypt(block: [UInt8](repeating: 0, count: 16)), backend: aes.backend)
    }

    /// Encrypts `plaintext` and authenticates it with `aad`; returns ciphertext and tag.
    public func seal(_ plaintext: [UInt8], nonce: [UInt8], aad: [UInt8] = [], tagLength: Int = 16) throws(Error)
        -> (ciphertext: [UInt8], tag: [UInt8]) {
        guard (4...16).contains(tagLength) else { throw .invalidTagLength(tagLength) }
        let j0 = try preCounterBlock(nonce)
        var ciphertext = plaintext
        var ctr = AESCTR(aes: aes, counterBlock: GCMCounter.incremented(j0), counterBits: 32)
        ctr.apply(to: &ciphertext)
        return (ciphertext, Array(tag(j0: j0, aad: aad, ciphertext: ciphertext).prefix(tagLength)))
    }

    /// Checks the tag, then decrypts. Nothing is returned unless the tag matches.
    public func open(_ ciphertext: [UInt8], tag: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws(Error) -> [UInt8] {
        guard (4...16).contains(tag.count) else { throw .invalidTagLength(tag.count) }
        let j0 = try preCounterBlock(nonce)
        let expected = self.tag(j0: j0, aad: aad, ciphertext: ciphertext)
        guard ConstantTime.equals(expected.prefix(tag.count), tag) else { throw .authenticationFailed }
        var plaintext = ciphertext
        var ctr = AESCTR(aes: aes, counterBlock: GCMCounter.incremented(j0), counterBits: 32)
        ctr.apply(to: &plaintext)
        return plaintext
    }

    // MARK: In place, without allocation (SRTP's per-packet path)

    /// Encrypts `data` in place and writes the tag (its first `tag.count` bytes, 4 to 16) to
    /// `tag`. The nonce is 96 bits, as big-endian halves; the additional authenticated data is
    /// `aad` followed by `aadSuffix` (at most 16 bytes; SRTCP's AAD ends with a word that sits
    /// after the ciphertext in the packet). Nothing is allocated.
    public func seal(inPlace data: UnsafeMutableRawBufferPointer, nonce: (high: UInt64, low: UInt32),
                     aad: UnsafeRawBufferPointer, aadSuffix: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                     tag: UnsafeMutableRawBufferPointer) throws(Error) {
        guard (4...16).contains(tag.count) else { throw .invalidTagLength(tag.count) }
        precondition(aadSuffix.count <= 16, "the AAD suffix is at most one block")
        #if Accelerated
        if let wide = hashKey.wide {
            // One pass: keystream and hash side by side (same J0 and counters as below).
            let full = aes.core.scheduleBytes.withUnsafeBytes { schedule in
                VectorGCM.seal(data.baseAddress ?? UnsafeMutableRawPointer(tag.baseAddress!), count: data.count, aad: aad, aadSuffix: aadSuffix,
                               nonce: nonce, roundKeys: schedule.baseAddress!, rounds: aes.core.rounds, key: wide)
            }
            GCMWords.store((full.high, full.low), prefix: tag.count, into: tag)
            return
        }
        #endif
        // spec: RFC7714-13.1-4 each message's block counter starts at 1 (J0), data from 2
        let j0 = (nonce.high, UInt64(nonce.low) << 32 | 1)
        // spec: RFC7714-10-9 a 32-bit block counter
        var ctr = AESCTR(aes: aes, counter: (j0.0, j0.1 + 1), counterBits: 32)
        ctr.apply(to: data)
        let full = tagWords(j0: j0, aad: aad, aadSuffix: aadSuffix, ciphertext: UnsafeRawBufferPointer(data))
        GCMWords.store(full, prefix: tag.count, into: tag)
    }

    /// Checks `tag` (4 to 16 bytes) against `data`, `aad` and `aadSuffix`, and only then
    /// decrypts `data` in place; on failure `data` is left as it was.
    public func open(inPlace data: UnsafeMutableRawBufferPointer, nonce: (high: UInt64, low: UInt32),
                     aad: UnsafeRawBufferPointer, aadSuffix: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                     tag: UnsafeRawBufferPointer) throws(Error) {
        guard (4...16).contains(tag.count) else { throw .invalidTagLength(tag.count) }
        precondition(aadSuffix.count <= 16, "the AAD suffix is at most one block")
        let j0 = (nonce.high, UInt64(nonce.low) << 32 | 1)
        #if Accelerated
        if let wide = hashKey.wide, data.count <= GCMLimits.fusedOpenBytes {
            // One pass hashes the ciphertext and sets its keystream aside (on the stack);
            // the data is decrypted only after the tag is found valid.
            let valid = GCMLimits.withKeystreamScratch(for: data.count) { keystream in
                let full = aes.core.scheduleBytes.withUnsafeBytes { schedule in
                    VectorGCM.open(UnsafeRawPointer(data.baseAddress ?? keystream), count: data.count, keystream: keystream,
                                   aad: aad, aadSuffix: aadSuffix, nonce: nonce, roundKeys: schedule.baseAddress!, rounds: aes.core.rounds, key: wide)
                }
                guard GCMWords.equals((full.high, full.low), prefixOf: tag) else { return false }
                if let base = data.baseAddress { VectorGCM.xor(base, keystream: keystream, count: data.count) }
                return true
            }
            guard valid else { throw .authenticationFailed }
            return
        }
        #endif
        let expected = tagWords(j0: j0, aad: aad, aadSuffix: aadSuffix, ciphertext: UnsafeRawBufferPointer(data))
        guard GCMWords.equals(expected, prefixOf: tag) else { throw .authenticationFailed }
        var ctr = AESCTR(aes: aes, counter: (j0.0, j0.1 + 1), counterBits: 32)
        ctr.apply(to: data)
    }

    /// E(K, J0) ⊕ GHASH(A ‖ pad ‖ C ‖ pad ‖ lengths) as big-endian halves.
    private func tagWords(j0: (UInt64, UInt64), aad: UnsafeRawBufferPointer, aadSuffix: UnsafeRawBufferPointer,
                          ciphertext: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        var ghash = GHASH(key: hashKey)
        if aadSuffix.isEmpty {
            ghash.update(paddingToBlock: aad)
        } else {
            // A = aad ‖ aadSuffix: whole blocks of aad directly, its tail joined to the suffix.
            let whole = aad.count / 16 * 16
            ghash.update(paddingToBlock: UnsafeRawBufferPointer(rebasing: aad[0..<whole]))
            withUnsafeTemporaryAllocation(byteCount: 32, alignment: 16) { joined in
                let tail = aad.count - whole
                UnsafeMutableRawBufferPointer(rebasing: joined[0..<tail]).copyMemory(from: UnsafeRawBufferPointer(rebasing: aad[whole...]))
                UnsafeMutableRawBufferPointer(rebasing: joined[tail..<(tail + aadSuffix.count)]).copyMemory(from: aadSuffix)
                ghash.update(paddingToBlock: UnsafeRawBufferPointer(rebasing: joined[0..<(tail + aadSuffix.count)]))
            }
        }
        ghash.update(paddingToBlock: ciphertext)
        ghash.update(lengthsOfAAD: aad.count + aadSuffix.count, ciphertext: ciphertext.count)
        let mask = withUnsafeTemporaryAllocation(byteCount: 32, alignment: 16) { scratch in
            scratch.storeBytes(of: j0.0.bigEndian, toByteOffset: 0, as: UInt64.self)
            scratch.storeBytes(of: j0.1.bigEndian, toByteOffset: 8, as: UInt64.self)
            aes.encrypt(blocks: UnsafeRawBufferPointer(rebasing: scratch[0..<16]), into: UnsafeMutableRawBufferPointer(rebasing: scratch[16..<32]))
            return (UInt64(bigEndian: scratch.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                    UInt64(bigEndian: scratch.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
        }
        let digest = ghash.digestWords
        return (digest.0 ^ mask.0, digest.1 ^ mask.1)
    }

    /// J0 (SP 800-38D §7.1 step 2): IV ‖ 0^31 ‖ 1 for a 96-bit IV, GHASH of the padded IV otherwise.
    private func preCounterBlock(_ nonce: [UInt8]) throws(Error) -> [UInt8] {
        guard !nonce.isEmpty else { throw .emptyNonce }
        if nonce.count == 12 { return nonce + [0, 0, 0, 1] }
        var ghash = GHASH(key: hashKey)
        nonce.withUnsafeBytes { ghash.update(paddingToBlock: $0) }
        ghash.update(lengthsOfAAD: 0, ciphertext: nonce.count)
        return ghash.digest
    }

    /// T = E(K, J0) ⊕ GHASH(A ‖ pad ‖ C ‖ pad ‖ len(A) ‖ len(C)).
    private func tag(j0: [UInt8], aad: [UInt8], ciphertext: [UInt8]) -> [UInt8] {
        var ghash = GHASH(key: hashKey)
        aad.withUnsafeBytes { ghash.update(paddingToBlock: $0) }
        ciphertext.withUnsafeBytes { ghash.update(paddingToBlock: $0) }
        ghash.update(lengthsOfAAD: aad.count, ciphertext: ciphertext.count)
        let mask = aes.encrypt(block: j0)
        return zip(ghash.digest, mask).map { $0 ^ $1 }
    }
}

/// Sizes for the one-pass paths.
enum GCMLimits {
    /// The largest text opened in one pass, its keystream held on the stack until the tag is
    /// checked (larger ones, rare in WebRTC, hash first and decrypt after).
    static let fusedOpenBytes = 4096

    /// Stack room for the keystream of `count` bytes (at most ``fusedOpenBytes``), rounded up
    /// to the kernel's 128-byte steps. Fixed-size inline arrays: `withUnsafeTemporaryAllocation`
    /// goes to the heap above 1 KiB here, and that aligned allocation on every record made the
    /// allocator grow and trim its heap.
    static func withKeystreamScratch<R>(for count: Int, _ body: (UnsafeMutableRawPointer) -> R) -> R {
        if count <= 1280 {
            var scratch = InlineArray<40, SIMD4<Int64>>(repeating: .zero)
            var span = scratch.mutableSpan
            return span.withUnsafeMutableBytes { body($0.baseAddress!) }
        }
        var scratch = InlineArray<128, SIMD4<Int64>>(repeating: .zero)
        var span = scratch.mutableSpan
        return span.withUnsafeMutableBytes { body($0.baseAddress!) }
    }
}

/// inc32 (SP 800-38D §6.2): add one to the last 32 bits of a block.
enum GCMCounter {
    static func incremented(_ block: [UInt8]) -> [UInt8] {
        var out = block
        var counter = UInt32(out[12]) << 24 | UInt32(out[13]) << 16 | UInt32(out[14]) << 8 | UInt32(out[15])
        counter &+= 1
        for i in 0..<4 { out[12 + i] = UInt8(truncatingIfNeeded: counter >> UInt32(24 - 8 * i)) }
        return out
    }
}

/// 128-bit values as big-endian (high, low) halves: stores and constant-time comparisons.
enum GCMWords {
    /// Writes the first `prefix` bytes of `value` to `output`.
    static func store(_ value: (UInt64, UInt64), prefix: Int, into output: UnsafeMutableRawBufferPointer) {
        for i in 0..<prefix {
            let word = i < 8 ? value.0 : value.1
            output[i] = UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * (i % 8)))
        }
    }

    /// Whether `tag` equals the first `tag.count` bytes of `value`; time depends on the length only.
    static func equals(_ value: (UInt64, UInt64), prefixOf tag: UnsafeRawBufferPointer) -> Bool {
        if tag.count == 16 {
            // The common full tag: two words, the differences folded without a branch.
            let high = UInt64(bigEndian: tag.loadUnaligned(as: UInt64.self)) ^ value.0
            let low = UInt64(bigEndian: tag.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) ^ value.1
            var folded = high | low
            folded |= folded >> 32
            folded |= folded >> 16
            folded |= folded >> 8
            return ConstantTime.isZero(UInt8(truncatingIfNeeded: folded))
        }
        var difference: UInt8 = 0
        for i in 0..<tag.count {
            let word = i < 8 ? value.0 : value.1
            difference |= tag[i] ^ UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * (i % 8)))
        }
        return ConstantTime.isZero(difference)
    }
}
