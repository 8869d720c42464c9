import RTCCrypto
import SpecTesting
import Testing

/// The allocation-free GCM entry points SRTP and DTLS use, on every backend (the 256-bit one
/// seals and opens in one fused pass): same ciphertext and tag as the array API, for every
/// length of a step's tail, with AADs whose tail joins a suffix.
@Suite struct AESGCMInPlaceTests {
    @Test func inPlaceAgreesWithArrayAPIOnEveryBackend() throws {
        var rng = SeededGenerator(state: 0x6c3)
        let lengths = Array(0...300) + [1024, 1200, 1201, 1500, 4096 + 13]
        for (round, length) in lengths.enumerated() {
            let key = rng.bytes(round % 2 == 0 ? 16 : 32)
            let nonce = rng.bytes(12)
            let aad = rng.bytes(Int.random(in: 0...40, using: &rng))
            let suffix = rng.bytes(round % 3 == 0 ? 4 : 0)
            let plaintext = rng.bytes(length)
            let reference = try AESGCM(key: key, backend: .portable).seal(plaintext, nonce: nonce, aad: aad + suffix)
            let high = nonce[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = nonce[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            for backend in CryptoBackend.available(for: .wideAES) {
                let gcm = try AESGCM(key: key, backend: backend)
                var data = plaintext
                var tag = [UInt8](repeating: 0, count: 16)
                try data.withUnsafeMutableBytes { buffer in
                    try aad.withUnsafeBytes { aadBytes in
                        try suffix.withUnsafeBytes { suffixBytes in
                            try tag.withUnsafeMutableBytes { try gcm.seal(inPlace: buffer, nonce: (high, low), aad: aadBytes, aadSuffix: suffixBytes, tag: $0) }
                        }
                    }
                }
                #expect(data == reference.ciphertext && tag == reference.tag, "\(backend) length \(length) aad \(aad.count)+\(suffix.count)")

                // Opening gives the plaintext back; a tag with one bit changed is refused
                // and leaves the ciphertext exactly as it was.
                var opened = data
                try opened.withUnsafeMutableBytes { buffer in
                    try aad.withUnsafeBytes { aadBytes in
                        try suffix.withUnsafeBytes { suffixBytes in
                            try tag.withUnsafeBytes { try gcm.open(inPlace: buffer, nonce: (high, low), aad: aadBytes, aadSuffix: suffixBytes, tag: $0) }
                        }
                    }
                }
                #expect(opened == plaintext, "\(backend) length \(length)")
                var forged = tag
                forged[round % 16] ^= 0x01
                var kept = data
                let refused = kept.withUnsafeMutableBytes { buffer in
                    aad.withUnsafeBytes { aadBytes in
                        suffix.withUnsafeBytes { suffixBytes in
                            forged.withUnsafeBytes { tagBytes in
                                (try? gcm.open(inPlace: buffer, nonce: (high, low), aad: aadBytes, aadSuffix: suffixBytes, tag: tagBytes)) == nil
                            }
                        }
                    }
                }
                #expect(refused && kept == data, "\(backend) length \(length): forged tag")
            }
        }
    }
}
