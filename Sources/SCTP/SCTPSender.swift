import Wire

extension SCTPAssociation {
    /// A user message waiting to be fragmented into DATA (or I-DATA) chunks.
    struct OutgoingMessage {
        var serial: UInt64
        var stream: UInt16
        var payloadProtocolIdentifier: UInt32
        var payload: [UInt8]
        var unordered: Bool
        /// nil: reliable.
        var maximumRetransmissions: Int?
        var expiry: Duration?
        /// Bytes already cut into chunks.
        var offset = 0
        /// The SSN (DATA) or MID (I-DATA), fixed when the first fragment is cut.
        var messageIdentifier: UInt32 = 0
        var nextFragmentSequence: UInt32 = 0
    }

    /// A DATA chunk that has a TSN and is not yet cumulatively acknowledged.
    struct OutboundChunk {
        var chunk: SCTPDataChunk
        var serial: UInt64
        var maximumRetransmissions: Int?
        var expiry: Duration?
        var transmissions = 0
        var sentAt: Duration = .zero
        /// Reported in a Gap Ack Block.
        var acked = false
        var abandoned = false
        /// Counted in the flight size.
        var inFlight = false
        var needsRetransmit = false
        var fastRetransmitted = false
        var missIndications = 0
        var payloadCount: Int { chunk.userData.count }
        /// What the chunk weighs in the flight size and the congestion window: its whole
        /// length with header and padding.
        // spec: RFC9260-7.2-4 cwnd, ssthresh and partial_bytes_acked count DATA chunks with header and padding
        var flightCount: Int { chunk.encodedCount }
    }

    /// Per-stream queue of messages (a head index keeps removal cheap).
    struct StreamQueue {
        var messages: [OutgoingMessage] = []
        var head = 0
        var isEmpty: Bool { head == messages.count }
        /// Bytes of the head message not yet cut into chunks.
        var headRemaining: Int { messages[head].payload.count - messages[head].offset }

        /// Moves the head message out, leaving an empty one in its place until `restoreHead`
        /// or `popFirst`.
        mutating func takeHead() -> OutgoingMessage {
            var taken = OutgoingMessage(serial: 0, stream: 0, payloadProtocolIdentifier: 0, payload: [], unordered: false)
            swap(&taken, &messages[head])
            return taken
        }

        mutating func restoreHead(_ message: OutgoingMessage) { messages[head] = message }
        mutating func popFirst() {
            messages[head].payload = []
            head += 1
            if head == messages.count {
                messages.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64 && head * 2 >= messages.count {
                messages.removeFirst(head)
                head = 0
            }
        }
    }

    /// The data sender: queues, TSNs, retransmission and congestion state (RFC 9260 §6, §7).
    struct Sender {
        var nextTSN: UInt32
        /// The highest TSN the peer acknowledged cumulatively.
        var cumulativeAckPoint: UInt32
        /// chunks[head + i] has TSN cumulativeAckPoint + 1 + i.
        var chunks: [OutboundChunk] = []
        var head = 0
        var queues = StreamQueues()
        /// Chooses among streams with queued messages (RFC 8260 §3.6 weighted fair queueing).
        var scheduler = SCTPStreamScheduler()
        /// Without I-DATA a started message finishes before another stream's begins.
        var streamInProgress: UInt16?
        /// With I-DATA: streams whose head message is partly sent, and those messages' sizes.
        var startedStreams: [UInt16] = []
        var startedBytes = 0
        /// The receive window the peer announced at setup: its whole buffer.
        var peerInitialWindow = Int.max
        var nextOrderedIdentifier: [UInt16: UInt32] = [:]
        var nextUnorderedIdentifier: [UInt16: UInt32] = [:]
        var nextSerial: UInt64 = 0
        /// Payload bytes queued and not yet cut into chunks.
        var queuedBytes = 0
        /// Payload bytes in chunks not yet acknowledged or abandoned.
        var outstandingBytes = 0
        var messagesWithLifetime = 0
        var retransmitMarked = 0
        var fastRetransmitPending = false

        // Congestion control (§7.2).
        var mtu: Int
        var cwnd = 0
        var ssthresh = Int.max
        var partialBytesAcked = 0
        /// Bytes in flight as congestion control counts them (whole chunks, RFC 9260 §7.2).
        var flightSize = 0
        /// The user data bytes of the same chunks, which the peer's window is counted in.
        var flightPayload = 0
        var peerReceiverWindow: UInt32 = 0
        var peerWindowAvailable = 0
        var fastRecoveryExit: UInt32?
        /// When the first zero window probe may go (RFC 9260 §6.1: one RTO after the window closed).
        var zeroWindowProbeAt: Duration?
        /// When DATA last went out (for the idle decay of cwnd, SCTPAssociation+Idle.swift).
        var lastDataSentAt: Duration?

        // RTO (§6.3).
        var rto: Duration
        var smoothedRTT: Duration?
        var rttVariation: Duration = .zero
        var rttProbe: (tsn: UInt32, sentAt: Duration)?
        var t3Deadline: Duration?
        var errorCount = 0

        // PR-SCTP (RFC 3758 §3.5).
        var advancedPeerAckPoint: UInt32
        var forwardTSNNeeded = false

