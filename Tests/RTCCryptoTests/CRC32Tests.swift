import SpecTesting
import Foundation
import Testing
import Wire
@testable import RTCCrypto

@Suite struct CRC32Tests {
    /// The standard check values for "123456789".
    @Test func checkValues() {
        let check = Array("123456789".utf8)
        #expect(CRC32.checksum(check, polynomial: .ieee) == 0xcbf4_3926)
        #expect(CRC32.checksum(check, polynomial: .castagnoli) == 0xe306_9283)
        #expect(CRC32.checksum([UInt8](), polynomial: .ieee) == 0)
    }

    /// RFC 5769 §2.1: the sample request's FINGERPRINT is the CRC-32 of the message before it
    /// XOR 0x5354554e, and its MESSAGE-INTEGRITY is HMAC-SHA1 keyed with the password over the
    /// message before it, with the length field counting up to MESSAGE-INTEGRITY.
    @Test func stunSampleRequest() throws {
        let request = Array(try Data(contentsOf: URL(fileURLWithPath: Vectors.directory + "/rfc5769/sample_request.bin")))
        #expect(request.count == 108)
        let fingerprint = UInt32(request[104]) << 24 | UInt32(request[105]) << 16 | UInt32(request[106]) << 8 | UInt32(request[107])
        #expect(CRC32.checksum(request.prefix(100), polynomial: .ieee) ^ 0x5354_554e == fingerprint)
        var signed = Array(request.prefix(76))
        signed[2] = 0x00
        signed[3] = 0x50   // length through MESSAGE-INTEGRITY: 0x58 − 8
        let integrity = RTCCrypto.HMAC<RTCCrypto.SHA1>.authenticate(signed, key: Array("VOkJxbRl1RmTxUk/WvJxBt".utf8))
        #expect(integrity == Array(request[80..<100]))
    }

    /// Slicing by 8 agrees with the byte-at-a-time definition at every length and split.
    @Test func slicedMatchesBytewise() {
        var rng = SeededGenerator(state: 32)
        let data = rng.bytes(100)
        for polynomial in [CRC32.Polynomial.ieee, .castagnoli] {
            for length in 0...data.count {
                var reference: UInt32 = 0xffff_ffff
                for byte in data.prefix(length) {
                    reference ^= UInt32(byte)
                    for _ in 0..<8 { reference = reference & 1 == 1 ? (reference >> 1) ^ polynomial.rawValue : reference >> 1 }
                }
                var crc = CRC32(polynomial)
                crc.update(data.prefix(length / 3))
                crc.update(data.prefix(length).dropFirst(length / 3))
                #expect(crc.value == reference ^ 0xffff_ffff)
            }
        }
    }
}

/// CRC-32C with the SSE4.2 instruction against the portable tables and the RFC 3720 §B.4 values.
@Suite struct CRC32CTests {
    @Test func knownValues() {
        for hardware in [false, true] {
            #expect(CRC32C.checksum(Array("123456789".utf8), hardware: hardware) == 0xe306_9283)
            // RFC 3720 B.4: 32 bytes of zeros, of 0xff, ascending and descending.
            #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32), hardware: hardware) == 0x8a91_36aa)
            #expect(CRC32C.checksum([UInt8](repeating: 0xff, count: 32), hardware: hardware) == 0x62a8_ab43)
            #expect(CRC32C.checksum((0..<32).map { UInt8($0) }, hardware: hardware) == 0x46dd_794e)
            #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }, hardware: hardware) == 0x113f_db5c)
        }
    }

    @Test func hardwareAgreesWithPortableAtEveryLengthAndSplit() {
        print("CRC-32C hardware path available: \(CRC32C.hardwareAvailable)")
        var rng = SeededGenerator(state: 99)
        let data = rng.bytes(300)
        for length in 0...data.count {
            let portable = CRC32C.checksum(Array(data.prefix(length)), hardware: false)
            for lanes in [false, true] {
                var split = CRC32C(lanes: lanes)
                data.prefix(length / 3).withUnsafeBytes { split.update(bytes: $0) }
                data.prefix(length).dropFirst(length / 3).withUnsafeBytes { split.update(bytes: $0) }
                #expect(split.value == portable, "length \(length), lanes \(lanes)")
            }
        }
    }

    /// Three lanes combined by carry-less products: every lane length from the shortest to the
    /// longest, the rounds a long buffer takes, and every leftover tail, against the portable path.
    @Test func laneCombinationAgreesWithPortable() {
        print("CRC-32C lanes: \(CRC32C(lanes: true).usesLanes)")
        var rng = SeededGenerator(state: 7)
        let data = rng.bytes(20_000)
        var lengths = Array(180...800) + [1200, 1216, 1500, 6143, 6144, 6145, 12_288, 16_384, 20_000]
        lengths += (0..<40).map { _ in Int.random(in: 800...20_000, using: &rng) }
        for length in lengths {
            let message = Array(data.prefix(length))
            let portable = CRC32C.checksum(message, hardware: false)
            #expect(CRC32C.checksum(message, lanes: true) == portable, "length \(length)")
            #expect(CRC32C.checksum(message, lanes: false) == portable, "length \(length)")
            // A register already running when the lanes start.
            var split = CRC32C(lanes: true)
            message.prefix(5).withUnsafeBytes { split.update(bytes: $0) }
            message.dropFirst(5).withUnsafeBytes { split.update(bytes: $0) }
            #expect(split.value == portable, "split at 5, length \(length)")
        }
    }
}
