import RTCCrypto
import SpecTesting
import SRTP
import Testing

/// The batch calls (tags computed two at a time) give exactly what the per-packet calls give,
/// packet for packet, accepted or refused, on every profile and backend.
@Suite struct SRTPBatchTests {
    /// A stream of two SSRCs whose sequence numbers wrap (the ROC moves inside a batch),
    /// with payloads of different lengths so that pairs' SHA-1 runs differ in length too.
    static func packets(count: Int, random: inout SeededGenerator) -> [[UInt8]] {
        (0..<count).map { n in
            let ssrc: UInt32 = n % 5 == 4 ? 0x0bad_cafe : 0x1234_5678
            let payload = random.bytes([0, 1, 63, 64, 100, 1200, 1200, 1200][n % 8])
            return rtpPacket(sequence: UInt16(truncatingIfNeeded: 65_500 + n), ssrc: ssrc, payload: payload)
        }
    }

    static func session(_ profile: SRTPProfile, _ backend: CryptoBackend) throws -> SRTPSession {
        var configuration = SRTPConfiguration(profile: profile, masterKeys: [masterKey(profile, seed: 9)])
        configuration.backend = backend
        return try SRTPSession(configuration)
    }

    @Test(.spec("RFC3711-3.3-1", "RFC3711-3.3-2", "RFC3711-3.3.1-2", "RFC3711-4.2-1"), arguments: SRTPProfile.allCases)
    func batchesMatchSinglePackets(profile: SRTPProfile) throws {
        var random = SeededGenerator(seed: 0xba7c)
        for backend in CryptoBackend.available {
            let plain = Self.packets(count: 75, random: &random)
            var single = try Self.session(profile, backend), batched = try Self.session(profile, backend)
            var one = plain
            for i in one.indices { try single.protectRTP(&one[i]) }
            var many = plain
            // Batches of uneven sizes, so pairs start at odd and even positions.
            var start = 0
            for size in [1, 2, 3, 16, 7, 30, 100] where start < many.count {
                var batch = Array(many[start..<min(start + size, many.count)])
                try batched.protectRTP(batch: &batch)
                many.replaceSubrange(start..<(start + batch.count), with: batch)
                start += batch.count
            }
            #expect(one == many, "\(profile) \(backend): protect")

            // Receiving: a forged packet first in a pair, a replay of its partner, the batch
            // reordered; the batch call accepts and refuses exactly what single calls do.
            var received = one
            received.swapAt(10, 11)
            // Positions chosen against the batch sizes below: 21 is first in its pair, 32
            // replays a packet of the pair before, 51 replays its own pair's first packet.
            received[21][received[21].count - 1] ^= 0x40
            received.insert(received[31], at: 32)
            received.insert(received[50], at: 51)
            var singleReceiver = try Self.session(profile, backend), batchReceiver = try Self.session(profile, backend)
            var singleOutcome: [String] = []
            var opened = received
            for i in opened.indices {
                do { try singleReceiver.unprotectRTP(&opened[i]); singleOutcome.append("ok") } catch { singleOutcome.append("\(error)") }
            }
            var batchOutcome = [String](repeating: "ok", count: received.count)
            var batchOpened = received
            start = 0
            for size in [2, 9, 16, 1, 40, 100] where start < batchOpened.count {
                var batch = Array(batchOpened[start..<min(start + size, batchOpened.count)])
                let base = start
                let accepted = batchReceiver.unprotectRTP(batch: &batch) { index, error in batchOutcome[base + index] = "\(error)" }
                #expect(accepted == batch.count - batchOutcome[base..<(base + batch.count)].filter { $0 != "ok" }.count)
                batchOpened.replaceSubrange(start..<(start + batch.count), with: batch)
                start += batch.count
            }
            #expect(batchOutcome == singleOutcome, "\(profile) \(backend): unprotect verdicts")
            #expect(singleOutcome.filter { $0 != "ok" }.count == 3, "\(profile): the forged packet and the two replays")
            for i in opened.indices where singleOutcome[i] == "ok" {
                #expect(batchOpened[i] == opened[i], "\(profile) \(backend): packet \(i)")
            }
            #expect(batchOpened.enumerated().filter { singleOutcome[$0.offset] == "ok" }.map(\.element)
                    == received.indices.filter { singleOutcome[$0] == "ok" }.map { opened[$0] })
            #expect(batchReceiver.statistics.rtpUnprotected == singleReceiver.statistics.rtpUnprotected)
        }
    }

    /// A failure stops a protect batch at the failing packet: those before are protected,
    /// it and those after are untouched.
    @Test func protectBatchStopsAtAFailure() throws {
        var sender = try Self.session(.aes128CmHmacSha1_80, .best)
        let good = rtpPacket(sequence: 1, ssrc: 7, payload: [1, 2, 3])
        let bad: [UInt8] = [0x80, 96, 0]   // shorter than an RTP header
        var batch = [good, rtpPacket(sequence: 2, ssrc: 7, payload: [4]), bad, rtpPacket(sequence: 3, ssrc: 7, payload: [5])]
        let original = batch
        var failure: SRTPBatchError?
        do { try sender.protectRTP(batch: &batch) } catch { failure = error }
        #expect(failure?.index == 2)
        #expect(failure.map { if case .packetTooShort = $0.error { true } else { false } } == true)
        var reference = try Self.session(.aes128CmHmacSha1_80, .best)
        var first = good
        try reference.protectRTP(&first)
        #expect(batch[0] == first)
        #expect(batch[2] == original[2] && batch[3] == original[3])
    }
}