        init(initialTSN: UInt32, configuration: SCTPAssociationConfiguration) {
            nextTSN = initialTSN
            // spec: RFC9260-5.1-20 the Cumulative TSN Ack Point starts at the Initial TSN minus one
            cumulativeAckPoint = initialTSN &- 1
            advancedPeerAckPoint = initialTSN &- 1
            mtu = configuration.maximumPacketSize
            // spec: RFC9260-6.3.1-1 the RTO starts at RTO.Initial
            rto = configuration.rtoInitial
        }

        /// The cwnd a path starts with.
        // spec: RFC9260-7.2.1-1 the initial cwnd is min(4 MTU, max(2 MTU, 4404))
        var initialCongestionWindow: Int { min(4 * mtu, max(2 * mtu, 4404)) }

        mutating func start(configuration: SCTPAssociationConfiguration) {
            cwnd = initialCongestionWindow
            peerWindowAvailable = Int(peerReceiverWindow)
        }

        /// Nothing queued and nothing outstanding.
        var isIdle: Bool { queuedBytes == 0 && head == chunks.count }

        var outstandingCount: Int { chunks.count - head }

        func index(of tsn: UInt32) -> Int? {
            let offset = Int(tsn &- cumulativeAckPoint &- 1)
            guard SerialNumber.less(cumulativeAckPoint, tsn), offset < outstandingCount else { return nil }
            return head + offset
        }

        /// Doubles the RTO up to RTO.Max (§6.3.3 E2).
        mutating func backOff(maximum: Duration = .seconds(60)) {
            // spec: RFC9260-6.3.3-1 the doubling is bounded by RTO.Max
            rto = min(rto * 2, maximum)
        }

        /// RFC 9260 §6.3.1 rules C2 and C3 with RTO.Alpha 1/8 and RTO.Beta 1/4.
        mutating func measureRTT(_ r: Duration, configuration: SCTPAssociationConfiguration) {
            if let srtt = smoothedRTT {
                let deviation = srtt > r ? srtt - r : r - srtt
                rttVariation = rttVariation * 3 / 4 + deviation / 4
                smoothedRTT = srtt * 7 / 8 + r / 8
            } else {
                smoothedRTT = r
                rttVariation = r / 2
            }
            // spec: RFC9260-6.3.1-6 capped at RTO.Max
            rto = min(max(smoothedRTT! + rttVariation * 4, configuration.rtoMinimum), configuration.rtoMaximum)
        }

        mutating func discardAll() {
            chunks.removeAll()
            head = 0
            queues.removeAll()
            scheduler.removeAll()
            startedStreams.removeAll()
            startedBytes = 0
            queuedBytes = 0
            outstandingBytes = 0
            flightSize = 0
            flightPayload = 0
        }

        /// Chunk `i` was sent (again): it counts in the flight.
        mutating func enterFlight(_ i: Int) {
            chunks[i].inFlight = true
            flightSize += chunks[i].flightCount
            flightPayload += chunks[i].payloadCount
        }

        /// Chunk `i` leaves the flight (acknowledged, marked for retransmission or abandoned).
        mutating func leaveFlight(_ i: Int) {
            guard chunks[i].inFlight else { return }
            chunks[i].inFlight = false
            flightSize -= chunks[i].flightCount
            flightPayload -= chunks[i].payloadCount
        }

        /// The started message of `stream` (I-DATA) is finished or abandoned.
        mutating func finishStarted(_ stream: UInt16, bytes: Int) {
            guard let index = startedStreams.firstIndex(of: stream) else { return }
            startedStreams.remove(at: index)
            startedBytes -= bytes
        }

        mutating func compact() {
            if head > 4096 && head * 2 > chunks.count {
                chunks.removeFirst(head)
                head = 0
            }
        }
    }

    /// The most DATA chunks in the send window at once: below 2^16 - 1 ordered messages per
    /// stream (RFC 9260 §6.1 rule D) and far below the 2^31 - 1 TSNs of §1.6.
    static let maximumOutstandingChunks = 65535

    // MARK: The send API

