extension DataChannelEndpoint {
    /// Creates a channel and returns its identifier; drain ``poll()`` afterwards.
    ///
    /// An in-band channel sends DATA_CHANNEL_OPEN (at once, or when the association comes up)
    /// and opens on the peer's ACK; a negotiated one opens as soon as the association is up.
    public mutating func createChannel(label: String, options: DataChannelOptions = DataChannelOptions())
        throws(DataChannelError) -> DataChannelID {
        guard association != .closed else { throw .associationClosed }
        let reliability = try options.reliability()
        guard label.utf8.count <= Int(UInt16.max) else { throw .fieldTooLong(field: "label", length: label.utf8.count) }
        guard options.protocol.utf8.count <= Int(UInt16.max) else {
            throw .fieldTooLong(field: "protocol", length: options.protocol.utf8.count)
        }
        let stream: UInt16
        if options.negotiated {
            guard let id = options.id else { throw .negotiatedWithoutID }
            stream = id
        } else if let id = options.id {
            // spec: RFC8832-6-5 an in-band channel uses a stream of this side's parity
            guard role.owns(id) else { throw .wrongParity(stream: id, role: role) }
            stream = id
        } else {
            stream = try freeStream()
        }
        guard Int(stream) < maximumStreams else {
            throw .streamOutOfRange(stream: stream, maximumStreams: maximumStreams)
        }
        // spec: RFC8831-6.5-1 reusing a stream of an existing channel fails
        guard records[stream] == nil else { throw .streamInUse(stream: stream) }

        var normalized = options
        normalized.id = stream
        var record = ChannelRecord(stream: stream, label: label, options: normalized, reliability: reliability,
                                   isLocal: true, announced: true, state: .connecting,
                                   lowThreshold: defaultBufferedAmountLowThreshold)
        // A negotiated channel has no handshake: both sides already agreed on everything.
        record.receivedAny = options.negotiated
        records[stream] = record
        if association == .established {
            if options.negotiated {
                records[stream]?.state = .open
                announceOpen(records[stream]!)
            } else {
                sendOpen(on: stream)
            }
        }
        return DataChannelID(stream)
    }

    /// The lowest free stream identifier of this side's parity.
    func freeStream() throws(DataChannelError) -> UInt16 {
        // spec: RFC8832-4-2 each side opens channels on streams of one parity only
        // spec: RFC8832-6-5 even for the DTLS client, odd for the DTLS server
        var candidate = role == .client ? 0 : 1
        while candidate < maximumStreams {
            if records[UInt16(candidate)] == nil { return UInt16(candidate) }
            candidate += 2
        }
        throw .noFreeStreamID(maximumStreams: maximumStreams)
    }

    /// Sends one application message on channel `id`; drain ``poll()`` afterwards.
    ///
    /// Allowed while the channel is connecting (after, or queued behind, its DATA_CHANNEL_OPEN)
    /// and open. Throws for an unknown or closing channel and for a message larger than the
    /// peer's maximum message size.
    public mutating func send(_ message: DataChannelMessage, on id: DataChannelID) throws(DataChannelError) {
        guard let record = records[id.stream], record.announced else { throw .unknownChannel(id) }
        // spec: RFC8832-4-1 the opener may send user messages before the ACK
        // spec: RFC8832-6-7 user data may follow the OPEN before the ACK arrives
        guard record.state == .connecting || record.state == .open else {
            throw .channelNotOpen(id, state: record.state)
        }
        let size = message.byteCount
        // spec: RFC8841-6.1-1 never larger than the peer's maximum message size
        // spec: RFC8831-6.6-8 nor, without message interleaving, than 16 KB
        let maximum = effectiveMaxMessageSize
        guard maximum == 0 || size <= maximum else {
            throw .messageTooLarge(size: size, maximum: maximum)
        }
        let ppid: DataChannelPPID
        let payload: [UInt8]
        // spec: RFC8831-6.6-4 the WebRTC String/Binary PPIDs, and the Empty ones for empty messages
        // spec: RFC8832-6-4 user messages never use the DCEP PPID
        switch message {
        case .string where size == 0: (ppid, payload) = (.stringEmpty, [0])
        case .string(let text): (ppid, payload) = (.string, Array(text.utf8))
        case .binary(let bytes) where bytes.isEmpty: (ppid, payload) = (.binaryEmpty, [0])
        case .binary(let bytes): (ppid, payload) = (.binary, bytes)
        }
        // spec: RFC8832-6-8 before the ACK or any other message arrives, user data goes ordered
        // spec: RFC8832-6-9 afterwards, ordered or unordered as the channel is
        let ordered = record.options.ordered || !record.receivedAny
        // spec: RFC8831-6.6-1 every message uses the channel's reliability
        // spec: RFC8831-6.6-2 one application message per SCTP user message
        // spec: RFC8831-6.6-3 exactly one, as no PPID-based fragmentation is sent
        let outgoing = DataChannelOutgoingMessage(stream: id.stream, ppid: ppid, payload: payload, ordered: ordered,
                                                  reliability: record.reliability, priority: record.options.priority)
        records[id.stream]?.submitted(wireBytes: payload.count, userBytes: size)
        statistics.messagesSent += 1
        statistics.bytesSent += size
        // Once the association is up, a local in-band channel's OPEN is already out ahead of this.
        if association == .established {
            outputs.append(.send(outgoing))
        } else {
            records[id.stream]?.queued.append(outgoing)
        }
    }

    /// Closes channel `id` by resetting its outgoing stream; drain ``poll()`` afterwards.
    ///
    /// The channel is closed once the peer has reset its outgoing stream too. A channel that
    /// never reached the peer (the association is not up yet) closes at once. Closing a closing
    /// channel does nothing.
    public mutating func close(_ id: DataChannelID) throws(DataChannelError) {
        guard let record = records[id.stream], record.announced else { throw .unknownChannel(id) }
        guard record.state != .closing else { return }
        if association != .established {
            records[id.stream] = nil
            emit(.closed(id))
            return
        }
        records[id.stream]?.state = .closing
        emit(.closing(id))
        resetOutgoing([id.stream])
    }
}
