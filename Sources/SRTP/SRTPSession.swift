import RTCCrypto

/// An SRTP/SRTCP cryptographic context for one direction of one RTP session (RFC 3711 §3.2):
/// the master keys and, per SSRC, the rollover counter, replay lists and SRTCP index.
///
/// Use one session to protect what you send (with your keys) and another to unprotect what
/// you receive (with the peer's). Packets are transformed in place in the caller's buffer; in
/// steady state nothing is allocated per packet. Sans-IO: no clock, no randomness, no I/O.
// spec: RFC8827-6.5-1 SRTP is supported
public struct SRTPSession: Sendable {
    /// The protection profile.
    public let profile: SRTPProfile
    /// Bytes protection adds to an RTP packet (MKI and tag).
    public let rtpOverhead: Int
    /// Bytes protection adds to an RTCP packet (E flag and index, MKI, tag).
    public let rtcpOverhead: Int
    /// Counts of packets and failures, for monitoring.
    public internal(set) var statistics = SRTPStatistics()

    private var keys: [SRTPKeyMaterial]
    private var activeKey = 0
    let mkiLength: Int
    private let replayWindowSize: Int
    private let encryptRTCP: Bool
    private let allowRepeatedTransmission: Bool
    private let maximumStreams: Int
    /// Per-stream state, in an array (reading a field through a dictionary's values copied
    /// the whole state on every packet), found by SSRC through `streamSlots`.
    private var streams: [SRTPStreamState] = []
    private var streamSlots: [UInt32: Int] = [:]
    /// The last SSRC looked up and its slot: packets come in runs of one stream.
    private var lastStream: (ssrc: UInt32, slot: Int)?
    private var initialRolloverCounters: [UInt32: UInt32] = [:]

    /// A context whose session keys are derived from `configuration`'s master keys.
    public init(_ configuration: SRTPConfiguration) throws(SRTPConfigurationError) {
        let mkiLength = try configuration.validatedMKILength()
        var keys: [SRTPKeyMaterial] = []
        for master in configuration.masterKeys {
            keys.append(try SRTPKeyMaterial(master: master, profile: configuration.profile,
                                            rate: configuration.keyDerivationRate, backend: configuration.backend))
        }
        try self.init(configuration, keys: keys, mkiLength: mkiLength)
    }

    /// A context with session keys given directly (no key derivation), as in the RFC 7714 test
    /// vectors or when another key manager derived them. `configuration`'s master keys supply
    /// only the MKI (the first key's), if any.
    public init(_ configuration: SRTPConfiguration, rtpKeys: SRTPSessionKeys, rtcpKeys: SRTPSessionKeys) throws(SRTPConfigurationError) {
        let mki = configuration.masterKeys.first?.mki ?? []
        let material = try SRTPKeyMaterial(rtpKeys: rtpKeys, rtcpKeys: rtcpKeys, mki: mki,
                                           profile: configuration.profile, backend: configuration.backend)
        try self.init(configuration, keys: [material], mkiLength: mki.count)
    }

    private init(_ configuration: SRTPConfiguration, keys: [SRTPKeyMaterial], mkiLength: Int) throws(SRTPConfigurationError) {
        _ = try SRTPReplayWindow(size: configuration.replayWindowSize)
        profile = configuration.profile
        self.keys = keys
        self.mkiLength = mkiLength
        replayWindowSize = configuration.replayWindowSize
        encryptRTCP = configuration.encryptRTCP && configuration.profile.cipher != .null
        allowRepeatedTransmission = configuration.allowRepeatedTransmission
        maximumStreams = configuration.maximumStreams
        rtpOverhead = mkiLength + configuration.profile.srtpTagLength
        rtcpOverhead = 4 + mkiLength + configuration.profile.srtcpTagLength
    }

    // MARK: Key management

