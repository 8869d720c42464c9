import Wire

/// Association setup (RFC 9260 §5): INIT, INIT ACK with a State Cookie, COOKIE ECHO, COOKIE
/// ACK, and the collision cases of §5.2 that two WebRTC peers connecting at once run into.
extension SCTPAssociation {
    /// Parameter types an INIT or INIT ACK may carry that we recognise (used or ignored).
    static let knownInitParameters: Set<UInt16> = [
        SCTPParameter.ipv4Address, SCTPParameter.ipv6Address, SCTPParameter.stateCookie,
        // spec: RFC9260-3.3.2.1.3-2 a Cookie Preservative is recognised and ignored: the lifespan stays ours
        SCTPParameter.unrecognizedParameter, SCTPParameter.cookiePreservative, SCTPParameter.hostNameAddress,
        SCTPParameter.supportedAddressTypes, SCTPParameter.ecnCapable, SCTPParameter.random, SCTPParameter.chunkList,
        SCTPParameter.requestedHMACAlgorithm, SCTPParameter.padding, SCTPParameter.supportedExtensions,
        SCTPParameter.forwardTSNSupported,
        0x8001, // zero checksum acceptable (RFC 9653): understood, not used
        0xc006, // adaptation layer indication (RFC 5061)
    ]

    /// Checks the fixed fields of an INIT or INIT ACK. Returns the ABORT cause to send, or
    /// nil when the chunk is acceptable; `discardSilently` when nothing may be sent at all.
    private func validate(_ chunk: SCTPInitChunk) -> (discardSilently: Bool, cause: SCTPErrorCause?) {
        // spec: RFC9260-3.3.2-9 an INIT with Initiate Tag 0 is discarded silently
        if chunk.initiateTag == 0 { return (true, nil) }
        // spec: RFC9260-3.3.2-11 a_rwnd below 1500 discards the INIT and is answered with ABORT
        // spec: RFC9260-3.3.3-9 the same for INIT ACK
        if chunk.advertisedReceiverWindowCredit < 1500 {
            return (false, .init(code: SCTPErrorCause.invalidMandatoryParameter))
        }
        // spec: RFC9260-3.3.2-14 OS 0 discards the INIT and is answered with ABORT
        // spec: RFC9260-3.3.2-16 MIS 0 likewise
        // spec: RFC9260-3.3.3-12 INIT ACK with OS 0 destroys the TCB and sends ABORT
        // spec: RFC9260-3.3.3-15 INIT ACK with MIS 0 likewise
        if chunk.outboundStreams == 0 || chunk.inboundStreams == 0 {
            return (false, .init(code: SCTPErrorCause.invalidMandatoryParameter))
        }
        // spec: RFC9260-3.3.2.1.4-2 a Host Name Address is answered with ABORT
        // spec: RFC9260-3.3.2-3 an INIT with a Host Name Address gets ABORT
        // spec: RFC9260-3.3.3-2 an INIT ACK with a Host Name Address gets ABORT
        // spec: RFC9260-5.1.2-2 the ABORT may say Unresolvable Address
        // spec: RFC9260-12.2.4.1-1 a Host Name Address in INIT or INIT ACK gets ABORT
        if chunk.parameter(SCTPParameter.hostNameAddress) != nil {
            return (false, .init(code: SCTPErrorCause.unresolvableAddress))
        }
        return (false, nil)
    }

    /// Unrecognized parameters to report, following each type's two high bits (§3.2.1).
    private func unrecognizedParameters(in chunk: SCTPInitChunk) -> [SCTPParameter] {
        var report: [SCTPParameter] = []
        var reportedBytes = 0
        // spec: RFC3758-3.3.2-1 without PR-SCTP configured, Forward-TSN-Supported in an INIT is an unrecognized parameter
        // spec: RFC3758-3.3.2-2 and so in an INIT ACK (RFC 9260 §3.3.3 rules: skip and report)
        let unknown = { (type: UInt16) in
            !Self.knownInitParameters.contains(type) || (type == SCTPParameter.forwardTSNSupported && !self.configuration.offersPartialReliability)
        }
        for parameter in chunk.parameters where unknown(parameter.type) {
            // spec: RFC9260-12.4-6 past 512 bytes further Unrecognized Parameters are left out
            // spec: RFC9260-12.4-7 so an INIT cannot make a large INIT ACK
            let size = 8 + (parameter.value.count + 3) & ~3
            if parameter.unrecognizedIsReported, reportedBytes + size <= 512 {
                reportedBytes += size
                var w = ByteWriter()
                parameter.write(to: &w)
                report.append(SCTPParameter(type: SCTPParameter.unrecognizedParameter, value: w.bytes))
            }
            if parameter.unrecognizedStopsProcessing { break }
        }
        return report
    }

