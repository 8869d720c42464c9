import SpecTesting
import Crypto
import Foundation
import Testing
import Wire
@testable import RTCCrypto

@Suite struct HMACTests {
    /// RFC 2202 (HMAC-SHA-1) and RFC 4231 (HMAC-SHA-256) test cases, on every hash backend.
    @Test(arguments: CryptoBackend.available(for: .sha))
    func rfcTestCases(backend: CryptoBackend) throws {
        for (file, sha1) in [("cryptography_vectors/rfc-2202-sha1.txt", true), ("cryptography_vectors/rfc-4231-sha256.txt", false)] {
            let records = try Vectors.records(file).filter { $0["MD"] != nil }
            #expect(records.count >= 6)
            for record in records {
                let key = try Vectors.hex(record["Key"]), message = try Vectors.hex(record["Msg"])
                let mac = sha1 ? RTCCrypto.HMAC<RTCCrypto.SHA1>.authenticate(message, key: key, backend: backend)
                    : RTCCrypto.HMAC<RTCCrypto.SHA256>.authenticate(message, key: key, backend: backend)
                let expected = try #require(record["MD"])
                // RFC 4231 test case 5 lists a truncated tag.
                #expect(Hex.encode(mac).hasPrefix(expected), "\(file) \(record["Len"] ?? "")")
            }
        }
    }

    /// Wycheproof HMAC-SHA1 and HMAC-SHA256, including truncated tags, on every hash backend:
    /// every valid test verifies, every invalid one is refused.
    @Test(arguments: ["hmac_sha1_test.json", "hmac_sha256_test.json"], CryptoBackend.available(for: .sha))
    func wycheproof(file: String, backend: CryptoBackend) throws {
        var valid = 0, invalid = 0
        for test in try Vectors.wycheproof(file) {
            let key = try Vectors.hex(test["key"]), message = try Vectors.hex(test["msg"]), tag = try Vectors.hex(test["tag"])
            let ok = file.contains("sha1") ? RTCCrypto.HMAC<RTCCrypto.SHA1>.verify(tag, for: message, key: key, backend: backend)
                : RTCCrypto.HMAC<RTCCrypto.SHA256>.verify(tag, for: message, key: key, backend: backend)
            if test["result"] as? String == "valid" {
                valid += 1
                #expect(ok, "tcId \(test["tcId"] ?? "")")
            } else {
                invalid += 1
                #expect(!ok, "tcId \(test["tcId"] ?? "")")
            }
        }
        #expect(valid > 50 && invalid > 0)
    }

    @Test(arguments: CryptoBackend.available(for: .sha))
    func differentialAgainstSwiftCrypto(backend: CryptoBackend) {
        var rng = SeededGenerator(state: 42)
        for _ in 0..<200 {
            let key = rng.bytes(Int.random(in: 0...150, using: &rng))
            let message = rng.bytes(Int.random(in: 0...300, using: &rng))
            let symmetric = SymmetricKey(data: key)
            #expect(RTCCrypto.HMAC<RTCCrypto.SHA1>.authenticate(message, key: key, backend: backend)
                    == Array(Crypto.HMAC<Insecure.SHA1>.authenticationCode(for: message, using: symmetric)))
            #expect(RTCCrypto.HMAC<RTCCrypto.SHA256>.authenticate(message, key: key, backend: backend)
                    == Array(Crypto.HMAC<Crypto.SHA256>.authenticationCode(for: message, using: symmetric)))
            #expect(RTCCrypto.HMAC<RTCCrypto.SHA384>.authenticate(message, key: key)
                    == Array(Crypto.HMAC<Crypto.SHA384>.authenticationCode(for: message, using: symmetric)))
        }
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        for value in 0...255 { #expect(ConstantTime.isZero(UInt8(value)) == (value == 0)) }
    }

    @Test func tagsShorterThanFourBytesAreRefused() {
        let tag = RTCCrypto.HMAC<RTCCrypto.SHA1>.authenticate([1, 2, 3], key: [9])
        #expect(RTCCrypto.HMAC<RTCCrypto.SHA1>.verify(Array(tag.prefix(4)), for: [1, 2, 3], key: [9]))
        #expect(!RTCCrypto.HMAC<RTCCrypto.SHA1>.verify(Array(tag.prefix(3)), for: [1, 2, 3], key: [9]))
    }
}

@Suite struct SecureRandomTests {
    /// Not a statistical test: distinct outputs and valid keys, so a broken wrapper (zeros, a
    /// repeated word) fails.
    @Test func producesDistinctBytesAndValidKeys() throws {
        var random = SecureRandom()
        let a = random.bytes(32), b = random.bytes(32)
        #expect(a != b && a.count == 32 && random.bytes(5).count == 5)
        let key = random.p256PrivateKey()
        #expect(try P256KeyAgreement.publicKey(privateKey: key).count == 65)
    }
}