    /// Adds a master key (with an MKI of the context's length) for re-keying; incoming packets
    /// may use it at once, outgoing ones after ``activate(mki:)``.
    public mutating func addMasterKey(_ master: SRTPMasterKey, keyDerivationRate: UInt64 = 0) throws(SRTPConfigurationError) {
        guard mkiLength > 0, master.mki.count == mkiLength else {
            throw .invalidMKI(reason: "re-keying needs MKIs of \(mkiLength) bytes (the context's length); got \(master.mki.count)")
        }
        guard !keys.contains(where: { $0.master.mki == master.mki }) else { throw .invalidMKI(reason: "MKI already in use") }
        keys.append(try SRTPKeyMaterial(master: master, profile: profile, rate: keyDerivationRate, backend: keys[0].backend))
    }

    /// Makes the master key with `mki` the one that protects outgoing packets. Rollover
    /// counters and SRTCP indices carry on (RFC 3711 §3.3.1, §3.4).
    public mutating func activate(mki: [UInt8]) throws(SRTPConfigurationError) {
        guard let index = keys.firstIndex(where: { $0.master.mki == mki }) else { throw .invalidMKI(reason: "no key with this MKI") }
        // spec: RFC3711-3.3.1-8 the ROC is not reset by re-keying
        // spec: RFC3711-3.4-8 nor is the SRTCP index
        activeKey = index
    }

    /// Removes the master key with `mki` (after the peer has moved on).
    public mutating func removeMasterKey(mki: [UInt8]) throws(SRTPConfigurationError) {
        guard let index = keys.firstIndex(where: { $0.master.mki == mki }) else { throw .invalidMKI(reason: "no key with this MKI") }
        guard index != activeKey else { throw .invalidMKI(reason: "the active key cannot be removed") }
        keys.remove(at: index)
        if index < activeKey { activeKey -= 1 }
    }

    /// Sets the rollover counter of stream `ssrc`, as signalling does for a receiver that
    /// joins a session under way (RFC 3711 §3.3.1). A stream not seen yet starts with it.
    public mutating func setRolloverCounter(_ rolloverCounter: UInt32, ssrc: UInt32) {
        if let slot = streamSlots[ssrc] {
            streams[slot].rtpIndex.reset(rolloverCounter: rolloverCounter)
        } else {
            initialRolloverCounters[ssrc] = rolloverCounter
        }
    }

    /// The rollover counter of stream `ssrc`, if it has been seen.
    public func rolloverCounter(ssrc: UInt32) -> UInt32? { streamSlots[ssrc].map { streams[$0].rtpIndex.rolloverCounter } }

    /// The SSRCs this context holds state for.
    public var streamSSRCs: [UInt32] { Array(streamSlots.keys) }

    // MARK: SRTP

