import RTCCrypto
import SpecTesting
import SRTP
import Testing

/// An RTP packet: version 2, `csrcs` CSRCs, an optional one-word extension, then the payload.
func rtpPacket(sequence: UInt16, ssrc: UInt32, payload: [UInt8], csrcs: Int = 0, extensionWords: Int? = nil,
               marker: Bool = false) -> [UInt8] {
    var packet: [UInt8] = [0x80 | UInt8(csrcs) | (extensionWords == nil ? 0 : 0x10), (marker ? 0x80 : 0) | 96]
    packet += [UInt8(sequence >> 8), UInt8(sequence & 0xff), 0, 0, 0x12, 0x34]
    packet += [UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xff), UInt8((ssrc >> 8) & 0xff), UInt8(ssrc & 0xff)]
    for i in 0..<csrcs { packet += [0, 0, 0, UInt8(i)] }
    if let words = extensionWords {
        packet += [0xbe, 0xde, 0, UInt8(words)] + [UInt8](repeating: 0xee, count: 4 * words)
    }
    return packet + payload
}

/// A receiver report with `ssrc`, followed by an SDES-like tail of `extra` bytes.
func rtcpPacket(ssrc: UInt32, extra: [UInt8] = []) -> [UInt8] {
    let words = UInt16((8 + extra.count + 3) / 4 - 1)
    return [0x80, 201, UInt8(words >> 8), UInt8(words & 0xff),
            UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xff), UInt8((ssrc >> 8) & 0xff), UInt8(ssrc & 0xff)] + extra
}

func masterKey(_ profile: SRTPProfile, seed: UInt8, mki: [UInt8] = []) -> SRTPMasterKey {
    SRTPMasterKey(key: (0..<profile.masterKeyLength).map { UInt8($0) &* 7 &+ seed },
                  salt: (0..<profile.masterSaltLength).map { UInt8($0) &* 13 &+ seed }, mki: mki)
}

@Suite struct SRTPSessionTests {
    /// Every profile on every backend: random packets (CSRCs, extensions, empty payloads)
    /// survive protect and unprotect; headers stay in the clear and, except for NULL, payloads
    /// do not.
    @Test(.spec("RFC3711-3.3-1", "RFC3711-3.3-2", "RFC3711-5.1-4", "RFC3711-5.2-1", "RFC7714-11-1", "RFC7714-11-2",
                "RFC3711-4.3.1-2", "RFC3711-4.3.2-1", "RFC3711-4.1.3-1", "RFC3711-3.2.1-7", "RFC3711-3.4-4", "RFC8827-6.5-1"),
          arguments: SRTPProfile.allCases)
    func roundTripEveryProfile(profile: SRTPProfile) throws {
        var random = SeededGenerator(seed: 0x5eed)
        for backend in CryptoBackend.available {
            var configuration = SRTPConfiguration(profile: profile, masterKeys: [masterKey(profile, seed: 1)])
            configuration.backend = backend
            var sender = try SRTPSession(configuration)
            var receiver = try SRTPSession(configuration)
            for n in 0..<200 {
                let payload = random.bytes(Int.random(in: 0...1400, using: &random))
                let original = rtpPacket(sequence: UInt16(n), ssrc: 0xcafe, payload: payload, csrcs: n % 3,
                                         extensionWords: n % 4 == 0 ? n % 5 : nil)
                var packet = original
                try sender.protectRTP(&packet)
                #expect(packet.count == original.count + sender.rtpOverhead)
                let headerLength = original.count - payload.count
                #expect(packet.prefix(headerLength) == original.prefix(headerLength), "header sent in the clear")
                if profile.cipher != .null && payload.count >= 8 {
                    #expect(packet[headerLength..<original.count] != original[headerLength...], "payload encrypted")
                } else if profile.cipher == .null {
                    #expect(packet[headerLength..<original.count] == original[headerLength...], "NULL cipher: payload as it was")
                }
                try receiver.unprotectRTP(&packet)
                #expect(packet == original)

                let rtcpOriginal = rtcpPacket(ssrc: 0xcafe, extra: random.bytes(4 * Int.random(in: 0...40, using: &random)))
                var rtcp = rtcpOriginal
                try sender.protectRTCP(&rtcp)
                #expect(rtcp.count == rtcpOriginal.count + sender.rtcpOverhead)
                try receiver.unprotectRTCP(&rtcp)
                #expect(rtcp == rtcpOriginal)
            }
            #expect(receiver.statistics.rtpUnprotected == 200 && receiver.statistics.rtcpUnprotected == 200)
        }
    }

