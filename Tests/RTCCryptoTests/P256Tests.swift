import SpecTesting
import Crypto
import Foundation
import Testing
import Wire
@testable import RTCCrypto

/// A big-endian integer as exactly 32 bytes (Wycheproof keys carry a sign byte or drop zeros).
func fixed32(_ bytes: [UInt8]) -> [UInt8] {
    let trimmed = Array(bytes.drop { $0 == 0 })
    return trimmed.count > 32 ? trimmed : [UInt8](repeating: 0, count: 32 - trimmed.count) + trimmed
}

@Suite struct P256KeyAgreementTests {
    /// RFC 6979 A.2.5's key pair: U = xG.
    @Test func publicKeyOfTheRFC6979Key() throws {
        let key = try P256KeyAgreement.publicKey(privateKey: try Hex.decode("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"))
        #expect(Hex.encode(key) == "04" + "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
                + "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299")
    }

    /// Wycheproof ECDH on raw points: valid ones agree; invalid points (off the curve, wrong
    /// curve, bad encodings) are refused; compressed points are refused by policy (RFC 8422
    /// peers send uncompressed points).
    @Test func wycheproof() throws {
        var counts: [String: Int] = [:]
        for test in try Vectors.wycheproof("ecdh_secp256r1_ecpoint_test.json") {
            let result = Result { () throws(P256KeyAgreement.Error) in
                try P256KeyAgreement.sharedSecret(privateKey: fixed32(try! Vectors.hex(test["private"])),
                                                  peerPublicKey: try! Vectors.hex(test["public"]))
            }
            let id = "tcId \(test["tcId"] ?? "")"
            switch test["result"] as? String {
            case "valid":
                #expect(try result.get() == Vectors.hex(test["shared"]), "\(id)")
                counts["valid", default: 0] += 1
            default:
                #expect(throws: P256KeyAgreement.Error.invalidPublicKey, "\(id)") { try result.get() }
                counts[test["result"] as! String, default: 0] += 1
            }
        }
        #expect(counts == ["valid": 330, "invalid": 24, "acceptable": 1])
    }

    @Test func differentialAgainstSwiftCrypto() throws {
        for _ in 0..<20 {
            let theirs = Crypto.P256.KeyAgreement.PrivateKey()
            let ours = Crypto.P256.KeyAgreement.PrivateKey()   // its raw bytes serve as our key
            let ourPrivate = Array(ours.rawRepresentation)
            #expect(try P256KeyAgreement.publicKey(privateKey: ourPrivate) == Array(ours.publicKey.x963Representation))
            let shared = try P256KeyAgreement.sharedSecret(privateKey: ourPrivate,
                                                           peerPublicKey: Array(theirs.publicKey.x963Representation))
            let expected = try theirs.sharedSecretFromKeyAgreement(with: ours.publicKey)
            #expect(shared == expected.withUnsafeBytes { Array($0) })
        }
    }

    @Test func invalidPrivateKeys() {
        let order = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"
        #expect(throws: P256KeyAgreement.Error.invalidPrivateKey) { try P256KeyAgreement.publicKey(privateKey: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: P256KeyAgreement.Error.invalidPrivateKey) { try P256KeyAgreement.publicKey(privateKey: try Hex.decode(order)) }
        #expect(throws: P256KeyAgreement.Error.invalidPrivateKey) { try P256KeyAgreement.publicKey(privateKey: [1]) }
    }

    /// The complete formulas against textbook affine arithmetic, including doubling and P + (−P).
    @Test func completeAdditionMatchesAffineArithmetic() throws {
        let f = RTCCrypto.P256.field
        let g = RTCCrypto.P256.generator
        let g2 = g + g, g3 = g2 + g
        let (gx, gy) = try #require(g.affine)
        // Affine doubling: λ = (3x² − 3) / 2y.
        let x = f.toMontgomery(gx), y = f.toMontgomery(gy)
        let three = f.toMontgomery(UInt256(limbs: (3, 0, 0, 0)))
        let lambda = f.multiply(f.subtract(f.multiply(three, f.square(x)), three), f.invert(f.add(y, y)))
        let x2 = f.subtract(f.square(lambda), f.add(x, x))
        let y2 = f.subtract(f.multiply(lambda, f.subtract(x, x2)), y)
        #expect(try #require(g2.affine).x == f.fromMontgomery(x2) && g2.affine!.y == f.fromMontgomery(y2))
        #expect((g3 + g).affine!.x == (g2 + g2).affine!.x)
        // The doubling formula agrees with the addition formula, also for the identity.
        #expect(g.doubled().affine!.x == g2.affine!.x && g.doubled().affine!.y == g2.affine!.y)
        #expect(g3.doubled().affine!.x == (g3 + g3).affine!.x)
        #expect(RTCCrypto.P256.Point.identity.doubled().affine == nil)
        let minusG = RTCCrypto.P256.Point(x: g.x, y: f.subtract(.zero, g.y), z: g.z)
        #expect((g + minusG).affine == nil)
        #expect((g + .identity).affine!.x == gx)
        #expect(g.multiplied(by: RTCCrypto.P256.order.modulus).affine == nil)
        // The fixed-base table agrees with the generic ladder.
        var rng = SeededGenerator(state: 256)
        for _ in 0..<8 {
            let k = UInt256(bigEndian: rng.bytes(32))
            #expect(RTCCrypto.P256.multiplyGenerator(by: k).affine!.x == g.multiplied(by: k).affine!.x)
        }
        #expect(RTCCrypto.P256.multiplyGenerator(by: .zero).affine == nil)
    }
}
