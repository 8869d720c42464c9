import SpecTesting
import Crypto
import Foundation
import Testing
import Wire
@testable import RTCCrypto

@Suite struct AESTests {
    /// The S-box from its definition (FIPS 197 §5.1.1): the inverse in GF(2^8), then the
    /// affine map. An independent reference for the bit-sliced circuit.
    static func referenceSBox(_ x: UInt8) -> UInt8 {
        func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
            var a = a, b = b, p: UInt8 = 0
            for _ in 0..<8 {
                if b & 1 == 1 { p ^= a }
                let carry = a & 0x80
                a <<= 1
                if carry != 0 { a ^= 0x1b }
                b >>= 1
            }
            return p
        }
        var inverse: UInt8 = 0
        if x != 0 { inverse = (1...255).map(UInt8.init).first { multiply(x, $0) == 1 }! }
        var s: UInt8 = 0x63
        for shift in 0..<5 { s ^= inverse << shift | inverse >> (8 - shift) }
        return s
    }

    @Test func bitslicedSBoxMatchesTheDefinition() {
        // Four bytes per call through subWord cover all 256 inputs in 64 calls.
        for base in stride(from: 0, to: 256, by: 4) {
            let word = UInt32(base) << 24 | UInt32(base + 1) << 16 | UInt32(base + 2) << 8 | UInt32(base + 3)
            let out = BitslicedAES.subWord(word)
            for i in 0..<4 {
                #expect(UInt8(truncatingIfNeeded: out >> UInt32(24 - 8 * i)) == Self.referenceSBox(UInt8(base + i)), "S(\(base + i))")
            }
        }
    }

    @Test func slicingRoundTrips() {
        var rng = SeededGenerator(state: 197)
        let bytes = rng.bytes(BitslicedAES.batchByteCount)
        #expect(BitslicedAES.unslice(BitslicedAES.slice(bytes)) == bytes)
    }

    /// FIPS 197 Appendix C: AES-128, AES-192, AES-256 with the example plaintext.
    @Test(arguments: [
        ("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"),
        ("000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"),
        ("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089"),
    ])
    func fips197(key: String, ciphertext: String) throws {
        for backend in CryptoBackend.available {
            let aes = try AES(key: try Hex.decode(key), backend: backend)
            #expect(Hex.encode(aes.encrypt(block: try Hex.decode("00112233445566778899aabbccddeeff"))) == ciphertext, "\(backend)")
        }
    }

    /// The build under test offers the hardware path when the CPU has AES-NI (CI's does), so
    /// both paths are exercised; say so when it does not.
    @Test func backendsUnderTest() {
        #expect(CryptoBackend.available.first == .portable)
        if !CryptoBackend.available(for: .aes).contains(.hardware) {
            print("note: only the portable AES/GHASH path is under test (no Accelerated trait or no AES-NI)")
        }
    }

    /// Portable and hardware paths (128- and 256-bit) agree on random keys, counters and
    /// lengths, up to past the size of an Ethernet frame (the wide kernels' sixteen-block
    /// steps and their tails).
    @Test func backendsAgree() throws {
        guard CryptoBackend.available.count > 1 else { return }
        var rng = SeededGenerator(state: 0xae5)
        for round in 0..<300 {
            let key = rng.bytes([16, 24, 32][round % 3]), iv = rng.bytes(16)
            let data = rng.bytes(Int.random(in: 0...1600, using: &rng))
            var outputs: [[UInt8]] = []
            for backend in CryptoBackend.available {
                var copy = data
                var ctr = AESCTR(aes: try AES(key: key, backend: backend), counterBlock: iv, counterBits: [32, 128][round % 2])
                ctr.apply(to: &copy)
                let sealed = try AESGCM(key: key, backend: backend).seal(data, nonce: Array(iv.prefix(12)), aad: Array(iv))
                outputs.append(copy + sealed.ciphertext + sealed.tag)
            }
            #expect(outputs.allSatisfy { $0 == outputs[0] }, "round \(round), \(data.count) bytes")
        }
    }

    /// Counters that wrap (the low 32 bits for GCM's inc32, all 128 bits, and the carry from
    /// the low 64 into the high 64) agree across backends, in one call and in uneven pieces,
    /// with lengths that use the eight-block kernel, its single-block tail and a partial block.
    @Test func counterWrapAcrossBackends() throws {
        guard CryptoBackend.available.count > 1 else { return }
        let starts: [[UInt8]] = [
            [UInt8](repeating: 0xff, count: 16),
            [UInt8](repeating: 0x11, count: 8) + [UInt8](repeating: 0xff, count: 8),
            [UInt8](repeating: 0x22, count: 12) + [0xff, 0xff, 0xff, 0xfa],
        ]
        for start in starts {
            for bits in [32, 128] {
                for length in [16 * 8 + 16 * 3 + 5, 16 * 20, 16 * 75, 16 * 33 + 9, 7] {
                    var outputs: [[UInt8]] = []
                    for backend in CryptoBackend.available {
                        let aes = try AES(key: Array(0..<16), backend: backend)
                        var whole = [UInt8](repeating: 0, count: length)
                        var stream = AESCTR(aes: aes, counterBlock: start, counterBits: bits)
                        stream.apply(to: &whole)
                        var pieces = [UInt8](repeating: 0, count: length)
                        var chunked = AESCTR(aes: aes, counterBlock: start, counterBits: bits)
                        var offset = 0
                        for size in [3, 40, 129, 1000, 2000] where offset < length {
                            let end = min(length, offset + size)
                            pieces.withUnsafeMutableBytes { chunked.apply(to: UnsafeMutableRawBufferPointer(rebasing: $0[offset..<end])) }
                            offset = end
                        }
                        #expect(pieces == whole, "\(backend) bits \(bits) length \(length)")
                        outputs.append(whole)
                    }
                    #expect(outputs.allSatisfy { $0 == outputs[0] }, "bits \(bits) start \(start) length \(length)")
                }
            }
        }
    }

    @Test func invalidKeySizes() {
        #expect(throws: AES.Error.invalidKeySize(15)) { try AES(key: [UInt8](repeating: 0, count: 15)) }
        #expect(throws: AES.Error.invalidKeySize(0)) { try AES(key: []) }
    }
}

