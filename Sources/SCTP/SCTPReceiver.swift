extension SCTPAssociation {
    /// An I-DATA message being reassembled, keyed by stream, ordering and MID.
    struct PartialKey: Hashable {
        var stream: UInt16
        var unordered: Bool
        var messageIdentifier: UInt32
    }

    /// An I-DATA message being reassembled. Fragments usually arrive in order, so each one
    /// that continues the run from FSN 0 goes on a list; only those that arrive ahead of a
    /// missing one wait in a table. The message is copied together once, when it is whole.
    struct PartialMessage {
        /// Fragments 0 ..< inOrder.count.
        var inOrder: [ArraySlice<UInt8>] = []
        /// Fragments above a missing one, by FSN.
        var ahead: [UInt32: ArraySlice<UInt8>] = [:]
        var lastFragment: UInt32?
        var payloadProtocolIdentifier: UInt32 = 0
        /// User data bytes held.
        var bytes = 0
        /// The highest TSN among its fragments (FORWARD TSN drops partial messages below it).
        var highestTSN: UInt32 = 0
        var isEmpty: Bool { inOrder.isEmpty && ahead.isEmpty }

        func holds(_ fsn: UInt32) -> Bool { UInt64(fsn) < UInt64(inOrder.count) || ahead[fsn] != nil }

        mutating func add(_ fsn: UInt32, _ data: ArraySlice<UInt8>) {
            bytes += data.count
            guard UInt64(fsn) == UInt64(inOrder.count) else {
                ahead[fsn] = data
                return
            }
            if inOrder.isEmpty { inOrder.reserveCapacity(64) }
            inOrder.append(data)
            while !ahead.isEmpty, let next = ahead.removeValue(forKey: UInt32(truncatingIfNeeded: inOrder.count)) {
                inOrder.append(next)
            }
        }

        var isComplete: Bool { lastFragment.map { UInt64(inOrder.count) == UInt64($0) + 1 } ?? false }

        /// The whole message (once complete).
        func joined() -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: bytes) { buffer, count in
                for fragment in inOrder {
                    fragment.withUnsafeBytes { source in
                        UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[count..<(count + source.count)])
                            .copyMemory(from: source)
                    }
                    count += fragment.count
                }
            }
        }
    }

    /// Per inbound stream: the next ordered message to deliver and completed ones waiting.
    struct InboundStream {
        var nextIdentifier: UInt32 = 0
        var ready: [UInt32: SCTPMessage] = [:]
    }

    /// The data receiver (RFC 9260 §6.2, §6.5, §6.6, §6.9).
    struct Receiver {
        var cumulativeTSN: UInt32 = 0
        /// TSNs above the cumulative TSN that arrived.
        var received: Set<UInt32> = []
        var highestTSN: UInt32 = 0
        var duplicates: [UInt32] = []
        var sackNeeded = false
        var delayedAckDeadline: Duration?
        var packetsSinceSack = 0
        var immediateSackRequested = false
        var gapSeen = false
        var firstDataSeen = false
        var firstSackSent = false
        /// DATA fragments by TSN (non-interleaved reassembly).
        var fragments: [UInt32: SCTPDataChunk] = [:]
        /// I-DATA partial messages, but for the one fragments arrived for last.
        var partials: [PartialKey: PartialMessage] = [:]
        /// The partial message the last fragment belonged to, kept out of the table so a run of
        /// fragments of one message costs no hashing.
        var activePartial: (key: PartialKey, message: PartialMessage)?
        var streams: [UInt16: InboundStream] = [:]
        /// Bytes held for reassembly or ordering.
        var bufferedBytes = 0
        /// The a_rwnd of the last SACK sent.
        var windowAdvertised: UInt32 = 0

        mutating func start(peerInitialTSN: UInt32) {
            cumulativeTSN = peerInitialTSN &- 1
            highestTSN = cumulativeTSN
        }

        /// The SACK to send now (RFC 9260 §3.3.4, §6.2), fitting in `room` bytes.
        mutating func makeSack(window: UInt32, room: Int) -> SCTPSackChunk {
            windowAdvertised = window
            var gaps: [SCTPSackChunk.GapBlock] = []
            var budget = max(0, room) / 4
            if !received.isEmpty {
                // spec: RFC9260-6.7-7 blocks from the lowest TSN up, as many as fit
                // spec: RFC9260-6.7-6 in one SACK
                let sorted = received.map { $0 &- cumulativeTSN }.sorted()
                var start = sorted[0], end = sorted[0]
                for offset in sorted.dropFirst() {
                    // spec: RFC9260-3.3.4-2 adjacent TSNs join one block: the blocks stay isolated
                    if offset == end + 1 { end = offset; continue }
                    if budget > 0, end <= 0xffff { gaps.append(.init(start: UInt16(start), end: UInt16(end))); budget -= 1 }
                    start = offset
                    end = offset
                }
                // spec: RFC9260-6.2-18 as many Gap Ack Blocks as fit in the packet
                if budget > 0, end <= 0xffff { gaps.append(.init(start: UInt16(start), end: UInt16(end))); budget -= 1 }
            }
            // spec: RFC9260-6.2-23 duplicates are reported
            let duplicateList = Array(duplicates.prefix(budget))
            // spec: RFC9260-3.3.4-3 cumulative ack, a_rwnd, then the gap blocks as offsets from it (the example of §3.3.4)
            // spec: RFC9260-6.2-17 the Cumulative TSN Ack is the last TSN received in sequence
            // spec: RFC9260-3.3.4-1 every SACK carries the cumulative ack, a_rwnd and both counts
            // spec: RFC9260-6.2-28 with the current a_rwnd
            return SCTPSackChunk(cumulativeTSNAck: cumulativeTSN, advertisedReceiverWindowCredit: window,
                                 gapBlocks: gaps, duplicateTSNs: duplicateList)
        }

        mutating func sackSent() {
            sackNeeded = false
            duplicates.removeAll(keepingCapacity: true)
            packetsSinceSack = 0
            delayedAckDeadline = nil
            immediateSackRequested = false
        }

        /// Puts the active partial message back in the table (before the table is searched).
        mutating func parkActivePartial() {
            if let active = activePartial {
                partials[active.key] = active.message
                activePartial = nil
            }
        }

        mutating func advanceCumulative() {
            while received.remove(cumulativeTSN &+ 1) != nil { cumulativeTSN &+= 1 }
        }
    }

    // MARK: DATA

    /// One DATA or I-DATA chunk; false stops processing the packet (after an ABORT).
    mutating func handleData(_ data: SCTPDataChunk) -> Bool {
        // spec: RFC9260-6-2 DATA is accepted in ESTABLISHED, SHUTDOWN-PENDING and SHUTDOWN-SENT
        // spec: RFC9260-6-4 and discarded in other states
        guard state == .established || state == .shutdownPending || state == .shutdownSent else { return true }
        statistics.dataChunksReceived += 1
        if data.isIData != usesInterleaving {
            // spec: RFC8260-2.2.3-3 DATA when I-DATA was negotiated (or the reverse) aborts the association
            // spec: RFC8260-2.2.3-4 with a Protocol Violation cause
            abortForViolation(data.isIData ? "I-DATA received but not negotiated" : "DATA received but I-DATA was negotiated")
            return false
        }
        if data.userData.isEmpty {
            // spec: RFC9260-6.2-36 a DATA chunk with no user data is answered with ABORT (No User Data)
            let cause = SCTPErrorCause.noUserData(tsn: data.tsn)
            sendStandalone(.abort(reflectedTag: false, causes: [cause]), tag: peerTag)
            close(.abortedLocally([cause]))
            return false
        }
        receiver.firstDataSeen = true
        // spec: RFC3758-3.6-1 DATA is handled as by any RFC 9260 receiver: duplicates, gaps, SACKs, cumulative TSN
        let tsn = data.tsn
        if SerialNumber.lessOrEqual(tsn, receiver.cumulativeTSN) || (!receiver.received.isEmpty && receiver.received.contains(tsn)) {
            // spec: RFC9260-6.2-22 duplicates bundled with new DATA are acknowledged at once too
            // spec: RFC9260-6.2-21 a packet with only duplicates is acknowledged at once
            statistics.duplicateDataChunks += 1
            if receiver.duplicates.count < 64 { receiver.duplicates.append(tsn) }
            receiver.immediateSackRequested = true
            return true
        }
        if SerialNumber.less(receiver.cumulativeTSN &+ 0x1000_0000, tsn) {
            // Far beyond any window we could have offered: a broken or hostile peer.
            abortForViolation("TSN \(tsn) is far beyond the cumulative TSN \(receiver.cumulativeTSN)")
            return false
        }
        let length = data.userData.count
        if receiver.bufferedBytes + length > Int(configuration.receiveWindow) || receiver.received.count >= 65_535 {
            // spec: RFC9260-6.2-34 only new DATA is refused: nothing acknowledged is ever dropped (no reneging)
            // spec: RFC9260-6.2-29 so what the sender dropped on a cumulative ack is never needed again
            // spec: RFC9260-6.2-35 and Gap Ack Blocks are never revoked
            // spec: RFC9260-6.2-2 with a full window, new DATA beyond the highest TSN is dropped
            // spec: RFC9260-6.2-4 and a SACK goes out at once
            // spec: RFC9260-6.2-5 without the dropped chunk
            statistics.dataChunksDroppedForSpace += 1
            receiver.immediateSackRequested = true
            return true
        }
        if Int(data.streamIdentifier) >= inboundStreamCount {
            // spec: RFC9260-6.5-2 a DATA chunk on a stream that does not exist gets an ERROR
            // and is acknowledged but not delivered.
            // spec: RFC9260-6.5-3 the ERROR goes in the packet with the SACK
            pendingControl.append(.error(causes: [.invalidStream(data.streamIdentifier)]))
            accept(tsn)
            return true
        }
        if data.immediate {
            // spec: RFC9260-6.2-20 the I bit asks for an immediate SACK
            // spec: RFC8260-2.1-2 on I-DATA too
            receiver.immediateSackRequested = true
        }
        accept(tsn)
        if usesInterleaving {
            receiveInterleaved(data)
        } else if data.beginning && data.ending {
            complete(SCTPMessage(stream: data.streamIdentifier, payloadProtocolIdentifier: data.payloadProtocolIdentifier,
                                 payload: Array(data.userData), unordered: data.unordered),
                     identifier: data.messageIdentifier, tsn: data.tsn)
        } else {
            receiver.fragments[tsn] = data
            receiver.bufferedBytes += length
            reassemble(around: tsn)
        }
        return true
    }

    private mutating func accept(_ tsn: UInt32) {
        if SerialNumber.less(receiver.highestTSN, tsn) { receiver.highestTSN = tsn }
        if tsn == receiver.cumulativeTSN &+ 1 {
            receiver.cumulativeTSN = tsn
            if !receiver.received.isEmpty { receiver.advanceCumulative() }
        } else {
            receiver.received.insert(tsn)
            // spec: RFC9260-7.2.4-1 while a hole is open every DATA packet is acknowledged
            // spec: RFC9260-6.7-1 a gap is reported in a SACK at once
            receiver.gapSeen = true
        }
    }

    /// Non-interleaved reassembly: fragments of one message have consecutive TSNs from B to E.
    private mutating func reassemble(around tsn: UInt32) {
        // spec: RFC9260-6-13 fragmented messages are reassembled
        // spec: RFC9260-6.9-1 reassembly of received fragments
        // spec: RFC9260-6.9-15 fragments are recognised by their B/E bits and queued until whole
        guard let chunk = receiver.fragments[tsn] else { return }
        // Walk forward to E; stop at the first hole.
        var end = tsn
        var current = chunk
        while !current.ending {
            guard let next = receiver.fragments[end &+ 1], next.streamIdentifier == chunk.streamIdentifier,
                  next.unordered == chunk.unordered, !next.beginning else { return }
            end &+= 1
            current = next
        }
        var start = tsn
        current = chunk
        while !current.beginning {
            guard let previous = receiver.fragments[start &- 1], previous.streamIdentifier == chunk.streamIdentifier,
                  previous.unordered == chunk.unordered, !previous.ending else { return }
            start &-= 1
            current = previous
        }
        var payload: [UInt8] = []
        var t = start
        var ppid: UInt32 = 0
        var identifier: UInt32 = 0
        while true {
            let fragment = receiver.fragments.removeValue(forKey: t)!
            if t == start {
                ppid = fragment.payloadProtocolIdentifier
                identifier = fragment.messageIdentifier
                payload.reserveCapacity(fragment.userData.count * Int(end &- start &+ 1))
            }
            payload += fragment.userData
            if t == end { break }
            t &+= 1
        }
        receiver.bufferedBytes -= payload.count
        complete(SCTPMessage(stream: chunk.streamIdentifier, payloadProtocolIdentifier: ppid, payload: payload, unordered: chunk.unordered),
                 identifier: identifier, tsn: end)
    }

    /// I-DATA reassembly by MID and FSN (RFC 8260 §2.1).
    private mutating func receiveInterleaved(_ data: SCTPDataChunk) {
        // spec: RFC8260-2.2.3-1 the fragment's message is found by stream, U bit and MID
        let key = PartialKey(stream: data.streamIdentifier, unordered: data.unordered, messageIdentifier: data.messageIdentifier)
        if data.beginning && data.ending {
            complete(SCTPMessage(stream: data.streamIdentifier, payloadProtocolIdentifier: data.payloadProtocolIdentifier,
                                 payload: Array(data.userData), unordered: data.unordered),
                     identifier: data.messageIdentifier, tsn: data.tsn)
            return
        }
        // Taken out of the receiver while it changes: a copy left behind would make every
        // fragment copy the whole message (copy-on-write), quadratic in the message's size.
        var partial: PartialMessage
        if let active = receiver.activePartial, active.key == key {
            receiver.activePartial = nil
            partial = active.message
        } else {
            receiver.parkActivePartial()
            partial = receiver.partials.removeValue(forKey: key) ?? PartialMessage()
        }
        // spec: RFC8260-2.2.3-2 I-DATA fragments are put together by message identifier and FSN, whatever their TSNs
        let fsn = data.beginning ? 0 : data.fragmentSequenceNumber
        guard !partial.holds(fsn) else {
            receiver.activePartial = (key, partial)
            return
        }
        if data.beginning { partial.payloadProtocolIdentifier = data.payloadProtocolIdentifier }
        if data.ending { partial.lastFragment = fsn }
        if SerialNumber.less(partial.highestTSN, data.tsn) || partial.isEmpty { partial.highestTSN = data.tsn }
        partial.add(fsn, data.userData)
        receiver.bufferedBytes += data.userData.count
        if partial.isComplete {
            receiver.bufferedBytes -= partial.bytes
            complete(SCTPMessage(stream: data.streamIdentifier, payloadProtocolIdentifier: partial.payloadProtocolIdentifier,
                                 payload: partial.joined(), unordered: data.unordered),
                     identifier: data.messageIdentifier, tsn: data.tsn)
        } else {
            receiver.activePartial = (key, partial)
        }
    }

    /// A reassembled message: delivered now (unordered) or in sequence on its stream.
    mutating func complete(_ message: SCTPMessage, identifier: UInt32, tsn: UInt32) {
        if reconfig.deferred != nil, holdForDeferredReset(message, identifier: identifier, tsn: tsn) { return }
        if message.unordered {
            // spec: RFC9260-6.6-4 the SSN of an unordered chunk is ignored
            // spec: RFC9260-3.3.1-4 unordered messages are delivered without reordering
            // spec: RFC9260-3.3.1-3 their SSN is ignored
            deliver(message)
            return
        }
        // spec: RFC9260-6.6-1 ordered messages are delivered in SSN order
        // spec: RFC9260-6.6-2 and held until the gap before them fills
        var stream = receiver.streams[message.stream, default: InboundStream()]
        if identifier == stream.nextIdentifier {
            deliver(message)
            stream.nextIdentifier = nextIdentifier(after: identifier)
            while let ready = stream.ready.removeValue(forKey: stream.nextIdentifier) {
                receiver.bufferedBytes -= ready.payload.count
                deliver(ready)
                stream.nextIdentifier = nextIdentifier(after: stream.nextIdentifier)
            }
        } else {
            stream.ready[identifier] = message
            receiver.bufferedBytes += message.payload.count
        }
        receiver.streams[message.stream] = stream
    }

    func nextIdentifier(after identifier: UInt32) -> UInt32 {
        // spec: RFC9260-1.6-5 the next SSN wraps at 16 bits
        usesInterleaving ? identifier &+ 1 : (identifier &+ 1) & 0xffff
    }

    private mutating func deliver(_ message: SCTPMessage) {
        statistics.messagesDelivered += 1
        emit(.message(message))
    }

    /// After a packet with DATA: acknowledge now or arm the delayed-SACK timer (§6.2).
    mutating func dataPacketArrived() {
        receiver.packetsSinceSack += 1
        let hole = !receiver.received.isEmpty
        // spec: RFC9260-6.2-1 every DATA chunk accepted in the window is acknowledged (now or delayed)
        // spec: RFC9260-5.1-19 later acknowledgements follow §6.2
        // spec: RFC9260-6.2-7 as RFC 5681 §4.2: every second packet, or the delayed-ack timer
        // spec: RFC9260-5.1-18 the first DATA chunk is acknowledged immediately
        // spec: RFC9260-6.2-8 at least every second packet, and within the delayed-ack time
        // spec: RFC9260-6.2-11 a window that opened by a packet (or half the buffer) is announced at once
        let opened = Int(advertisedWindow) - Int(receiver.windowAdvertised) >= min(Int(configuration.receiveWindow) / 2, configuration.maximumPacketSize)
        if !receiver.firstSackSent || receiver.packetsSinceSack >= 2 || hole || receiver.gapSeen || receiver.immediateSackRequested || opened {
            receiver.sackNeeded = true
            receiver.firstSackSent = true
            receiver.gapSeen = hole
        } else if receiver.delayedAckDeadline == nil {
            // spec: RFC9260-6.2-13 the delay is configurable (delayedAckTimeout)
            // spec: RFC9260-6.2-15 but never above 500 ms
            // spec: RFC9260-6.2-14 SACK.Delay is never above 500 ms
            receiver.delayedAckDeadline = now + min(configuration.delayedAckTimeout, .milliseconds(500))
        }
    }

    // MARK: FORWARD TSN (RFC 3758 §3.6, RFC 8260 §2.3)

    mutating func handleForwardTSN(_ forward: SCTPForwardTSNChunk) {
        guard state == .established || state == .shutdownPending || state == .shutdownSent else { return }
        // spec: RFC8260-2.3.1-6 FORWARD-TSN where I-FORWARD-TSN was negotiated aborts the association
        // spec: RFC8260-2.3.1-7 with a Protocol Violation cause
        // spec: RFC8260-2.3.1-4 FORWARD-TSN belongs with DATA only
        // spec: RFC8260-2.3.1-5 I-FORWARD-TSN with I-DATA only
        if forward.isIForwardTSN != usesInterleaving {
            abortForViolation(forward.isIForwardTSN ? "I-FORWARD-TSN received but I-DATA was not negotiated"
                                                    : "FORWARD-TSN received but I-DATA was negotiated")
            return
        }
        // spec: RFC8260-2-2 the I-FORWARD-TSN of §2.3 is implemented with PR-SCTP
        statistics.forwardTSNsReceived += 1
        let newCumulative = forward.newCumulativeTSN
        // spec: RFC3758-3.6-6 SACK timing follows the DATA rules (the packet counts as a DATA packet)
        guard SerialNumber.less(receiver.cumulativeTSN, newCumulative) else {
            // spec: RFC3758-3.6-4 a FORWARD TSN at or below the cumulative TSN is out of date
            // spec: RFC3758-3.6-5 and answered with a SACK
            receiver.immediateSackRequested = true
            return
        }
        guard SerialNumber.less(newCumulative, receiver.cumulativeTSN &+ 0x1000_0000) else {
            abortForViolation("FORWARD TSN to \(newCumulative) is far beyond the cumulative TSN \(receiver.cumulativeTSN)")
            return
        }
        // spec: RFC3758-3.2-2 missing TSNs up to the new cumulative TSN count as received
        // spec: RFC3758-3.6-2 the cumulative TSN moves to the new value, then further over what arrived
        // spec: RFC3758-3.6-3 and missing TSNs below it are no longer reported
        receiver.received = receiver.received.filter { SerialNumber.less(newCumulative, $0) }
        receiver.cumulativeTSN = newCumulative
        receiver.advanceCumulative()
        if SerialNumber.less(receiver.highestTSN, newCumulative) { receiver.highestTSN = newCumulative }
        // spec: RFC3758-3.6-9 the reassembly queue is updated with care
        // spec: RFC3758-3.6-10 partially reassembled messages missing TSNs below the point are removed
        for (tsn, fragment) in receiver.fragments where SerialNumber.lessOrEqual(tsn, newCumulative) {
            receiver.fragments[tsn] = nil
            receiver.bufferedBytes -= fragment.userData.count
        }
        receiver.parkActivePartial()
        for skipped in forward.skipped {
            if forward.isIForwardTSN {
                for (key, partial) in receiver.partials where key.stream == skipped.streamIdentifier && key.unordered == skipped.unordered
                    && SerialNumber.lessOrEqual(key.messageIdentifier, skipped.messageIdentifier) {
                    receiver.partials[key] = nil
                    receiver.bufferedBytes -= partial.bytes
                }
                if skipped.unordered { continue }
            }
            // spec: RFC3758-3.6-7 the listed streams deliver what now waits in order
            // spec: RFC3758-3.6-8 stranded messages go up at once
            var stream = receiver.streams[skipped.streamIdentifier, default: InboundStream()]
            let beyond = nextIdentifier(after: skipped.messageIdentifier)
            let behind = usesInterleaving
                ? SerialNumber.less(stream.nextIdentifier, beyond)
                : SerialNumber.less16(UInt16(truncatingIfNeeded: stream.nextIdentifier), UInt16(truncatingIfNeeded: beyond))
            if behind {
                for (identifier, message) in stream.ready {
                    let stale = usesInterleaving ? SerialNumber.less(identifier, beyond)
                        : SerialNumber.less16(UInt16(truncatingIfNeeded: identifier), UInt16(truncatingIfNeeded: beyond))
                    if stale {
                        stream.ready[identifier] = nil
                        receiver.bufferedBytes -= message.payload.count
                    }
                }
                stream.nextIdentifier = beyond
            }
            while let ready = stream.ready.removeValue(forKey: stream.nextIdentifier) {
                receiver.bufferedBytes -= ready.payload.count
                deliver(ready)
                stream.nextIdentifier = nextIdentifier(after: stream.nextIdentifier)
            }
            receiver.streams[skipped.streamIdentifier] = stream
        }
        // Unordered I-DATA partials whose fragments all lie below the point are gone too.
        if forward.isIForwardTSN {
            for (key, partial) in receiver.partials where SerialNumber.lessOrEqual(partial.highestTSN, newCumulative) && key.unordered {
                receiver.partials[key] = nil
                receiver.bufferedBytes -= partial.bytes
            }
        }
    }

    /// ABORT with a Protocol Violation cause.
    mutating func abortForViolation(_ reason: String) {
        // spec: RFC9260-3.3.10-1 an error cause reports a fatal condition in an ABORT
        // spec: RFC9260-3.3.10.13-2 with what was violated as Additional Information
        // spec: RFC9260-3.3.10.13-1 a protocol violation is reported in the ABORT
        let cause = SCTPErrorCause.protocolViolation(reason)
        sendStandalone(.abort(reflectedTag: false, causes: [cause]), tag: peerTag)
        close(.abortedLocally([cause]))
    }
}
