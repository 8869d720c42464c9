import Foundation
import SpecTesting
import Testing
@testable import RTCCrypto

/// The precomputed-pad HMAC-SHA1 key against the general ``HMAC``, in every piece layout the
/// allocation-free forms accept: head ‖ message ‖ suffix.
@Suite struct HMACSHA1KeyTests {
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
    /// the one-shot checksum.
    @Test func crc32InPieces() {
        var rng = SeededGenerator(seed: 8489)
        for length in [0, 1, 7, 8, 9, 20, 63, 100, 257] {
            let bytes = rng.bytes(length)
            for split in Set([0, length / 3, length / 2, length]) {
                var crc = CRC32(.ieee)
                bytes[..<split].withUnsafeBytes { crc.update(bytes: $0) }
                bytes[split...].withUnsafeBytes { crc.update(bytes: $0) }
                #expect(crc.value == CRC32.checksum(bytes), "length \(length) split \(split)")
            }
        }
    }
}
