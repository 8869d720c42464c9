import Wire

/// Where the search for the path MTU stands (packetization layer PMTUD, RFC 4821 as RFC 8261
/// §4 and §6.2 ask: probes are HEARTBEAT chunks padded to the probed size with a PADDING chunk,
/// RFC 4820, and no ICMP is needed).
struct PathMTUSearch {
    /// The configured packet size: always safe, where the search starts and falls back to.
    var base = 0
    /// The largest size a probe confirmed, and the smallest one known too large.
    var confirmed = 0
    var ceiling = 0
    /// The probe in flight: its size, nonce, the time it counts as lost, and tries at this size.
    var probeSize: Int?
    var probeNonce: UInt64 = 0
    var probeDeadline: Duration?
    var tries = 0
    /// When a finished search probes again for a larger MTU.
    var raiseDeadline: Duration?
    /// Retransmission timeouts in a row since the last acknowledgement, for black hole detection.
    var timeoutsInARow = 0
}

extension SCTPAssociation {
    /// The largest packet the association sends now: the confirmed path MTU. DATA chunks keep
    /// the configured size (messages are fragmented for it), so a path that shrinks back to the
    /// base size still carries every chunk already numbered; a larger path MTU bundles more of
    /// them per packet.
    public var packetSizeLimit: Int { max(pathMTU.confirmed, configuration.maximumPacketSize) }

    /// What webrtc-stats reports of an SCTP transport: smoothed RTT (seconds), congestion
    /// window and peer's receive window (bytes), the packet size in use.
    public var transportFigures: (smoothedRTT: Double?, congestionWindow: Int, receiverWindow: Int, packetSize: Int) {
        let rtt = sender.smoothedRTT.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        return (rtt, sender.cwnd, Int(sender.peerReceiverWindow), packetSizeLimit)
    }

    /// Probe packets at one size before it counts as too large (RFC 4821's MAX_PROBES).
    static let probeTries = 3
    /// Sizes closer than this end the search.
    static let probeResolution = 32
    /// A finished search looks for a larger MTU again after this long (RFC 4821 §7.7 suggests 10 min).
    static let raiseInterval: Duration = .seconds(600)

    /// Starts searching once the association is up, when the owner allows larger packets.
    // spec: RFC9260-7.3-1 path MTU discovery (PLPMTUD, RFC 8899/4821) on the one destination
    mutating func startPathMTUSearch() {
        pathMTU.base = configuration.maximumPacketSize
        pathMTU.confirmed = configuration.maximumPacketSize
        pathMTU.ceiling = configuration.maximumProbePacketSize
        guard pathMTU.ceiling > pathMTU.base else { return }
        // spec: RFC8261-4-1 a path MTU discovery method that needs no ICMP runs on the association
        // spec: RFC8261-4-2 packetization layer PMTUD (RFC 4821), here in SCTP
        sendNextProbe()
    }

    /// The next probe halves the distance between the confirmed size and the ceiling.
    mutating func sendNextProbe() {
        guard state == .established || state == .shutdownPending, pathMTU.ceiling - pathMTU.confirmed >= Self.probeResolution else {
            pathMTU.probeSize = nil
            pathMTU.probeDeadline = nil
            if pathMTU.ceiling > pathMTU.base { pathMTU.raiseDeadline = now + Self.raiseInterval }
            return
        }
        let size = (pathMTU.confirmed + (pathMTU.ceiling - pathMTU.confirmed + 1) / 2) & ~3
        pathMTU.probeSize = size
        pathMTU.tries = 0
        transmitProbe()
    }