    /// Queues one user message on `stream` (RFC 9260 §10.1 SEND). The message is cut into
    /// chunks as the windows allow, streams taking turns by the weighted fair queueing
    /// scheduler (`options.priority` sets the stream's weight); `.sent` reports when it has left
    /// the queue.
    public mutating func send(_ payload: [UInt8], stream: UInt16, payloadProtocolIdentifier: UInt32,
                              options: SCTPSendOptions = .init(), at now: Duration) throws(SCTPSendError) {
        self.now = now
        // spec: RFC9260-9.2-23 no new data once shutdown has begun
        // spec: RFC9260-4-10 none in SHUTDOWN-RECEIVED
        // spec: RFC9260-4-12 none in SHUTDOWN-ACK-SENT
        // spec: RFC9260-5-1 no data before the association is set up
        // spec: RFC9260-3.3.11-1 no DATA before the COOKIE ECHO has been answered
        guard state == .established else { throw .notEstablished(state) }
        // spec: RFC9260-5.1.1-3 outbound streams are 0 ..< min(OS, peer MIS)
        // spec: RFC9260-6.5-1 every DATA chunk carries a valid stream identifier
        guard Int(stream) < outboundStreamCount else { throw .invalidStream(stream, streamCount: outboundStreamCount) }
        // spec: RFC9260-6.2-37 no DATA chunk without user data
        guard !payload.isEmpty else { throw .emptyMessage }
        guard payload.count <= configuration.maximumMessageSize else {
            throw .messageTooLarge(size: payload.count, maximum: configuration.maximumMessageSize)
        }
        let queued = sender.queuedBytes + sender.outstandingBytes
        // Every message holds at least a byte, so fewer than 2^31 bytes queued means fewer than
        // 2^31 messages (or fragments of one message) in flight.
        // spec: RFC8260-2.1-4 never 2^31 or more ordered (or unordered) messages of a stream in flight
        // spec: RFC8260-2.1-7 nor 2^31 or more fragments of one message
        let limit = sendQueueLimit
        guard queued + payload.count <= limit else {
            throw .queueFull(queued: queued, limit: limit)
        }
        if sender.flightSize == 0 { decayIdleCongestionWindow() }
        var maximumRetransmissions: Int?
        var expiry: Duration?
        // spec: RFC3758-4.3-1 the PR-SCTP service is an optional parameter of SEND (reliability)
        switch options.reliability {
        case .reliable: break
        case .maximumRetransmissions(let n):
            guard peerSupportsPartialReliability else { throw .partialReliabilityUnsupported }
            maximumRetransmissions = max(0, n)
        case .lifetime(let lifetime):
            guard peerSupportsPartialReliability else { throw .partialReliabilityUnsupported }
            // spec: RFC3758-4.1-11 the lifetime is fixed when the message is handed over; nothing changes it later
            expiry = now + lifetime
            sender.messagesWithLifetime += 1
        }
        let message = OutgoingMessage(serial: sender.nextSerial, stream: stream, payloadProtocolIdentifier: payloadProtocolIdentifier,
                                      payload: payload, unordered: options.unordered,
                                      maximumRetransmissions: maximumRetransmissions, expiry: expiry)
        sender.nextSerial += 1
        sender.queuedBytes += payload.count
        statistics.messagesSent += 1
        if sender.flightSize == 0 { burstBudget = configuration.maximumBurst }
        // The stream's weight (RFC 8260 §3.6) is configured per outgoing stream.
        if let priority = options.priority { sender.scheduler.setWeight(priority, for: stream) }
        // spec: RFC6525-5.1.2-1 a stream being reset assigns no new sequence numbers: its new data waits
        if reconfig.isResetting(stream) {
            reconfig.held.append(message)
            return
        }
        let slot = sender.queues.slot(for: stream)
        if sender.queues.storage[slot]?.isEmpty ?? true { sender.scheduler.activate(stream) }
        if sender.queues.storage[slot] == nil { sender.queues.storage[slot] = StreamQueue() }
        sender.queues.storage[slot]!.messages.append(message)
    }

    /// The bytes that may be queued or in flight: the configured limit, and always under 2^31
    /// (every message holds a byte or more, so fewer than 2^31 messages or fragments are in flight).
    var sendQueueLimit: Int { min(configuration.sendQueueLimit, Int(Int32.max)) }

    /// Bytes queued or in flight on the association, not yet acknowledged.
    public var bufferedAmount: Int { sender.queuedBytes + sender.outstandingBytes }

    /// The smoothed round-trip time, once measured.
    public var smoothedRoundTripTime: Duration? { sender.smoothedRTT }

    /// The congestion window, in bytes.
    public var congestionWindow: Int { sender.cwnd }

    // MARK: Building packets

    var canSendData: Bool {
        // spec: RFC9260-4-11 (SHUTDOWN-RECEIVED keeps transmitting and retransmitting)
        // spec: RFC9260-6-1 DATA is sent only in ESTABLISHED, SHUTDOWN-PENDING and SHUTDOWN-RECEIVED
        state == .established || state == .shutdownPending || state == .shutdownReceived
    }

