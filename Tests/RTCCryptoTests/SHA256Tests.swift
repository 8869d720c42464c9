import Testing
import RTCCrypto
import Wire

@Suite struct SHA256Tests {
    /// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf"), on every backend.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ], SHA256.availableBackends)
    func knownAnswers(example: (message: String, digest: String), backend: CryptoBackend) {
        #expect(Hex.encode(SHA256.hash(Array(example.message.utf8), backend: backend)) == example.digest)
    }

    @Test(arguments: SHA256.availableBackends)
    func oneMillionAs(backend: CryptoBackend) {
        var hasher = SHA256(backend: backend)
        let chunk = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(Hex.encode(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Split points around the 55/56/64-byte padding boundaries give the same digest as one call.
    @Test(arguments: SHA256.availableBackends)
    func streamingMatchesOneShot(backend: CryptoBackend) {
        let message = (0..<200).map { UInt8($0 & 0xff) }
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200] {
            let data = Array(message.prefix(length))
            for split in [0, length / 2, length] {
                var hasher = SHA256(backend: backend)
                hasher.update(data[..<split])
                hasher.update(data[split...])
                #expect(hasher.finalize() == SHA256.hash(data, backend: backend))
            }
        }
    }
}
