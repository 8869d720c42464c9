import SpecTesting
import Crypto
import Testing
import Wire
@testable import RTCCrypto

@Suite struct HashTests {
    /// NIST CAVS SHA-1 and SHA-256 ShortMsg and LongMsg: every record, on every backend.
    @Test(arguments: [
        ("cryptography_vectors/SHA1ShortMsg.rsp", 1), ("cryptography_vectors/SHA1LongMsg.rsp", 1),
        ("cryptography_vectors/SHA256ShortMsg.rsp", 256), ("cryptography_vectors/SHA256LongMsg.rsp", 256),
    ], CryptoBackend.available(for: .sha))
    func nistMessages(file: (name: String, algorithm: Int), backend: CryptoBackend) throws {
        let records = try Vectors.records(file.name).filter { $0["MD"] != nil }
        #expect(records.count >= 64)
        for record in records {
            let bits = Int(record["Len"] ?? "") ?? -1
            let message = bits == 0 ? [] : try Vectors.hex(record["Msg"])
            let digest = file.algorithm == 1 ? RTCCrypto.SHA1.hash(message, backend: backend)
                : RTCCrypto.SHA256.hash(message, backend: backend)
            #expect(Hex.encode(digest) == record["MD"], "Len = \(bits)")
        }
    }

    /// finalize(into:) writes what finalize() returns (SHA-1 and SHA-256 directly, the other
    /// hashes through the default), and leaves bytes past the digest alone.
    @Test func finalizeIntoMatchesFinalize() {
        let message = Array("The quick brown fox jumps over the lazy dog".utf8)
        func check<H: RTCCrypto.HashFunction>(_: H.Type) {
            var hasher = H()
            hasher.update(message)
            var out = [UInt8](repeating: 0xee, count: H.digestByteCount + 3)
            out.withUnsafeMutableBytes { hasher.finalize(into: $0) }
            #expect(Array(out.prefix(H.digestByteCount)) == H.hash(message) && out.suffix(3) == [0xee, 0xee, 0xee], "\(H.self)")
        }
        check(RTCCrypto.SHA1.self)
        check(RTCCrypto.SHA256.self)
        check(RTCCrypto.SHA384.self)
        check(RTCCrypto.MD5.self)
    }

    /// FIPS 180-4 examples for SHA-384 and SHA-512 ("abc" and the 896-bit message).
    @Test func sha384AndSHA512KnownAnswers() {
        let abc = Array("abc".utf8)
        let long = Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8)
        #expect(Hex.encode(RTCCrypto.SHA384.hash(abc)) == "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        #expect(Hex.encode(RTCCrypto.SHA384.hash(long)) == "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039")
        #expect(Hex.encode(RTCCrypto.SHA512.hash(abc)) == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(Hex.encode(RTCCrypto.SHA512.hash(long)) == "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909")
    }

    /// Random messages of every length up to three blocks, fed in random pieces, against
    /// swift-crypto, on every backend.
    @Test(arguments: CryptoBackend.available(for: .sha))
    func differentialAgainstSwiftCrypto(backend: CryptoBackend) {
        var rng = SeededGenerator(state: 0x5bec_7c)
        for length in 0..<300 {
            let message = rng.bytes(length)
            let split = length == 0 ? 0 : Int.random(in: 0...length, using: &rng)
            func streamed<H: RTCCrypto.HashFunction>(_: H.Type) -> [UInt8] {
                var h = H(backend: backend)
                h.update(message[..<split])
                h.update(message[split...])
                return h.finalize()
            }
            #expect(streamed(RTCCrypto.SHA1.self) == Array(Insecure.SHA1.hash(data: message)))
            #expect(streamed(RTCCrypto.SHA256.self) == Array(Crypto.SHA256.hash(data: message)))
            #expect(streamed(RTCCrypto.SHA384.self) == Array(Crypto.SHA384.hash(data: message)))
            #expect(streamed(RTCCrypto.SHA512.self) == Array(Crypto.SHA512.hash(data: message)))
        }
    }
}

@Suite struct MD5Tests {
    /// RFC 1321 §A.5 test suite, and swift-crypto on random input.
    @Test func rfc1321AndDifferential() {
        let suite: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"), ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"), ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (message, digest) in suite { #expect(Hex.encode(RTCCrypto.MD5.hash(Array(message.utf8))) == digest) }
        var rng = SeededGenerator(state: 1321)
        for length in 0..<200 {
            let data = rng.bytes(length)
            #expect(RTCCrypto.MD5.hash(data) == Array(Insecure.MD5.hash(data: data)))
        }
    }
}
