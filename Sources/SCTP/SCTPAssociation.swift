import RTCCrypto
import Wire

/// One SCTP association (RFC 9260) as WebRTC runs it over DTLS (RFC 8261): a single path,
/// no addresses (the DTLS connection is the path), sans-IO. Packets come in through
/// `handle(.packet(_), at:)`; `poll(at:)` hands out packets to send, events, and the time
/// to call again. The association never reads a clock or opens a socket.
///
/// Both WebRTC peers usually call `connect` at once; the INIT collision rules of §5.2
/// make that converge on one association.
public struct SCTPAssociation {
    public let configuration: SCTPAssociationConfiguration
    public internal(set) var state: SCTPAssociationState = .closed
    public internal(set) var statistics = SCTPStatistics()

    var random: any RandomNumberGenerator
    var cookieSecrets: CookieSecrets
    /// Our Verification Tag (the Initiate Tag we send) and the peer's.
    // spec: RFC9260-5.3.1-2 neither tag changes during the association (only a restart makes a new one)
    var localTag: UInt32
    var peerTag: UInt32 = 0
    let localInitialTSN: UInt32

    // Handshake.
    var ourInit: SCTPInitChunk
    var cookieToEcho: [UInt8]?
    /// When the COOKIE ECHO last went out (to measure the COOKIE ECHO/ERROR round trip, §5.2.6).
    var cookieEchoSentAt: Duration?
    var t1Deadline: Duration?
    var t1Retransmissions = 0
    var connectedReported = false
    /// Closed for good: nothing more is processed or sent.
    var terminated = false

    // What both sides support.
    var peerSupportsPartialReliability = false
    var usesInterleaving = false
    var peerSupportsReconfiguration = false
    public internal(set) var outboundStreamCount = 0
    public internal(set) var inboundStreamCount = 0

    // Outputs in order.
    var outputs = OutputQueue<SCTPOutput>()
    /// Packets built whole (INIT, INIT ACK, ABORT, SHUTDOWN COMPLETE) waiting for `poll`.
    var standalonePackets: [[UInt8]] = []
    /// Control chunks for the next packet, in the order they go.
    var pendingControl: [SCTPChunk] = []
    var cookieAckPending = false
    /// The buffer `receive` parses each packet's chunk list into, kept between packets.
    var chunkStorage: [SCTPChunk] = []

    // Sender (SCTPSender.swift, SCTPAssociation+SACK.swift).
    var sender: Sender
    // Receiver (SCTPReceiver.swift).
    var receiver: Receiver
    // Stream reconfiguration (SCTPAssociation+Reconfiguration.swift).
    var reconfig = Reconfiguration()

    // Shutdown and heartbeats.
    var t2Deadline: Duration?
    var t2Retransmissions = 0
    /// T5-shutdown-guard (RFC 9260 §9.2): bounds the whole shutdown.
    var t5Deadline: Duration?
    var heartbeatDeadline: Duration?
    var heartbeatOutstanding: [UInt8]?
    // Packetization layer path MTU discovery (SCTPAssociation+PathMTU.swift).
    var pathMTU = PathMTUSearch()
    var now: Duration = .zero
    /// New DATA packets still allowed in this burst (Max.Burst, RFC 9260 §6.1).
    var burstBudget = 0