@Suite struct AESModeTests {
    /// RFC 3686 AES-CTR vectors (as packaged by pyca), in one call and byte by byte.
    @Test func ctrVectors() throws {
        let records = try Vectors.records("cryptography_vectors/aes-128-ctr.txt").filter { $0["CIPHERTEXT"] != nil }
        #expect(records.count == 3)
        for record in records {
          for backend in CryptoBackend.available {
            let aes = try AES(key: try Vectors.hex(record["KEY"]), backend: backend)
            let iv = try Vectors.hex(record["IV"])
            var data = try Vectors.hex(record["PLAINTEXT"])
            var ctr = AESCTR(aes: aes, counterBlock: iv)
            ctr.apply(to: &data)
            #expect(Hex.encode(data) == record["CIPHERTEXT"]?.lowercased())
            var pieces = try Vectors.hex(record["PLAINTEXT"])
            var streamed = AESCTR(aes: aes, counterBlock: iv)
            for i in pieces.indices { pieces.withUnsafeMutableBytes { streamed.apply(to: UnsafeMutableRawBufferPointer(rebasing: $0[i..<(i + 1)])) } }
            #expect(pieces == data)
          }
        }
    }

    /// The counter wraps within its low bits only: GCM's inc32 leaves the nonce alone.
    @Test func counterWrapsWithinItsBits() throws {
        let aes = try AES(key: [UInt8](repeating: 7, count: 16))
        let start: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xff, 0xff, 0xff, 0xff]
        var data = [UInt8](repeating: 0, count: 32)
        var ctr = AESCTR(aes: aes, counterBlock: start, counterBits: 32)
        ctr.apply(to: &data)
        #expect(Array(data[16..<32]) == aes.encrypt(block: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0]))
        var full = [UInt8](repeating: 0, count: 32)
        var wide = AESCTR(aes: aes, counterBlock: start, counterBits: 128)
        wide.apply(to: &full)
        #expect(Array(full[16..<32]) == aes.encrypt(block: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 0, 0, 0, 0]))
    }

    /// Wycheproof AES-GCM: every valid test seals to the expected ciphertext and tag and opens;
    /// every invalid one fails to open (or is refused for its tag or nonce size).
    @Test(arguments: CryptoBackend.available)
    func gcmWycheproof(backend: CryptoBackend) throws {
        var valid = 0, invalid = 0
        for test in try Vectors.wycheproof("aes_gcm_test.json") {
            let key = try Vectors.hex(test["key"]), iv = try Vectors.hex(test["iv"]), aad = try Vectors.hex(test["aad"])
            let message = try Vectors.hex(test["msg"]), ct = try Vectors.hex(test["ct"]), tag = try Vectors.hex(test["tag"])
            let gcm = try AESGCM(key: key, backend: backend)
            let id = "tcId \(test["tcId"] ?? "")"
            if test["result"] as? String == "valid" {
                valid += 1
                let sealed = try gcm.seal(message, nonce: iv, aad: aad, tagLength: tag.count)
                #expect(sealed.ciphertext == ct && sealed.tag == tag, "\(id)")
                #expect(try gcm.open(ct, tag: tag, nonce: iv, aad: aad) == message, "\(id)")
            } else {
                invalid += 1
                #expect(throws: AESGCM.Error.self, "\(id)") { try gcm.open(ct, tag: tag, nonce: iv, aad: aad) }
            }
        }
        #expect(valid > 100 && invalid > 30)
    }

    /// NIST CAVS GCM: every encryption record, and every decryption record (FAIL ones refused).
    @Test(.enabled(if: Vectors.shared("cryptography_vectors/ciphers/AES/GCM/gcmDecrypt128.rsp") != nil,
                   "../shared/vectors (NIST GCM files) is not on this machine"))
    func gcmNIST() throws {
      for backend in CryptoBackend.available {
        let relative = try #require(Vectors.shared("cryptography_vectors/ciphers/AES/GCM"))
        var sealed = 0, opened = 0, refused = 0
        for record in try Vectors.records(relative + "/gcmEncryptExtIV128.rsp") where record["Tag"] != nil {
            let gcm = try AESGCM(key: try Vectors.hex(record["Key"]), backend: backend)
            let tag = try Vectors.hex(record["Tag"])
            let out = try gcm.seal(try Vectors.hex(record["PT"]), nonce: try Vectors.hex(record["IV"]),
                                   aad: try Vectors.hex(record["AAD"]), tagLength: tag.count)
            #expect(out.ciphertext == (try Vectors.hex(record["CT"])) && out.tag == tag, "Count \(record["Count"] ?? "")")
            sealed += 1
        }
        for record in try Vectors.records(relative + "/gcmDecrypt128.rsp") where record["Tag"] != nil {
            let gcm = try AESGCM(key: try Vectors.hex(record["Key"]), backend: backend)
            let result = Result { () throws(AESGCM.Error) in
                try gcm.open(try! Vectors.hex(record["CT"]), tag: try! Vectors.hex(record["Tag"]),
                             nonce: try! Vectors.hex(record["IV"]), aad: try! Vectors.hex(record["AAD"]))
            }
            if record["FAIL"] != nil {
                #expect(throws: AESGCM.Error.authenticationFailed) { try result.get() }
                refused += 1
            } else {
                #expect(try result.get() == Vectors.hex(record["PT"]))
                opened += 1
            }
        }
        #expect(sealed > 7000 && opened > 1000 && refused > 1000)
      }
    }

    @Test func gcmDifferentialAgainstSwiftCrypto() throws {
        var rng = SeededGenerator(state: 38)
        for round in 0..<100 {
            let key = rng.bytes([16, 32][round % 2]), nonce = rng.bytes(12)
            let message = rng.bytes(Int.random(in: 0...300, using: &rng)), aad = rng.bytes(Int.random(in: 0...40, using: &rng))
            let theirs = try Crypto.AES.GCM.seal(message, using: SymmetricKey(data: key),
                                                 nonce: try Crypto.AES.GCM.Nonce(data: nonce), authenticating: aad)
            for backend in CryptoBackend.available {
                let ours = try AESGCM(key: key, backend: backend).seal(message, nonce: nonce, aad: aad)
                #expect(ours.ciphertext == Array(theirs.ciphertext) && ours.tag == Array(theirs.tag), "\(backend)")
            }
        }
    }

    @Test func gcmRefusesTamperingAndBadParameters() throws {
        let gcm = try AESGCM(key: [UInt8](repeating: 1, count: 16))
        let nonce = [UInt8](repeating: 2, count: 12)
        let sealed = try gcm.seal([1, 2, 3, 4, 5], nonce: nonce, aad: [9])
        var flipped = sealed.ciphertext
        flipped[0] ^= 1
        #expect(throws: AESGCM.Error.authenticationFailed) { try gcm.open(flipped, tag: sealed.tag, nonce: nonce, aad: [9]) }
        #expect(throws: AESGCM.Error.authenticationFailed) { try gcm.open(sealed.ciphertext, tag: sealed.tag, nonce: nonce, aad: [8]) }
        #expect(throws: AESGCM.Error.invalidTagLength(3)) { try gcm.open(sealed.ciphertext, tag: [1, 2, 3], nonce: nonce) }
        #expect(throws: AESGCM.Error.emptyNonce) { try gcm.seal([1], nonce: []) }
        #expect(throws: AESGCM.Error.invalidTagLength(17)) { try gcm.seal([1], nonce: nonce, tagLength: 17) }
    }
}
