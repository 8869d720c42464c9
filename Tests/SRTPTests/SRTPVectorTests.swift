import RTCCrypto
import SpecTesting
import SRTP
import Testing
import Wire

/// Hex with spaces and line breaks ignored, as the RFCs print it.
func hex(_ text: String) -> [UInt8] {
    try! Hex.decode(text.filter { !$0.isWhitespace })
}

/// The published test vectors of RFC 3711 Appendix B, RFC 6188 §7 and RFC 7714 §16–17, on
/// every crypto backend this build and CPU offer.
@Suite struct SRTPVectorTests {
    // MARK: Key derivation

    /// RFC 3711 B.3: cipher key, salt and (94-byte) authentication key from the master key.
    @Test(.spec("RFC3711-4.3.1-8", "RFC3711-4.3.1-9", "RFC3711-4.3.1-12", "RFC3711-4.3.1-14", "RFC3711-4.3.3-1",
                "RFC3711-4.3.1-7", "RFC3711-4.3.1-6", "RFC3711-4.3.2-2", "RFC3711-4.3.1-11", "RFC3711-5.3-1", "RFC3711-3.2.1-8"))
    func keyDerivationRFC3711() throws {
        let key = hex("E1F97A0D3E018BE0D64FA32C06DE4139"), salt = hex("0EC675AD498AFEEBB6960B3AABE6")
        #expect(try SRTPKeyDerivation.derive(label: .srtpEncryption, length: 16, masterKey: key, masterSalt: salt)
                == hex("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(try SRTPKeyDerivation.derive(label: .srtpSalt, length: 14, masterKey: key, masterSalt: salt)
                == hex("30CBBC08863D8C85D49DB34A9AE1"))
        let authKey = hex("""
            CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE E049646C43D9327AD175578EF7227098
            6371C10C9A369AC2F94A8C5FBCDDDC25 6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2
            """)
        #expect(try SRTPKeyDerivation.derive(label: .srtpAuthentication, length: 94, masterKey: key, masterSalt: salt) == authKey)
        // The session key set for the default profile takes the first 20 bytes of that stream.
        let keys = try SRTPSessionKeys(profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt, rtcp: false)
        #expect(keys.encryptionKey == hex("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(keys.authenticationKey == Array(authKey.prefix(20)))
        #expect(keys.salt == hex("30CBBC08863D8C85D49DB34A9AE1"))
        // Every label gives a different key: SRTCP's are not SRTP's.
        let rtcpKeys = try SRTPSessionKeys(profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt, rtcp: true)
        #expect(rtcpKeys.encryptionKey != keys.encryptionKey && rtcpKeys.salt != keys.salt && rtcpKeys.authenticationKey != keys.authenticationKey)
    }

    /// RFC 6188 §7.2: AES_256_CM_PRF.
    @Test(.spec("RFC6188-3.1-2")) func keyDerivationRFC6188() throws {
        let key = hex("f0f04914b513f2763a1b1fa130f10e29 98f6f6e43e4309d1e622a0e332b9f1b6")
        let salt = hex("3b04803de51ee7c96423ab5b78d2")
        let keys = try SRTPSessionKeys(profile: .aes256CmHmacSha1_80, masterKey: key, masterSalt: salt, rtcp: false)
        #expect(keys.encryptionKey == hex("5ba1064e30ec51613cad926c5a28ef73 1ec7fb397f70a960653caf06554cd8c4"))
        #expect(keys.salt == hex("fa31791685ca444a9e07c6c64e93"))
        #expect(keys.authenticationKey == hex("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05"))
    }

    /// RFC 6188 §7.4: AES_192_CM_PRF.
    @Test(.spec("RFC6188-3.1-1")) func keyDerivationAES192() throws {
        let key = hex("73edc66c4fa15776fb57f9505c171365 50ffda71f3e8e5f1"), salt = hex("c8522f3acd4ce86d5add78edbb11")
        let keys = try SRTPSessionKeys(profile: .aes192CmHmacSha1_80, masterKey: key, masterSalt: salt, rtcp: false)
        #expect(keys.encryptionKey == hex("31874736a8f1143870c26e4857d8a5b2 c4a354407faadabb"))
        #expect(keys.salt == hex("2372b82d639b6d8503a47adc0a6c"))
        #expect(keys.authenticationKey == hex("355b10973cd95b9eacf4061c7e1a7151 e7cfbfcb"))
    }