    /// A closed association ready to `connect`, or to answer a peer's INIT.
    public init(configuration: SCTPAssociationConfiguration = .init(), random: any RandomNumberGenerator) {
        self.configuration = configuration
        self.random = random
        var secret = [UInt8](repeating: 0, count: 32)
        for i in secret.indices { secret[i] = UInt8.random(in: 0...255, using: &self.random) }
        // spec: RFC9260-5.1.3-4 the cookie secret is random
        // spec: RFC9260-14.1-1 from the injected (cryptographic in production) generator
        cookieSecrets = CookieSecrets(current: secret)
        var tag: UInt32 = 0
        // spec: RFC9260-5.1-2 the Initiate Tag is random in 1...2^32-1
        // spec: RFC9260-5.3.1-1 never zero
        while tag == 0 { tag = self.random.next() }
        localTag = tag
        // spec: RFC9260-3.3.2-17 the Initial TSN is random
        // spec: RFC9260-3.3.3-17 (the same random Initial TSN goes in our INIT ACK)
        localInitialTSN = self.random.next()
        // spec: RFC8261-6.1-4 no IPv4 or IPv6 Address parameters over DTLS
        // spec: RFC8261-6.1-5 and no Supported Address Types
        // spec: RFC9260-3.3.2-1 each parameter at most once
        // spec: RFC9260-3.3.2-2 never a Host Name Address
        // spec: RFC9260-3.3.2.1.4-1 (in INIT or INIT ACK)
        // spec: RFC9260-3.3.2.1.5-1 and no Supported Address Types, so no Host Name type in one
        // spec: RFC9260-3.3.3-1 the INIT ACK is built from these parameters: no Host Name Address
        // spec: RFC9260-3.3.3.1-1 either
        var parameters: [SCTPParameter] = []
        var extensions: [UInt8] = []
        if configuration.offersPartialReliability {
            // RFC 3758 §3.1: Forward-TSN-Supported, and FORWARD TSN among the extensions.
            // spec: RFC3758-3.1-1 the optional Forward-TSN-Supported parameter
            // spec: RFC3758-3.1-2 type 49152 (0xC000)
            // spec: RFC3758-3.3.1-1 is included in the INIT
            // spec: RFC3758-3.3.2-3 and in the INIT ACK (the same parameters answer an INIT)
            // spec: RFC3758-3.3.2-5 even to a peer whose INIT lacked it
            // spec: RFC3758-3.1-3 the INIT (and INIT ACK) says Forward TSN is supported
            // spec: RFC8831-5-1 SCTP with the PR-SCTP extension
            // spec: RFC8831-6.1-6 partial reliability is supported
            parameters.append(SCTPParameter(type: SCTPParameter.forwardTSNSupported, value: []))
            extensions.append(SCTPChunkType.forwardTSN)
        }
        // spec: RFC8831-6.1-3 stream reconfiguration is supported
        // spec: RFC8831-6.1-4 and announced in the Supported Extensions parameter (RFC 5061)
        // spec: RFC6525-5.1.1-1 RE-CONFIG is listed among the supported extensions
        if configuration.offersReconfiguration { extensions.append(SCTPChunkType.reconfig) }
        if configuration.offersInterleaving { extensions += [SCTPChunkType.iData, SCTPChunkType.iForwardTSN] }
        if !extensions.isEmpty { parameters.append(SCTPParameter(type: SCTPParameter.supportedExtensions, value: extensions)) }
        ourInit = SCTPInitChunk(
            initiateTag: localTag, advertisedReceiverWindowCredit: configuration.receiveWindow,
            // spec: RFC9260-5.1.1-1 INIT states the outbound streams wanted and the inbound maximum
            outboundStreams: configuration.outboundStreams, inboundStreams: configuration.maximumInboundStreams,
            initialTSN: localInitialTSN, parameters: parameters)
        sender = Sender(initialTSN: localInitialTSN, configuration: configuration)
        receiver = Receiver()
        reconfig.nextRequestSequence = localInitialTSN
    }

    /// The Verification Tag this endpoint expects on every packet it receives.
    public var localVerificationTag: UInt32 { localTag }

    // MARK: The sans-IO contract

    /// Sends INIT (the active side; WebRTC peers usually both do).
    public mutating func connect(at now: Duration) {
        self.now = now
        guard state == .closed, !terminated else { return }
        state = .cookieWait
        // spec: RFC9260-8.5.1-1 a packet with INIT has Verification Tag 0
        // spec: RFC9260-3.1-4 INIT travels with a zero Verification Tag
        // spec: RFC9260-5.1-1 our INIT carries Tag_A in the Initiate Tag
        sendStandalone(.initiation(ourInit), tag: 0)
        t1Retransmissions = 0
        t1Deadline = now + sender.rto
    }

    /// Feeds one input at `now`; then drain `poll(at:)`.
    public mutating func handle(_ input: SCTPInput, at now: Duration) {
        self.now = now
        switch input {
        case .packet(let bytes):
            receive(bytes)
        case .timeout:
            break
        }
    }

