/// Graceful close (RFC 9260 §9.2).
extension SCTPAssociation {
    /// Moves SHUTDOWN-PENDING and SHUTDOWN-RECEIVED on once everything sent is acknowledged.
    mutating func progressShutdown() {
        guard sender.isIdle else { return }
        switch state {
        case .shutdownPending:
            // spec: RFC9260-9.2-22 SHUTDOWN only after all outstanding DATA is acknowledged
            // spec: RFC9260-3.3.8-1 SHUTDOWN starts the graceful close
            // spec: RFC9260-9.2-1 then T2-shutdown runs in SHUTDOWN-SENT
            state = .shutdownSent
            sendShutdown()
        case .shutdownReceived:
            // spec: RFC9260-3.3.9-1 SHUTDOWN ACK acknowledges the SHUTDOWN once all is done
            // spec: RFC9260-4-11 SHUTDOWN-RECEIVED is left only when everything queued has been sent and acknowledged
            // spec: RFC9260-9.2-15 with nothing outstanding the SHUTDOWN receiver sends SHUTDOWN ACK and starts T2
            state = .shutdownAckSent
            pendingControl.append(.shutdownAck)
            t2Retransmissions = 0
            t2Deadline = now + sender.rto
        default:
            break
        }
    }

    private mutating func sendShutdown() {
        pendingControl.append(.shutdown(cumulativeTSNAck: receiver.cumulativeTSN))
        requestSackBesideShutdown()
        t2Retransmissions = 0
        // spec: RFC9260-9.2-3 T2 follows the RTO rules
        t2Deadline = now + sender.rto
        // spec: RFC9260-9.2-12 T5-shutdown-guard bounds the whole shutdown
        // spec: RFC9260-9.2-14 at 5 times RTO.Max
        if t5Deadline == nil { t5Deadline = now + configuration.rtoMaximum * 5 }
        // spec: RFC9260-8.3-2 HEARTBEATs stop once SHUTDOWN is sent
        heartbeatDeadline = nil
    }

    /// A SHUTDOWN carries only the cumulative TSN: gaps or duplicates need a SACK beside it.
    mutating func requestSackBesideShutdown() {
        // spec: RFC9260-9.2-11 gaps or duplicates: a SACK goes with the SHUTDOWN
        // spec: RFC9260-9.2-4 bundled in the same packet (the SACK comes first)
        // spec: RFC9260-3.3.8-3 so the peer sees the gaps
        // spec: RFC9260-6.2-19 out-of-order DATA is acknowledged with a SACK, not the SHUTDOWN alone
        // spec: RFC9260-6.2-16 (the SHUTDOWN acknowledges the rest, as the ULP asked to shut down)
        if !receiver.received.isEmpty || !receiver.duplicates.isEmpty { receiver.sackNeeded = true }
    }

    /// T5-shutdown-guard expired: the shutdown did not finish, the association is aborted.
    mutating func t5Expired() {
        t5Deadline = nil
        guard state == .shutdownSent || state == .shutdownAckSent else { return }
        // spec: RFC9260-9.2-13 at T5 expiry the association is aborted with ABORT
        sendStandalone(.abort(reflectedTag: false, causes: []), tag: peerTag)
        close(.timedOut)
    }

    mutating func handleShutdown(cumulativeTSNAck: UInt32) {
        switch state {
        case .established, .shutdownPending:
            // spec: RFC9260-3.3.8-2 a SHUTDOWN's missing gap blocks are not a renege
            handleSack(SCTPSackChunk(cumulativeTSNAck: cumulativeTSNAck, advertisedReceiverWindowCredit: sender.peerReceiverWindow))
            guard state != .closed else { return }
            // spec: RFC9260-9.2-9 outstanding DATA keeps being sent until acknowledged
            state = .shutdownReceived
            progressShutdown()
        case .shutdownReceived:
            handleSack(SCTPSackChunk(cumulativeTSNAck: cumulativeTSNAck, advertisedReceiverWindowCredit: sender.peerReceiverWindow))
        case .shutdownSent:
            // spec: RFC9260-9.2-27 SHUTDOWN in SHUTDOWN-SENT: answer with SHUTDOWN ACK, SHUTDOWN-ACK-SENT
            state = .shutdownAckSent
            pendingControl.append(.shutdownAck)
            t2Retransmissions = 0
            t2Deadline = now + sender.rto
        case .shutdownAckSent:
            pendingControl.append(.shutdownAck)
        default:
            // spec: RFC9260-9.2-26 SHUTDOWN in COOKIE-WAIT or COOKIE-ECHOED is discarded
            break
        }
    }

    mutating func handleShutdownAck(tag: UInt32) {
        guard state == .shutdownSent || state == .shutdownAckSent else { return }
        // spec: RFC9260-9.2-19 SHUTDOWN ACK: stop T2, send SHUTDOWN COMPLETE, close
        // spec: RFC9260-9.2-28 also in SHUTDOWN-ACK-SENT
        // spec: RFC9260-8.5.1-8 with the peer's tag and no T bit
        // spec: RFC9260-3.3.13-1 SHUTDOWN COMPLETE acknowledges the SHUTDOWN ACK
        sendStandalone(.shutdownComplete(reflectedTag: false), tag: peerTag)
        close(.shutdown)
    }

    mutating func handleShutdownComplete() {
        // spec: RFC9260-8.5.1-11 SHUTDOWN COMPLETE outside SHUTDOWN-ACK-SENT is ignored
        // spec: RFC9260-9.2-20 verified against the state
        guard state == .shutdownAckSent else { return }
        // spec: RFC9260-9.2-21 then the association is closed
        close(.shutdown)
    }

    /// T2-shutdown expired: send SHUTDOWN or SHUTDOWN ACK again (§9.2).
    mutating func t2Expired() {
        t2Deadline = nil
        t2Retransmissions += 1
        // spec: RFC9260-9.2-5 SHUTDOWN retransmissions are limited to Association.Max.Retrans
        // spec: RFC9260-9.2-17 as are SHUTDOWN ACK retransmissions
        // spec: RFC9260-9.2-6 beyond that the association is closed and the peer reported unreachable
        // spec: RFC9260-9.2-18 likewise for SHUTDOWN ACK
        guard t2Retransmissions <= configuration.maximumAssociationRetransmissions else {
            sendStandalone(.abort(reflectedTag: false, causes: []), tag: peerTag)
            close(.timedOut)
            return
        }
        sender.backOff(maximum: configuration.rtoMaximum)
        switch state {
        case .shutdownSent:
            // spec: RFC9260-9.2-2 SHUTDOWN is sent again with the latest cumulative TSN
            pendingControl.append(.shutdown(cumulativeTSNAck: receiver.cumulativeTSN))
            requestSackBesideShutdown()
        case .shutdownAckSent:
            // spec: RFC9260-9.2-16 SHUTDOWN ACK is sent again
            pendingControl.append(.shutdownAck)
        default:
            return
        }
        t2Deadline = now + sender.rto
    }
}
