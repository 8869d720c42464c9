/// Stream reconfiguration (RFC 6525): resetting outgoing streams, as data channels close.
extension SCTPAssociation {
    struct Reconfiguration {
        /// Our next Re-configuration Request Sequence Number (starts at our Initial TSN).
        var nextRequestSequence: UInt32 = 0
        /// The peer's next expected request sequence number (starts at its Initial TSN).
        var peerNextRequestSequence: UInt32 = 0
        /// Streams the user asked to reset that are not yet in a request.
        var pendingStreams: [UInt16] = []
        /// Our request in flight.
        var inFlight: (sequence: UInt32, streams: [UInt16], lastTSN: UInt32)?
        var requestNeedsSending = false
        var deadline: Duration?
        var rto: Duration = .seconds(1)
        /// Responses to send.
        var responses: [SCTPReconfigParameter] = []
        /// The result we gave the peer's last request (for retransmitted requests).
        var lastResult: SCTPReconfigResult?
        /// The peer's request waiting for its data to arrive (deferred reset processing).
        var deferred: (sequence: UInt32, lastTSN: UInt32, streams: [UInt16])?
        /// The peer answered our request "In progress": the timer only paces the retransmission.
        var peerInProgress = false
        /// Messages the user sent on a stream being reset: they wait, without a sequence number,
        /// until the reset is done (RFC 6525 §5.1.2 A1).
        var held: [OutgoingMessage] = []
        /// Messages of the peer sent after its deferred reset (TSN above its Sender's Last
        /// Assigned TSN), held until the reset is performed (RFC 6525 §5.2.2).
        var heldIncoming: [(tsn: UInt32, identifier: UInt32, message: SCTPMessage)] = []

        /// Whether a RE-CONFIG chunk may be due: a response, a request to send, or streams
        /// waiting to go into one.
        var hasSomethingToSend: Bool { !responses.isEmpty || !pendingStreams.isEmpty || requestNeedsSending }

        func isResetting(_ stream: UInt16) -> Bool {
            pendingStreams.contains(stream) || (inFlight?.streams.contains(stream) ?? false)
        }
    }

    /// Why a reset request was refused.
    public enum SCTPReconfigurationError: Error, Equatable, Sendable {
        /// The peer did not offer RE-CONFIG.
        case notSupportedByPeer
        /// Not established.
        case notEstablished(SCTPAssociationState)
    }

    /// Asks the peer to reset our outgoing `streams` (RFC 6525 §5.1.2). Data already queued
    /// on them is sent first; `.outgoingStreamsReset` reports completion, after which their
    /// sequence numbers start again at 0. Messages sent on them meanwhile wait for the outcome and
    /// then go out (numbered from 0 when the reset succeeded).
    public mutating func resetOutgoingStreams(_ streams: [UInt16], at now: Duration) throws(SCTPReconfigurationError) {
        self.now = now
        guard state == .established else { throw .notEstablished(state) }
        // spec: RFC6525-5.1.1-2 only when the peer advertised RE-CONFIG
        // spec: RFC6525-5.1.1-3 otherwise no request is sent
        guard peerSupportsReconfiguration else { throw .notSupportedByPeer }
        for stream in streams where !reconfig.isResetting(stream) { reconfig.pendingStreams.append(stream) }
    }

    /// The RE-CONFIG chunk for this packet, if one is due.
    // spec: RFC6525-5.1.2-12 the chunk follows the rules of §5.1.1
    mutating func reconfigChunkToSend() -> SCTPChunk? {
        // Asked for every packet: nothing to do in the usual case.
        guard reconfig.hasSomethingToSend else { return nil }
        var parameters: [SCTPReconfigParameter] = []
        // spec: RFC6525-5.2.1-2 responses due together go in one RE-CONFIG chunk
        // spec: RFC6525-5.2.2-10 once the peer's chunk is processed completely
        // (at most two: RFC 6525 §3.1 allows two responses, or one and a request, per chunk)
        while parameters.count < 2, !reconfig.responses.isEmpty {
            parameters.append(reconfig.responses.removeFirst())
        }
        startPendingReset()
        // spec: RFC6525-5.1.2-10 a request rides with a response, never with a response and a request
        // spec: RFC6525-5.1.1-7 a chunk of responses alone starts no timer
        if reconfig.requestNeedsSending, let request = reconfig.inFlight, parameters.count < 2 {
            // spec: RFC6525-5.1.2-9 the request travels in a RE-CONFIG chunk
            // spec: RFC6525-5.1.2-11 with at most a response beside it
            parameters.append(.outgoingSSNResetRequest(requestSequence: request.sequence,
                                                       responseSequence: reconfig.peerNextRequestSequence &- 1,
                                                       senderLastTSN: request.lastTSN, streams: request.streams))
            reconfig.requestNeedsSending = false
            // spec: RFC6525-5.1.1-6 the Re-configuration Timer starts with a request
            // spec: RFC6525-5.1.1-8 at the RTO
            reconfig.deadline = now + reconfig.rto
        }
        return parameters.isEmpty ? nil : .reconfig(parameters)
    }