    /// Tag lengths and overheads per profile: 80-bit, 32-bit (SRTCP keeps 80), 128-bit AEAD.
    @Test(.spec("RFC3711-5.2-2", "RFC3711-5.2-3", "RFC3711-5.1-2", "RFC3711-5.1-3", "RFC3711-5.3-2", "RFC7714-1-2",
                "RFC7714-10-7", "RFC3711-3.4-9", "RFC3711-4.2.1-3", "RFC3711-4.2-2", "RFC3711-9.5-3", "RFC7714-7.1-1", "RFC7714-7.1-2"))
    func overheads() throws {
        let expected: [SRTPProfile: (Int, Int)] = [
            .aes128CmHmacSha1_80: (10, 14), .aes128CmHmacSha1_32: (4, 14), .aes256CmHmacSha1_80: (10, 14),
            .aes192CmHmacSha1_32: (4, 14), .nullHmacSha1_32: (4, 14), .aeadAES128GCM: (16, 20), .aeadAES256GCM: (16, 20),
        ]
        for (profile, (rtp, rtcp)) in expected {
            let session = try SRTPSession(SRTPConfiguration(profile: profile, masterKeys: [masterKey(profile, seed: 2)]))
            #expect(session.rtpOverhead == rtp && session.rtcpOverhead == rtcp, "\(profile)")
        }
        #expect(SRTPProfile.aes128CmHmacSha1_80.masterKeyLength == 16 && SRTPProfile.aes128CmHmacSha1_80.masterSaltLength == 14)
        #expect(SRTPProfile.aes128CmHmacSha1_80.authenticationKeyLength == 20)
        #expect(SRTPProfile.aeadAES128GCM.masterSaltLength == 12)
        // DTLS-SRTP identifiers (RFC 5764 §4.1.2, RFC 7714 §14.2) map both ways.
        for profile in SRTPProfile.allCases {
            if let id = profile.dtlsSRTPIdentifier { #expect(SRTPProfile(dtlsSRTPIdentifier: id) == profile) }
        }
        #expect(SRTPProfile(dtlsSRTPIdentifier: 0x0007) == .aeadAES128GCM && SRTPProfile(dtlsSRTPIdentifier: 0x0003) == nil)
    }

    /// Any flipped bit in the authenticated portion, tag, or (for SRTP) a wrong ROC fails
    /// authentication; the packet is discarded and counted, and the context does not move.
    @Test(.spec("RFC3711-4.2-3", "RFC3711-3.3-4", "RFC3711-4.2-1", "RFC3711-4.2.1-2", "RFC7714-5.3-1", "RFC7714-5.3-3",
                "RFC3711-3.4-14", "RFC3711-3.1-9", "RFC7714-5.3-2"),
          arguments: SRTPProfile.allCases)
    func tamperingIsDetected(profile: SRTPProfile) throws {
        let configuration = SRTPConfiguration(profile: profile, masterKeys: [masterKey(profile, seed: 3)])
        var sender = try SRTPSession(configuration)
        var receiver = try SRTPSession(configuration)
        var random = SeededGenerator(seed: 7)
        let original = rtpPacket(sequence: 100, ssrc: 42, payload: random.bytes(64))
        var protected = original
        try sender.protectRTP(&protected)
        for position in stride(from: 0, to: protected.count, by: 3) {
            var tampered = protected
            tampered[position] ^= 0x01
            if position == 0 { tampered[0] = protected[0] ^ 0x20 }  // keep version 2 (P bit flip)
            let before = tampered
            #expect { try receiver.unprotectRTP(&tampered) } throws: { ($0 as? SRTPError)?.category == .authentication }
            #expect(tampered == before, "a failed packet is left as it was (nothing decrypted)")
        }
        #expect(receiver.statistics.authenticationFailures > 0 && receiver.statistics.rtpUnprotected == 0)
        #expect(receiver.rolloverCounter(ssrc: 42) == nil, "no stream is created by an unauthentic packet")
        // The genuine packet still passes afterwards.
        try receiver.unprotectRTP(&protected)
        #expect(protected == original)

        var rtcp = rtcpPacket(ssrc: 42, extra: random.bytes(24))
        try sender.protectRTCP(&rtcp)
        for position in stride(from: 1, to: rtcp.count, by: 2) {
            var tampered = rtcp
            tampered[position] ^= 0x80
            #expect(throws: SRTPError.self) { try receiver.unprotectRTCP(&tampered) }
        }
    }

    /// The same packet twice is a replay; far behind the window is too old; inside the window
    /// out of order is fine.
    @Test(.spec("RFC3711-3.3-3", "RFC3711-3.3.2-1", "RFC3711-3.3.2-2", "RFC3711-3.3.2-3", "RFC3711-3.3.2-4"))
    func replayProtection() throws {
        var configuration = SRTPConfiguration(profile: .aes128CmHmacSha1_80, masterKeys: [masterKey(.aes128CmHmacSha1_80, seed: 4)])
        configuration.replayWindowSize = 64
        var sender = try SRTPSession(configuration)
        var receiver = try SRTPSession(configuration)
        var packets: [[UInt8]] = []
        for sequence in 0..<200 {
            var packet = rtpPacket(sequence: UInt16(sequence), ssrc: 9, payload: [UInt8](repeating: UInt8(sequence), count: 20))
            try sender.protectRTP(&packet)
            packets.append(packet)
        }
        // Deliver 100…199 in reverse within the window, with 150 missing.
        for sequence in [100] + Array((101..<164).reversed()) where sequence != 150 {
            var packet = packets[sequence]
            try receiver.unprotectRTP(&packet)
        }
        var again = packets[120]
        #expect(throws: SRTPError.replayed(ssrc: 9, index: 120)) { try receiver.unprotectRTP(&again) }
        var late = packets[150]
        try receiver.unprotectRTP(&late)   // missing, inside the window: accepted once
        late = packets[150]
        #expect(throws: SRTPError.replayed(ssrc: 9, index: 150)) { try receiver.unprotectRTP(&late) }
        var old = packets[99]   // 163 − 99 = 64: outside a 64-packet window
        #expect(throws: SRTPError.tooOld(ssrc: 9, index: 99, highest: 163)) { try receiver.unprotectRTP(&old) }
        #expect(receiver.statistics.replays == 3)
        // SRTCP has its own window.
        var rtcp = rtcpPacket(ssrc: 9)
        try sender.protectRTCP(&rtcp)
        let copy = rtcp
        try receiver.unprotectRTCP(&rtcp)
        rtcp = copy
        #expect(throws: SRTPError.replayed(ssrc: 9, index: 0)) { try receiver.unprotectRTCP(&rtcp) }
        #expect(throws: SRTPConfigurationError.replayWindowTooSmall(63)) {
            var small = configuration
            small.replayWindowSize = 63
            _ = try SRTPSession(small)
        }
    }

