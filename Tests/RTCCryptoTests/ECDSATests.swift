import Crypto
import Foundation
import SpecTesting
import Testing
import Wire
@testable import RTCCrypto

@Suite struct ECDSATests {
    static let rfc6979Key = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"
    static let rfc6979Public = "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
        + "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"

    /// RFC 6979 A.2.5 (P-256): deterministic signatures of "sample" and "test" with SHA-1,
    /// SHA-256, SHA-384 and SHA-512, as printed in ../shared/specs/rfc6979.txt.
    @Test func rfc6979Vectors() throws {
        let key = try Hex.decode(Self.rfc6979Key)
        let cases: [(String, String, String, String)] = [
            ("sample", "sha1", "61340c88c3aaebeb4f6d667f672ca9759a6ccaa9fa8811313039ee4a35471d32", "6d7f147dac089441bb2e2fe8f7a3fa264b9c475098fdcf6e00d7c996e1b8b7eb"),
            ("sample", "sha256", "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716", "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"),
            ("sample", "sha384", "0eafea039b20e9b42309fb1d89e213057cbf973dc0cfc8f129edddc800ef7719", "4861f0491e6998b9455193e34e7b0d284ddd7149a74b95b9261f13abde940954"),
            ("sample", "sha512", "8496a60b5e9b47c825488827e0495b0e3fa109ec4568fd3f8d1097678eb97f00", "2362ab1adbe2b8adf9cb9edab740ea6049c028114f2460f96554f61fae3302fe"),
            ("test", "sha1", "0cbcc86fd6abd1d99e703e1ec50069ee5c0b4ba4b9ac60e409e8ec5910d81a89", "01b9d7b73dfaa60d5651ec4591a0136f87653e0fd780c3b1bc872ffdeae479b1"),
            ("test", "sha256", "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367", "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"),
            ("test", "sha384", "83910e8b48bb0c74244ebdf7f07a1c5413d61472bd941ef3920e623fbccebeb6", "8ddbec54cf8cd5874883841d712142a56a8d0f218f5003cb0296b6b509619f2c"),
            ("test", "sha512", "461d93f31b6540894788fd206c07cfa0cc35f46fa3c91816fff1040ad1581a04", "39af9f15de0db8d97e72719c74820d304ce5226e32dedae67519e840d1194e55"),
        ]
        let publicKey = try Hex.decode(Self.rfc6979Public)
        for (message, hash, r, s) in cases {
            let bytes = Array(message.utf8)
            let signature: ECDSASignature
            let valid: Bool
            switch hash {
            case "sha1":
                signature = try P256Signing.signature(for: bytes, privateKey: key, hash: RTCCrypto.SHA1.self)
                valid = P256Signing.isValid(signature, for: bytes, publicKey: publicKey, hash: RTCCrypto.SHA1.self)
            case "sha256":
                signature = try P256Signing.signature(for: bytes, privateKey: key, hash: RTCCrypto.SHA256.self)
                valid = P256Signing.isValid(signature, for: bytes, publicKey: publicKey, hash: RTCCrypto.SHA256.self)
            case "sha384":
                signature = try P256Signing.signature(for: bytes, privateKey: key, hash: RTCCrypto.SHA384.self)
                valid = P256Signing.isValid(signature, for: bytes, publicKey: publicKey, hash: RTCCrypto.SHA384.self)
            default:
                signature = try P256Signing.signature(for: bytes, privateKey: key, hash: RTCCrypto.SHA512.self)
                valid = P256Signing.isValid(signature, for: bytes, publicKey: publicKey, hash: RTCCrypto.SHA512.self)
            }
            #expect(Hex.encode(signature.rawRepresentation) == r + s, "\(message) with \(hash)")
            #expect(valid)
        }
    }

    /// Wycheproof ECDSA P-256/SHA-256, DER and P1363 forms: every valid signature verifies,
    /// every invalid one (bad encodings, r or s out of range, wrong values) is refused.
    @Test(arguments: ["ecdsa_secp256r1_sha256_test.json", "ecdsa_secp256r1_sha256_p1363_test.json"])
    func wycheproof(file: String) throws {
        var valid = 0, invalid = 0
        for test in try Vectors.wycheproof(file) {
            let key = test["group.publicKey"] as! [String: Any]
            let publicKey = try Vectors.hex(key["uncompressed"])
            let signatureBytes = try Vectors.hex(test["sig"])
            let message = try Vectors.hex(test["msg"])
            let signature = file.contains("p1363") ? try? ECDSASignature(rawRepresentation: signatureBytes)
                : try? ECDSASignature(derRepresentation: signatureBytes)
            let accepted = signature.map { P256Signing.isValid($0, for: message, publicKey: publicKey) } ?? false
            if test["result"] as? String == "valid" {
                valid += 1
                #expect(accepted, "tcId \(test["tcId"] ?? "")")
            } else {
                invalid += 1
                #expect(!accepted, "tcId \(test["tcId"] ?? "")")
            }
        }
        #expect(file.contains("p1363") ? (valid == 173 && invalid == 89) : (valid == 174 && invalid == 310))
    }

    @Test func differentialAgainstSwiftCrypto() throws {
        var rng = SeededGenerator(state: 6979)
        for _ in 0..<10 {
            let message = rng.bytes(Int.random(in: 0...100, using: &rng))
            let theirKey = Crypto.P256.Signing.PrivateKey()
            let ourPrivate = Array(theirKey.rawRepresentation)
            let ourSignature = try P256Signing.signature(for: message, privateKey: ourPrivate)
            let parsed = try Crypto.P256.Signing.ECDSASignature(derRepresentation: ourSignature.derRepresentation)
            #expect(theirKey.publicKey.isValidSignature(parsed, for: message))
            let theirSignature = try theirKey.signature(for: message)
            let ours = try ECDSASignature(derRepresentation: Array(theirSignature.derRepresentation))
            #expect(P256Signing.isValid(ours, for: message, publicKey: Array(theirKey.publicKey.x963Representation)))
            #expect(ours.rawRepresentation == Array(theirSignature.rawRepresentation))
        }
    }

    @Test func derRoundTripAndStrictness() throws {
        let signature = try P256Signing.signature(for: [1, 2, 3], privateKey: try Hex.decode(Self.rfc6979Key))
        #expect(try ECDSASignature(derRepresentation: signature.derRepresentation) == signature)
        #expect(try ECDSASignature(rawRepresentation: signature.rawRepresentation) == signature)
        var trailing = signature.derRepresentation
        trailing.append(0)
        #expect(throws: ECDSASignature.Error.malformedDER(reason: "trailing bytes after the SEQUENCE")) {
            try ECDSASignature(derRepresentation: trailing)
        }
        #expect(throws: ECDSASignature.Error.wrongRawLength(63)) { try ECDSASignature(rawRepresentation: [UInt8](repeating: 1, count: 63)) }
        #expect(throws: ECDSASignature.Error.self) { try ECDSASignature(derRepresentation: [0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01]) }
        #expect(throws: P256Signing.Error.invalidPrivateKey) { try P256Signing.signature(for: [1], privateKey: [UInt8](repeating: 0, count: 32)) }
    }
}
