import Wire

/// The data channels of one SCTP association (RFC 8831) with in-band negotiation by DCEP
/// (RFC 8832), as a sans-IO state machine.
///
/// The endpoint knows nothing of SCTP's packets: it takes complete user messages and stream
/// reset notifications as ``DataChannelInput`` through ``handle(_:)`` and asks for messages to be
/// sent and streams to be reset through ``DataChannelOutput``s that ``poll()`` drains. The
/// application calls ``createChannel(label:options:)``, ``send(_:on:)`` and ``close(_:)``, then
/// drains ``poll()`` as after any input. No clock is needed: nothing here times out.
///
/// ```swift
/// var endpoint = DataChannelEndpoint(role: .client)
/// let chat = try endpoint.createChannel(label: "chat")
/// endpoint.handle(.associationEstablished(maxOutboundStreams: 1024, maxInboundStreams: 1024))
/// while let output = endpoint.poll() { ... }   // .send(OPEN) on stream 0
/// ```
public struct DataChannelEndpoint: Sendable {
    /// Where the SCTP association is.
    enum Association: Sendable { case pending, established, closed }

    /// The DTLS role, which fixes the parity of the streams this side opens.
    public let role: DataChannelRole
    /// The number of streams channels may use (identifiers 0 up to this value minus one): the
    /// configured value until the association is up, then the smaller of that and the stream
    /// counts SCTP negotiated.
    public private(set) var maximumStreams: Int
    /// The peer's maximum message size (RFC 8841 `a=max-message-size`); 0 means no limit.
    public var maxMessageSize: Int
    /// The largest message sent while the association has no message interleaving (RFC 8260
    /// I-DATA): a long message would hold back every other channel until it is through
    /// (RFC 8831 §6.6 recommends 16 KiB); 0 means no such limit.
    public var nonInterleavedMessageLimit: Int = 16 * 1024
    /// Whether the SCTP association interleaves messages (I-DATA); the owner sets it when the
    /// association comes up. Until then nothing is known and only `maxMessageSize` applies.
    public var messageInterleaving: Bool?
    /// The largest message `send` accepts now: the peer's maximum message size, and without
    /// message interleaving at most `nonInterleavedMessageLimit`; 0 means no limit.
    public var effectiveMaxMessageSize: Int {
        // spec: RFC8831-6.6-8 without interleaving, messages are limited to 16 KB
        guard messageInterleaving == false, nonInterleavedMessageLimit > 0 else { return maxMessageSize }
        return maxMessageSize == 0 ? nonInterleavedMessageLimit : min(maxMessageSize, nonInterleavedMessageLimit)
    }
    /// The largest message reassembled from deprecated partial fragments (PPID 52/54); larger
    /// ones are dropped with an error event.
    public var maxReassembledMessageSize: Int
    /// The low threshold that new channels start with.
    public var defaultBufferedAmountLowThreshold: Int
    /// Counters over the endpoint's life.
    public internal(set) var statistics = DataChannelStatistics()

    var association: Association = .pending
    let configuredMaximumStreams: Int
    // spec: RFC8831-6.1-2 one channel per stream identifier, as many streams as SCTP allows
    var records: [UInt16: ChannelRecord] = [:]
    var outputs = OutputQueue<DataChannelOutput>()

    /// An endpoint for the side that took `role` in the DTLS handshake.
    ///
    /// - Parameters:
    ///   - maximumStreams: streams to use at most (RFC 8831 §6.2 recommends negotiating 65535).
    ///   - maxMessageSize: the peer's maximum message size from SDP (RFC 8841 §6; default 65536).
    ///   - maxReassembledMessageSize: the limit for deprecated partial messages.
    ///   - bufferedAmountLowThreshold: the low threshold channels start with.
    public init(role: DataChannelRole, maximumStreams: Int = 65535, maxMessageSize: Int = 65536,
                maxReassembledMessageSize: Int = 262_144, bufferedAmountLowThreshold: Int = 0) {
        self.role = role
        self.configuredMaximumStreams = max(0, min(maximumStreams, 65535))
        self.maximumStreams = configuredMaximumStreams
        self.maxMessageSize = max(0, maxMessageSize)
        self.maxReassembledMessageSize = max(0, maxReassembledMessageSize)
        self.defaultBufferedAmountLowThreshold = max(0, bufferedAmountLowThreshold)
    }

    // MARK: The sans-IO contract

    /// Feeds one input; then drain ``poll()``.
    public mutating func handle(_ input: DataChannelInput) {
        guard association != .closed else { return }
        switch input {
        case let .associationEstablished(outbound, inbound):
            establish(maxOutboundStreams: outbound, maxInboundStreams: inbound)
        case let .message(stream, ppid, payload):
            receive(stream: stream, ppid: ppid, payload: payload)
        case let .sent(stream, byteCount):
            sent(stream: stream, byteCount: byteCount)
        case .incomingStreamsReset(let streams):
            incomingReset(streams)
        case .outgoingStreamsResetDone(let streams):
            outgoingResetDone(streams)
        case .associationClosed:
            associationEnded(abortReason: nil)
        case .associationAborted(let reason):
            associationEnded(abortReason: reason)
        }
    }