    /// The sender refuses to protect an index twice (keystream reuse) unless told the repeat
    /// is a retransmission.
    @Test(.spec("RFC3711-9.1-1", "RFC3711-4.1.1-6", "RFC3711-4.1.1-7", "RFC7714-8.4-2")) func senderNeverReusesAnIndex() throws {
        var configuration = SRTPConfiguration(profile: .aeadAES128GCM, masterKeys: [masterKey(.aeadAES128GCM, seed: 5)])
        var sender = try SRTPSession(configuration)
        var first = rtpPacket(sequence: 7, ssrc: 1, payload: [1, 2, 3])
        try sender.protectRTP(&first)
        var second = rtpPacket(sequence: 7, ssrc: 1, payload: [4, 5, 6])
        #expect(throws: SRTPError.replayed(ssrc: 1, index: 7)) { try sender.protectRTP(&second) }
        #expect(second == rtpPacket(sequence: 7, ssrc: 1, payload: [4, 5, 6]), "a refused packet is unchanged")
        configuration.allowRepeatedTransmission = true
        var retransmitting = try SRTPSession(configuration)
        var a = rtpPacket(sequence: 7, ssrc: 1, payload: [1, 2, 3]), b = a
        try retransmitting.protectRTP(&a)
        try retransmitting.protectRTP(&b)
        #expect(a == b)
    }

