import Crypto
import Foundation
import SpecTesting
import Testing
import Wire
@testable import RTCCrypto

@Suite struct X25519Tests {
    /// RFC 7748 §5.2 test vectors.
    @Test(.spec("RFC7748-5-1", "RFC7748-5-3")) func rfc7748Vectors() throws {
        let records = try Vectors.records("cryptography_vectors/rfc7748.txt").filter { $0["OUTPUT_U"] != nil }
        #expect(records.count >= 2)
        for record in records {
            let out = try X25519.scalarMultiply(scalar: try Vectors.hex(record["INPUT_SCALAR"]), point: try Vectors.hex(record["INPUT_U"]))
            #expect(Hex.encode(out) == record["OUTPUT_U"])
        }
    }

    /// RFC 7748 §5.2: k = u = 9, then k ← X25519(k, u), u ← old k, 1000 times.
    @Test func iterated1000Times() throws {
        var k = X25519.basePoint, u = X25519.basePoint
        for iteration in 1...1000 {
            let next = try X25519.scalarMultiply(scalar: k, point: u)
            u = k
            k = next
            if iteration == 1 { #expect(Hex.encode(k) == "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079") }
        }
        #expect(Hex.encode(k) == "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51")
    }

    /// RFC 7748 §6.1 Diffie–Hellman example.
    @Test func diffieHellmanExample() throws {
        let alicePrivate = try Hex.decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
        let bobPrivate = try Hex.decode("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
        let alicePublic = try X25519.publicKey(privateKey: alicePrivate)
        let bobPublic = try X25519.publicKey(privateKey: bobPrivate)
        #expect(Hex.encode(alicePublic) == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        #expect(Hex.encode(bobPublic) == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
        #expect(Hex.encode(try X25519.sharedSecret(privateKey: alicePrivate, peerPublicKey: bobPublic)) == shared)
        #expect(Hex.encode(try X25519.sharedSecret(privateKey: bobPrivate, peerPublicKey: alicePublic)) == shared)
    }

    /// Wycheproof x25519: valid results match; "acceptable" ones (twist points, non-canonical
    /// public keys) are computed as RFC 7748 says, except an all-zero shared secret, which our
    /// policy refuses as a low-order point.
    @Test(.spec("RFC7748-5-2", "RFC7748-6.1-1")) func wycheproof() throws {
        var counts: [String: Int] = [:]
        for test in try Vectors.wycheproof("x25519_test.json") {
            let result = test["result"] as! String
            let flags = test["flags"] as? [String] ?? []
            let outcome = Result { () throws(X25519.Error) in
                try X25519.sharedSecret(privateKey: try! Vectors.hex(test["private"]), peerPublicKey: try! Vectors.hex(test["public"]))
            }
            if flags.contains("ZeroSharedSecret") {
                #expect(throws: X25519.Error.lowOrderPoint) { try outcome.get() }
                counts["refused (zero shared secret)", default: 0] += 1
            } else {
                #expect(try outcome.get() == Vectors.hex(test["shared"]), "tcId \(test["tcId"] ?? "")")
                counts[result, default: 0] += 1
            }
        }
        #expect(counts["valid"] == 264 && counts["acceptable"] == 223 && counts["refused (zero shared secret)"] == 31)
    }

    @Test func differentialAgainstSwiftCrypto() throws {
        var rng = SeededGenerator(state: 25519)
        for _ in 0..<50 {
            let ours = rng.bytes(32)
            let theirs = Curve25519.KeyAgreement.PrivateKey()
            let ourPublic = try X25519.publicKey(privateKey: ours)
            let ourKeyInTheirs = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: ours)
            #expect(ourPublic == Array(ourKeyInTheirs.publicKey.rawRepresentation))
            let shared = try X25519.sharedSecret(privateKey: ours, peerPublicKey: Array(theirs.publicKey.rawRepresentation))
            let expected = try theirs.sharedSecretFromKeyAgreement(with: ourKeyInTheirs.publicKey)
            #expect(shared == expected.withUnsafeBytes { Array($0) })
        }
    }

    @Test func wrongLengthsAreErrors() {
        #expect(throws: X25519.Error.wrongLength(31)) { try X25519.scalarMultiply(scalar: [UInt8](repeating: 1, count: 31), point: X25519.basePoint) }
        #expect(throws: X25519.Error.wrongLength(33)) { try X25519.publicKey(privateKey: [UInt8](repeating: 1, count: 33)) }
    }
}