    /// The next packet to send, bundling control chunks then DATA up to the packet size.
    /// Chunks are written straight into the packet's buffer: the hot path builds no chunk
    /// values and makes one allocation, the packet.
    mutating func nextPacket(again: Bool = true) -> [UInt8]? {
        guard !terminated, state != .closed, state != .cookieWait, peerTag != 0 else { return nil }
        let mtu = packetSizeLimit
        // spec: RFC9260-6.1-21 a delayed acknowledgement rides along with outgoing DATA
        if receiver.delayedAckDeadline != nil, canSendData, sender.queuedBytes > 0 || sender.retransmitMarked > 0 {
            receiver.sackNeeded = true
        }
        // Polled far more often than there is something to send: leave before allocating.
        let mayCarryData = canSendData && (sender.retransmitMarked > 0 || sender.forwardTSNNeeded
            || (sender.queuedBytes > 0 && sender.flightSize < sender.cwnd && burstBudget > 0))
        guard mayCarryData || cookieAckPending || (receiver.sackNeeded && state != .cookieEchoed) || !pendingControl.isEmpty
            || sender.forwardTSNNeeded || reconfig.hasSomethingToSend else { return nil }
        // A packet that may carry DATA gets the full size at once; a SACK alone needs little.
        var w = ByteWriter(capacity: mayCarryData ? mtu : 64)
        // spec: RFC9260-3.1-3 the Verification Tag is the peer's Initiate Tag
        // spec: RFC9260-8.5.1-4 whenever the peer's tag is known
        SCTPPacket.writeCommonHeader(sourcePort: configuration.localPort, destinationPort: configuration.remotePort,
                                     verificationTag: peerTag, to: &w)
        if cookieAckPending {
            // spec: RFC9260-3.3.12-1 COOKIE ACK before any DATA or SACK
            // spec: RFC9260-5.1.5-7 DATA that came with the COOKIE ECHO is acknowledged in the same packet
            // spec: RFC9260-5.1-8 COOKIE ACK first in its packet
            // spec: RFC9260-5.1.5-8 before any SACK
            SCTPChunk.cookieAck.write(to: &w)
            cookieAckPending = false
        }
        // spec: RFC9260-6-12 control chunks come before DATA
        // spec: RFC9260-6.10-3 control chunks first when bundled with DATA
        // spec: RFC9260-6.2-10 at most one SACK per packet received (the flag is cleared when it goes out)
        // spec: RFC9260-6.2-9 no more SACKs than these rules allow
        // spec: RFC9260-6.2-12 and no separate window updates, so never a burst of them
        if receiver.sackNeeded, state != .cookieEchoed {
            // The SACK leaves room for the control chunks waiting to go with it (§12.4).
            let reserved = pendingControl.isEmpty ? 0 : pendingControlBytes
            let sack = receiver.makeSack(window: advertisedWindow, room: mtu - w.count - 16 - reserved)
            SCTPChunk.selectiveAck(sack).write(to: &w)
            statistics.sacksSent += 1
            receiver.sackSent()
        }
        // spec: RFC9260-3-2 other control chunks are bundled up to the packet size
        // spec: RFC9260-12.4-3 responses to one packet share one packet when they fit
        while let control = pendingControl.first {
            let before = w.count
            control.write(to: &w)
            // A chunk that does not fit waits for the next packet, unless it is alone.
            guard w.count <= mtu || before == SCTPPacket.headerSize else {
                w.truncate(to: before)
                break
            }
            pendingControl.removeFirst()
        }
        // spec: RFC3758-3.3.2-7 no FORWARD TSN to a peer without PR-SCTP
        // spec: RFC3758-3.2-1 the FORWARD TSN tells the receiver to move its cumulative TSN over abandoned chunks
        // spec: RFC3758-3.5-17 it goes in the same packet as the DATA that follows (bundled)
        // spec: RFC3758-3.5-19 with no added delay: it leaves in the next packet built
        // spec: RFC3758-3.5-20 so never 500 ms late
        if sender.forwardTSNNeeded, peerSupportsPartialReliability {
            let before = w.count
            SCTPChunk.forwardTSN(makeForwardTSN(room: mtu - SCTPPacket.headerSize)).write(to: &w)
            if w.count <= mtu {
                sender.forwardTSNNeeded = false
                statistics.forwardTSNsSent += 1
                // spec: RFC3758-3.5-14 a T3-rtx timer runs while a FORWARD TSN is outstanding
                if sender.t3Deadline == nil { sender.t3Deadline = now + sender.rto }
            } else {
                w.truncate(to: before)
            }
        }
        if let request = reconfigChunkToSend() { request.write(to: &w) }
        if canSendData { appendData(to: &w, mtu: mtu) }
        // Chunks abandoned instead of retransmitted just now call for a FORWARD TSN: with nothing
        // else to send it goes at once (otherwise in the packet after this one, at the same time).
        // spec: RFC3758-3.5-19 the FORWARD TSN is not held back until some later event
        if w.count == SCTPPacket.headerSize, again, sender.forwardTSNNeeded, peerSupportsPartialReliability { return nextPacket(again: false) }
        guard w.count > SCTPPacket.headerSize else { return nil }
        var bytes = w.takeBytes()
        SCTPPacket.fillChecksum(&bytes)
        return bytes
    }