    /// ROC: the sender counts wraps of SEQ; the receiver estimates them, including reordering
    /// across 65535 → 0 in both directions, and authenticates with the ROC it guessed.
    @Test(.spec("RFC3711-3.3.1-1", "RFC3711-3.3.1-2", "RFC3711-3.3.1-3", "RFC3711-3.3.1-5", "RFC3711-3.3.1-6", "RFC3711-3.3.1-7"),
          arguments: [SRTPProfile.aes128CmHmacSha1_80, .aeadAES256GCM])
    func rolloverAcrossTheWrap(profile: SRTPProfile) throws {
        let configuration = SRTPConfiguration(profile: profile, masterKeys: [masterKey(profile, seed: 6)])
        var sender = try SRTPSession(configuration)
        var receiver = try SRTPSession(configuration)
        var sent: [(UInt16, [UInt8])] = []
        var sequence: UInt16 = 65_500
        for _ in 0..<300 {
            var packet = rtpPacket(sequence: sequence, ssrc: 77, payload: [UInt8](repeating: UInt8(truncatingIfNeeded: sequence), count: 40))
            try sender.protectRTP(&packet)
            sent.append((sequence, packet))
            sequence &+= 1
        }
        #expect(sender.rolloverCounter(ssrc: 77) == 1)
        // Swap neighbours all along, so the wrap is seen out of order.
        var order = Array(sent.indices)
        for i in stride(from: 0, to: order.count - 1, by: 2) { order.swapAt(i, i + 1) }
        for i in order {
            var packet = sent[i].1
            try receiver.unprotectRTP(&packet)
            #expect(packet[2] == UInt8(sent[i].0 >> 8) && packet[3] == UInt8(sent[i].0 & 0xff))
        }
        #expect(receiver.rolloverCounter(ssrc: 77) == 1)
        // A late packet from before the wrap (ROC − 1) still authenticates.
        var estimator = SRTPIndexEstimator(rolloverCounter: 5)
        estimator.update(sequence: 10, guess: 5)
        #expect(estimator.estimate(65_530)?.index == UInt64(4) << 16 | 65_530)
        #expect(estimator.estimate(40_000)?.guess == 4, "more than half the space ahead of s_l: the previous ROC")
        #expect(estimator.estimate(30_000)?.guess == 5)
        var high = SRTPIndexEstimator(rolloverCounter: 5)
        high.update(sequence: 65_000, guess: 5)
        #expect(high.estimate(3)?.guess == 6)
        #expect(SRTPIndexEstimator(rolloverCounter: 0).estimate(1)?.index == 1)
    }

    /// Streams are told apart by SSRC: the same sequence numbers on two SSRCs are no replay,
    /// each keeps its own ROC, replay lists and SRTCP index, and the keystreams differ.
    @Test(.spec("RFC3711-3.2.1-9", "RFC3711-3.2.1-10", "RFC3711-3.2.3-1"), arguments: [SRTPProfile.aes128CmHmacSha1_80, .aeadAES128GCM])
    func streamsPerSSRC(profile: SRTPProfile) throws {
        let configuration = SRTPConfiguration(profile: profile, masterKeys: [masterKey(profile, seed: 14)])
        var sender = try SRTPSession(configuration)
        var receiver = try SRTPSession(configuration)
        sender.setRolloverCounter(7, ssrc: 2)
        receiver.setRolloverCounter(7, ssrc: 2)
        for sequence: UInt16 in [65_534, 65_535, 0, 1] {
            var first = rtpPacket(sequence: sequence, ssrc: 1, payload: [UInt8](repeating: 0, count: 32))
            var second = rtpPacket(sequence: sequence, ssrc: 2, payload: [UInt8](repeating: 0, count: 32))
            try sender.protectRTP(&first)
            try sender.protectRTP(&second)
            #expect(first[12..<44] != second[12..<44], "distinct keystreams per SSRC")
            try receiver.unprotectRTP(&first)
            try receiver.unprotectRTP(&second)
        }
        #expect(receiver.rolloverCounter(ssrc: 1) == 1 && receiver.rolloverCounter(ssrc: 2) == 8)
        #expect(Set(receiver.streamSSRCs) == [1, 2])
        for ssrc: UInt32 in [1, 2, 1] {
            var rtcp = rtcpPacket(ssrc: ssrc)
            try sender.protectRTCP(&rtcp)
            try receiver.unprotectRTCP(&rtcp)
        }
        // SSRC 1 has sent two SRTCP packets, SSRC 2 one: each index counts on its own.
        var third = rtcpPacket(ssrc: 2)
        try sender.protectRTCP(&third)
        let wordOffset = profile.isAEAD ? third.count - 4 : third.count - profile.srtcpTagLength - 4
        #expect(Array(third[wordOffset..<(wordOffset + 4)]) == [0x80, 0, 0, 1])
    }