    /// The next output, or nil when there is nothing to do until the next input or call.
    public mutating func poll() -> DataChannelOutput? {
        outputs.popFirst()
    }

    mutating func emit(_ event: DataChannelEvent) { outputs.append(.event(event)) }

    // MARK: Inspection

    /// Whether the SCTP association is up.
    public var isAssociationEstablished: Bool { association == .established }

    /// The channels the application knows, by stream identifier; closed channels are gone.
    public var channels: [DataChannelInfo] {
        records.values.filter(\.announced).sorted { $0.stream < $1.stream }.map(\.info)
    }

    /// The state of channel `id`, or nil when there is no such channel (any more).
    public func state(of id: DataChannelID) -> DataChannelState? {
        guard let record = records[id.stream], record.announced else { return nil }
        return record.state
    }

    /// Bytes of application messages handed out by ``send(_:on:)`` that SCTP has not yet put on
    /// the wire; nil for an unknown channel.
    public func bufferedAmount(of id: DataChannelID) -> Int? {
        guard let record = records[id.stream], record.announced else { return nil }
        return record.bufferedAmount
    }

    /// The buffered amount at or below which ``DataChannelEvent/bufferedAmountLow(_:)`` fires.
    public func bufferedAmountLowThreshold(of id: DataChannelID) -> Int? {
        guard let record = records[id.stream], record.announced else { return nil }
        return record.lowThreshold
    }

    /// Sets channel `id`'s low threshold (negative values count as 0).
    public mutating func setBufferedAmountLowThreshold(_ threshold: Int, for id: DataChannelID) throws(DataChannelError) {
        guard records[id.stream]?.announced == true else { throw .unknownChannel(id) }
        records[id.stream]?.lowThreshold = max(0, threshold)
    }

    /// Stream identifiers the endpoint is tracking, including streams being reset to refuse
    /// them; empty once every channel is closed (for leak checks).
    public var trackedStreams: [UInt16] { records.keys.sorted() }

    // MARK: Association

    mutating func establish(maxOutboundStreams: Int, maxInboundStreams: Int) {
        maximumStreams = max(0, min(configuredMaximumStreams, maxOutboundStreams, maxInboundStreams))
        guard association == .pending else { return }
        association = .established
        for stream in records.keys.sorted() {
            guard var record = records[stream] else { continue }
            guard Int(stream) < maximumStreams else {
                emit(.error(DataChannelID(stream), .streamOutOfRange(stream: stream, maximumStreams: maximumStreams)))
                records[stream] = nil
                emit(.closed(DataChannelID(stream)))
                continue
            }
            if record.options.negotiated {
                record.state = .open
                records[stream] = record
                announceOpen(record)
            } else {
                records[stream] = record
                sendOpen(on: stream)
            }
            for message in records[stream]?.queued ?? [] { outputs.append(.send(message)) }
            records[stream]?.queued = []
        }
    }

    mutating func associationEnded(abortReason: String?) {
        association = .closed
        var anyAnnounced = false
        for stream in records.keys.sorted() where records[stream]?.announced == true {
            anyAnnounced = true
            // spec: RFC8831-6.2-2 a non-graceful teardown closes every channel with an error indication
            if let abortReason { emit(.error(DataChannelID(stream), .associationAborted(reason: abortReason))) }
            emit(.closed(DataChannelID(stream)))
        }
        if let abortReason, !anyAnnounced { emit(.error(nil, .associationAborted(reason: abortReason))) }
        records.removeAll()
    }

    mutating func announceOpen(_ record: ChannelRecord) {
        emit(.opened(DataChannelID(record.stream), label: record.label, protocol: record.options.protocol,
                     options: record.options))
    }

    /// Hands a DCEP message to SCTP on `stream`.
    mutating func sendDCEP(_ message: DCEPMessage, on stream: UInt16) {
        let bytes = message.encoded
        // DCEP messages are the first on their stream, ahead of any user message queued meanwhile.
        records[stream]?.inFlight.insert(ChannelRecord.InFlight(wireBytes: bytes.count, userBytes: 0), at: 0)
        let priority = records[stream]?.options.priority ?? 256
        // spec: RFC8832-6-1 DCEP messages go ordered and reliable
        // spec: RFC8832-6-2 on the outgoing stream of the channel they belong to
        // spec: RFC8832-6-3 with the DCEP PPID (50)
        outputs.append(.send(DataChannelOutgoingMessage(stream: stream, ppid: .dcep, payload: bytes, ordered: true,
                                                         reliability: .reliable, priority: priority)))
    }

    mutating func sendOpen(on stream: UInt16) {
        guard let record = records[stream],
              let open = try? DCEPOpen(ordered: record.options.ordered, reliability: record.reliability,
                                       priority: record.options.priority, label: record.label,
                                       protocol: record.options.protocol) else { return }
        records[stream]?.openSent = true
        records[stream]?.awaitingAck = true
        sendDCEP(.open(open), on: stream)
    }
}
