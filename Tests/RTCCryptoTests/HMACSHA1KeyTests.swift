import Foundation
import SpecTesting
import Testing
@testable import RTCCrypto

/// The precomputed-pad HMAC-SHA1 key against the general ``HMAC``, in every piece layout the
/// allocation-free forms accept: head ‖ message ‖ suffix.
@Suite struct HMACSHA1KeyTests {
    /// Two tags at once (interleaved SHA-1 on SHA-NI) equal the general HMAC of each message,
    /// for pairs of equal and of different lengths and suffixes, including tails of one, two
    /// and three blocks.
    @Test(arguments: CryptoBackend.available(for: .sha))
    func pairsAgreeWithHMAC(backend: CryptoBackend) {
        var rng = SeededGenerator(seed: 0x9a12)
        let lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1212, 1216, 1300]
        let key = rng.bytes(20)
        let prepared = HMACSHA1Key(key: key, backend: backend)
        for first in lengths {
            for second in lengths {
                let a = rng.bytes(first), b = rng.bytes(second)
                let suffixA = rng.bytes(first % 3 == 0 ? 4 : 64), suffixB = rng.bytes(second % 2 == 0 ? 0 : 4)
                var tagA = [UInt8](repeating: 0, count: 20), tagB = [UInt8](repeating: 0, count: 10)
                a.withUnsafeBytes { a in b.withUnsafeBytes { b in
                    suffixA.withUnsafeBytes { sa in suffixB.withUnsafeBytes { sb in
                        tagA.withUnsafeMutableBytes { ta in tagB.withUnsafeMutableBytes { tb in
                            prepared.authenticate(a, suffix: sa, tag: ta, b, suffix: sb, tag: tb)
                        } }
                    } }
                } }
                #expect(tagA == HMAC<SHA1>.authenticate(a + suffixA, key: key), "\(backend) \(first)/\(second)")
                #expect(tagB == Array(HMAC<SHA1>.authenticate(b + suffixB, key: key).prefix(10)), "\(backend) \(first)/\(second)")
            }
        }
    }

    @Test(arguments: CryptoBackend.available(for: .sha))
    func headMessageSuffixAgreesWithHMAC(backend: CryptoBackend) {
        var rng = SeededGenerator(seed: 5769)
        // Lengths around the block boundaries matter most: 0, 55/56 (padding spills), 63/64/65.
        let headLengths = [0, 1, 20, 44, 55, 56, 63, 64]
        let messageLengths = [0, 1, 3, 35, 43, 44, 45, 55, 56, 63, 64, 65, 100, 127, 128, 129, 300]
        let suffixLengths = [0, 4, 64]
        for keyLength in [0, 22, 64, 100] {
            let key = rng.bytes(keyLength)
            let prepared = HMACSHA1Key(key: key, backend: backend)
            #expect(prepared.backend == backend)
            for h in headLengths {
                for m in messageLengths {
                    for s in suffixLengths {
                        let head = rng.bytes(h), message = rng.bytes(m), suffix = rng.bytes(s)
                        let expected = HMAC<SHA1>.authenticate(head + message + suffix, key: key)
                        var tag = [UInt8](repeating: 0, count: 20)
                        head.withUnsafeBytes { head in
                            message.withUnsafeBytes { message in
                                suffix.withUnsafeBytes { suffix in
                                    tag.withUnsafeMutableBytes { prepared.authenticate(head: head, message, suffix: suffix, tag: $0) }
                                    #expect(expected.withUnsafeBytes { prepared.verify($0, head: head, message, suffix: suffix) })
                                    // The head-free forms see the same bytes as one message.
                                    if h == 0 {
                                        #expect(expected.withUnsafeBytes { prepared.verify($0, for: message, suffix: suffix) })
                                    }
                                    var wrong = expected
                                    wrong[Int(rng.next() % 20)] ^= 0x01
                                    #expect(!wrong.withUnsafeBytes { prepared.verify($0, head: head, message, suffix: suffix) })
                                    // Truncated tags compare on their length.
                                    #expect(expected.prefix(4).withUnsafeBytes { prepared.verify($0, head: head, message, suffix: suffix) })
                                }
                            }
                        }
                        #expect(tag == expected, "key \(keyLength) head \(h) message \(m) suffix \(s)")
                    }
                }
            }
        }
    }

    /// RFC 5769 §2.1's MESSAGE-INTEGRITY from the header with its length patched (the head) and
    /// the attributes before it, read in place.
    @Test func stunSampleRequestWithPatchedHead() throws {
        let request = Array(try Data(contentsOf: URL(fileURLWithPath: Vectors.directory + "/rfc5769/sample_request.bin")))
        var header = Array(request[0..<20])
        header[2] = 0x00
        header[3] = 0x50
        let key = HMACSHA1Key(key: Array("VOkJxbRl1RmTxUk/WvJxBt".utf8))
        let ok = header.withUnsafeBytes { head in
            request.withUnsafeBytes { bytes in
                key.verify(UnsafeRawBufferPointer(rebasing: bytes[80..<100]), head: head, UnsafeRawBufferPointer(rebasing: bytes[20..<76]))
            }
        }
        #expect(ok)
    }

    /// CRC-32 absorbed in pieces (as a FINGERPRINT check over a patched header would) equals
    /// the one-shot checksum, on every backend (PCLMULQDQ folding from 32 bytes on), at every
    /// length around the 16-byte blocks.
    @Test(arguments: CryptoBackend.available(for: .aes))
    func crc32InPiecesOnEveryBackend(backend: CryptoBackend) {
        var rng = SeededGenerator(seed: 8489)
        #expect(CRC32(.ieee, backend: backend).backend == backend)
        #expect(CRC32(.castagnoli, backend: backend).backend == .portable)
        for length in Array(0...200) + [255, 256, 257, 1000, 1500] {
            let bytes = rng.bytes(length)
            let expected = CRC32.checksum(bytes, polynomial: .ieee)
            var portable = CRC32(.ieee, backend: .portable)
            bytes.withUnsafeBytes { portable.update(bytes: $0) }
            #expect(portable.value == expected)
            for split in Set([0, length / 3, length / 2, length - min(length, 17), length]) {
                var crc = CRC32(.ieee, backend: backend)
                bytes[..<split].withUnsafeBytes { crc.update(bytes: $0) }
                bytes[split...].withUnsafeBytes { crc.update(bytes: $0) }
                #expect(crc.value == expected, "length \(length) split \(split)")
            }
        }
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xcbf4_3926)
        let long = [UInt8](repeating: 0xa5, count: 100)
        var folded = CRC32(.ieee, backend: backend)
        long.withUnsafeBytes { folded.update(bytes: $0) }
        // Python's zlib.crc32(b"\xa5" * 100), computed independently.
        #expect(folded.value == 0x0d12_3407)
    }
}
