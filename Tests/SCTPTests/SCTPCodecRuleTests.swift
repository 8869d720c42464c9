import SpecTesting
import Testing
import Wire
@testable import SCTP

/// Chunk and parameter layout rules (RFC 9260 §3.2.1, §3.3.2, §3.3.3), read from the bytes.
@Suite struct SCTPCodecRuleTests {
    static func u16(_ bytes: [UInt8], _ i: Int) -> Int { Int(bytes[i]) << 8 | Int(bytes[i + 1]) }

    @Test(.spec("RFC9260-3.2.1-1", "RFC9260-3.2.1-2", "RFC9260-3.3.2.1-1"))
    func parametersFollowTheFixedFieldsPaddedToFourBytes() {
        for length in 0...9 {
            let first = SCTPParameter(type: 0x8123, value: [UInt8](repeating: 0xaa, count: length))
            let second = SCTPParameter(type: 0x8124, value: [UInt8](repeating: 0xbb, count: (length * 3) % 7))
            let chunk = SCTPChunk.initiation(SCTPInitChunk(initiateTag: 0x0102_0304, advertisedReceiverWindowCredit: 0x0506_0708,
                                                           outboundStreams: 0x090a, inboundStreams: 0x0b0c, initialTSN: 0x0d0e_0f10,
                                                           parameters: [first, second]))
            var w = ByteWriter()
            chunk.write(to: &w)
            let bytes = w.bytes
            // The fixed-length fields, then the parameters.
            #expect(Array(bytes[4..<20]) == (1...16).map { UInt8($0) }, "value length \(length)")
            var offset = 20
            for parameter in [first, second] {
                #expect(Self.u16(bytes, offset) == Int(parameter.type))
                let declared = Self.u16(bytes, offset + 2)
                #expect(declared == 4 + parameter.value.count)
                // The next parameter (or the chunk's end) starts at a multiple of 4, after at most 3 zero bytes.
                let next = offset + ((declared + 3) / 4) * 4
                #expect((next - offset) % 4 == 0 && next - offset - declared <= 3)
                #expect(bytes[(offset + declared)..<min(next, bytes.count)].allSatisfy { $0 == 0 })
                offset = next
            }
            #expect(offset == bytes.count, "value length \(length): nothing but padded parameters after the fixed fields")
            var single = ByteWriter()
            let padding = first.write(to: &single)
            #expect(single.count % 4 == 0 && padding <= 3 && single.count == 4 + length + padding)
        }
    }

    @Test(.spec("RFC9260-3.3.3-3", "RFC9260-3.2.1-1"))
    func initAckFlagsAreZeroAndIgnored() {
        var association = SCTPAssociation(random: SeededGenerator(seed: 500))
        let out = SCTPScriptedPeer.deliver(&association, [.initiation(SCTPScriptedPeer.peerInit())], tag: 0, at: .zero)
        guard let bytes = out.bytes.first, bytes.count > 40 else { Issue.record("no INIT ACK"); return }
        #expect(bytes[12] == SCTPChunkType.initiationAck && bytes[13] == 0)
        // Every parameter of the real INIT ACK (the cookie among them) is padded to 4 bytes.
        var offset = 12 + 20
        while offset + 4 <= bytes.count {
            let declared = Self.u16(bytes, offset + 2)
            #expect(declared >= 4)
            offset += ((declared + 3) / 4) * 4
        }
        #expect(offset == bytes.count)
        // An INIT ACK with every flag bit set is processed as if they were zero.
        var (waiting, _) = SCTPStateRuleTests.waiting(seed: 501)
        let ack = SCTPInitChunk(initiateTag: 0x0909, advertisedReceiverWindowCredit: 100_000, outboundStreams: 5, inboundStreams: 5, initialTSN: 9,
                                parameters: [SCTPParameter(type: SCTPParameter.stateCookie, value: [1, 2, 3, 4])])
        var packet = SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: waiting.localVerificationTag, chunks: [.initiationAck(ack)]).encoded()
        packet[13] = 0xff
        SCTPPacket.fillChecksum(&packet)
        waiting.handle(.packet(packet), at: .zero)
        let echoed = SCTPScriptedPeer.collect(&waiting, at: .zero)
        #expect(waiting.state == .cookieEchoed && echoed.chunks.first == .cookieEcho(cookie: [1, 2, 3, 4]))
    }

    @Test(.spec("RFC9260-5.1-16"))
    func abortsForBadSetupChunksNameTheCause() {
        var closed = SCTPAssociation(random: SeededGenerator(seed: 502))
        let noStreams = SCTPScriptedPeer.deliver(&closed, [.initiation(SCTPScriptedPeer.peerInit(outboundStreams: 0))], tag: 0, at: .zero)
        guard case .abort(_, let causes)? = noStreams.chunks.first else { Issue.record("no ABORT"); return }
        #expect(causes.map(\.code) == [SCTPErrorCause.invalidMandatoryParameter])
        // An INIT ACK without its State Cookie: the missing parameter's type is named.
        var (waiting, _) = SCTPStateRuleTests.waiting(seed: 503)
        let ack = SCTPInitChunk(initiateTag: 0x0909, advertisedReceiverWindowCredit: 100_000, outboundStreams: 5, inboundStreams: 5, initialTSN: 9)
        let out = SCTPScriptedPeer.deliver(&waiting, [.initiationAck(ack)], tag: waiting.localVerificationTag, at: .zero)
        guard case .abort(_, let missing)? = out.chunks.first else { Issue.record("no ABORT"); return }
        #expect(missing.map(\.code) == [SCTPErrorCause.missingMandatoryParameter])
        // Number of missing parameters 1, then the State Cookie's type (7).
        #expect(missing.first?.information == [0, 0, 0, 1, 0, 7])
    }
}
