/// Bounding what one received packet makes us send (RFC 9260 §12.4): the control chunks that
/// answer it fit in one packet, beside a SACK; answers that would need a second packet are not
/// sent.
extension SCTPAssociation {
    /// The bytes the queued control chunks take in a packet.
    var pendingControlBytes: Int {
        pendingControl.reduce(0) { $0 + $1.encodedCount }
    }

    /// Drops the answers to the packet just processed (queued from `start` on) that would not
    /// fit in one packet together with a minimal SACK and a COOKIE ACK.
    mutating func limitResponses(addedFrom start: Int) {
        guard pendingControl.count > start else { return }
        // spec: RFC9260-12.4-2 the control chunks answering one packet never need more than one packet
        var budget = packetSizeLimit - SCTPPacket.headerSize - 16 - 4
        var kept: [SCTPChunk] = []
        for (i, chunk) in pendingControl.enumerated() {
            let size = chunk.encodedCount
            if i < start || size <= budget {
                kept.append(chunk)
                budget -= size
            }
        }
        pendingControl = kept
    }
}
