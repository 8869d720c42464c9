import Foundation
import Testing
import Wire
@testable import RTCCrypto

@Suite struct RSATests {
    static func file(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Vectors.directory + "/" + name)))
    }

    static func key2048() throws -> RSAPublicKey {
        let certificate = try X509Certificate(derEncoded: try file("certificates/rsa-v3.der"))
        guard case .rsa(let modulus, let exponent) = certificate.publicKey else { throw RSAPublicKey.Error.unsupportedKey(reason: "fixture") }
        return try RSAPublicKey(modulus: modulus, exponent: exponent)
    }

    static func key3072() throws -> RSAPublicKey {
        let modulus = try Hex.decode(try Vectors.text("rsa/rsa3072.modulus").trimmingCharacters(in: .whitespacesAndNewlines))
        return try RSAPublicKey(modulus: modulus, exponent: [0x01, 0x00, 0x01])
    }

    /// Signatures made by OpenSSL verify; a flipped bit, another message, or the wrong
    /// padding scheme does not.
    @Test func openSSLSignatures() throws {
        let message = try Self.file("rsa/msg.txt")
        let other = message + [0x21]
        let k2048 = try Self.key2048(), k3072 = try Self.key3072()
        let pkcs1 = try Self.file("rsa/pkcs1-sha256.sig")
        #expect(k2048.isValidPKCS1v15Signature(pkcs1, for: message, hash: SHA256.self))
        #expect(!k2048.isValidPKCS1v15Signature(pkcs1, for: other, hash: SHA256.self))
        #expect(!k2048.isValidPKCS1v15Signature(pkcs1, for: message, hash: SHA384.self))
        #expect(!k2048.isValidPSSSignature(pkcs1, for: message, hash: SHA256.self))
        var flipped = pkcs1
        flipped[100] ^= 0x10
        #expect(!k2048.isValidPKCS1v15Signature(flipped, for: message, hash: SHA256.self))

        let pss256 = try Self.file("rsa/pss-sha256.sig"), pss384 = try Self.file("rsa/pss-sha384.sig")
        #expect(k2048.isValidPSSSignature(pss256, for: message, hash: SHA256.self))
        #expect(k2048.isValidPSSSignature(pss384, for: message, hash: SHA384.self))
        #expect(!k2048.isValidPSSSignature(pss256, for: other, hash: SHA256.self))
        #expect(!k2048.isValidPSSSignature(pss256, for: message, hash: SHA256.self, saltLength: 20))
        #expect(!k2048.isValidPKCS1v15Signature(pss256, for: message, hash: SHA256.self))

        #expect(k3072.isValidPKCS1v15Signature(try Self.file("rsa/pkcs1-3072-sha512.sig"), for: message, hash: SHA512.self))
        #expect(k3072.isValidPSSSignature(try Self.file("rsa/pss-3072-sha256.sig"), for: message, hash: SHA256.self))
        #expect(!k3072.isValidPSSSignature(pss256, for: message, hash: SHA256.self))   // wrong length for this key
    }

    /// The RSA certificate's self-signature (PKCS#1 v1.5 with SHA-256) verifies.
    @Test func rsaCertificateSelfSignature() throws {
        #expect(try X509Certificate(derEncoded: try Self.file("certificates/rsa-v3.der")).hasValidSelfSignature)
    }

    @Test func signatureOutOfRangeOrWrongLength() throws {
        let key = try Self.key2048()
        let message = try Self.file("rsa/msg.txt")
        #expect(!key.isValidPKCS1v15Signature([UInt8](repeating: 0xff, count: key.byteCount), for: message, hash: SHA256.self))
        #expect(!key.isValidPKCS1v15Signature([1, 2, 3], for: message, hash: SHA256.self))
        #expect(!key.isValidPSSSignature([UInt8](repeating: 0, count: key.byteCount), for: message, hash: SHA256.self))
    }

    @Test func unsupportedKeys() {
        #expect(throws: RSAPublicKey.Error.self) { try RSAPublicKey(modulus: [0xff, 0xfe], exponent: [3]) }
        #expect(throws: RSAPublicKey.Error.self) { try RSAPublicKey(modulus: [0x0f] + [UInt8](repeating: 0xff, count: 40), exponent: [3]) }
        #expect(throws: RSAPublicKey.Error.self) { try RSAPublicKey(modulus: [UInt8](repeating: 0xff, count: 256), exponent: [2]) }
        #expect(throws: RSAPublicKey.Error.self) { try RSAPublicKey(modulus: [UInt8](repeating: 0xff, count: 256), exponent: [1]) }
    }

    /// MGF1 against its definition written out: Hash(seed ‖ counter) blocks.
    @Test func mgf1() {
        let seed: [UInt8] = [1, 2, 3]
        let out = RSAPublicKey.mgf1(seed: seed, length: 40, hash: SHA256.self)
        #expect(out == Array((SHA256.hash(seed + [0, 0, 0, 0]) + SHA256.hash(seed + [0, 0, 0, 1])).prefix(40)))
    }
}