    /// Adds retransmissions, then new DATA, within cwnd and the peer's window.
    private mutating func appendData(to w: inout ByteWriter, mtu: Int) {
        let headerSize = SCTPDataChunk.headerSize(iData: usesInterleaving)
        var addedData = false
        var retransmitted = false
        var retransmittedEarliest = false
        // With the peer's window closed and nothing in flight, whatever DATA goes is a zero
        // window probe (or its retransmission).
        let probing = sender.peerWindowAvailable <= 0 && sender.flightSize == 0
        // spec: RFC9260-6.1-2 the general transmission rules A to D below
        // spec: RFC9260-6.1-20 retransmissions and new DATA share a packet when they fit
        // spec: RFC9260-6.1-14 chunks marked for retransmission go before new data
        if sender.retransmitMarked > 0 {
            let fast = sender.fastRetransmitPending
            // The earliest (lowest TSN) chunk still outstanding, for the T3-rtx restart rule.
            var earliest = sender.head
            while earliest < sender.chunks.count, sender.chunks[earliest].acked || sender.chunks[earliest].abandoned { earliest += 1 }
            var i = sender.head
            while i < sender.chunks.count, sender.retransmitMarked > 0 {
                defer { i += 1 }
                guard sender.chunks[i].needsRetransmit else { continue }
                if shouldAbandon(sender.chunks[i]) {
                    // spec: RFC3758-3.5-22 a chunk abandoned instead of retransmitted: the congestion
                    // adjustment of its T3 or fast retransmit marking has already been made
                    abandonMessage(serial: sender.chunks[i].serial)
                    continue
                }
                // spec: RFC9260-7.2.4-4 a fast retransmission ignores cwnd for one packet
                if !fast && sender.flightSize >= sender.cwnd { break }
                let count = sender.chunks[i].chunk.encodedCount
                if w.count + count > mtu { break }
                sender.chunks[i].needsRetransmit = false
                sender.retransmitMarked -= 1
                sender.chunks[i].transmissions += 1
                sender.chunks[i].sentAt = now
                sender.enterFlight(i)
                sender.chunks[i].chunk.write(to: &w)
                addedData = true
                retransmitted = true
                if i == earliest { retransmittedEarliest = true }
                statistics.dataChunksRetransmitted += 1
            }
            sender.fastRetransmitPending = false
            if retransmitted {
                // Karn: a retransmission invalidates the RTT probe in progress.
                // spec: RFC9260-6.3.1-5 no RTT from a chunk sent before a retransmission
                sender.rttProbe = nil
            }
        }
        // New data.
        var newData = false
        while burstBudget > 0 || addedData {
            // spec: RFC8260-2.2.2-4 I-DATA obeys the same congestion and receiver windows as DATA
            // spec: RFC8831-6.6-9 no Nagle: queued data leaves in the next packet, never waiting to fill one
            // spec: RFC9260-6.1-11 no new data while cwnd is full (one packet may exceed it)
            // spec: RFC9260-6.1-22 a full window stops DATA but not the queue
            // spec: RFC9260-6.1-4 a zero window probe too goes only when cwnd allows
            // spec: RFC9260-6.1-12 the last packet may exceed cwnd by less than one chunk
            // spec: RFC9260-6.1-13 and only that one packet
            // spec: RFC9260-7.2.1-4 the limited overbooking of rule B
            // spec: RFC9260-7.2-2 never more than the window allows
            guard sender.flightSize < sender.cwnd else { break }
            // spec: RFC9260-6.1-27 no TSN more than 2^31 - 1 above the cumulative ack point
            // spec: RFC9260-1.6-3 (the beginning of the send window)
            // spec: RFC9260-6.1-28 nor 2^16 - 1 ordered messages of a stream in the send window: at most 65535 TSNs outstanding
            guard sender.outstandingCount < Self.maximumOutstandingChunks else { break }
            guard var stream = nextStreamToSend() else { break }
            if sender.peerWindowAvailable <= 0 && sender.flightSize == 0 && !zeroWindowProbeDue() { break }
            if usesInterleaving, !sender.startedStreams.isEmpty, sender.startedStreams.first != stream,
               let queue = sender.queues[stream], queue.messages[queue.head].offset == 0,
               sender.startedBytes + queue.messages[queue.head].payload.count > sender.peerInitialWindow {
                // spec: RFC8260-2.2.2-7 a new message starts only while the peer can hold every started one
                // whole: otherwise its buffer could fill with parts of messages none of which can complete
                stream = sender.startedStreams[0]
            }
            // spec: RFC9260-6.9-9 the room left after the SACK (and other control chunks) already in the packet
            // spec: RFC9260-6-11 DATA is bundled after the control chunks up to the packet size
            // spec: RFC9260-6.1-19 several DATA chunks per packet
            let space = mtu - w.count - headerSize
            guard space >= 4 else { break }
            let slot = sender.queues.slot(for: stream)
            let remaining = sender.queues.storage[slot]!.headRemaining
            // spec: RFC9260-6.9-2 messages larger than a packet are fragmented
            // spec: RFC9260-6.9-8 the fragment size counts the common and DATA chunk headers
            // spec: RFC9260-6.9-10 a message becomes a series of DATA chunks
            // Fragments fit the configured size, not the discovered path MTU: numbered chunks
            // must still fit if the path shrinks back (SCTPAssociation+PathMTU.swift).
            // spec: RFC9260-6-9 large messages are fragmented
            // spec: RFC9260-6-10 each DATA chunk no larger than the AMDCS
            // spec: RFC9260-6.9-11 (the chunk size chosen is at most the AMDCS)
            // spec: RFC9260-7.3-4 the AMDCS sets the fragment size
            let maximumFragment = (min(mtu, configuration.maximumPacketSize) - SCTPPacket.headerSize - headerSize) & ~3
            let fragment = min(remaining, maximumFragment)
            // Do not cut a fragment short just to fill this packet; start a new packet.
            // spec: RFC9260-6.10-1 a packet never exceeds the packet size
            // spec: RFC9260-6.10-5 and never holds part of a chunk
            // spec: RFC9260-6.1-10 sender SWS avoidance: a chunk is never cut down to fit a small window or packet
            if fragment > space { break }
            // spec: RFC9260-6.1-3 no new data beyond the peer's rwnd
            // spec: RFC9260-6.1-6 except one zero window probe when nothing is in flight
            // spec: RFC9260-6.1-5 probing only with nothing outstanding
            if fragment > sender.peerWindowAvailable && sender.flightSize > 0 { break }
            if sender.peerWindowAvailable <= 0 && sender.flightSize > 0 { break }
            // Moved out of its queue while it is cut (and back after): a copy would retain and
            // release the payload for every chunk.
            var message = sender.queues.storage[slot]!.takeHead()
            let first = message.offset == 0
            if first {
                if usesInterleaving {
                    if message.unordered {
                        message.messageIdentifier = sender.nextUnorderedIdentifier[stream, default: 0]
                        sender.nextUnorderedIdentifier[stream] = message.messageIdentifier &+ 1
                    } else {
                        message.messageIdentifier = sender.nextOrderedIdentifier[stream, default: 0]
                        sender.nextOrderedIdentifier[stream] = message.messageIdentifier &+ 1
                    }
                } else if !message.unordered {
                    // spec: RFC9260-6.5-4 SSNs start at 0
                    // spec: RFC9260-6.5-5 and grow by one per ordered message
                    // spec: RFC9260-6.5-6 wrapping from 65535 to 0
                    // spec: RFC9260-6.5-7 unordered messages leave the SSN alone
                    message.messageIdentifier = sender.nextOrderedIdentifier[stream, default: 0]
                    sender.nextOrderedIdentifier[stream] = (message.messageIdentifier &+ 1) & 0xffff
                }
            }
            let end = message.offset + fragment
            let last = end == message.payload.count
            if usesInterleaving, first != last {
                if first {
                    sender.startedStreams.append(stream)
                    sender.startedBytes += message.payload.count
                } else {
                    sender.finishStarted(stream, bytes: message.payload.count)
                }
            }
            // spec: RFC8260-2.2.1-1 I-DATA for every message when interleaving was negotiated
            // spec: RFC8260-2.2.1-2 DATA otherwise
            let data = SCTPDataChunk(
                isIData: usesInterleaving, tsn: sender.nextTSN, streamIdentifier: stream,
                messageIdentifier: message.messageIdentifier, fragmentSequenceNumber: message.nextFragmentSequence,
                payloadProtocolIdentifier: message.payloadProtocolIdentifier,
                userData: message.payload[message.offset..<end],
                // spec: RFC9260-3.3.1-5 every fragment of an unordered message has U set
                unordered: message.unordered,
                // spec: RFC9260-3.3.1-12 an unfragmented message has B and E set
                // spec: RFC8260-2.1-5 the last fragment has E set
                // spec: RFC8260-2.2.2-1 the first I-DATA fragment has B set
                // spec: RFC8260-2.2.2-2 the last has E set
                // spec: RFC8260-2.2.2-3 the others neither
                beginning: first, ending: last,
                // spec: RFC9260-3.3.1-2 the I bit on the last DATA before our SHUTDOWN, so its SACK is not delayed
                // spec: RFC9260-6.1-29 (the sender benefits: the SHUTDOWN waits for that SACK)
                immediate: last && state == .shutdownPending && sender.queuedBytes == fragment)
            // spec: RFC9260-3.3.1-13 fragments get consecutive TSNs
            // spec: RFC9260-6.9-12 one TSN per fragment, in sequence
            // spec: RFC9260-6.9-13 U set on every fragment of an unordered message
            // spec: RFC9260-6.9-14 B/E are 10 on the first fragment, 01 on the last, 00 between
            // spec: RFC9260-3.3.1-14 TSNs are sequential
            // spec: RFC9260-6.10-4 DATA chunks go in increasing TSN order
            // spec: RFC9260-1.6-4 after 2^32 - 1 comes 0
            // spec: RFC3758-4.1-7 TSNs are assigned only as chunks are cut for sending
            sender.nextTSN &+= 1
            message.offset = end
            // spec: RFC8260-2.1-6 the FSN may wrap
            message.nextFragmentSequence &+= 1
            var outbound = OutboundChunk(chunk: data, serial: message.serial, maximumRetransmissions: message.maximumRetransmissions,
                                         expiry: message.expiry)
            outbound.transmissions = 1
            outbound.sentAt = now
            sender.chunks.append(outbound)
            sender.enterFlight(sender.chunks.count - 1)
            sender.peerWindowAvailable -= fragment
            sender.queuedBytes -= fragment
            sender.outstandingBytes += fragment
            sender.scheduler.charge(stream, bytes: fragment)
            if sender.rttProbe == nil { sender.rttProbe = (data.tsn, now) }
            data.write(to: &w)
            statistics.dataChunksSent += 1
            newData = true
            addedData = true
            if last {
                let byteCount = message.payload.count
                sender.queues.storage[slot]!.popFirst()
                sender.streamInProgress = nil
                emit(.sent(stream: stream, byteCount: byteCount))
                if sender.queues.storage[slot]!.isEmpty { sender.scheduler.deactivate(stream) }
            } else {
                sender.queues.storage[slot]!.restoreHead(message)
                if !usesInterleaving { sender.streamInProgress = stream }
            }
            if w.count + headerSize + 4 > mtu { break }
        }
        // spec: RFC9260-6.1-15 Max.Burst limits the packets of new DATA sent at once
        // spec: RFC9260-6.1-17 by counting packets
        // spec: RFC9260-6.1-18 cwnd itself is never changed for it
        if newData { burstBudget -= 1 }
        if addedData {
            // spec: RFC9260-6.1-9 probes do not count as sending for cwnd: it decays per §7.2.1 while only they go
            if !probing { sender.lastDataSentAt = now }
            // spec: RFC9260-6.1-23 T3-rtx starts with a transmission when it is not running
            // spec: RFC9260-6.1-25 otherwise it keeps running
            if sender.t3Deadline == nil || retransmittedEarliest {
                // spec: RFC9260-6.1-24 restarted when the earliest outstanding chunk is retransmitted
                // spec: RFC9260-6.1-26 T3-rtx runs for the current RTO (backed off per §6.3.3)
                sender.t3Deadline = now + sender.rto
            }
        }
    }