    private func features(of chunk: SCTPInitChunk) -> UInt8 {
        let extensions = chunk.supportedExtensions
        var bits: UInt8 = 0
        if configuration.offersPartialReliability && chunk.supportsForwardTSN { bits |= 1 }
        // spec: RFC8260-2-1 each association uses DATA or I-DATA, as its own negotiation decided
        if configuration.offersInterleaving && extensions.contains(SCTPChunkType.iData) && extensions.contains(SCTPChunkType.iForwardTSN) { bits |= 2 }
        if configuration.offersReconfiguration && extensions.contains(SCTPChunkType.reconfig) { bits |= 4 }
        return bits
    }

    mutating func handleInit(_ initiation: SCTPInitChunk) {
        let (silent, cause) = validate(initiation)
        if silent { return }
        if let cause {
            // spec: RFC9260-5.1-15 an unusable INIT is answered with ABORT
            // spec: RFC9260-5.1-16 naming the cause
            // spec: RFC9260-8.4-4 an INIT that cannot be processed: ABORT with its Initiate Tag, T bit clear
            // spec: RFC9260-5.1-17 with the INIT's Initiate Tag as Verification Tag
            sendStandalone(.abort(reflectedTag: false, causes: [cause]), tag: initiation.initiateTag)
            return
        }
        // spec: RFC9260-3.3.2-4 a valid INIT is processed and answered with INIT ACK
        // spec: RFC9260-8.4-3 an INIT with tag 0 in CLOSED is processed as in §5.1
        var answerTag = localTag
        var tieLocal: UInt32 = 0, tiePeer: UInt32 = 0
        switch state {
        case .closed:
            // spec: RFC9260-5.2.2-11 a normal INIT: Tie-Tags are zero
            break
        case .cookieWait, .cookieEchoed:
            // spec: RFC9260-5.2.1-2 the response rules of §5.2.1
            // spec: RFC9260-5.2.1-1 INIT in COOKIE-WAIT: INIT ACK with the parameters (and tag) of our INIT
            // spec: RFC9260-5.2.1-6 the same in COOKIE-ECHOED
            // spec: RFC9260-5.2.1-10 with a State Cookie
            // spec: RFC9260-5.2.1-11 our state and T1 timer stay as they are
            if state == .cookieEchoed {
                // spec: RFC9260-5.2.1-12 in COOKIE-ECHOED the Tie-Tags go into the cookie
                tieLocal = localTag
                tiePeer = peerTag
            }
        case .shutdownAckSent:
            // spec: RFC9260-9.2-24 an INIT in SHUTDOWN-ACK-SENT: resend SHUTDOWN ACK instead
            pendingControl.append(.shutdownAck)
            return
        default:
            // An unexpected INIT for a live association: answer with a new tag and the
            // Tie-Tags; the association itself does not change (§5.2.2).
            // spec: RFC9260-5.2.2-1 an unexpected INIT gets an INIT ACK with a State Cookie
            // spec: RFC9260-5.2.2-8 with a new random Initiate Tag
            // spec: RFC9260-5.2.2-6 and the current Tie-Tags in the cookie
            // spec: RFC9260-5.2.2-10 nothing else changes
            // spec: RFC9260-5.3.1-3 a new random tag for any new association with this peer
            repeat { answerTag = random.next() } while answerTag == 0 || answerTag == localTag
            tieLocal = localTag
            tiePeer = peerTag
        }
        rotateCookieSecretIfDue()
        let cookie = SCTPStateCookie(
            localTag: answerTag, peerTag: initiation.initiateTag, localInitialTSN: localInitialTSN,
            peerInitialTSN: initiation.initialTSN, peerReceiverWindow: initiation.advertisedReceiverWindowCredit,
            peerOutboundStreams: initiation.outboundStreams, peerInboundStreams: initiation.inboundStreams,
            localOutboundStreams: min(configuration.outboundStreams, initiation.inboundStreams),
            localInboundStreams: configuration.maximumInboundStreams,
            features: features(of: initiation), tieTagLocal: tieLocal, tieTagPeer: tiePeer,
            createdMicroseconds: UInt64(max(0, microseconds(now))),
            lifetimeMicroseconds: UInt64(microseconds(configuration.cookieLifetime)),
            localPort: configuration.localPort, peerPort: configuration.remotePort)
        // spec: RFC9260-5.2.2-9 the INIT ACK repeats our association's parameters (streams, Initial TSN)
        var ack = ourInit
        // (A Cookie Preservative belongs to the INIT only.)
        ack.parameters.removeAll { $0.type == SCTPParameter.cookiePreservative }
        // spec: RFC9260-3.3.3-5 the Initiate Tag is never 0
        ack.initiateTag = answerTag
        // spec: RFC9260-3.3.3-11 OS is not 0 and not above the MIS of the INIT
        // spec: RFC9260-3.3.3-14 MIS is not 0 (the configuration keeps it at least 1)
        ack.outboundStreams = min(ack.outboundStreams, initiation.inboundStreams)
        // spec: RFC9260-5.1-5 the INIT ACK carries a State Cookie
        // spec: RFC9260-5.1-6 and nothing about the association is kept until it returns
        // spec: RFC9260-3.3.3.1.1-1 the cookie holds all the state and a MAC
        ack.parameters = [SCTPParameter(type: SCTPParameter.stateCookie, value: cookie.sealed(secret: cookieSecret))] + ack.parameters
        // spec: RFC9260-3.3.3.1.2-1 as Unrecognized Parameter parameters, for types whose bits ask for a report
        // spec: RFC9260-3.2.2-1 unrecognized INIT parameters are reported in the INIT ACK
        ack.parameters += unrecognizedParameters(in: initiation)
        // spec: RFC9260-5.1-4 the INIT ACK's Verification Tag is Tag_A
        // spec: RFC9260-5.2.2-7 also for an unexpected INIT
        sendStandalone(.initiationAck(ack), tag: initiation.initiateTag)
    }