    /// Protects the RTP packet in `buffer[0..<length]` in place and returns the SRTP packet's
    /// length; the buffer needs ``rtpOverhead`` bytes of room after the packet.
    public mutating func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        do {
            let result = try protectRTPCore(buffer, length: length)
            statistics.rtpProtected += 1
            return result
        } catch {
            statistics.count(error)
            throw error
        }
    }

    /// Protects the RTP packet in `packet`, appending MKI and tag (no allocation when the
    /// array has the capacity).
    public mutating func protectRTP(_ packet: inout [UInt8]) throws(SRTPError) {
        let length = packet.count
        packet.append(contentsOf: repeatElement(0, count: rtpOverhead))
        let result = packet.withUnsafeMutableBytes { buffer in Result { () throws(SRTPError) in try protectRTP(buffer, length: length) } }
        switch result {
        case .success(let newLength): packet.removeLast(packet.count - newLength)
        case .failure(let error): packet.removeLast(rtpOverhead); throw error
        }
    }

    /// Checks and decrypts the SRTP packet in `packet` in place; returns the length of the RTP
    /// packet (the MKI and tag are dropped). On failure the packet must be discarded.
    public mutating func unprotectRTP(_ packet: UnsafeMutableRawBufferPointer) throws(SRTPError) -> Int {
        do {
            let result = try unprotectRTPCore(packet)
            statistics.rtpUnprotected += 1
            return result
        } catch {
            statistics.count(error)
            throw error
        }
    }

    /// Checks and decrypts the SRTP packet in `packet`, leaving the RTP packet.
    public mutating func unprotectRTP(_ packet: inout [UInt8]) throws(SRTPError) {
        let result = packet.withUnsafeMutableBytes { buffer in Result { () throws(SRTPError) in try unprotectRTP(buffer) } }
        packet.removeLast(packet.count - (try result.get()))
    }

    // spec: RFC3711-3.3-1 the sender's steps: index, keys, encryption, MKI, tag
    private mutating func protectRTPCore(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        let (protectedLength, pending) = try protectRTPCore(buffer, length: length, deferringTag: false)
        assert(pending == nil)
        return protectedLength
    }

    /// An HMAC tag a protected packet still needs (``protectRTPCore(_:length:deferringTag:)``
    /// leaves it for the batch path, which computes two at once).
    struct PendingTag {
        let transform: SRTPTransform
        /// The authenticated portion: the packet's first `length` bytes.
        let length: Int
        let rolloverCounter: UInt32
        /// Where the tag goes.
        let tagOffset: Int
        let tagLength: Int
    }

    /// The whole protection of one packet except, when `deferringTag` and the profile is
    /// AES-CM or NULL, its HMAC tag, which is returned for the caller to write. Every check
    /// and state update is done here, so a deferred tag cannot fail.
    mutating func protectRTPCore(_ buffer: UnsafeMutableRawBufferPointer, length: Int, deferringTag: Bool) throws(SRTPError)
        -> (length: Int, pending: PendingTag?) {
        precondition(length >= 0 && length <= buffer.count, "length is within the buffer")
        let header = try RTPHeaderSpan(rtp: UnsafeRawBufferPointer(rebasing: buffer[0..<length]), trailer: 0)
        guard buffer.count >= length + rtpOverhead else { throw .bufferTooSmall(needed: length + rtpOverhead, capacity: buffer.count) }
        // spec: RFC3711-4.1.1-5 at most 2^16 keystream blocks per IV
        // spec: RFC7714-10-5 so GCM plaintexts stay far below P_MAX
        // spec: RFC7714-13.1-5 and GCM's 32-bit block counter never wraps
        guard length - header.length <= 0x10000 * 16 - 16 else { throw .packetTooLong(length: length) }
        let slot = try stream(header.ssrc, create: true)!
        // spec: RFC3711-3.3.1-2 the ROC follows SEQ's wraps, here through the index estimate
        // spec: RFC7714-13.1-7 processing stops before the 48-bit index cycles back
        // spec: RFC7714-8.4-1 a new master key is needed before (ROC, SEQ) repeats
        guard let (index, roc) = streams[slot].rtpIndex.estimate(header.sequenceNumber) else { throw .keyExhausted(ssrc: header.ssrc) }
        if !allowRepeatedTransmission {
            // spec: RFC3711-9.1-1 a keystream (key, index) encrypts once: an index is not protected twice
            // spec: RFC7714-8.4-2 the SRTP implementation itself checks (ROC, SEQ) and SSRC
            // spec: RFC3711-4.1.1-6 so each IV (SSRC, index) under a key is used once
            switch streams[slot].rtpWindow.check(index) {
            case .new: break
            case .replayed: throw .replayed(ssrc: header.ssrc, index: index)
            case .tooOld: throw .tooOld(ssrc: header.ssrc, index: index, highest: streams[slot].rtpWindow.highest ?? 0)
            }
        }
        // spec: RFC3711-3.3.1-9 no more than 2^48 packets with one key
        guard keys[activeKey].srtpPacketsProtected < 1 << 48 else { throw .keyExhausted(ssrc: header.ssrc) }
        let transform = keys[activeKey].rtpTransform(index: index)
        let tagLength = profile.srtpTagLength
        var pending: PendingTag?
        switch profile.cipher {
        case .aesCounterMode, .null:
            // spec: RFC3711-3.1-9 encrypt first, then authenticate
            transform.applyKeystream(ssrc: header.ssrc, index: index, to: UnsafeMutableRawBufferPointer(rebasing: buffer[header.length..<length]))
            writeMKI(keys[activeKey].master.mki, into: buffer, at: length)
            let tag = PendingTag(transform: transform, length: length, rolloverCounter: roc, tagOffset: length + mkiLength, tagLength: tagLength)
            if deferringTag { pending = tag } else { writeTag(tag, buffer) }
        case .aesGCM:
            // spec: RFC7714-8.2-1 every SRTP packet is both encrypted and authenticated
            let nonce = transform.gcmNonce(ssrc: header.ssrc, srtpIndex: index)
            transform.seal(UnsafeMutableRawBufferPointer(rebasing: buffer[header.length..<length]), nonce: nonce,
                           aad: UnsafeRawBufferPointer(rebasing: buffer[0..<header.length]), aadSuffix: UnsafeRawBufferPointer(start: nil, count: 0),
                           tag: UnsafeMutableRawBufferPointer(rebasing: buffer[length..<(length + tagLength)]))
            writeMKI(keys[activeKey].master.mki, into: buffer, at: length + tagLength)
        }
        keys[activeKey].srtpPacketsProtected += 1
        streams[slot].rtpIndex.update(sequence: header.sequenceNumber, guess: roc)
        streams[slot].rtpWindow.accept(index)
        return (length + rtpOverhead, pending)
    }

    // spec: RFC3711-3.3-2 the receiver's steps: index estimate, replay check, keys, authentication, decryption, updates
    mutating func unprotectRTPCore(_ packet: UnsafeMutableRawBufferPointer) throws(SRTPError) -> Int {
        let received = try prepareUnprotect(packet, after: nil)
        switch profile.cipher {
        case .aesCounterMode, .null:
            return try finishUnprotect(received, packet, authentic: verify(received, packet))
        case .aesGCM:
            let tagLength = profile.srtpTagLength
            let nonce = received.transform.gcmNonce(ssrc: received.header.ssrc, srtpIndex: received.index)
            // spec: RFC7714-5.3-1 the AEAD tag is checked before anything else is done
            // spec: RFC7714-5.3-3 nothing is decrypted before the tag is valid
            // spec: RFC7714-5.3-2 so nothing of a forged packet reaches the caller
            let authentic = received.transform.open(UnsafeMutableRawBufferPointer(rebasing: packet[received.header.length..<received.end]), nonce: nonce,
                                                    aad: UnsafeRawBufferPointer(rebasing: packet[0..<received.header.length]),
                                                    aadSuffix: UnsafeRawBufferPointer(start: nil, count: 0),
                                                    tag: UnsafeRawBufferPointer(rebasing: packet[received.end..<(received.end + tagLength)]))
            return try finishUnprotect(received, packet, authentic: authentic)
        }
    }

    /// Writes a protected packet's HMAC tag.
    func writeTag(_ pending: PendingTag, _ buffer: UnsafeMutableRawBufferPointer) {
        // spec: RFC3711-4.2-1 M = Authenticated Portion || ROC
        withUnsafeBytes(of: pending.rolloverCounter.bigEndian) { rocBytes in
            pending.transform.authenticate(UnsafeRawBufferPointer(rebasing: buffer[0..<pending.length]), suffix: rocBytes,
                                           tag: UnsafeMutableRawBufferPointer(rebasing: buffer[pending.tagOffset..<(pending.tagOffset + pending.tagLength)]))
        }
    }

    /// Whether a prepared packet's HMAC tag is right (AES-CM and NULL profiles).
    func verify(_ received: ReceivedPacket, _ packet: UnsafeMutableRawBufferPointer) -> Bool {
        let tagStart = received.end + mkiLength
        return withUnsafeBytes(of: received.rolloverCounter.bigEndian) { rocBytes in
            received.transform.verify(UnsafeRawBufferPointer(rebasing: packet[tagStart..<(tagStart + profile.srtpTagLength)]),
                                      message: UnsafeRawBufferPointer(rebasing: packet[0..<received.end]), suffix: rocBytes)
        }
    }
    /// What receiving an SRTP packet has worked out before its tag is checked.
    struct ReceivedPacket {
        let header: RTPHeaderSpan
        /// The end of the RTP packet (where MKI and tag start).
        let end: Int
        /// The stream's estimator as it will be once this packet is accepted.
        let estimator: SRTPIndexEstimator
        let index: UInt64
        let rolloverCounter: UInt32
        let transform: SRTPTransform
    }

    /// The receiver's steps up to the tag check, changing nothing. `earlier` is a packet of
    /// the same batch that comes first and is assumed accepted (the two tags are checked
    /// together; if the earlier one fails, this packet is prepared again without it).
    mutating func prepareUnprotect(_ packet: UnsafeMutableRawBufferPointer, after earlier: ReceivedPacket?) throws(SRTPError) -> ReceivedPacket {
        let header = try RTPHeaderSpan(rtp: UnsafeRawBufferPointer(packet), trailer: rtpOverhead)
        let end = packet.count - rtpOverhead   // end of the RTP packet
        // spec: RFC3711-3.2.3-1 the context is found by SSRC (within this session's addresses)
        let slot = try stream(header.ssrc, create: false)
        let sameStream = earlier.map { $0.header.ssrc == header.ssrc } ?? false
        var estimator = if sameStream, let earlier { earlier.estimator } else {
            slot.map { streams[$0].rtpIndex } ?? SRTPIndexEstimator(rolloverCounter: initialRolloverCounters[header.ssrc] ?? 0)
        }
        guard let (index, roc) = estimator.estimate(header.sequenceNumber) else {
            throw .tooOld(ssrc: header.ssrc, index: UInt64(header.sequenceNumber), highest: 0)
        }
        if sameStream, let earlier, earlier.index == index { throw .replayed(ssrc: header.ssrc, index: index) }
        if let slot {
            switch streams[slot].rtpWindow.check(index) {
            case .new: break
            // spec: RFC3711-3.3-3 a replayed packet is discarded
            case .replayed: throw .replayed(ssrc: header.ssrc, index: index)
            case .tooOld: throw .tooOld(ssrc: header.ssrc, index: index, highest: streams[slot].rtpWindow.highest ?? 0)
            }
        }
        let mkiStart = profile.isAEAD ? end + profile.srtpTagLength : end
        let keyIndex = try key(for: UnsafeRawBufferPointer(rebasing: packet[mkiStart..<(mkiStart + mkiLength)]))
        let transform = keys[keyIndex].rtpTransform(index: index)
        estimator.update(sequence: header.sequenceNumber, guess: roc)
        return ReceivedPacket(header: header, end: end, estimator: estimator, index: index, rolloverCounter: roc, transform: transform)
    }

    /// The receiver's steps after the tag check: decryption (AES-CM; GCM is opened with its
    /// check) and the state updates, only for an authentic packet. Returns the RTP length.
    mutating func finishUnprotect(_ received: ReceivedPacket, _ packet: UnsafeMutableRawBufferPointer, authentic: Bool) throws(SRTPError) -> Int {
        let header = received.header
        // spec: RFC3711-4.2-3 unequal tags: AUTHENTICATION FAILURE
        // spec: RFC3711-3.3-4 and the packet is discarded
        guard authentic else { throw .authenticationFailed(ssrc: header.ssrc, index: received.index) }
        // An earlier packet of a batch may have created the stream or moved its window since
        // this one was prepared.
        let slot = try stream(header.ssrc, create: false)
        if let slot {
            switch streams[slot].rtpWindow.check(received.index) {
            case .new: break
            case .replayed: throw .replayed(ssrc: header.ssrc, index: received.index)
            case .tooOld: throw .tooOld(ssrc: header.ssrc, index: received.index, highest: streams[slot].rtpWindow.highest ?? 0)
            }
        }
        if profile.cipher != .aesGCM {
            // spec: RFC3711-3.1-9 the receiver authenticates, then decrypts
            received.transform.applyKeystream(ssrc: header.ssrc, index: received.index,
                                              to: UnsafeMutableRawBufferPointer(rebasing: packet[header.length..<received.end]))
        }
        // Only an authentic packet creates a stream or moves ROC, s_l and the replay list.
        let stateSlot = if let slot { slot } else { try insertStream(header.ssrc, estimator: received.estimator) }
        streams[stateSlot].rtpIndex = received.estimator
        streams[stateSlot].rtpWindow.accept(received.index)
        return received.end
    }

    // MARK: SRTCP

    /// Protects the RTCP compound packet in `buffer[0..<length]` in place and returns the
    /// SRTCP packet's length; the buffer needs ``rtcpOverhead`` bytes of room after it.
    public mutating func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        do {
            let result = try protectRTCPCore(buffer, length: length)
            statistics.rtcpProtected += 1
            return result
        } catch {
            statistics.count(error)
            throw error
        }
    }

    /// Protects the RTCP compound packet in `packet`, appending index, MKI and tag.
    public mutating func protectRTCP(_ packet: inout [UInt8]) throws(SRTPError) {
        let length = packet.count
        packet.append(contentsOf: repeatElement(0, count: rtcpOverhead))
        let result = packet.withUnsafeMutableBytes { buffer in Result { () throws(SRTPError) in try protectRTCP(buffer, length: length) } }
        switch result {
        case .success(let newLength): packet.removeLast(packet.count - newLength)
        case .failure(let error): packet.removeLast(rtcpOverhead); throw error
        }
    }

    /// Checks and (when the E flag says so) decrypts the SRTCP packet in place; returns the
    /// RTCP compound packet's length.
    public mutating func unprotectRTCP(_ packet: UnsafeMutableRawBufferPointer) throws(SRTPError) -> Int {
        do {
            let result = try unprotectRTCPCore(packet)
            statistics.rtcpUnprotected += 1
            return result
        } catch {
            statistics.count(error)
            throw error
        }
    }

    /// Checks and decrypts the SRTCP packet in `packet`, leaving the RTCP compound packet.
    public mutating func unprotectRTCP(_ packet: inout [UInt8]) throws(SRTPError) {
        let result = packet.withUnsafeMutableBytes { buffer in Result { () throws(SRTPError) in try unprotectRTCP(buffer) } }
        packet.removeLast(packet.count - (try result.get()))
    }

    private mutating func protectRTCPCore(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        precondition(length >= 0 && length <= buffer.count, "length is within the buffer")
        // spec: RFC3711-4.1.1-4 SRTCP uses the SSRC of the compound packet's first header
        let ssrc = try RTPHeaderSpan.rtcpSSRC(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), trailer: 0)
        guard buffer.count >= length + rtcpOverhead else { throw .bufferTooSmall(needed: length + rtcpOverhead, capacity: buffer.count) }
        guard length - 8 <= 0x10000 * 16 - 16 else { throw .packetTooLong(length: length) }
        let slot = try stream(ssrc, create: true)!
        // spec: RFC3711-9.2-4 at most 2^31 SRTCP packets per master key
        guard keys[activeKey].srtcpPacketsProtected < 1 << 31 else { throw .keyExhausted(ssrc: ssrc) }
        // spec: RFC3711-3.4-7 the index starts at zero and goes up by one, modulo 2^31, per packet
        // spec: RFC3711-3.4-13 only the sender updates it, after the key's packet count is checked
        let index = streams[slot].nextSRTCPIndex
        let transform = keys[activeKey].rtcpTransform(index: index)
        // spec: RFC3711-3.4-5 the E flag says whether the packet is encrypted
        // spec: RFC3711-3.4-6 the SRTCP index is 31 bits
        let word = (encryptRTCP ? 0x8000_0000 : 0) | index
        let tagLength = profile.srtcpTagLength
        let mki = keys[activeKey].master.mki
        switch profile.cipher {
        case .aesCounterMode, .null:
            if encryptRTCP {
                // spec: RFC3711-3.4-4 no random encryption prefix: the keystream starts at byte 8
                transform.applyKeystream(ssrc: ssrc, index: UInt64(index), to: UnsafeMutableRawBufferPointer(rebasing: buffer[8..<length]))
            }
            // spec: RFC3711-3.4-1 E flag and index, MKI and tag are appended to the RTCP packet
            buffer.storeBytes(of: word.bigEndian, toByteOffset: length, as: UInt32.self)
            // spec: RFC3711-3.4-10 the optional MKI, as in SRTP
            writeMKI(mki, into: buffer, at: length + 4)
            // spec: RFC3711-3.4-14 SRTCP is always authenticated
            // spec: RFC3711-3.4-9 with the authentication tag last
            // spec: RFC3711-4.2-1 for SRTCP, M = Authenticated Portion (through the index)
            transform.authenticate(UnsafeRawBufferPointer(rebasing: buffer[0..<(length + 4)]), suffix: UnsafeRawBufferPointer(start: nil, count: 0),
                                   tag: UnsafeMutableRawBufferPointer(rebasing: buffer[(length + 4 + mkiLength)..<(length + 4 + mkiLength + tagLength)]))
        case .aesGCM:
            // spec: RFC7714-9-1 every SRTCP packet is authenticated; encryption is optional
            let nonce = transform.gcmNonce(ssrc: ssrc, srtcpIndex: index)
            let plaintextStart = encryptRTCP ? 8 : length
            withUnsafeBytes(of: word.bigEndian) { wordBytes in
                transform.seal(UnsafeMutableRawBufferPointer(rebasing: buffer[plaintextStart..<length]), nonce: nonce,
                               aad: UnsafeRawBufferPointer(rebasing: buffer[0..<plaintextStart]), aadSuffix: wordBytes,
                               tag: UnsafeMutableRawBufferPointer(rebasing: buffer[length..<(length + tagLength)]))
            }
            buffer.storeBytes(of: word.bigEndian, toByteOffset: length + tagLength, as: UInt32.self)
            writeMKI(mki, into: buffer, at: length + tagLength + 4)
        }
        keys[activeKey].srtcpPacketsProtected += 1
        streams[slot].nextSRTCPIndex = (index + 1) & 0x7fff_ffff
        return length + rtcpOverhead
    }

    private mutating func unprotectRTCPCore(_ packet: UnsafeMutableRawBufferPointer) throws(SRTPError) -> Int {
        let ssrc = try RTPHeaderSpan.rtcpSSRC(UnsafeRawBufferPointer(packet), trailer: rtcpOverhead)
        let tagLength = profile.srtcpTagLength
        // Where the RTCP packet ends and the E flag and index sit.
        let (end, wordStart, mkiStart, tagStart): (Int, Int, Int, Int)
        if profile.isAEAD {
            // RFC 7714 §17: header, ciphertext, tag, E‖index, MKI.
            end = packet.count - rtcpOverhead
            tagStart = end
            wordStart = end + tagLength
            mkiStart = wordStart + 4
        } else {
            // RFC 3711 §3.4: packet, E‖index, MKI, tag.
            end = packet.count - rtcpOverhead
            wordStart = end
            mkiStart = end + 4
            tagStart = mkiStart + mkiLength
        }
        let word = packet.loadUnaligned(fromByteOffset: wordStart, as: UInt32.self).bigEndian
        let encrypted = word & 0x8000_0000 != 0
        let index = word & 0x7fff_ffff
        let slot = try stream(ssrc, create: false)
        // spec: RFC3711-3.3.2-1 replay protection for RTCP as for RTP
        if let slot {
            switch streams[slot].rtcpWindow.check(UInt64(index)) {
            case .new: break
            case .replayed: throw .replayed(ssrc: ssrc, index: UInt64(index))
            case .tooOld: throw .tooOld(ssrc: ssrc, index: UInt64(index), highest: streams[slot].rtcpWindow.highest ?? 0)
            }
        }
        let keyIndex = try key(for: UnsafeRawBufferPointer(rebasing: packet[mkiStart..<(mkiStart + mkiLength)]))
        let transform = keys[keyIndex].rtcpTransform(index: index)
        switch profile.cipher {
        case .aesCounterMode, .null:
            let authentic = transform.verify(UnsafeRawBufferPointer(rebasing: packet[tagStart..<(tagStart + tagLength)]),
                                             message: UnsafeRawBufferPointer(rebasing: packet[0..<(wordStart + 4)]),
                                             suffix: UnsafeRawBufferPointer(start: nil, count: 0))
            guard authentic else { throw .authenticationFailed(ssrc: ssrc, index: UInt64(index)) }
            if encrypted {
                transform.applyKeystream(ssrc: ssrc, index: UInt64(index), to: UnsafeMutableRawBufferPointer(rebasing: packet[8..<end]))
            }
        case .aesGCM:
            let nonce = transform.gcmNonce(ssrc: ssrc, srtcpIndex: index)
            let ciphertextStart = encrypted ? 8 : end
            let authentic = withUnsafeBytes(of: word.bigEndian) { wordBytes in
                transform.open(UnsafeMutableRawBufferPointer(rebasing: packet[ciphertextStart..<end]), nonce: nonce,
                               aad: UnsafeRawBufferPointer(rebasing: packet[0..<ciphertextStart]), aadSuffix: wordBytes,
                               tag: UnsafeRawBufferPointer(rebasing: packet[tagStart..<(tagStart + tagLength)]))
            }
            guard authentic else { throw .authenticationFailed(ssrc: ssrc, index: UInt64(index)) }
        }
        let stateSlot = if let slot { slot } else {
            try insertStream(ssrc, estimator: SRTPIndexEstimator(rolloverCounter: initialRolloverCounters[ssrc] ?? 0))
        }
        streams[stateSlot].rtcpWindow.accept(UInt64(index))
        return end
    }

    // MARK: Helpers

    /// The slot of stream `ssrc`; created (within the limit) when `create` is set.
    private mutating func stream(_ ssrc: UInt32, create: Bool) throws(SRTPError) -> Int? {
        if let lastStream, lastStream.ssrc == ssrc { return lastStream.slot }
        if let slot = streamSlots[ssrc] {
            lastStream = (ssrc, slot)
            return slot
        }
        guard create else { return nil }
        return try insertStream(ssrc, estimator: SRTPIndexEstimator(rolloverCounter: initialRolloverCounters[ssrc] ?? 0))
    }

    private mutating func insertStream(_ ssrc: UInt32, estimator: SRTPIndexEstimator) throws(SRTPError) -> Int {
        guard streams.count < maximumStreams else { throw .tooManyStreams(limit: maximumStreams) }
        // The window size was validated at init.
        let window = try! SRTPReplayWindow(size: replayWindowSize)
        // spec: RFC3711-3.2.1-9 each SSRC keeps its own replay lists and counters
        streams.append(SRTPStreamState(rtpIndex: estimator, rtpWindow: window, rtcpWindow: window))
        streamSlots[ssrc] = streams.count - 1
        lastStream = (ssrc, streams.count - 1)
        return streams.count - 1
    }

    /// The key a received packet names by its MKI (the only key when MKIs are not used).
    // spec: RFC3711-3.1-7 the MKI picks the master key within the context
    // spec: RFC3711-3.1-6 it does not identify the context, which the SSRC does
    // spec: RFC3711-3.2.3-2 a packet naming no key of the context is discarded
    private func key(for mki: UnsafeRawBufferPointer) throws(SRTPError) -> Int {
        guard mkiLength > 0 else { return 0 }
        for (i, material) in keys.enumerated() where material.master.mki.elementsEqual(mki) { return i }
        throw .unknownMKI(Array(mki))
    }

    // spec: RFC3711-3.1-5 the MKI, of the context's configured length, when used
    private func writeMKI(_ mki: [UInt8], into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        guard !mki.isEmpty else { return }
        mki.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + mki.count)]).copyMemory(from: $0) }
    }
}

/// Per-SSRC state of a context.
struct SRTPStreamState: Sendable {
    // spec: RFC3711-3.2.1-10 each stream keeps its own SRTP index (ROC and s_l)
    var rtpIndex: SRTPIndexEstimator
    /// Received indices (receiver) or protected indices (sender).
    var rtpWindow: SRTPReplayWindow
    // spec: RFC3711-3.2.1-7 SRTCP shares the stream's context, with its own replay list and index
    var rtcpWindow: SRTPReplayWindow
    /// The next SRTCP index to send.
    var nextSRTCPIndex: UInt32 = 0
}
