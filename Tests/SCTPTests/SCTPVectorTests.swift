import Foundation
import SpecTesting
import Testing
import Wire
@testable import SCTP

enum SCTPVectors {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Vectors").path
    }()

    static func file(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
    }

    static func files(under folder: String) throws -> [(name: String, bytes: [UInt8])] {
        let path = directory + "/" + folder
        return try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { ($0, try file(folder + "/" + $0)) }
    }
}

/// aiortc's captured SCTP packets (as carried in DTLS) and usrsctp's fuzzer corpora.
@Suite struct SCTPVectorTests {
    static func packet(_ name: String) throws -> (SCTPPacket, [UInt8]) {
        let bytes = try SCTPVectors.file("aiortc-sctp/\(name).bin")
        return (try SCTPPacket(parsing: bytes), bytes)
    }

    @Test(.spec("RFC9260-3-3", "RFC9260-6.8-1", "RFC9260-6.8-3", "RFC9260-3.2-2", "RFC9260-3.2-4", "RFC9260-3.2.1-3"))
    func everyWellFormedCaptureRoundTrips() throws {
        for (name, bytes) in try SCTPVectors.files(under: "aiortc-sctp") where name.hasSuffix(".bin") {
            if name.contains("truncated") || name.contains("zero_length") { continue }
            let packet = try SCTPPacket(parsing: bytes)
            #expect(packet.sourcePort == 5000 && packet.destinationPort == 5000, "\(name)")
            let encoded = packet.encoded()
            #expect(encoded == bytes, "\(name) re-encodes byte for byte")
        }
    }

    @Test(.spec("RFC9260-6.10-7", "RFC9260-3.3.1-6"))
    func malformedCapturesAreRejectedWithTypedErrors() throws {
        let truncated = try SCTPVectors.file("aiortc-sctp/sctp_data_truncated.bin")
        do {
            _ = try SCTPPacket(parsing: truncated, verifyChecksum: false)
            Issue.record("a chunk longer than its packet was accepted")
        } catch {
            #expect(error == .badChunkLength(type: 0, offset: 12, length: 8, available: 4))
        }
        // A DATA chunk whose length covers only 8 bytes lacks the 16-byte header.
        var short: [UInt8] = [0x13, 0x88, 0x13, 0x88, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x03, 0, 8, 0, 0, 0, 1]
        SCTPPacket.fillChecksum(&short)
        do {
            _ = try SCTPPacket(parsing: short)
            Issue.record("a DATA chunk without its header was accepted")
        } catch {
            #expect(error == .invalidChunk(type: 0, offset: 12, reason: "8 bytes is shorter than the 16-byte header"))
        }
        let zeroLength = try SCTPVectors.file("aiortc-sctp/sctp_data_zero_length.bin")
        do {
            _ = try SCTPPacket(parsing: zeroLength, verifyChecksum: false)
            Issue.record("a zero chunk length was accepted")
        } catch {
            #expect(error == .badChunkLength(type: 0, offset: 12, length: 0, available: 4))
        }
    }

    @Test(.spec("RFC9260-6.8-3", "RFC9260-6.8-4"))
    func aFlippedBitFailsTheChecksum() throws {
        var bytes = try SCTPVectors.file("aiortc-sctp/sctp_data.bin")
        bytes[bytes.count - 1] ^= 0x01
        #expect(throws: SCTPPacketError.self) { try SCTPPacket(parsing: bytes) }
        #expect((try? SCTPPacket(parsing: bytes, verifyChecksum: false)) != nil)
    }

