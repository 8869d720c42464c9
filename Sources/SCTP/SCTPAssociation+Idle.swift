/// The congestion window of an idle path (RFC 9260 §7.2.1 and §7.2.2): while no DATA goes
/// out, cwnd decays to max(cwnd / 2, 4 * PMDCS) once per RTO. Applied when the user queues data
/// again after a quiet spell, so no timer runs while the path is idle.
extension SCTPAssociation {
    /// The path's maximum DATA chunk size (PMDCS): what one DATA chunk can carry in a packet.
    var pathMaximumDataChunkSize: Int {
        packetSizeLimit - SCTPPacket.headerSize - SCTPDataChunk.headerSize(iData: usesInterleaving)
    }

    mutating func decayIdleCongestionWindow() {
        guard sender.flightSize == 0, sender.retransmitMarked == 0, let last = sender.lastDataSentAt, sender.rto > .zero else { return }
        let ratio = (now - last) / sender.rto
        let periods = ratio >= 64 ? 64 : Int(ratio.rounded(.down))
        guard periods >= 1 else { return }
        // spec: RFC9260-7.1-3 congestion parameters decay while the path is not used
        // spec: RFC9260-7.2.1-11 ssthresh takes the cwnd before the first adjustment
        sender.ssthresh = sender.cwnd
        let floor = 4 * pathMaximumDataChunkSize
        for _ in 0..<min(periods, 32) {
            // spec: RFC9260-7.2.1-10 cwnd = max(cwnd / 2, 4 * PMDCS) once per RTO without DATA
            // spec: RFC9260-7.2.2-5 in congestion avoidance too (never raised by the floor)
            let decayed = min(sender.cwnd, max(sender.cwnd / 2, floor))
            if decayed == sender.cwnd { break }
            sender.cwnd = decayed
        }
        sender.partialBytesAcked = 0
        // One decay per idle spell: the next transmission starts the clock again.
        sender.lastDataSentAt = nil
    }
}

extension SCTPAssociation {
    /// With the peer's window closed and nothing in flight, whether the zero window probe may go
    /// now; the first waits one RTO after the window was seen closed (T3-rtx wakes us then), later
    /// ones follow T3-rtx and its backoff.
    mutating func zeroWindowProbeDue() -> Bool {
        if let at = sender.zeroWindowProbeAt {
            guard at <= now else { return false }
            // This probe goes; if it is acknowledged and the window is still closed, the next
            // one waits an RTO again.
            sender.zeroWindowProbeAt = nil
            return true
        }
        // spec: RFC9260-6.1-8 the first zero window probe goes one RTO after the window closed
        let at = now + sender.rto
        sender.zeroWindowProbeAt = at
        if sender.t3Deadline.map({ $0 > at }) ?? true { sender.t3Deadline = at }
        return false
    }
}