    /// A receiver joining late is given the ROC; without it, the packet does not authenticate.
    @Test(.spec("RFC3711-3.3.1-4")) func joiningReceiverIsGivenTheROC() throws {
        let configuration = SRTPConfiguration(profile: .aes128CmHmacSha1_80, masterKeys: [masterKey(.aes128CmHmacSha1_80, seed: 8)])
        var sender = try SRTPSession(configuration)
        sender.setRolloverCounter(3, ssrc: 5)
        var packet = rtpPacket(sequence: 1000, ssrc: 5, payload: [9, 9, 9])
        try sender.protectRTP(&packet)
        var uninformed = try SRTPSession(configuration)
        var copy = packet
        #expect(throws: SRTPError.authenticationFailed(ssrc: 5, index: 1000)) { try uninformed.unprotectRTP(&copy) }
        var informed = try SRTPSession(configuration)
        informed.setRolloverCounter(3, ssrc: 5)
        try informed.unprotectRTP(&packet)
        #expect(informed.rolloverCounter(ssrc: 5) == 3)
    }

    /// Re-keying with MKIs: the receiver picks the key each packet names; the sender switches
    /// keys without resetting the ROC or the SRTCP index; unknown MKIs are refused.
    @Test(.spec("RFC3711-3.1-5", "RFC3711-3.1-7", "RFC3711-3.2.1-2", "RFC3711-3.3.1-8", "RFC3711-3.4-8", "RFC3711-3.4-10",
                "RFC3711-3.1-6", "RFC3711-3.2.3-2"),
          arguments: [SRTPProfile.aes128CmHmacSha1_32, .aeadAES128GCM])
    func rekeyingWithMKI(profile: SRTPProfile) throws {
        let first = masterKey(profile, seed: 10, mki: [0, 1]), second = masterKey(profile, seed: 20, mki: [0, 2])
        var sender = try SRTPSession(SRTPConfiguration(profile: profile, masterKeys: [first]))
        var receiver = try SRTPSession(SRTPConfiguration(profile: profile, masterKeys: [first, second]))
        #expect(sender.rtpOverhead == profile.srtpTagLength + 2)
        var packet = rtpPacket(sequence: 65_535, ssrc: 3, payload: [1, 2, 3, 4])
        try sender.protectRTP(&packet)
        try receiver.unprotectRTP(&packet)
        var rtcp = rtcpPacket(ssrc: 3)
        try sender.protectRTCP(&rtcp)
        try receiver.unprotectRTCP(&rtcp)

        try sender.addMasterKey(second)
        try sender.activate(mki: [0, 2])
        packet = rtpPacket(sequence: 0, ssrc: 3, payload: [5, 6, 7, 8])   // wraps: ROC 1 under the new key
        try sender.protectRTP(&packet)
        let mkiOffset = profile.isAEAD ? packet.count - 2 : packet.count - profile.srtpTagLength - 2
        #expect(Array(packet[mkiOffset..<(mkiOffset + 2)]) == [0, 2])
        try receiver.unprotectRTP(&packet)
        #expect(sender.rolloverCounter(ssrc: 3) == 1 && receiver.rolloverCounter(ssrc: 3) == 1)
        rtcp = rtcpPacket(ssrc: 3)
        try sender.protectRTCP(&rtcp)
        let wordOffset = profile.isAEAD ? rtcp.count - 2 - 4 : rtcp.count - profile.srtcpTagLength - 2 - 4
        #expect(Array(rtcp[wordOffset..<(wordOffset + 4)]) == [0x80, 0, 0, 1], "the SRTCP index went on to 1")
        try receiver.unprotectRTCP(&rtcp)

        var unknown = rtpPacket(sequence: 1, ssrc: 3, payload: [1])
        try sender.protectRTP(&unknown)
        let unknownMKI = profile.isAEAD ? unknown.count - 2 : unknown.count - profile.srtpTagLength - 2
        unknown[unknownMKI + 1] = 9
        #expect(throws: SRTPError.self) { try receiver.unprotectRTP(&unknown) }
        #expect(throws: SRTPConfigurationError.self) {
            _ = try SRTPSession(SRTPConfiguration(profile: profile, masterKeys: [first, masterKey(profile, seed: 1, mki: [7])]))
        }
        #expect(throws: SRTPConfigurationError.self) {
            _ = try SRTPSession(SRTPConfiguration(profile: profile, masterKeys: [masterKey(profile, seed: 1), masterKey(profile, seed: 2)]))
        }
        try sender.removeMasterKey(mki: [0, 1])
        #expect(throws: SRTPConfigurationError.self) { try sender.removeMasterKey(mki: [0, 2]) }
    }

    /// With a key derivation rate, sender and receiver re-derive at the same indices, and
    /// packets across an epoch boundary arriving out of order still pass.
    @Test(.spec("RFC3711-4.3.1-4", "RFC3711-4.3.1-5")) func nonzeroKeyDerivationRate() throws {
        var configuration = SRTPConfiguration(profile: .aes128CmHmacSha1_80, masterKeys: [masterKey(.aes128CmHmacSha1_80, seed: 11)])
        configuration.keyDerivationRate = 16
        var sender = try SRTPSession(configuration)
        var receiver = try SRTPSession(configuration)
        var withoutRate = try SRTPSession(SRTPConfiguration(profile: .aes128CmHmacSha1_80, masterKeys: [masterKey(.aes128CmHmacSha1_80, seed: 11)]))
        var packets: [[UInt8]] = []
        for sequence in 0..<40 {
            var packet = rtpPacket(sequence: UInt16(sequence), ssrc: 1, payload: [UInt8](repeating: 0, count: 32))
            var reference = packet
            try sender.protectRTP(&packet)
            try withoutRate.protectRTP(&reference)
            // Same keys in epoch 0, different ones after.
            #expect((packet == reference) == (sequence < 16), "sequence \(sequence)")
            packets.append(packet)
        }
        for i in [0, 1, 17, 16, 15, 14, 33, 32, 31, 20] {
            var packet = packets[i]
            try receiver.unprotectRTP(&packet)
        }
        for _ in 0..<20 {
            var rtcp = rtcpPacket(ssrc: 1)
            try sender.protectRTCP(&rtcp)
            try receiver.unprotectRTCP(&rtcp)
        }
    }

    /// Bad input gets typed errors: short packets, wrong versions, truncated extensions, no
    /// room to protect, too many streams, packets longer than one IV's keystream.
    @Test(.spec("RFC7714-10-5", "RFC7714-13.1-5")) func malformedInput() throws {
        var configuration = SRTPConfiguration(profile: .aes128CmHmacSha1_80, masterKeys: [masterKey(.aes128CmHmacSha1_80, seed: 12)])
        configuration.maximumStreams = 2
        var session = try SRTPSession(configuration)
        var short: [UInt8] = [0x80, 0, 0, 1]
        #expect(throws: SRTPError.packetTooShort(length: 4, needed: 22)) { try session.unprotectRTP(&short) }
        var version1 = rtpPacket(sequence: 1, ssrc: 1, payload: [UInt8](repeating: 0, count: 20))
        version1[0] = 0x40
        #expect(throws: SRTPError.unsupportedVersion(1)) { try session.unprotectRTP(&version1) }
        var extensionTooLong = rtpPacket(sequence: 1, ssrc: 1, payload: [UInt8](repeating: 0, count: 20), extensionWords: 1)
        extensionTooLong[15] = 200
        #expect(throws: SRTPError.self) { try session.protectRTP(&extensionTooLong) }
        var csrcTooMany = [0x8f] + [UInt8](repeating: 0, count: 30)
        #expect(throws: SRTPError.packetTooShort(length: 31, needed: 72)) { try session.protectRTP(&csrcTooMany) }
        var rtcpShort: [UInt8] = [0x80, 200, 0, 1, 0, 0, 0, 1, 0x80, 0, 0, 0]
        #expect(throws: SRTPError.packetTooShort(length: 12, needed: 22)) { try session.unprotectRTCP(&rtcpShort) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 30, alignment: 1)
        defer { buffer.deallocate() }
        buffer.copyMemory(from: rtpPacket(sequence: 1, ssrc: 1, payload: [UInt8](repeating: 0, count: 18)).withUnsafeBytes { UnsafeRawBufferPointer($0) })
        #expect(throws: SRTPError.bufferTooSmall(needed: 40, capacity: 30)) { _ = try session.protectRTP(buffer, length: 30) }
        for ssrc: UInt32 in [1, 2] {
            var packet = rtpPacket(sequence: 1, ssrc: ssrc, payload: [1])
            try session.protectRTP(&packet)
        }
        var third = rtpPacket(sequence: 1, ssrc: 3, payload: [1])
        #expect(throws: SRTPError.tooManyStreams(limit: 2)) { try session.protectRTP(&third) }
        #expect(session.statistics.malformed >= 5 && session.statistics.resourceFailures == 2)
        var gcm = try SRTPSession(SRTPConfiguration(profile: .aeadAES128GCM, masterKeys: [masterKey(.aeadAES128GCM, seed: 15)]))
        var huge = rtpPacket(sequence: 1, ssrc: 1, payload: [UInt8](repeating: 0, count: 0x10000 * 16))
        #expect(throws: SRTPError.packetTooLong(length: 12 + 0x10000 * 16)) { try gcm.protectRTP(&huge) }
        #expect(SRTPError.authenticationFailed(ssrc: 1, index: 2).category == .authentication)
        #expect(throws: SRTPConfigurationError.invalidMasterKeyLength(profile: .aeadAES256GCM, length: 16)) {
            _ = try SRTPSession(SRTPConfiguration(profile: .aeadAES256GCM, key: [UInt8](repeating: 1, count: 16), salt: [UInt8](repeating: 1, count: 12)))
        }
        #expect(throws: SRTPConfigurationError.invalidMasterSaltLength(profile: .aeadAES128GCM, length: 14)) {
            _ = try SRTPSession(SRTPConfiguration(profile: .aeadAES128GCM, key: [UInt8](repeating: 1, count: 16), salt: [UInt8](repeating: 1, count: 14)))
        }
    }

    /// The sender stops rather than let the 48-bit index cycle back under the same key.
    @Test(.spec("RFC7714-13.1-7", "RFC7714-8.4-1")) func indexExhaustion() throws {
        var sender = try SRTPSession(SRTPConfiguration(profile: .aeadAES128GCM, masterKeys: [masterKey(.aeadAES128GCM, seed: 13)]))
        sender.setRolloverCounter(UInt32.max, ssrc: 4)
        var last = rtpPacket(sequence: 65_535, ssrc: 4, payload: [1])
        try sender.protectRTP(&last)
        var wrapped = rtpPacket(sequence: 0, ssrc: 4, payload: [1])
        #expect(throws: SRTPError.keyExhausted(ssrc: 4)) { try sender.protectRTP(&wrapped) }
    }

    /// The replay window on its own: sizes, aliasing of the bit ring, big jumps.
    @Test(.spec("RFC3711-3.3.2-2", "RFC3711-3.3.2-3", "RFC3711-3.3.2-4")) func replayWindow() throws {
        var window = try SRTPReplayWindow(size: 100)
        #expect(window.check(5) == .new)
        window.accept(5)
        #expect(window.check(5) == .replayed && window.check(4) == .new)
        window.accept(1_000_000)
        #expect(window.check(5) == .tooOld && window.check(1_000_000 - 99) == .new && window.check(1_000_000 - 100) == .tooOld)
        window.accept(1_000_000 - 99)
        #expect(window.check(1_000_000 - 99) == .replayed)
        for index: UInt64 in 1_000_001...1_000_200 { window.accept(index) }
        // Bits of indices that left the window must not read as received for new ones.
        #expect(window.check(1_000_201) == .new && window.check(1_000_200 - 99) == .replayed)
    }
}