    /// The stream whose message supplies the next fragment: the weighted fair queueing
    /// scheduler's choice, chunk by chunk with I-DATA; without I-DATA a message in progress
    /// finishes first, so the scheduler chooses per message.
    private func nextStreamToSend() -> UInt16? {
        // spec: RFC8260-2.2.2-5 one message at a time per stream: a stream's queue is sent in order
        if let stream = sender.streamInProgress, let queue = sender.queues[stream], !queue.isEmpty { return stream }
        // spec: RFC8260-2.2.2-6 with I-DATA, messages of different streams are in progress at once
        // spec: RFC8260-3-2 WebRTC data channels use the weighted fair queueing scheduler
        // spec: RFC8260-3-1 of the schedulers, SpecRTC implements that one
        return sender.scheduler.next()
    }

    private func shouldAbandon(_ chunk: OutboundChunk) -> Bool {
        guard peerSupportsPartialReliability else { return false }
        // spec: RFC3758-3.4-1 the PR-SCTP service (retransmission limit or lifetime) decides a chunk is abandoned
        // spec: RFC3758-4.1-2 until its lifetime expires it is retransmitted like a reliable one
        // spec: RFC3758-4.1-5 the lifetime is evaluated before a retransmission
        // spec: RFC3758-4.1-6 and an expired message is abandoned
        // spec: RFC3758-3.5-1 a chunk past its retransmission limit or lifetime is abandoned
        if let limit = chunk.maximumRetransmissions, chunk.transmissions - 1 >= limit { return true }
        if let expiry = chunk.expiry, expiry <= now { return true }
        return false
    }

