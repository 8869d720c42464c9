/// Processing SACKs (RFC 9260 §6.2.1, §6.3, §7.2) and the T3-rtx timer.
extension SCTPAssociation {
    mutating func handleSack(_ sack: SCTPSackChunk) {
        // spec: RFC9260-6-8 a SACK outside the data states is discarded
        // spec: RFC9260-6-5 SACKs are processed in ESTABLISHED, SHUTDOWN-PENDING and SHUTDOWN-RECEIVED
        guard canSendData || state == .shutdownSent || state == .shutdownAckSent else { return }
        statistics.sacksReceived += 1
        let cumulative = sack.cumulativeTSNAck
        // spec: RFC3758-3.5-21 a SACK is out of order only when its cumulative ack is behind ours
        guard SerialNumber.lessOrEqual(sender.cumulativeAckPoint, cumulative) else { return }
        // spec: RFC9260-12.4-5 a SACK for a TSN never sent aborts the association
        guard SerialNumber.less(cumulative, sender.nextTSN) else {
            abortForViolation("SACK acknowledges TSN \(cumulative), which was never sent")
            return
        }
        let flightBefore = sender.flightSize
        var newlyAcked = 0
        var highestNewlyAcked: UInt32?
        let advanced = cumulative != sender.cumulativeAckPoint
        // spec: RFC9260-6.7-3 everything up to the Cumulative TSN Ack leaves the retransmission queue
        while sender.head < sender.chunks.count, SerialNumber.lessOrEqual(sender.cumulativeAckPoint &+ 1, cumulative) {
            let chunk = sender.chunks[sender.head]
            let tsn = sender.cumulativeAckPoint &+ 1
            if !chunk.acked && !chunk.abandoned {
                newlyAcked += chunk.flightCount
                sender.outstandingBytes -= chunk.payloadCount
                highestNewlyAcked = tsn
            }
            sender.leaveFlight(sender.head)
            if chunk.needsRetransmit { sender.retransmitMarked -= 1 }
            if let probe = sender.rttProbe, probe.tsn == tsn {
                // spec: RFC9260-6.3.1-4 Karn: only chunks sent once give an RTT sample
                // spec: RFC9260-6.3.1-1 one measurement per round trip
                // spec: RFC9260-6.3.1-2 and no more
                if chunk.transmissions == 1 && !chunk.acked { sender.measureRTT(now - probe.sentAt, configuration: configuration) }
                sender.rttProbe = nil
            }
            sender.head += 1
            sender.cumulativeAckPoint = tsn
        }
        // Gap Ack Blocks.
        for block in sack.gapBlocks where block.start <= block.end {
            var offset = UInt32(block.start)
            while offset <= UInt32(block.end) {
                let tsn = cumulative &+ offset
                guard let i = sender.index(of: tsn) else { break }
                if !sender.chunks[i].acked {
                    sender.chunks[i].acked = true
                    if let probe = sender.rttProbe, probe.tsn == tsn {
                        // The probe's first acknowledgement (here in a gap block) gives the sample.
                        if sender.chunks[i].transmissions == 1 { sender.measureRTT(now - probe.sentAt, configuration: configuration) }
                        sender.rttProbe = nil
                    }
                    if !sender.chunks[i].abandoned {
                        newlyAcked += sender.chunks[i].flightCount
                        sender.outstandingBytes -= sender.chunks[i].payloadCount
                    }
                    sender.leaveFlight(i)
                    if sender.chunks[i].needsRetransmit {
                        sender.chunks[i].needsRetransmit = false
                        sender.retransmitMarked -= 1
                    }
                    if highestNewlyAcked.map({ SerialNumber.less($0, tsn) }) ?? true { highestNewlyAcked = tsn }
                }
                offset += 1
            }
        }
        // spec: RFC9260-6.1-7 SACKs that answer zero window probes keep the error counter from growing
        if newlyAcked > 0 || advanced || sack.advertisedReceiverWindowCredit == 0 {
            // spec: RFC9260-8.1-5 an acknowledgement resets the error counter
            sender.errorCount = 0
            notePathAcknowledged()
        }
        // Congestion window (§7.2.1, §7.2.2), not while in Fast Recovery.
        // spec: RFC9260-7.2.4-6 growth for a SACK that advances the cumulative ack comes before the Fast Retransmit cut
        if advanced, sender.fastRecoveryExit == nil, newlyAcked > 0 {
            let mtu = packetSizeLimit
            if sender.cwnd <= sender.ssthresh {
                // spec: RFC9260-7.2-1 slow start and congestion avoidance control what is sent
                // spec: RFC9260-7.2.1-5 slow start only while the window is fully used
                // spec: RFC9260-7.2.1-6 otherwise cwnd stays
                // spec: RFC9260-7.2.1-7 growth is at most min(acked bytes, one MTU)
                // spec: RFC9260-7.2.1-8 L = 1: at most one PMDCS per SACK
                if flightBefore >= sender.cwnd { sender.cwnd += min(newlyAcked, mtu) }
            } else {
                // spec: RFC9260-7.2.2-1 congestion avoidance: one MTU per RTT while the window is full
                // spec: RFC9260-7.2.2-4 never more than one MTU per RTT
                sender.partialBytesAcked += newlyAcked
                if sender.partialBytesAcked >= sender.cwnd && flightBefore >= sender.cwnd {
                    sender.partialBytesAcked -= sender.cwnd
                    // spec: RFC9260-7.2.2-2 congestion avoidance adds one PMDCS
                    // spec: RFC9260-7.2.2-3 once per RTT while cwnd or more is outstanding
                    sender.cwnd += mtu
                }
            }
        }
        // Miss indications (HTNA, §7.2.4).
        if let htna = highestNewlyAcked, !sack.gapBlocks.isEmpty {
            var i = sender.head
            // spec: RFC9260-7.2.4-3 miss indications follow HTNA
            // spec: RFC9260-6.7-4 TSNs below the highest acknowledged and not in a block are missing
            // spec: RFC9260-6.7-5 the number of missing reports is kept per chunk
            // spec: RFC9260-7.2.4-2 a chunk is fast-retransmitted at its third miss indication
            while i < sender.chunks.count {
                let tsn = sender.cumulativeAckPoint &+ 1 &+ UInt32(i - sender.head)
                guard SerialNumber.less(tsn, htna) else { break }
                if !sender.chunks[i].acked, !sender.chunks[i].abandoned, !sender.chunks[i].fastRetransmitted {
                    sender.chunks[i].missIndications += 1
                    if sender.chunks[i].missIndications >= 3 {
                        markForFastRetransmit(i)
                    }
                }
                i += 1
            }
        }
        if let exit = sender.fastRecoveryExit, SerialNumber.lessOrEqual(exit, sender.cumulativeAckPoint) {
            sender.fastRecoveryExit = nil
        }
        if sender.flightSize == 0 { sender.partialBytesAcked = 0 }
        // spec: RFC9260-6.2.1-1 rwnd is a_rwnd less the bytes still outstanding
        // (user data bytes, what the peer's window holds; cwnd counts whole chunks)
        sender.peerReceiverWindow = sack.advertisedReceiverWindowCredit
        let windowWasClosed = sender.peerWindowAvailable <= 0
        sender.peerWindowAvailable = Int(sack.advertisedReceiverWindowCredit) - sender.flightPayload
        if sender.peerWindowAvailable > 0 {
            sender.zeroWindowProbeAt = nil
            // spec: RFC9260-6.1-9 the window reopens after probing: cwnd first decays for the time no data went (§7.2.1)
            if windowWasClosed { decayIdleCongestionWindow() }
        }
        // T3-rtx (§6.3.2 R2, R3).
        if sender.flightSize == 0 && sender.retransmitMarked == 0 {
            sender.t3Deadline = nil
        } else if advanced {
            sender.t3Deadline = now + sender.rto
        }
        // spec: RFC3758-3.5-5 PR-SCTP steps follow the normal SACK processing
        // spec: RFC3758-3.5-6 then the additional steps C1-C3
        if peerSupportsPartialReliability { advancePeerAckPoint() }
        sender.compact()
        progressShutdown()
    }