    /// Turns pending streams into a request once no other is in flight and their queued data
    /// has TSNs (RFC 6525 §5.1.2 A1–A3).
    private mutating func startPendingReset() {
        // spec: RFC6525-5.1.1-5 while a request is outstanding, further requests wait
        guard reconfig.inFlight == nil, !reconfig.pendingStreams.isEmpty, state == .established || state == .shutdownPending else { return }
        // Streams whose queued messages are not all cut into chunks wait.
        let ready = reconfig.pendingStreams.filter { sender.queues[$0]?.isEmpty ?? true }
        guard !ready.isEmpty else { return }
        reconfig.pendingStreams.removeAll { ready.contains($0) }
        // spec: RFC6525-5.1.1-4 one request in flight at a time
        // spec: RFC6525-5.1.2-2 the request takes the next request sequence number
        // spec: RFC6525-5.1.2-3 which then grows by one
        // spec: RFC6525-5.1.2-4 the Sender's Last Assigned TSN is the next TSN minus one
        // spec: RFC6525-5.1.2-8 the streams to reset are listed
        let sequence = reconfig.nextRequestSequence
        reconfig.nextRequestSequence &+= 1
        reconfig.inFlight = (sequence, ready.sorted(), sender.nextTSN &- 1)
        reconfig.requestNeedsSending = true
        reconfig.rto = sender.rto
    }

    mutating func reconfigTimerExpired() {
        reconfig.deadline = nil
        guard reconfig.inFlight != nil else { return }
        // spec: RFC6525-5.1.1-9 expiry: double the timer, retransmit, count an error
        reconfig.rto = min(reconfig.rto * 2, configuration.rtoMaximum)
        reconfig.requestNeedsSending = true
        // spec: RFC6525-5.2.7-3 after "In progress", the retransmission counts no error
        if reconfig.peerInProgress { return }
        sender.errorCount += 1
        if sender.errorCount > configuration.maximumAssociationRetransmissions {
            sendStandalone(.abort(reflectedTag: false, causes: []), tag: peerTag)
            close(.timedOut)
        }
    }

    /// Whether the parameters form one of the combinations RFC 6525 §3.1 allows in a chunk.
    static func isAllowedCombination(_ parameters: [SCTPReconfigParameter]) -> Bool {
        func kind(_ parameter: SCTPReconfigParameter) -> Int {
            switch parameter {
            case .outgoingSSNResetRequest: return 1
            case .incomingSSNResetRequest: return 2
            case .ssnTSNResetRequest: return 3
            case .addOutgoingStreams: return 4
            case .addIncomingStreams: return 5
            case .response: return 6
            case .other: return 7
            }
        }
        let kinds = parameters.map(kind)
        switch kinds.count {
        case 1: return kinds[0] != 7
        case 2:
            let pair = Set(kinds)
            return pair == [1, 2] || pair == [4, 5] || pair == [6, 1] || kinds == [6, 6]
        default: return false
        }
    }

    mutating func handleReconfig(_ parameters: [SCTPReconfigParameter]) {
        guard state == .established || state == .shutdownPending || state == .shutdownSent || state == .shutdownReceived else { return }
        // spec: RFC6525-3.1-1 an unsupported combination of parameters gets an ERROR with Protocol Violation
        guard Self.isAllowedCombination(parameters) else {
            pendingControl.append(.error(causes: [.protocolViolation("RE-CONFIG chunk with a combination of parameters RFC 6525 §3.1 does not allow")]))
            return
        }
        var hadRequest = false
        // spec: RFC6525-5.2.1-1 each parameter is processed
        for parameter in parameters {
            switch parameter {
            case let .outgoingSSNResetRequest(sequence, _, lastTSN, streams):
                hadRequest = true
                handleOutgoingResetRequest(sequence: sequence, lastTSN: lastTSN, streams: streams)
            case let .incomingSSNResetRequest(sequence, streams):
                hadRequest = true
                respond(to: sequence, with: incomingResetResult(streams))
            case .ssnTSNResetRequest(let sequence):
                hadRequest = true
                // spec: RFC6525-5.1.7-3 the response to an SSN/TSN reset request carries our next TSN
                // spec: RFC6525-5.1.7-5 and a TSN below which the peer may discard what it received
                // spec: RFC6525-5.1.7-6 the smallest TSN the peer has not acknowledged plus 2^31
                respond(to: sequence, with: .denied,
                        tsns: (sender.nextTSN, sender.cumulativeAckPoint &+ 1 &+ (1 << 31)))
            case .addOutgoingStreams(let sequence, _), .addIncomingStreams(let sequence, _):
                hadRequest = true
                // spec: RFC6525-5.2.1-5 a request we do not carry out still gets a response
                // spec: RFC6525-5.1.7-1 the response carries the request's sequence number
                // spec: RFC6525-5.1.7-2 and the result
                // spec: RFC6525-5.1.7-4 the next-TSN fields are left out
                // spec: RFC6525-5.1.7-7 for requests other than SSN/TSN reset
                // spec: RFC6525-5.2.5-1 a request to add streams is answered, here denied
                // spec: RFC6525-5.2.6-1 for incoming streams too
                // spec: RFC6525-5.2.5-3 more streams than negotiated at setup are always refused
                // spec: RFC6525-5.2.6-2 in both directions
                respond(to: sequence, with: .denied)
            case let .response(sequence, result, _, _):
                handleReconfigResponse(sequence: sequence, result: result)
            case .other:
                break
            }
        }
        // spec: RFC6525-5.2.1-3 a request is acknowledged with a SACK
        if hadRequest { receiver.sackNeeded = true }
    }