    /// Abandons every chunk of a message (RFC 3758 §3.5 A3) and its unsent rest.
    mutating func abandonMessage(serial: UInt64) {
        // spec: RFC3758-3.5-4 every TSN of a fragmented message is abandoned together
        // spec: RFC3758-3.5-2 an abandoned chunk counts as acknowledged and leaves the flight
        // spec: RFC3758-3.5-3 without crediting cwnd
        var i = sender.head
        var stream: UInt16?
        while i < sender.chunks.count {
            if sender.chunks[i].serial == serial, !sender.chunks[i].abandoned {
                stream = sender.chunks[i].chunk.streamIdentifier
                sender.chunks[i].abandoned = true
                if sender.chunks[i].needsRetransmit {
                    sender.chunks[i].needsRetransmit = false
                    sender.retransmitMarked -= 1
                }
                sender.leaveFlight(i)
                if !sender.chunks[i].acked { sender.outstandingBytes -= sender.chunks[i].payloadCount }
            }
            i += 1
        }
        if let stream, var queue = sender.queues[stream], !queue.isEmpty, queue.messages[queue.head].serial == serial {
            let message = queue.messages[queue.head]
            if message.offset > 0 { sender.finishStarted(stream, bytes: message.payload.count) }
            sender.queuedBytes -= message.payload.count - message.offset
            queue.popFirst()
            sender.queues[stream] = queue
            if sender.streamInProgress == stream { sender.streamInProgress = nil }
            if queue.isEmpty { sender.scheduler.deactivate(stream) }
            emit(.sent(stream: stream, byteCount: message.payload.count))
        }
        statistics.messagesAbandoned += 1
        // spec: RFC3758-4.3-2 the G1 rule against deadlock
        // spec: RFC3758-4.3-3 an abandoned TSN becomes eligible for FORWARD TSN
        advancePeerAckPoint()
    }