    /// The next output at `now`: packets and events first, then the time to poll again.
    public mutating func poll(at now: Duration) -> SCTPOutput {
        self.now = now
        if let output = dequeue() { return output }
        runTimers()
        if let output = dequeue() { return output }
        if let packet = nextPacket() {
            statistics.packetsSent += 1
            return .transmit(packet)
        }
        if let output = dequeue() { return output }
        return .timeout(nextDeadline())
    }

    /// Starts a graceful close (RFC 9260 §9.2): queued data is sent first.
    public mutating func shutdown(at now: Duration) {
        self.now = now
        switch state {
        case .established:
            state = .shutdownPending
            progressShutdown()
        case .cookieWait, .cookieEchoed:
            close(.shutdown)
        default:
            // spec: RFC9260-9.2-8 in SHUTDOWN-RECEIVED a ULP shutdown request is ignored
            break
        }
    }

    /// Aborts the association (RFC 9260 §9.1) with a User-Initiated Abort cause.
    public mutating func abort(reason: String, at now: Duration) {
        self.now = now
        guard state != .closed, !terminated else { return }
        // spec: RFC9260-3.3.7-1 the ABORT says why
        // spec: RFC9260-3.3.10.12-1 with the Upper Layer Abort Reason of the user
        // spec: RFC9260-9.1-3 a user abort carries the User-Initiated Abort cause
        let causes = [SCTPErrorCause.userAbort(reason)]
        // spec: RFC9260-9.1-1 aborting sends ABORT
        // spec: RFC9260-9.1-2 with the peer's tag and no DATA
        // spec: RFC9260-3.3.7-2 DATA is never bundled with ABORT
        sendStandalone(.abort(reflectedTag: false, causes: causes), tag: peerTag)
        close(.abortedLocally(causes))
    }

    // MARK: Output plumbing

    mutating func emit(_ event: SCTPEvent) { outputs.append(.event(event)) }

    @inline(__always)
    private mutating func dequeue() -> SCTPOutput? {
        // Polls mostly find both empty: a cheap test before the queue's call.
        guard !outputs.isEmpty || !standalonePackets.isEmpty else { return nil }
        if let output = outputs.popFirst() { return output }
        if !standalonePackets.isEmpty {
            statistics.packetsSent += 1
            return .transmit(standalonePackets.removeFirst())
        }
        return nil
    }

    /// A packet holding one chunk that must travel alone (or an ABORT).
    mutating func sendStandalone(_ chunk: SCTPChunk, tag: UInt32) {
        // spec: RFC9260-5.1-10 INIT and INIT ACK are the only chunks in their packets
        // spec: RFC9260-3-1 INIT, INIT ACK and SHUTDOWN COMPLETE travel alone
        // spec: RFC9260-6.10-8 never bundled with other chunks
        // spec: RFC9260-5.1-9 INIT and INIT ACK are not bundled
        let packet = SCTPPacket(sourcePort: configuration.localPort, destinationPort: configuration.remotePort,
                                verificationTag: tag, chunks: [chunk])
        standalonePackets.append(packet.encoded())
    }

    /// Ends the association and reports why (once); a closed association stays closed.
    mutating func close(_ reason: SCTPCloseReason) {
        guard !terminated else { return }
        terminated = true
        state = .closed
        clearTimers()
        // spec: RFC9260-14.2-1 a CLOSED association keeps no TCB: queues, reassembly and requests go
        sender.discardAll()
        receiver = Receiver()
        reconfig = Reconfiguration()
        pendingControl.removeAll()
        emit(.closed(reason))
    }

    private mutating func clearTimers() {
        t1Deadline = nil
        t2Deadline = nil
        t5Deadline = nil
        heartbeatDeadline = nil
        pathMTU.probeDeadline = nil
        pathMTU.raiseDeadline = nil
        sender.t3Deadline = nil
        receiver.delayedAckDeadline = nil
        reconfig.deadline = nil
    }

    // MARK: Timers