    /// The answer to the peer's Incoming SSN Reset Request (RFC 6525 §5.2.3). SpecRTC resets
    /// its outgoing streams only when its user closes them, so it denies the request, except
    /// when there is nothing to do: the streams are in our reset in flight, or already at 0.
    private func incomingResetResult(_ streams: [UInt16]) -> SCTPReconfigResult {
        // spec: RFC6525-5.2.3-3 our outstanding Outgoing SSN Reset covers the request: "Nothing to do"
        if let inFlight = reconfig.inFlight, !streams.isEmpty, streams.allSatisfy({ inFlight.streams.contains($0) }) {
            return .successNothingToDo
        }
        // spec: RFC6525-5.2.3-5 streams already at sequence number 0 with nothing queued: "Nothing to do"
        if !streams.isEmpty, streams.allSatisfy({ stream in
            sender.nextOrderedIdentifier[stream, default: 0] == 0 && sender.nextUnorderedIdentifier[stream, default: 0] == 0
                && (sender.queues[stream]?.isEmpty ?? true)
        }) {
            return .successNothingToDo
        }
        // spec: RFC6525-5.2.3-4 otherwise the request is processed as any other: denied
        return .denied
    }

    private mutating func respond(to sequence: UInt32, with result: SCTPReconfigResult, tsns: (UInt32, UInt32)? = nil) {
        if sequence == reconfig.peerNextRequestSequence {
            reconfig.peerNextRequestSequence &+= 1
            reconfig.lastResult = result
        } else if sequence == reconfig.peerNextRequestSequence &- 1 {
            // spec: RFC6525-5.2.1-4 a retransmitted request gets the same result again
        } else {
            reconfig.responses.append(.response(responseSequence: sequence, result: .errorBadSequenceNumber, senderNextTSN: nil, receiverNextTSN: nil))
            return
        }
        reconfig.responses.append(.response(responseSequence: sequence, result: reconfig.lastResult ?? result,
                                            senderNextTSN: tsns?.0, receiverNextTSN: tsns?.1))
    }

    private mutating func handleOutgoingResetRequest(sequence: UInt32, lastTSN: UInt32, streams: [UInt16]) {
        if sequence == reconfig.peerNextRequestSequence &- 1 {
            // A retransmission: answer with what we know now (a deferred reset may have finished).
            checkDeferredReset()
            reconfig.responses.append(.response(responseSequence: sequence, result: reconfig.lastResult ?? .inProgress,
                                                senderNextTSN: nil, receiverNextTSN: nil))
            return
        }
        guard sequence == reconfig.peerNextRequestSequence else {
            reconfig.responses.append(.response(responseSequence: sequence, result: .errorBadSequenceNumber, senderNextTSN: nil, receiverNextTSN: nil))
            return
        }
        reconfig.peerNextRequestSequence &+= 1
        if SerialNumber.lessOrEqual(lastTSN, receiver.cumulativeTSN) {
            performIncomingReset(streams)
            reconfig.lastResult = .successPerformed
            // spec: RFC6525-5.2.2-9 success is reported in a response
            reconfig.responses.append(.response(responseSequence: sequence, result: .successPerformed, senderNextTSN: nil, receiverNextTSN: nil))
        } else {
            // spec: RFC6525-5.2.2-3 data before the Sender's Last Assigned TSN is missing: deferred reset
            // spec: RFC6525-5.2.2-5 and the response says In progress
            reconfig.deferred = (sequence, lastTSN, streams)
            reconfig.lastResult = .inProgress
            reconfig.responses.append(.response(responseSequence: sequence, result: .inProgress, senderNextTSN: nil, receiverNextTSN: nil))
        }
    }