    /// Rate r > 0: the key for index i is the one derived with r = i DIV rate, and changes
    /// exactly at multiples of the rate.
    @Test(.spec("RFC3711-4.3.1-4", "RFC3711-4.3.1-3")) func keyDerivationRate() throws {
        let key = hex("E1F97A0D3E018BE0D64FA32C06DE4139"), salt = hex("0EC675AD498AFEEBB6960B3AABE6")
        func derived(_ index: UInt64) throws -> [UInt8] {
            try SRTPKeyDerivation.derive(label: .srtpEncryption, length: 16, masterKey: key, masterSalt: salt, index: index, rate: 256)
        }
        #expect(try derived(0) == derived(255))
        #expect(try derived(255) != derived(256))
        #expect(try derived(256) == derived(511))
        // r = 1 (index 256 DIV 256) XORs into the last salt byte before the PRF.
        var shifted = salt
        shifted[13] ^= 1
        #expect(try derived(256) == SRTPKeyDerivation.derive(label: .srtpEncryption, length: 16, masterKey: key, masterSalt: shifted))
    }

    // MARK: Keystreams

    /// RFC 3711 B.2 and RFC 6188 §7.1 and §7.3: the AES-CM keystream for SSRC 0, index 0, over the
    /// longest segment one IV allows, read by protecting an all-zero payload.
    @Test(.spec("RFC3711-4.1.1-1", "RFC3711-4.1.1-2", "RFC3711-4.1.1-3", "RFC3711-4.1.1-5", "RFC3711-5.1-1", "RFC3711-4.2.1-1",
                "RFC3711-4.1-2"),
          arguments: CryptoBackend.available)
    func counterModeKeystream(backend: CryptoBackend) throws {
        let cases: [(SRTPProfile, [UInt8], [[UInt8]])] = [
            (.aes128CmHmacSha1_80, hex("2B7E151628AED2A6ABF7158809CF4F3C"), [
                hex("E03EAD0935C95E80E166B16DD92B4EB4"), hex("D23513162B02D0F72A43A2FE4A5F97AB"), hex("41E95B3BB0A2E8DD477901E4FCA894C0"),
                hex("EC8CDF7398607CB0F2D21675EA9EA1E4"), hex("362B7C3C6773516318A077D7FC5073AE"), hex("6A2CC3787889374FBEB4C81B17BA6C44")]),
            (.aes192CmHmacSha1_80, hex("eab234764e517b2d3d160d587d8c8621 9740f65f99b6bcf7"), [
                hex("35096cba4610028dc1b57503804ce37c"), hex("5de986291dcce161d5165ec4568f5c9a"), hex("474a40c77894bc17180202272a4c264d"),
                hex("d108d1a31a00bad6367ec23eb044b415"), hex("c8f57129fdeb970b59f917b257662d4c"), hex("a5dab625811034e8cebdfeb6dc158dd3")]),
            (.aes256CmHmacSha1_80, hex("57f82fe3613fd170a85ec93c40b1f092 2ec4cb0dc025b58272147cc438944a98"), [
                hex("92bdd28a93c3f52511c677d08b5515a4"), hex("9da71b2378a854f67050756ded165bac"), hex("63c4868b7096d88421b563b8c94c9a31"),
                hex("cea518c90fd91ced9cbb18c078a54711"), hex("3dbc4814f4da5f00a08772b63c6a046d"), hex("6eb246913062a16891433e97dd01a57f")]),
        ]
        for (profile, sessionKey, blocks) in cases {
            var configuration = SRTPConfiguration(profile: profile, masterKeys: [])
            configuration.backend = backend
            let keys = SRTPSessionKeys(encryptionKey: sessionKey, authenticationKey: [UInt8](repeating: 0, count: 20),
                                       salt: hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"))
            var session = try SRTPSession(configuration, rtpKeys: keys, rtcpKeys: keys)
            // Version 2, sequence 0, SSRC 0; the payload is 65282 blocks of zeros.
            var packet = [0x80, 0] + [UInt8](repeating: 0, count: 10) + [UInt8](repeating: 0, count: 1_044_512)
            try session.protectRTP(&packet)
            let stream = packet[12..<(12 + 1_044_512)]
            func block(_ n: Int) -> [UInt8] { Array(stream[(stream.startIndex + 16 * n)..<(stream.startIndex + 16 * n + 16)]) }
            #expect([block(0), block(1), block(2), block(0xfeff), block(0xff00), block(0xff01)] == blocks, "\(profile) \(backend)")
            // One more block than an IV may produce is refused.
            var tooLong = [0x80, 1] + [UInt8](repeating: 0, count: 10) + [UInt8](repeating: 0, count: 0x10000 * 16)
            #expect(throws: SRTPError.packetTooLong(length: 12 + 0x10000 * 16)) { try session.protectRTP(&tooLong) }
        }
    }

    // MARK: AES-GCM (RFC 7714)

    static let gcmSalt = hex("517569642070726f2071756f")
    static let gcmKey128 = Array<UInt8>(0...15), gcmKey256 = Array<UInt8>(0...31)
    static let rtpPlain = hex("8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070 61727465 73207472 6573")

    static func gcmSession(_ profile: SRTPProfile, key: [UInt8], backend: CryptoBackend, encryptRTCP: Bool = true) throws -> SRTPSession {
        var configuration = SRTPConfiguration(profile: profile, masterKeys: [])
        configuration.backend = backend
        configuration.encryptRTCP = encryptRTCP
        let keys = SRTPSessionKeys(encryptionKey: key, authenticationKey: [], salt: gcmSalt)
        return try SRTPSession(configuration, rtpKeys: keys, rtcpKeys: keys)
    }

    /// RFC 7714 §16.1.1–16.1.2 and §16.2.1–16.2.2: SRTP encryption and decryption.
    @Test(.spec("RFC7714-8.2-1", "RFC7714-1-2", "RFC7714-10-7", "RFC7714-12-1", "RFC7714-10-3", "RFC7714-10-9", "RFC7714-13.1-4",
                "RFC7714-10-4", "RFC7714-1-1", "RFC7714-3-2"),
          arguments: CryptoBackend.available)
    func srtpGCMVectors(backend: CryptoBackend) throws {
        let cases: [(SRTPProfile, [UInt8], [UInt8])] = [
            (.aeadAES128GCM, Self.gcmKey128, hex("""
                8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf
                8833899d 7f27beb1 6a9152cf 765ee439 0cce
                """)),
            (.aeadAES256GCM, Self.gcmKey256, hex("""
                8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238 9a58e2f3 b50b2a02 76ffae0f 1ba63799
                b87b7aa3 db36dfff d6b0f9bb 7878d7a7 6c13
                """)),
        ]
        for (profile, key, protected) in cases {
            var sender = try Self.gcmSession(profile, key: key, backend: backend)
            var packet = Self.rtpPlain
            try sender.protectRTP(&packet)
            #expect(packet == protected, "\(profile) \(backend)")
            var receiver = try Self.gcmSession(profile, key: key, backend: backend)
            var received = protected
            try receiver.unprotectRTP(&received)
            #expect(received == Self.rtpPlain, "\(profile) \(backend)")
        }
    }

    static let rtcpPlain = hex("81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef")

    /// RFC 7714 §17.1–17.4: SRTCP encrypted and tagged-only, both key sizes, both directions.
    @Test(.spec("RFC7714-9-1", "RFC3711-3.4-5", "RFC3711-3.4-6", "RFC3711-4.1.1-4", "RFC3711-3.4-13"), arguments: CryptoBackend.available)
    func srtcpGCMVectors(backend: CryptoBackend) throws {
        let encrypted128 = hex("""
            81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded
            0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4
            """)
        let encrypted256 = hex("""
            81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50 a2eaa5c1 110555be 8415f658 c61de047
            6f1b6fad 1d1eb30c 4446839f 57ff6f6c b26ac3be 800005d4
            """)
        let tagged128 = Self.rtcpPlain + hex("841dd968 3dd78ec9 2ae58790 125f62b3 000005d4")
        let tagged256 = Self.rtcpPlain + hex("91db4afb feee5a97 8fab4393 ed2615fe 000005d4")
        let cases: [(SRTPProfile, [UInt8], Bool, [UInt8])] = [
            (.aeadAES128GCM, Self.gcmKey128, true, encrypted128), (.aeadAES256GCM, Self.gcmKey256, true, encrypted256),
            (.aeadAES128GCM, Self.gcmKey128, false, tagged128), (.aeadAES256GCM, Self.gcmKey256, false, tagged256),
        ]
        for (profile, key, encrypt, protected) in cases {
            // The vectors use SRTCP index 0x5d4: send that many packets first.
            var sender = try Self.gcmSession(profile, key: key, backend: backend, encryptRTCP: encrypt)
            for _ in 0..<0x5d4 {
                var filler = Self.rtcpPlain
                try sender.protectRTCP(&filler)
            }
            var packet = Self.rtcpPlain
            try sender.protectRTCP(&packet)
            #expect(packet == protected, "\(profile) encrypt=\(encrypt) \(backend)")
            var receiver = try Self.gcmSession(profile, key: key, backend: backend)
            var received = protected
            try receiver.unprotectRTCP(&received)
            #expect(received == Self.rtcpPlain, "\(profile) encrypt=\(encrypt) \(backend)")
        }
    }
}