    func nextDeadline() -> Duration? {
        // Asked after every packet: compared one by one, no array of them.
        var earliest: Duration?
        func consider(_ deadline: Duration?) {
            if let deadline, earliest.map({ deadline.isBefore($0) }) ?? true { earliest = deadline }
        }
        consider(t1Deadline)
        consider(t2Deadline)
        consider(t5Deadline)
        consider(heartbeatDeadline)
        consider(sender.t3Deadline)
        consider(receiver.delayedAckDeadline)
        consider(reconfig.deadline)
        consider(pathMTU.probeDeadline)
        consider(pathMTU.raiseDeadline)
        return earliest
    }

    mutating func runTimers() {
        if let deadline = t1Deadline, deadline.isAtOrBefore(now) { t1Expired() }
        if let deadline = t2Deadline, deadline.isAtOrBefore(now) { t2Expired() }
        if let deadline = t5Deadline, deadline.isAtOrBefore(now) { t5Expired() }
        if let deadline = sender.t3Deadline, deadline.isAtOrBefore(now) { t3Expired() }
        if let deadline = receiver.delayedAckDeadline, deadline.isAtOrBefore(now) {
            receiver.delayedAckDeadline = nil
            receiver.sackNeeded = true
        }
        if let deadline = heartbeatDeadline, deadline.isAtOrBefore(now) { heartbeatTimerExpired() }
        if let deadline = pathMTU.probeDeadline, deadline.isAtOrBefore(now) { probeTimerExpired() }
        if let deadline = pathMTU.raiseDeadline, deadline.isAtOrBefore(now) { raiseTimerExpired() }
        if let deadline = reconfig.deadline, deadline.isAtOrBefore(now) { reconfigTimerExpired() }
        // spec: RFC3758-4.1-8 lifetimes are evaluated at every poll
        abandonExpiredMessages()
    }

    /// T1-init or T1-cookie (RFC 9260 §5.1, §6.3).
    private mutating func t1Expired() {
        t1Retransmissions += 1
        // spec: RFC9260-4-3 T1-init expiry retransmits INIT and restarts the timer
        // spec: RFC9260-4-4 up to Max.Init.Retransmits times
        // spec: RFC9260-4-5 then the setup is aborted and the user told
        // spec: RFC9260-4-6 T1-cookie expiry retransmits COOKIE ECHO
        // spec: RFC9260-4-7 up to Max.Init.Retransmits times
        // spec: RFC9260-4-8 then the setup is aborted and the user told
        guard t1Retransmissions <= configuration.maximumInitRetransmissions else {
            close(.timedOut)
            return
        }
        // spec: RFC9260-5.1-12 T1 follows the RTO rules, doubling each time
        // spec: RFC9260-5.1.6-1 INIT retransmissions use the RTO rules
        sender.backOff()
        switch state {
        case .cookieWait:
            sendStandalone(.initiation(ourInit), tag: 0)
        case .cookieEchoed:
            // spec: RFC9260-5.1.4-4 the COOKIE ECHO is sent again when T1-cookie expires
            if let cookie = cookieToEcho {
                sendStandalone(.cookieEcho(cookie: cookie), tag: peerTag)
                cookieEchoSentAt = now
            }
        default:
            t1Deadline = nil
            return
        }
        t1Deadline = now + sender.rto
    }

    // MARK: Receiving packets