    /// Drops messages whose lifetime ran out, queued or outstanding.
    mutating func abandonExpiredMessages() {
        guard sender.messagesWithLifetime > 0, peerSupportsPartialReliability else { return }
        var expired: [UInt64] = []
        for i in sender.head..<sender.chunks.count {
            let chunk = sender.chunks[i]
            if !chunk.abandoned, !chunk.acked, let expiry = chunk.expiry, expiry <= now, !expired.contains(chunk.serial) {
                expired.append(chunk.serial)
            }
        }
        // spec: RFC3758-4.1-10 expired messages that have TSNs are abandoned as per TR4
        for serial in expired { abandonMessage(serial: serial) }
        for stream in sender.scheduler.activeStreams {
            guard var queue = sender.queues[stream] else { continue }
            var kept: [OutgoingMessage] = []
            var changed = false
            // spec: RFC3758-4.1-9 expired messages without TSNs are dropped as per TR3
            // spec: RFC3758-4.1-3 the lifetime is evaluated before a TSN is assigned
            // spec: RFC3758-4.1-4 an expired message gets no TSN
            for (position, message) in queue.messages[queue.head...].enumerated() {
                // A message already partly sent is abandoned with its chunks above.
                if position > 0 || message.offset == 0, let expiry = message.expiry, expiry <= now, message.offset == 0 {
                    sender.queuedBytes -= message.payload.count
                    statistics.messagesAbandoned += 1
                    emit(.sent(stream: stream, byteCount: message.payload.count))
                    changed = true
                } else {
                    kept.append(message)
                }
            }
            if changed {
                queue.messages = kept
                queue.head = 0
                sender.queues[stream] = queue
            }
        }
        for stream in sender.scheduler.activeStreams where sender.queues[stream]?.isEmpty ?? true {
            sender.scheduler.deactivate(stream)
        }
    }

    /// RFC 3758 §3.5 C1–C2: move the Advanced.Peer.Ack.Point over abandoned chunks.
    mutating func advancePeerAckPoint() {
        if SerialNumber.less(sender.advancedPeerAckPoint, sender.cumulativeAckPoint) {
            sender.advancedPeerAckPoint = sender.cumulativeAckPoint
        }
        while let i = sender.index(of: sender.advancedPeerAckPoint &+ 1), sender.chunks[i].abandoned {
            sender.advancedPeerAckPoint &+= 1
        }
        // spec: RFC3758-3.5-7 a FORWARD TSN goes out when the point passes the cumulative ack
        // spec: RFC3758-3.5-16 and only then: nothing else asks for a FORWARD TSN
        if SerialNumber.less(sender.cumulativeAckPoint, sender.advancedPeerAckPoint) { sender.forwardTSNNeeded = true }
    }

    /// The FORWARD TSN (or I-FORWARD-TSN) for the current Advanced.Peer.Ack.Point, no larger
    /// than `room` bytes (when it would be, it stops at the last TSN whose entries fit).
    func makeForwardTSN(room: Int = .max) -> SCTPForwardTSNChunk {
        var largest: [UInt32: SCTPForwardTSNChunk.Skipped] = [:]
        let entrySize = usesInterleaving ? 8 : 4
        var newCumulative = sender.advancedPeerAckPoint
        var tsn = sender.cumulativeAckPoint &+ 1
        while SerialNumber.lessOrEqual(tsn, sender.advancedPeerAckPoint), let i = sender.index(of: tsn) {
            let chunk = sender.chunks[i].chunk
            let key = UInt32(chunk.streamIdentifier) << 1 | (chunk.unordered ? 1 : 0)
            if (usesInterleaving || !chunk.unordered), largest[key] == nil, 8 + (largest.count + 1) * entrySize > room,
               SerialNumber.less(sender.cumulativeAckPoint, tsn &- 1) {
                // spec: RFC3758-3.5-13 a FORWARD TSN that would not fit one packet stops at the last TSN that fits
                newCumulative = tsn &- 1
                break
            }
            // spec: RFC3758-3.2-3 unordered chunks are not listed
            // spec: RFC3758-3.2-4 ordered ones are
            // spec: RFC3758-3.5-10 each abandoned ordered chunk's stream and SSN
            // spec: RFC3758-3.5-11 go into the FORWARD TSN
            // spec: RFC3758-3.5-12 once per stream, with the highest SSN
            if usesInterleaving || !chunk.unordered {
                let entry = SCTPForwardTSNChunk.Skipped(streamIdentifier: chunk.streamIdentifier,
                                                        messageIdentifier: chunk.messageIdentifier, unordered: chunk.unordered)
                if let existing = largest[key] {
                    if SerialNumber.less(existing.messageIdentifier, entry.messageIdentifier) { largest[key] = entry }
                } else {
                    largest[key] = entry
                }
            }
            tsn &+= 1
        }
        // spec: RFC8260-2.3.1-1 with I-DATA, I-FORWARD-TSN replaces FORWARD-TSN
        return SCTPForwardTSNChunk(isIForwardTSN: usesInterleaving, newCumulativeTSN: newCumulative,
                                   skipped: largest.keys.sorted().map { largest[$0]! })
    }

    /// The a_rwnd we advertise: the receive window less what we hold.
    var advertisedWindow: UInt32 {
        let free = max(0, Int(configuration.receiveWindow) - receiver.bufferedBytes)
        // spec: RFC9260-6.2-25 every SACK carries the window as it is now
        // spec: RFC9260-6.2-26 it grows only as held bytes are released
        // spec: RFC9260-6.2-27 fragments held for reassembly count against it
        // spec: RFC9260-6.2-6 receiver SWS avoidance (RFC 1122 §4.2.3.3): less than min(half the buffer, one packet) free is advertised as 0
        return free < min(Int(configuration.receiveWindow) / 2, configuration.maximumPacketSize) ? 0 : UInt32(free)
    }
}