    /// Completes a deferred reset once the cumulative TSN reaches the peer's last TSN.
    mutating func checkDeferredReset() {
        guard let deferred = reconfig.deferred, SerialNumber.lessOrEqual(deferred.lastTSN, receiver.cumulativeTSN) else { return }
        reconfig.deferred = nil
        performIncomingReset(deferred.streams)
        reconfig.lastResult = .successPerformed
        // The messages sent after the reset now go through on the reset streams, in TSN order.
        let held = reconfig.heldIncoming.sorted { SerialNumber.less($0.tsn, $1.tsn) }
        reconfig.heldIncoming = []
        for item in held {
            receiver.bufferedBytes -= item.message.payload.count
            complete(item.message, identifier: item.identifier, tsn: item.tsn)
        }
    }

    /// A whole message of a stream whose reset is deferred, sent after the reset (its TSN is
    /// beyond the Sender's Last Assigned TSN): held until the reset is performed.
    mutating func holdForDeferredReset(_ message: SCTPMessage, identifier: UInt32, tsn: UInt32) -> Bool {
        guard let deferred = reconfig.deferred, SerialNumber.less(deferred.lastTSN, tsn),
              deferred.streams.isEmpty || deferred.streams.contains(message.stream) else { return false }
        // spec: RFC6525-5.2.2-4 data beyond the Sender's Last Assigned TSN on the affected streams waits for the reset
        reconfig.heldIncoming.append((tsn, identifier, message))
        receiver.bufferedBytes += message.payload.count
        return true
    }

    private mutating func performIncomingReset(_ streams: [UInt16]) {
        // spec: RFC6525-5.2.2-6 no streams listed: all incoming streams restart at SSN 0
        // spec: RFC6525-5.2.2-7 otherwise only the listed ones
        let affected = streams.isEmpty ? Array(receiver.streams.keys) : streams
        for stream in affected {
            var inbound = receiver.streams[stream, default: InboundStream()]
            inbound.nextIdentifier = 0
            // spec: RFC6525-5.2.2-8 messages held for the new sequence are released
            while let ready = inbound.ready.removeValue(forKey: inbound.nextIdentifier) {
                receiver.bufferedBytes -= ready.payload.count
                statistics.messagesDelivered += 1
                emit(.message(ready))
                inbound.nextIdentifier = nextIdentifier(after: inbound.nextIdentifier)
            }
            receiver.streams[stream] = inbound
        }
        emit(.incomingStreamsReset(streams))
    }

    private mutating func handleReconfigResponse(sequence: UInt32, result: SCTPReconfigResult) {
        guard let request = reconfig.inFlight, request.sequence == sequence else { return }
        switch result {
        case .inProgress:
            // The peer waits for our data; ask again when the timer fires.
            reconfig.deadline = now + reconfig.rto
            reconfig.peerInProgress = true
        case .successPerformed, .successNothingToDo:
            // spec: RFC6525-5.2.2-2 the timer stops when the request is answered
            // spec: RFC6525-5.2.7-1 the request is acknowledged
            // spec: RFC6525-5.2.7-2 and with one request at a time, the timer stops
            reconfig.deadline = nil
            reconfig.inFlight = nil
            reconfig.peerInProgress = false
            // spec: RFC6525-5.2.7-4 the streams are reset now
            // spec: RFC8260-2.3.2-1 both message identifier counters, ordered and unordered, restart at 0
            for stream in request.streams {
                sender.nextOrderedIdentifier[stream] = 0
                sender.nextUnorderedIdentifier[stream] = 0
            }
            emit(.outgoingStreamsReset(request.streams))
            releaseHeldMessages(request.streams)
        default:
            reconfig.deadline = nil
            reconfig.inFlight = nil
            reconfig.peerInProgress = false
            emit(.outgoingStreamsResetFailed(request.streams, result))
            releaseHeldMessages(request.streams)
        }
    }

    /// Queues the messages held back while `streams` were being reset.
    // spec: RFC6525-5.2.7-4 and the data queued meanwhile is processed
    mutating func releaseHeldMessages(_ streams: [UInt16]) {
        guard !reconfig.held.isEmpty else { return }
        var kept: [OutgoingMessage] = []
        for message in reconfig.held {
            guard streams.contains(message.stream), !reconfig.isResetting(message.stream) else {
                kept.append(message)
                continue
            }
            if sender.queues[message.stream, default: StreamQueue()].isEmpty { sender.scheduler.activate(message.stream) }
            sender.queues[message.stream, default: StreamQueue()].messages.append(message)
        }
        reconfig.held = kept
    }
}