    mutating func handleInitAck(_ ack: SCTPInitChunk) {
        // spec: RFC9260-5.2.3-1 an INIT ACK outside COOKIE-WAIT is discarded
        // spec: RFC9260-3.3.3-7 likewise one with a zero tag in other states
        // spec: RFC9260-3.3.3-13 an INIT ACK (even with OS 0) outside COOKIE-WAIT is discarded silently
        // spec: RFC9260-3.3.3-16 likewise with MIS 0
        guard state == .cookieWait else { return }
        let (silent, cause) = validate(ack)
        if silent || cause != nil {
            // spec: RFC9260-3.3.3-6 an INIT ACK with Initiate Tag 0 in COOKIE-WAIT destroys the TCB
            sendStandalone(.abort(reflectedTag: silent, causes: cause.map { [$0] } ?? []), tag: silent ? localTag : ack.initiateTag)
            close(.abortedLocally(cause.map { [$0] } ?? []))
            return
        }
        guard let cookie = ack.stateCookie else {
            sendStandalone(.abort(reflectedTag: false, causes: [.init(code: SCTPErrorCause.missingMandatoryParameter,
                                                                       information: [0, 0, 0, 1, 0, 7])]), tag: ack.initiateTag)
            close(.abortedLocally([.init(code: SCTPErrorCause.missingMandatoryParameter)]))
            return
        }
        adoptPeer(tag: ack.initiateTag, initialTSN: ack.initialTSN, receiverWindow: ack.advertisedReceiverWindowCredit,
                  outboundStreams: ack.outboundStreams, inboundStreams: ack.inboundStreams, features: features(of: ack))
        // spec: RFC9260-3.3.3-19 a valid INIT ACK is answered with COOKIE ECHO
        // spec: RFC9260-3.3.3-18 whatever its size (no limit on the INIT ACK or its cookie)
        cookieToEcho = cookie
        state = .cookieEchoed
        // spec: RFC9260-5.1.4-1 the COOKIE ECHO goes out at once with the received cookie
        // spec: RFC9260-3.3.11-2 exactly the cookie the INIT ACK carried
        // spec: RFC9260-8.5.1-12 with the INIT ACK's Initiate Tag as Verification Tag
        // spec: RFC9260-3.2.2-4 COOKIE ECHO is the first chunk of its packet
        var chunks: [SCTPChunk] = [.cookieEcho(cookie: cookie)]
        let unrecognized = unrecognizedParameters(in: ack)
        if !unrecognized.isEmpty {
            // spec: RFC9260-3.3.3-20 an ERROR bundled with the COOKIE ECHO
            // spec: RFC9260-3.2.2-2 unrecognized INIT ACK parameters are reported in an ERROR bundled with the COOKIE ECHO
            chunks.append(.error(causes: [.init(code: SCTPErrorCause.unrecognizedParameters,
                                                information: unrecognized.flatMap { $0.value })]))
        }
        standalonePackets.append(SCTPPacket(sourcePort: configuration.localPort, destinationPort: configuration.remotePort,
                                            verificationTag: peerTag, chunks: chunks).encoded())
        cookieEchoSentAt = now
        // spec: RFC9260-5.1.4-3 T1-cookie starts with the COOKIE ECHO
        t1Retransmissions = 0
        t1Deadline = now + sender.rto
    }