    /// One probe packet of exactly `pathMTU.probeSize` bytes: a HEARTBEAT with a nonce, padded.
    mutating func transmitProbe() {
        guard let size = pathMTU.probeSize else { return }
        pathMTU.probeNonce = random.next()
        pathMTU.tries += 1
        var info = ByteWriter(capacity: 16)
        info.writeUInt64(pathMTU.probeNonce)
        info.writeUInt64(UInt64(size))
        // Header 12, HEARTBEAT 4 + parameter 4 + info 16, PADDING header 4.
        let padding = max(0, size - SCTPPacket.headerSize - 24 - 4)
        // spec: RFC8261-6.2-1 probes are HEARTBEAT chunks bundled with a PADDING chunk (RFC 4820)
        // spec: RFC8831-5-4 RFC 4821 probing with RFC 4820 padding, no ICMP needed
        let packet = SCTPPacket(sourcePort: configuration.localPort, destinationPort: configuration.remotePort, verificationTag: peerTag,
                                chunks: [.heartbeat(info: info.bytes), .unknown(type: 0x84, flags: 0, value: [UInt8](repeating: 0, count: padding))])
        standalonePackets.append(packet.encoded())
        pathMTU.probeDeadline = now + max(sender.rto, .seconds(1))
    }

    /// A HEARTBEAT ACK for the probe in flight confirms its size; true when it was one.
    mutating func handleProbeAck(_ info: [UInt8]) -> Bool {
        guard info.count == 16, let size = pathMTU.probeSize else { return false }
        var reader = ByteReader(info)
        guard (try? reader.readUInt64()) == pathMTU.probeNonce, (try? reader.readUInt64()) == UInt64(size) else { return false }
        pathMTU.confirmed = size
        sender.errorCount = 0
        sendNextProbe()
        return true
    }

    /// The probe was not answered in time: try again, or take its size as too large.
    mutating func probeTimerExpired() {
        pathMTU.probeDeadline = nil
        guard let size = pathMTU.probeSize else { return }
        if pathMTU.tries < Self.probeTries {
            transmitProbe()
        } else {
            pathMTU.ceiling = size - 4
            sendNextProbe()
        }
    }

    /// A finished search looks again, from the confirmed size up to the configured ceiling.
    mutating func raiseTimerExpired() {
        pathMTU.raiseDeadline = nil
        pathMTU.ceiling = configuration.maximumProbePacketSize
        sendNextProbe()
    }

    /// Retransmission timeouts in a row at a size above the base look like a black hole: fall
    /// back to the base size and search again (RFC 4821 §7.7).
    mutating func noteRetransmissionTimeout() {
        guard pathMTU.confirmed > pathMTU.base else { return }
        pathMTU.timeoutsInARow += 1
        guard pathMTU.timeoutsInARow >= 2 else { return }
        pathMTU.timeoutsInARow = 0
        pathMTU.ceiling = pathMTU.confirmed - 4
        pathMTU.confirmed = pathMTU.base
        sendNextProbe()
    }

    /// The lower layers moved the association to another network path (ICE selected another
    /// candidate pair): the congestion state starts over, as for a new path, and the path MTU is
    /// searched again from the configured packet size.
    public mutating func pathChanged(at now: Duration) {
        self.now = now
        guard state == .established || state == .shutdownPending || state == .shutdownReceived || state == .shutdownSent else { return }
        // spec: RFC8261-6.1-7 after a path change the congestion state is reset to the initial state
        // spec: RFC8831-5-3 likewise for data channels
        sender.cwnd = sender.initialCongestionWindow
        sender.ssthresh = Int(sender.peerReceiverWindow)
        sender.partialBytesAcked = 0
        sender.fastRecoveryExit = nil
        sender.smoothedRTT = nil
        sender.rttVariation = .zero
        sender.rttProbe = nil
        sender.rto = configuration.rtoInitial
        // spec: RFC8261-6.1-7 and the path MTU is tested again
        // spec: RFC8831-5-3 from the safe size up
        pathMTU = PathMTUSearch()
        startPathMTUSearch()
    }

    /// An acknowledgement of new data ends a run of timeouts.
    mutating func notePathAcknowledged() { pathMTU.timeoutsInARow = 0 }
}
