import Crypto
import Foundation
import SpecTesting
import Testing
import Wire
@testable import RTCCrypto

@Suite struct KeyDerivationTests {
    /// RFC 5869 Appendix A (SHA-256 and SHA-1 cases).
    @Test func hkdfRFCCases() throws {
        for file in ["cryptography_vectors/rfc-5869-HKDF-SHA256.txt", "cryptography_vectors/rfc-5869-HKDF-SHA1.txt"] {
            let records = try Vectors.records(file).filter { $0["OKM"] != nil }
            #expect(records.count >= 3)
            for record in records {
                let ikm = try Vectors.hex(record["IKM"]), salt = try Vectors.hex(record["salt"])
                let info = try Vectors.hex(record["info"]), length = Int(record["L"] ?? "") ?? 0
                let sha1 = record["Hash"] == "SHA-1"
                let prk = sha1 ? RTCCrypto.HKDF<RTCCrypto.SHA1>.extract(salt: salt, inputKeyMaterial: ikm)
                    : RTCCrypto.HKDF<RTCCrypto.SHA256>.extract(salt: salt, inputKeyMaterial: ikm)
                #expect(Hex.encode(prk) == record["PRK"])
                let okm = sha1 ? try RTCCrypto.HKDF<RTCCrypto.SHA1>.expand(pseudorandomKey: prk, info: info, length: length)
                    : try RTCCrypto.HKDF<RTCCrypto.SHA256>.expand(pseudorandomKey: prk, info: info, length: length)
                #expect(Hex.encode(okm) == record["OKM"])
            }
        }
    }

    /// Wycheproof HKDF-SHA256: valid outputs match; outputs longer than 255 × 32 are refused.
    @Test func hkdfWycheproof() throws {
        var valid = 0, invalid = 0
        for test in try Vectors.wycheproof("hkdf_sha256_test.json") {
            let size = test["size"] as! Int
            let result = Result { () throws(RTCCrypto.HKDF<RTCCrypto.SHA256>.Error) in
                try RTCCrypto.HKDF<RTCCrypto.SHA256>.deriveKey(inputKeyMaterial: try! Vectors.hex(test["ikm"]),
                                                     salt: try! Vectors.hex(test["salt"]),
                                                     info: try! Vectors.hex(test["info"]), length: size)
            }
            if test["result"] as? String == "valid" {
                valid += 1
                #expect(try result.get() == Vectors.hex(test["okm"]), "tcId \(test["tcId"] ?? "")")
            } else {
                invalid += 1
                #expect(throws: RTCCrypto.HKDF<RTCCrypto.SHA256>.Error.self) { try result.get() }
            }
        }
        #expect(valid == 83 && invalid == 3)
    }

    @Test func hkdfDifferentialAgainstSwiftCrypto() throws {
        var rng = SeededGenerator(state: 7)
        for _ in 0..<100 {
            let ikm = rng.bytes(Int.random(in: 0...80, using: &rng)), salt = rng.bytes(Int.random(in: 0...80, using: &rng))
            let info = rng.bytes(Int.random(in: 0...40, using: &rng)), length = Int.random(in: 1...200, using: &rng)  // swift-crypto traps on 0
            let theirs = Crypto.HKDF<Crypto.SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: ikm), salt: salt,
                                                              info: info, outputByteCount: length)
            let ours = try RTCCrypto.HKDF<RTCCrypto.SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: info, length: length)
            #expect(ours == theirs.withUnsafeBytes { Array($0) })
        }
    }

    /// The TLS 1.2 PRF with SHA-256, against P_SHA256 written out from RFC 5246 §5 on
    /// swift-crypto's HMAC, for random secrets, labels, seeds and lengths.
    @Test func tlsPRFDifferential() {
        var rng = SeededGenerator(state: 5246)
        for _ in 0..<100 {
            let secret = rng.bytes(Int.random(in: 0...64, using: &rng)), seed = rng.bytes(Int.random(in: 0...64, using: &rng))
            let length = Int.random(in: 0...150, using: &rng)
            let label = "label \(length)"
            let key = SymmetricKey(data: secret)
            let labelSeed = Array(label.utf8) + seed
            var a = labelSeed, expected: [UInt8] = []
            while expected.count < length {
                a = Array(Crypto.HMAC<Crypto.SHA256>.authenticationCode(for: a, using: key))
                expected += Array(Crypto.HMAC<Crypto.SHA256>.authenticationCode(for: a + labelSeed, using: key))
            }
            #expect(TLSPRF<RTCCrypto.SHA256>.derive(secret: secret, label: label, seed: seed, length: length)
                    == Array(expected.prefix(length)))
        }
    }

    /// The widely used TLS 1.2 PRF (SHA-256) test vector: secret, seed and "test label" → 100 bytes.
    @Test func tlsPRFKnownAnswer() throws {
        let output = TLSPRF<RTCCrypto.SHA256>.derive(secret: try Hex.decode("9bbe436ba940f017b17652849a71db35"),
                                                    label: "test label", seed: try Hex.decode("a0ba9f936cda311827a6f796ffd5198c"),
                                                    length: 100)
        #expect(Hex.encode(output) == "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66")
    }
}