    private mutating func receive(_ bytes: [UInt8]) {
        guard !terminated else { return }
        var packet: SCTPPacket
        do {
            packet = try SCTPPacket(parsing: bytes, chunkStorage: &chunkStorage)
        } catch {
            statistics.packetsDiscarded += 1
            return
        }
        defer {
            // The list's buffer serves the next packet (one allocation less per packet).
            swap(&chunkStorage, &packet.chunks)
            chunkStorage.removeAll(keepingCapacity: true)
        }
        statistics.packetsReceived += 1
        guard packet.sourcePort == configuration.remotePort, packet.destinationPort == configuration.localPort else {
            statistics.packetsDiscarded += 1
            return
        }
        if state == .closed, isOutOfTheBlue(packet) {
            // spec: RFC9260-6-3 DATA in CLOSED is out of the blue (§8.4)
            // spec: RFC9260-6-7 as is a SACK
            respondOutOfTheBlue(packet)
            statistics.packetsDiscarded += 1
            return
        }
        guard acceptsVerificationTag(of: packet) else {
            statistics.packetsDiscarded += 1
            return
        }
        if state == .shutdownSent || state == .shutdownAckSent {
            // spec: RFC9260-9.2-7 any packet from the peer restarts the T2-shutdown count
            t2Retransmissions = 0
            // (and, in SHUTDOWN-SENT, the timer, so the peer can finish sending)
            if state == .shutdownSent, t2Deadline != nil { t2Deadline = now + sender.rto }
        }
        burstBudget = configuration.maximumBurst
        let responsesBefore = pendingControl.count
        defer { limitResponses(addedFrom: responsesBefore) }
        var dataPacket = false
        var reportUnrecognized: [SCTPErrorCause] = []
        // spec: RFC9260-6-13 bundled chunks are all received and processed
        // spec: RFC9260-6.10-6 chunks are processed in their order in the packet
        chunkLoop: for chunk in packet.chunks {
            if state == .closed, !isHandshakeChunk(chunk) { break }
            switch chunk {
            case .initiation(let initiation): handleInit(initiation)
            case .initiationAck(let ack): handleInitAck(ack)
            case .cookieEcho(let cookie):
                // spec: RFC9260-5.2.4-1 a stale cookie of another association is discarded with the DATA behind it
                if !handleCookieEcho(cookie, packet: packet) { break chunkLoop }
            case .cookieAck: handleCookieAck()
            case .data(let data):
                dataPacket = true
                if !handleData(data) { break chunkLoop }
            case .selectiveAck(let sack): handleSack(sack)
            case .heartbeat(let info):
                // spec: RFC9260-8.3-3 a HEARTBEAT is answered with a HEARTBEAT ACK
                // spec: RFC9260-3.3.6-1 HEARTBEAT ACK answers HEARTBEAT
                // spec: RFC9260-3.3.6-2 echoing the Heartbeat Info
                // spec: RFC9260-8.3-9 at once, the Heartbeat Information copied unchanged
                // spec: RFC9260-5.1-7 (not in COOKIE-ECHOED: until the COOKIE ACK only the COOKIE ECHO goes out)
                if state != .closed && state != .cookieWait && state != .cookieEchoed { pendingControl.append(.heartbeatAck(info: info)) }
            case .heartbeatAck(let info): if !handleProbeAck(info) { handleHeartbeatAck(info) }
            case .abort(_, let causes):
                // spec: RFC9260-3.3.7-3 chunks after the ABORT in its packet are ignored
                // spec: RFC9260-9.1-6 after the tag check the association is removed and the ULP told
                // spec: RFC9260-3.3.7-5 an ABORT is never answered with an ABORT
                // spec: RFC9260-9.1-4 nothing is sent in response to a packet with ABORT
                // spec: RFC9260-9.1-7 the user's abort reason reaches the upper layer
                // spec: RFC9260-3.3.10.12-2 the peer's causes (its Upper Layer Abort Reason too) reach our user
                if state != .closed { close(.abortedByPeer(causes)) }
                return
            case .shutdown(let cumulative): handleShutdown(cumulativeTSNAck: cumulative)
            case .shutdownAck: handleShutdownAck(tag: packet.verificationTag)
            case .shutdownComplete: handleShutdownComplete()
            case .error(let causes): handleError(causes)
            case .forwardTSN(let forward):
                guard peerSupportsPartialReliability else {
                    // spec: RFC3758-3.3.1-2 without PR-SCTP on the association a FORWARD TSN is an unknown chunk: ERROR
                    // spec: RFC3758-3.3.2-4 whichever side left the parameter out
                    var w = ByteWriter()
                    chunk.write(to: &w)
                    reportUnrecognized.append(.unrecognizedChunk(w.bytes))
                    continue chunkLoop
                }
                dataPacket = true
                handleForwardTSN(forward)
            case .reconfig(let parameters): handleReconfig(parameters)
            case let .unknown(type, flags, value):
                let action = SCTPChunkType.unrecognizedAction(for: type)
                if action == .discardPacketAndReport || action == .skipAndReport {
                    var w = ByteWriter()
                    SCTPChunk.unknown(type: type, flags: flags, value: value).write(to: &w)
                    reportUnrecognized.append(.unrecognizedChunk(w.bytes))
                }
                if action == .discardPacket || action == .discardPacketAndReport { break chunkLoop }
            }
            if state == .closed { return }
        }
        if !reportUnrecognized.isEmpty, state != .closed, state != .cookieWait, state != .cookieEchoed {
            pendingControl.append(.error(causes: reportUnrecognized))
        }
        if dataPacket && state != .closed {
            dataPacketArrived()
            checkDeferredReset()
        }
        if state == .shutdownSent && dataPacket {
            // spec: RFC9260-9.2-10 in SHUTDOWN-SENT each DATA packet is answered with SHUTDOWN
            // spec: RFC9260-4-9 so DATA received in SHUTDOWN-SENT is acknowledged without delay
            pendingControl.append(.shutdown(cumulativeTSNAck: receiver.cumulativeTSN))
            requestSackBesideShutdown()
            t2Deadline = now + sender.rto
        }
    }