    /// Records what the peer's INIT or INIT ACK (or the cookie built from it) says.
    mutating func adoptPeer(tag: UInt32, initialTSN: UInt32, receiverWindow: UInt32,
                                    outboundStreams: UInt16, inboundStreams: UInt16, features: UInt8) {
        // spec: RFC9260-3.3.2-8 the peer's Initiate Tag is our Verification Tag from now on
        // spec: RFC9260-3.3.3-4 likewise from an INIT ACK
        // spec: RFC9260-8.5-1 and fills every packet we send
        peerTag = tag
        // spec: RFC9260-5.1.1-2 streams are limited by the peer's MIS
        // spec: RFC9260-5.1.1-3 usable outbound streams: min(our OS, peer MIS)
        outboundStreamCount = Int(min(configuration.outboundStreams, inboundStreams))
        inboundStreamCount = Int(min(configuration.maximumInboundStreams, outboundStreams))
        // spec: RFC3758-3.3.2-6 a peer without Forward-TSN-Supported is recorded as not supporting FORWARD TSN
        peerSupportsPartialReliability = features & 1 != 0
        usesInterleaving = features & 2 != 0
        peerSupportsReconfiguration = features & 4 != 0
        receiver.start(peerInitialTSN: initialTSN)
        sender.peerReceiverWindow = receiverWindow
        sender.peerInitialWindow = Int(receiverWindow)
        // spec: RFC9260-7.2.1-3 ssthresh starts high: the peer's a_rwnd
        sender.ssthresh = Int(receiverWindow)
        reconfig.peerNextRequestSequence = initialTSN
    }

    /// Returns false when the rest of the packet is to be discarded with the cookie.
    @discardableResult
    mutating func handleCookieEcho(_ cookieBytes: [UInt8], packet: SCTPPacket) -> Bool {
        // The tag check already opened this cookie once; its MAC is verified again here.
        // spec: RFC9260-4-1 a cookie failing its integrity check is discarded
        // spec: RFC9260-8.4-5 an out-of-the-blue COOKIE ECHO is processed as in §5.1
        guard let cookie = openCookie(cookieBytes),
              cookie.localPort == configuration.localPort, cookie.peerPort == configuration.remotePort else { return true }
        guard state == .closed else {
            // An association exists: Table 12 of §5.2.4 (SCTPAssociation+Restart.swift).
            return handleCookieEchoWithAssociation(cookie)
        }
        if isStale(cookie) {
            // spec: RFC9260-5.1.5-5 a stale cookie is answered with a Stale Cookie ERROR
            // spec: RFC9260-4-2 an expired cookie gets an ERROR
            sendStaleCookieError(for: cookie)
            return false
        }
        localTag = cookie.localTag
        adoptPeer(from: cookie)
        // spec: RFC9260-5.1.5-6 the COOKIE ACK is the first chunk of its packet
        cookieAckPending = true
        establish()
        return true
    }