    private mutating func markForFastRetransmit(_ i: Int) {
        sender.chunks[i].fastRetransmitted = true
        if !sender.chunks[i].needsRetransmit {
            sender.chunks[i].needsRetransmit = true
            sender.retransmitMarked += 1
        }
        sender.leaveFlight(i)
        sender.fastRetransmitPending = true
        statistics.fastRetransmissions += 1
        if sender.fastRecoveryExit == nil {
            // spec: RFC9260-7.2.3-1 on loss: ssthresh = max(cwnd/2, 4 MTU), cwnd = ssthresh
            // spec: RFC9260-7.2.4-5 only once per Fast Recovery
            let mtu = packetSizeLimit
            sender.ssthresh = max(sender.cwnd / 2, 4 * mtu)
            sender.cwnd = sender.ssthresh
            sender.partialBytesAcked = 0
            sender.fastRecoveryExit = sender.nextTSN &- 1
        }
    }

    /// T3-rtx expired (§6.3.3): back off, collapse cwnd, retransmit everything outstanding.
    mutating func t3Expired() {
        sender.t3Deadline = nil
        guard canSendData || state == .shutdownSent else { return }
        guard sender.outstandingCount > 0 || sender.forwardTSNNeeded else { return }
        statistics.retransmissionTimeouts += 1
        noteRetransmissionTimeout()
        // spec: RFC8261-6.1-3 the one path's error count is the association's (path.max.retrans = association.max.retrans)
        sender.errorCount += 1
        // spec: RFC9260-8.1-1 consecutive retransmissions are counted
        if sender.errorCount > configuration.maximumAssociationRetransmissions {
            // spec: RFC9260-8.1-3 over Association.Max.Retrans the peer is unreachable
            sendStandalone(.abort(reflectedTag: false, causes: []), tag: peerTag)
            close(.timedOut)
            return
        }
        let mtu = packetSizeLimit
        // spec: RFC9260-7.2.3-2 T3 expiry: ssthresh = max(cwnd/2, 4 MTU), cwnd = 1 MTU
        // spec: RFC9260-7.2.1-2 one packet in flight after a timeout
        sender.ssthresh = max(sender.cwnd / 2, 4 * mtu)
        sender.cwnd = mtu
        sender.partialBytesAcked = 0
        sender.fastRecoveryExit = nil
        sender.backOff(maximum: configuration.rtoMaximum)
        sender.rttProbe = nil
        var i = sender.head
        while i < sender.chunks.count {
            // spec: RFC9260-6.3.3-3 every outstanding chunk is marked, to go as cwnd allows
            if !sender.chunks[i].acked && !sender.chunks[i].abandoned {
                sender.leaveFlight(i)
                if !sender.chunks[i].needsRetransmit {
                    sender.chunks[i].needsRetransmit = true
                    sender.retransmitMarked += 1
                }
            }
            i += 1
        }
        burstBudget = configuration.maximumBurst
        // spec: RFC3758-3.5-15 T3 expiry tries to advance the Advanced.Peer.Ack.Point
        if peerSupportsPartialReliability { advancePeerAckPoint() }
        if sender.retransmitMarked == 0 && sender.forwardTSNNeeded { sender.t3Deadline = now + sender.rto }
    }
}