    private func isHandshakeChunk(_ chunk: SCTPChunk) -> Bool {
        switch chunk {
        case .initiation, .initiationAck, .cookieEcho, .cookieAck, .abort, .shutdownAck, .shutdownComplete: return true
        default: return false
        }
    }

    /// RFC 9260 §8.5 and §8.5.1: which Verification Tag each packet must carry.
    private mutating func acceptsVerificationTag(of packet: SCTPPacket) -> Bool {
        guard let first = packet.chunks.first else { return false }
        switch first {
        case .initiation:
            // spec: RFC9260-8.5.1-2 a packet with tag 0 holds only an INIT
            // spec: RFC9260-12.3-3 an INIT bundled with other chunks is discarded with them
            // spec: RFC9260-8.5.1-3 otherwise it is discarded
            // spec: RFC9260-12.3-1 an INIT is never bundled
            // spec: RFC9260-12.3-2 and has a zero Verification Tag
            return packet.verificationTag == 0 && packet.chunks.count == 1
        case .abort(let reflected, _):
            // spec: RFC9260-8.5.1-6 ABORT: our tag without T, or the peer's tag with T
            // spec: RFC9260-8.5.1-7 anything else is discarded silently
            // spec: RFC9260-9.1-5 ABORT gets the special tag check
            // spec: RFC9260-3.3.7-4 an ABORT without a TCB is discarded
            // spec: RFC9260-8.4-2 an out-of-the-blue ABORT is discarded
            guard state != .closed else { return false }
            return reflected ? (peerTag != 0 && packet.verificationTag == peerTag) : packet.verificationTag == localTag
        case .shutdownComplete(let reflected):
            // spec: RFC9260-8.5.1-10 SHUTDOWN COMPLETE follows the same tag rules as ABORT
            return reflected ? (peerTag != 0 && packet.verificationTag == peerTag) : packet.verificationTag == localTag
        case .cookieEcho(let cookie):
            // The tag must be the one inside the cookie we made (checked with the cookie).
            if let opened = openCookie(cookie) {
                return packet.verificationTag == opened.localTag
            }
            return false
        case .shutdownAck:
            // A SHUTDOWN ACK with no association is answered with SHUTDOWN COMPLETE (T bit).
            if state == .closed || state == .cookieWait || state == .cookieEchoed {
                // spec: RFC9260-9.2-25 a SHUTDOWN ACK without an association gets a stand-alone SHUTDOWN COMPLETE
                // spec: RFC9260-8.4-6 out-of-the-blue SHUTDOWN ACK: answered with SHUTDOWN COMPLETE
                // spec: RFC9260-8.4-7 carrying the packet's Verification Tag
                // spec: RFC9260-8.5.1-9 with the packet's tag reflected and the T bit set
                // spec: RFC9260-8.5.1-13 in COOKIE-WAIT or COOKIE-ECHOED it is out of the blue too
                // spec: RFC9260-3.1-5 the SHUTDOWN COMPLETE's tag is copied from the SHUTDOWN ACK's packet
                sendStandalone(.shutdownComplete(reflectedTag: true), tag: packet.verificationTag)
                return false
            }
            return packet.verificationTag == localTag
        default:
            // spec: RFC9260-8.5-2 the Verification Tag must be ours
            // spec: RFC9260-8.5-3 a mismatch discards the packet silently
            return packet.verificationTag == localTag
        }
    }

