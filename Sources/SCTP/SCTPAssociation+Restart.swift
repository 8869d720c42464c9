/// A COOKIE ECHO for an association that already exists (RFC 9260 §5.2.4): the actions of
/// Table 12, among them the peer's restart (Action A).
extension SCTPAssociation {
    /// The rows of Table 12 (§5.2.4), plus "not in the table".
    enum CookieEchoAction: Equatable {
        /// (A) X X M M: the peer restarted.
        case peerRestart
        /// (B) M X A A or M 0 A A: both sides set up at once; take the peer's tag from the cookie.
        case collision
        /// (C) X M 0 0: our own cookie arrived late.
        case lateCookie
        /// (D) M M A A: a COOKIE ECHO of this very association.
        case sameAssociation
        /// Any other combination.
        case notInTable
    }

    /// Compares the cookie's tags and Tie-Tags with this association's (Table 12).
    func cookieEchoAction(for cookie: SCTPStateCookie) -> CookieEchoAction {
        let localMatches = cookie.localTag == localTag
        // A peer tag of 0 is "not known yet" (COOKIE-WAIT): never a match.
        let peerMatches = peerTag != 0 && cookie.peerTag == peerTag
        switch (localMatches, peerMatches) {
        case (true, true):
            return .sameAssociation
        case (true, false):
            return .collision
        case (false, true):
            return cookie.tieTagLocal == 0 && cookie.tieTagPeer == 0 ? .lateCookie : .notInTable
        case (false, false):
            let tieTagsMatch = peerTag != 0 && cookie.tieTagLocal == localTag && cookie.tieTagPeer == peerTag
            return tieTagsMatch ? .peerRestart : .notInTable
        }
    }

    /// §5.2.4 steps 3–5 for a cookie whose MAC verified, in any state but CLOSED. Returns false
    /// when the rest of the packet goes with the cookie.
    // spec: RFC9260-5.1.5-9 a COOKIE ECHO for an existing association follows §5.2
    mutating func handleCookieEchoWithAssociation(_ cookie: SCTPStateCookie) -> Bool {
        let action = cookieEchoAction(for: cookie)
        // Step 3: a cookie past its lifespan counts only when both tags match (case E of §5.2).
        if action != .sameAssociation, isStale(cookie) {
            // spec: RFC9260-5.2.4-1 a stale cookie whose tags differ is discarded (the caller drops the DATA behind it)
            // spec: RFC9260-5.2.4-2 and answered with a Stale Cookie ERROR, in every state
            sendStaleCookieError(for: cookie)
            return false
        }
        switch action {
        case .notInTable:
            // spec: RFC9260-5.2.4-3 cases outside Table 12: the cookie is discarded silently
            return true
        case .lateCookie:
            // spec: RFC9260-5.2.4-9 case C: our late cookie is discarded silently
            // spec: RFC9260-5.2.4-10 no state change, and the timers keep running
            return true
        case .sameAssociation:
            // spec: RFC9260-5.2.4-11 case D: ESTABLISHED from COOKIE-ECHOED
            // spec: RFC9260-5.2.4-12 T1 stops and a COOKIE ACK goes out
            cookieAckPending = true
            if state == .cookieEchoed { establish() } else { t1Deadline = nil }
        case .collision:
            // spec: RFC9260-5.2.4-8 case B: the peer's tag from the cookie, T1 stopped, COOKIE ACK
            if state == .cookieWait || state == .cookieEchoed {
                // Before ESTABLISHED the whole peer side comes from the cookie: it was made from the
                // peer's INIT, whose tag, Initial TSN and streams are the ones the peer now uses (the
                // INIT ACK we may have had came from an earlier attempt).
                adoptPeer(from: cookie)
                cookieAckPending = true
                establish()
            } else {
                peerTag = cookie.peerTag
                t1Deadline = nil
                cookieAckPending = true
            }
        case .peerRestart:
            if state == .shutdownAckSent {
                // spec: RFC9260-5.2.4-7 a restart in SHUTDOWN-ACK-SENT: resend SHUTDOWN ACK and report
                pendingControl.append(.shutdownAck)
                pendingControl.append(.error(causes: [.init(code: SCTPErrorCause.cookieReceivedWhileShuttingDown)]))
                return true
            }
            restart(with: cookie)
        }
        return true
    }

    /// Action A: the peer restarted. The old association ends as if by an ABORT and the new one
    /// starts from the cookie, in ESTABLISHED, with the user told `.restarted` (not `.closed`).
    mutating func restart(with cookie: SCTPStateCookie) {
        // The new association's tags and the peer's side, all from the cookie.
        // spec: RFC9260-5.3.1-3 the new association has a new tag (made fresh for the INIT ACK)
        localTag = cookie.localTag
        // Unsent whole messages stay queued; everything numbered (TSN, SSN) belongs to the old
        // association and goes.
        let retained = messagesRetainedAcrossRestart()
        // spec: RFC9260-5.2.4-6 cwnd, ssthresh (and the RTO) start again from their initial values
        sender = Sender(initialTSN: cookie.localInitialTSN, configuration: configuration)
        receiver = Receiver()
        reconfig = Reconfiguration()
        reconfig.nextRequestSequence = cookie.localInitialTSN
        adoptPeer(from: cookie)
        requeue(retained)
        pendingControl.removeAll()
        cookieToEcho = nil
        heartbeatOutstanding = nil
        t1Deadline = nil
        t2Deadline = nil
        t2Retransmissions = 0
        t5Deadline = nil
        state = .established
        sender.start(configuration: configuration)
        burstBudget = configuration.maximumBurst
        scheduleHeartbeat()
        statistics.restarts += 1
        cookieAckPending = true
        // spec: RFC9260-5.2.4-5 RESTART is reported to the upper layer instead of COMMUNICATION LOST
        emit(.restarted(outboundStreams: outboundStreamCount, inboundStreams: inboundStreamCount,
                        partialReliability: peerSupportsPartialReliability, interleaving: usesInterleaving,
                        reconfiguration: peerSupportsReconfiguration))
    }

    /// Queued messages not yet cut into chunks, in queue order per stream; the rest of the
    /// queue is dropped (and reported as having left it).
    private mutating func messagesRetainedAcrossRestart() -> [OutgoingMessage] {
        var retained: [OutgoingMessage] = []
        for stream in sender.queues.keys.sorted() {
            guard let queue = sender.queues[stream] else { continue }
            for message in queue.messages[queue.head...] {
                // spec: RFC9260-5.2.4-4 DATA not yet sent is retained across the restart
                if message.offset == 0 {
                    retained.append(message)
                } else {
                    emit(.sent(stream: stream, byteCount: message.payload.count))
                    statistics.messagesAbandoned += 1
                }
            }
        }
        return retained
    }

    private mutating func requeue(_ messages: [OutgoingMessage]) {
        for message in messages {
            guard Int(message.stream) < outboundStreamCount else {
                // The restarted peer accepts fewer streams: this one is gone.
                emit(.sent(stream: message.stream, byteCount: message.payload.count))
                statistics.messagesAbandoned += 1
                continue
            }
            if sender.queues[message.stream, default: StreamQueue()].isEmpty { sender.scheduler.activate(message.stream) }
            sender.queues[message.stream, default: StreamQueue()].messages.append(message)
            sender.queuedBytes += message.payload.count
            if message.expiry != nil { sender.messagesWithLifetime += 1 }
            sender.nextSerial = max(sender.nextSerial, message.serial + 1)
        }
    }
}
