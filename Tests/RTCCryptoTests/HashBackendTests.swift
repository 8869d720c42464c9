import SpecTesting
import Testing
import Wire
@testable import RTCCrypto

/// SHA-1 and SHA-256 on both compression functions (portable Swift and SHA-NI): backend
/// choice and fallback, portable against hardware on random input, and multi-block calls.
@Suite struct HashBackendTests {
    /// Both paths are under test when the build has the Accelerated trait and the CPU has
    /// SHA-NI (CI's does); say so when only the portable one is.
    @Test func backendsUnderTest() {
        #expect(SHA1.availableBackends == CryptoBackend.available(for: .sha))
        #expect(SHA256.availableBackends == CryptoBackend.available(for: .sha))
        #expect(SHA1.availableBackends.first == .portable)
        for feature in CryptoBackend.Feature.allCases {
            #expect(CryptoBackend.available(for: feature).allSatisfy(CryptoBackend.available.contains))
        }
        if !SHA1.availableBackends.contains(.hardware) {
            print("note: only the portable SHA-1/SHA-256 path is under test (no Accelerated trait or no SHA-NI)")
        }
    }

    /// Asking for `.hardware` without SHA-NI gives `.portable`, and every state says what it
    /// uses; hashes without a hardware path are always portable.
    @Test func fallbackIsReported() {
        let hardware: CryptoBackend = SHA1.availableBackends.contains(.hardware) ? .hardware : .portable
        #expect(SHA1(backend: .hardware).backend == hardware)
        #expect(SHA256(backend: .hardware).backend == hardware)
        #expect(SHA1(backend: .portable).backend == .portable)
        #expect(SHA256(backend: .portable).backend == .portable)
        #expect(SHA1().backend == hardware && SHA256().backend == hardware)
        #expect(CryptoBackend.hardware.resolved(for: .sha) == hardware)
        #expect(CryptoBackend.portable.resolved(for: .sha) == .portable)
        #expect(HMAC<SHA1>(key: [1, 2, 3]).backend == hardware)
        #expect(HMAC<SHA256>(key: [1, 2, 3], backend: .portable).backend == .portable)
        #expect(MD5(backend: .hardware).backend == .portable && SHA384(backend: .hardware).backend == .portable)
        #expect(SHA512.availableBackends == [.portable])
    }

    /// Portable and hardware digests and HMACs agree on random messages of 0 to 5000 bytes,
    /// fed in random pieces.
    @Test func portableAndHardwareAgree() {
        var rng = SeededGenerator(state: 0x5a_1a)
        for _ in 0..<300 {
            let message = rng.bytes(Int.random(in: 0...5000, using: &rng))
            let key = rng.bytes(Int.random(in: 0...100, using: &rng))
            let cuts = (0..<3).map { _ in Int.random(in: 0...message.count, using: &rng) }.sorted()
            func digests<H: HashFunction>(_: H.Type) -> [[UInt8]] {
                H.availableBackends.map { backend in
                    var hasher = H(backend: backend)
                    hasher.update(message[..<cuts[0]])
                    hasher.update(message[cuts[0]..<cuts[1]])
                    hasher.update(message[cuts[1]..<cuts[2]])
                    hasher.update(message[cuts[2]...])
                    return hasher.finalize()
                }
            }
            let sha1 = digests(SHA1.self), sha256 = digests(SHA256.self)
            #expect(sha1.allSatisfy { $0 == SHA1.hash(message, backend: .portable) }, "length \(message.count)")
            #expect(sha256.allSatisfy { $0 == SHA256.hash(message, backend: .portable) }, "length \(message.count)")
            let macs = SHA1.availableBackends.map { HMAC<SHA1>.authenticate(message, key: key, backend: $0) }
            #expect(macs.allSatisfy { $0 == macs[0] }, "length \(message.count)")
        }
    }

    /// One call over n blocks equals n one-block calls, on every backend, and hands the same
    /// state on as the portable path; an empty run changes nothing.
    @Test func multiBlockCalls() {
        var rng = SeededGenerator(state: 0xb10c)
        for blockCount in 0...12 {
            let data = rng.bytes(64 * blockCount)
            var reference1 = SHA1.initialState, reference256 = SHA256.initialState
            data.withUnsafeBytes { all in
                for block in 0..<blockCount {
                    let one = UnsafeRawBufferPointer(rebasing: all[(64 * block)..<(64 * block + 64)])
                    SHA1.compress(&reference1, one)
                    SHA256.compress(&reference256, one)
                }
                for backend in CryptoBackend.allCases {
                    var whole1 = SHA1.initialState, whole256 = SHA256.initialState
                    SHA1.compress(&whole1, all, backend: backend)
                    SHA256.compress(&whole256, all, backend: backend)
                    #expect(words(whole1) == words(reference1), "SHA-1 \(backend) \(blockCount) blocks")
                    #expect(words(whole256) == words(reference256), "SHA-256 \(backend) \(blockCount) blocks")
                    // Split in two calls at every block boundary: the state carries across.
                    for split in 0...blockCount {
                        var state1 = SHA1.initialState, state256 = SHA256.initialState
                        let head = UnsafeRawBufferPointer(rebasing: all[..<(64 * split)])
                        let tail = UnsafeRawBufferPointer(rebasing: all[(64 * split)...])
                        SHA1.compress(&state1, head, backend: backend)
                        SHA1.compress(&state1, tail, backend: backend)
                        SHA256.compress(&state256, head, backend: backend)
                        SHA256.compress(&state256, tail, backend: backend)
                        #expect(words(state1) == words(reference1), "SHA-1 \(backend) split at block \(split)")
                        #expect(words(state256) == words(reference256), "SHA-256 \(backend) split at block \(split)")
                    }
                }
            }
        }
    }

    /// The multi-block entry point on a padded message gives the FIPS 180-4 digest of "abc".
    @Test func compressOnPaddedMessage() {
        var block = [UInt8](repeating: 0, count: 64)
        block[0] = 0x61; block[1] = 0x62; block[2] = 0x63; block[3] = 0x80; block[63] = 24
        for backend in CryptoBackend.allCases {
            var h1 = SHA1.initialState, h256 = SHA256.initialState
            block.withUnsafeBytes { SHA1.compress(&h1, $0, backend: backend) }
            block.withUnsafeBytes { SHA256.compress(&h256, $0, backend: backend) }
            #expect(words(h1) == [0xa9993e36, 0x4706816a, 0xba3e2571, 0x7850c26c, 0x9cd0d89d])
            #expect(words(h256) == [0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223, 0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad])
        }
    }

    private func words(_ h: SHA1.State) -> [UInt32] { [h.0, h.1, h.2, h.3, h.4] }
    private func words(_ h: SHA256.State) -> [UInt32] { [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7] }
}