    @Test func fieldsAsAiortcReadsThem() throws {
        let (data, _) = try Self.packet("sctp_data")
        guard case .data(let chunk)? = data.chunks.first else { Issue.record("not DATA"); return }
        #expect(chunk.beginning && chunk.ending && !chunk.unordered)
        #expect(chunk.streamIdentifier == 1 && chunk.messageIdentifier == 1 && chunk.payloadProtocolIdentifier == 51)
        #expect(Array(chunk.userData) == Array("ping".utf8))

        let (padded, _) = try Self.packet("sctp_data_padding")
        guard case .data(let small)? = padded.chunks.first else { Issue.record("not DATA"); return }
        #expect(Array(small.userData) == Array("M".utf8))

        let (sack, _) = try Self.packet("sctp_sack")
        guard case .selectiveAck(let s)? = sack.chunks.first else { Issue.record("not SACK"); return }
        #expect(s.cumulativeTSNAck == 2_222_939_037 && s.advertisedReceiverWindowCredit == 128_160)
        #expect(s.gapBlocks == [.init(start: 2, end: 2), .init(start: 4, end: 4)])
        #expect(s.duplicateTSNs == [2_222_939_041])

        let (forward, _) = try Self.packet("sctp_forward_tsn")
        guard case .forwardTSN(let f)? = forward.chunks.first else { Issue.record("not FORWARD TSN"); return }
        #expect(f.newCumulativeTSN == 1234 && f.skipped == [.init(streamIdentifier: 12, messageIdentifier: 34)])

        let (initiation, _) = try Self.packet("sctp_init")
        guard case .initiation(let i)? = initiation.chunks.first else { Issue.record("not INIT"); return }
        #expect(initiation.verificationTag == 0)
        #expect(i.supportsForwardTSN)
        #expect(i.supportedExtensions.contains(SCTPChunkType.reconfig))

        let (abort, _) = try Self.packet("sctp_abort")
        guard case .abort(let reflected, let causes)? = abort.chunks.first else { Issue.record("not ABORT"); return }
        #expect(!reflected && causes.count == 1 && causes[0].code == SCTPErrorCause.protocolViolation)
        #expect(causes[0].description.hasPrefix("Protocol Violation: Expected B-bit"))

        let (reset, _) = try Self.packet("sctp_reconfig_reset_out")
        guard case .reconfig(let parameters)? = reset.chunks.first,
              case let .outgoingSSNResetRequest(request, response, last, streams)? = parameters.first else {
            Issue.record("not an outgoing reset"); return
        }
        #expect(request == 0x8bd8_0a5b && response == 0xe48b_ec73 && last == 0x8bd8_0a5e && streams == [1])

        let (answer, _) = try Self.packet("sctp_reconfig_response")
        guard case .reconfig(let answerParameters)? = answer.chunks.first,
              case let .response(sequence, result, _, _)? = answerParameters.first else { Issue.record("not a response"); return }
        #expect(sequence == 0x9153_1f54 && result == .successPerformed)

        let (heartbeat, _) = try Self.packet("sctp_heartbeat")
        guard case .heartbeat(let info)? = heartbeat.chunks.first else { Issue.record("not HEARTBEAT"); return }
        #expect(info.count == 36)
    }

    /// usrsctp's fuzzer inputs: chunks behind a feature byte (CONNECT, LISTEN) or in the
    /// fragment harness's framing. With a common header in front, each either decodes and
    /// re-encodes exactly, or is rejected with a typed error; none traps.
    @Test func usrsctpCorporaDecodeOrFailCleanly() throws {
        var decoded = 0, rejected = 0
        for folder in ["CORPUS_CONNECT", "CORPUS_LISTEN", "CORPUS_FRAGMENT"] {
            for (name, input) in try SCTPVectors.files(under: "usrsctp/fuzzer/\(folder)") {
                let chunks = folder == "CORPUS_FRAGMENT" ? input : Array(input.dropFirst())
                var bytes: [UInt8] = [0x13, 0x88, 0x13, 0x88, 0, 0, 0, 1, 0, 0, 0, 0] + chunks
                SCTPPacket.fillChecksum(&bytes)
                do {
                    let packet = try SCTPPacket(parsing: bytes)
                    decoded += 1
                    // Reserved bits are ignored on receipt and sent as zero, so the round trip is
                    // checked on the decoded packet rather than on the bytes.
                    let again = try? SCTPPacket(parsing: packet.encoded())
                    let same = again == packet
                    #expect(same, "\(folder)/\(name)")
                } catch {
                    rejected += 1
                    #expect(!error.description.isEmpty)
                }
            }
        }
        print("usrsctp corpora: \(decoded) decoded, \(rejected) rejected with a typed error")
        #expect(decoded > 50)
    }

    /// The simulations' wire checker finds what it is meant to find.
    @Test func wireCheckerCatchesBrokenPackets() {
        func violations(_ chunks: [SCTPChunk], tag: UInt32 = 7) -> [String] {
            var checker = SCTPWireChecker()
            checker.fromA.peerTag = 7
            checker.check(SCTPPacket(sourcePort: 1, destinationPort: 1, verificationTag: tag, chunks: chunks).encoded(), fromA: true)
            return checker.violations
        }
        let data = SCTPDataChunk(tsn: 10, streamIdentifier: 1, messageIdentifier: 0, payloadProtocolIdentifier: 51, userData: [1][...])
        #expect(violations([.data(data), .selectiveAck(.init(cumulativeTSNAck: 1, advertisedReceiverWindowCredit: 5000))]) == ["A: control chunk after DATA"])
        #expect(violations([.data(data)], tag: 8).count == 1)
        #expect(violations([.cookieAck, .cookieEcho(cookie: [1, 2, 3, 4])]) == ["A: COOKIE ECHO not first"])
        #expect(!violations([.shutdownComplete(reflectedTag: false), .cookieAck]).isEmpty)
        var later = data
        later.tsn = 9
        #expect(violations([.data(data), .data(later)]).contains("A: DATA TSNs not increasing in a packet"))
        var wrongSequence = data
        wrongSequence.messageIdentifier = 3
        #expect(violations([.data(wrongSequence)]) == ["A: stream 1 sequence 3, expected 0"])
        #expect(violations([.data(data)]).isEmpty)
    }
}