    /// Whether the cookie is older than the lifespan it carries (§5.1.5 step 3).
    func isStale(_ cookie: SCTPStateCookie) -> Bool {
        Int64(microseconds(now)) - Int64(cookie.createdMicroseconds) > Int64(cookie.lifetimeMicroseconds)
    }

    /// An ERROR with a Stale Cookie cause, sent to the tag the cookie names (§5.1.5, §5.2.4 step 3).
    mutating func sendStaleCookieError(for cookie: SCTPStateCookie) {
        let age = Int64(microseconds(now)) - Int64(cookie.createdMicroseconds)
        // spec: RFC9260-3.3.10.3-1 the Measure of Staleness says how late the cookie was
        let staleness = UInt32(clamping: age - Int64(cookie.lifetimeMicroseconds))
        let error = SCTPPacket(sourcePort: configuration.localPort, destinationPort: configuration.remotePort,
                               verificationTag: cookie.peerTag, chunks: [.error(causes: [.staleCookie(stalenessMicroseconds: staleness)])])
        standalonePackets.append(error.encoded())
    }

    /// Records what a State Cookie says about the peer (its INIT, as the cookie's maker saw it).
    mutating func adoptPeer(from cookie: SCTPStateCookie) {
        adoptPeer(tag: cookie.peerTag, initialTSN: cookie.peerInitialTSN, receiverWindow: cookie.peerReceiverWindow,
                  outboundStreams: cookie.peerOutboundStreams, inboundStreams: cookie.peerInboundStreams, features: cookie.features)
    }

    mutating func handleCookieAck() {
        // spec: RFC9260-5.2.5-1 a COOKIE ACK outside COOKIE-ECHOED is discarded
        guard state == .cookieEchoed else { return }
        establish()
    }

    mutating func establish() {
        t1Deadline = nil
        cookieToEcho = nil
        guard state != .established else { return }
        state = .established
        sender.start(configuration: configuration)
        burstBudget = configuration.maximumBurst
        scheduleHeartbeat()
        startPathMTUSearch()
        if !connectedReported {
            connectedReported = true
            // spec: RFC3758-3.3.2-8 the upper layer learns whether the peer supports PR-SCTP
            // spec: RFC3758-4.2-1 as the optional return value of the association set-up
            // spec: RFC3758-4.2-2 passed with COMMUNICATION UP (the .connected event)
            // spec: RFC3758-4.2-3 the boolean "forward tsn supported"
            emit(.connected(outboundStreams: outboundStreamCount, inboundStreams: inboundStreamCount,
                            partialReliability: peerSupportsPartialReliability, interleaving: usesInterleaving,
                            reconfiguration: peerSupportsReconfiguration))
        }
    }

    /// A Stale Cookie ERROR in COOKIE-ECHOED (§5.2.6): the third alternative, a new INIT asking
    /// for a longer cookie life span.
    mutating func retryAfterStaleCookie(_ causes: [SCTPErrorCause]) {
        // spec: RFC9260-5.2.6-3 COOKIE-ECHOED: we take the third alternative, a new INIT with a Cookie Preservative
        var staleness: Duration = .zero
        if let cause = causes.first(where: { $0.code == SCTPErrorCause.staleCookie }), cause.information.count >= 4 {
            var r = ByteReader(cause.information)
            if let micros = try? r.readUInt32() { staleness = .microseconds(Int64(micros)) }
        }
        let roundTrip = cookieEchoSentAt.map { now - $0 } ?? sender.rto
        // spec: RFC9260-5.2.6-4 the extension is the COOKIE ECHO/ERROR round trip plus at most 1 second
        let increment = roundTrip + min(staleness, .seconds(1))
        let milliseconds = UInt32(clamping: max(1, (microseconds(increment) + 999) / 1000))
        var value = ByteWriter(capacity: 4)
        value.writeUInt32(milliseconds)
        ourInit.parameters.removeAll { $0.type == SCTPParameter.cookiePreservative }
        // spec: RFC9260-3.3.2.1.3-1 the new INIT carries a Cookie Preservative after a stale cookie
        ourInit.parameters.append(SCTPParameter(type: SCTPParameter.cookiePreservative, value: value.bytes))
        state = .cookieWait
        peerTag = 0
        cookieToEcho = nil
        cookieEchoSentAt = nil
        sendStandalone(.initiation(ourInit), tag: 0)
        t1Deadline = now + sender.rto
    }
}