    // MARK: ERROR and HEARTBEAT

    private mutating func handleError(_ causes: [SCTPErrorCause]) {
        let stale = causes.contains(where: { $0.code == SCTPErrorCause.staleCookie })
        // spec: RFC9260-5.2.6-1 a Stale Cookie ERROR is first checked against COOKIE-ECHOED
        // spec: RFC9260-5.2.6-2 outside it the ERROR is discarded silently
        if stale, state != .cookieEchoed { return }
        if stale {
            retryAfterStaleCookie(causes)
            return
        }
        // spec: RFC3758-3.3.3-2 a peer that reports Forward-TSN-Supported unrecognized: no partial reliability
        // spec: RFC3758-3.3.3-3 and no FORWARD TSN from then on
        for cause in causes where cause.code == SCTPErrorCause.unrecognizedParameters {
            // The cause holds the unrecognized parameters, as parameters are laid out in a chunk.
            var reader = ByteReader(cause.information)
            let reported = (try? SCTPParameter.readAll(&reader)) ?? []
            if reported.contains(where: { $0.type == SCTPParameter.forwardTSNSupported }) {
                peerSupportsPartialReliability = false
                sender.forwardTSNNeeded = false
            }
        }
        // spec: RFC3758-3.3.3-1 the upper layer hears of the error
        emit(.peerError(causes))
    }

    private mutating func heartbeatTimerExpired() {
        heartbeatDeadline = nil
        guard state == .established || state == .shutdownPending || state == .shutdownReceived else { return }
        if heartbeatOutstanding != nil {
            // spec: RFC9260-8.3-4 an unanswered HEARTBEAT counts as an error
            sender.errorCount += 1
            if sender.errorCount > configuration.maximumAssociationRetransmissions {
                // spec: RFC9260-8.1-3 too many errors: the peer is unreachable
                // spec: RFC9260-8.1-4 and the upper layer is told
                sendStandalone(.abort(reflectedTag: false, causes: []), tag: peerTag)
                close(.timedOut)
                return
            }
        }
        guard sender.isIdle else {
            scheduleHeartbeat()
            return
        }
        // spec: RFC9260-3.3.5-3 a 64-bit random nonce
        // spec: RFC9260-3.3.5-2 the sender's time goes in the Heartbeat Info
        // spec: RFC9260-8.3-7 the current time travels in the HEARTBEAT
        var info = ByteWriter(capacity: 16)
        info.writeUInt64(random.next())
        info.writeUInt64(UInt64(microseconds(now)))
        heartbeatOutstanding = info.bytes
        // spec: RFC9260-3.3.5-1 HEARTBEAT probes the idle path
        // spec: RFC9260-8.3-1 idle paths are monitored with HEARTBEATs
        pendingControl.append(.heartbeat(info: info.bytes))
        scheduleHeartbeat()
    }

    mutating func scheduleHeartbeat() {
        // spec: RFC9260-8.3-14 one HEARTBEAT per RTO plus HB.interval on an idle path
        heartbeatDeadline = now + sender.rto + configuration.heartbeatInterval
    }

    private mutating func handleHeartbeatAck(_ info: [UInt8]) {
        guard let sent = heartbeatOutstanding, sent == info, info.count == 16 else { return }
        heartbeatOutstanding = nil
        // spec: RFC9260-8.3-8 the destination's error counter (the only one) is cleared
        // spec: RFC9260-8.3-10 and the single path stays active
        // spec: RFC9260-8.3-12 a HEARTBEAT ACK clears the association error count
        // spec: RFC9260-8.1-6 as it does the failure counter
        sender.errorCount = 0
        var r = ByteReader(info[8...])
        if let sentAt = try? r.readUInt64() {
            // spec: RFC9260-8.3-13 the HEARTBEAT ACK's time gives an RTT measurement
            let rtt = now - .microseconds(Int64(sentAt))
            if rtt >= .zero { sender.measureRTT(rtt, configuration: configuration) }
        }
    }

    func microseconds(_ d: Duration) -> Int64 {
        let (seconds, attoseconds) = d.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
