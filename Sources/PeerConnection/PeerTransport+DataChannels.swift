import DataChannel
import SCTP

/// The application's data channels over the transport's SCTP association.
extension PeerTransport {
    /// Creates a channel. Before the DTLS role is known the channel waits, without a stream
    /// identifier, and is created when ``start(_:at:)`` runs; its handle stays the same.
    public mutating func createDataChannel(label: String, options: DataChannelOptions = DataChannelOptions())
        throws(PeerTransportError) -> DataChannelHandle {
        guard !closed else { throw .closed }
        let handle = DataChannelHandle(nextHandle)
        nextHandle += 1
        if channels == nil {
            // Refuse contradictory options now, not when the role is known.
            do { _ = try options.reliability() } catch { throw .dataChannel(error) }
            pendingChannels.append((handle, label, options))
        } else {
            do {
                let id = try channels!.createChannel(label: label, options: options)
                bind(handle, to: id.stream)
            } catch {
                throw .dataChannel(error)
            }
        }
        return handle
    }

    /// Sends one message on `channel`; drain ``poll(at:)`` afterwards.
    public mutating func send(_ message: DataChannelMessage, on channel: DataChannelHandle) throws(PeerTransportError) {
        let stream = try stream(of: channel)
        do { try channels!.send(message, on: DataChannelID(stream)) } catch { throw .dataChannel(error) }
        statistics.messagesSent += 1
        statistics.messageBytesSent += message.byteCount
        channelCounters[channel, default: DataChannelCounters()].messagesSent += 1
        channelCounters[channel, default: DataChannelCounters()].bytesSent += message.byteCount
    }

    /// Starts closing `channel` (its streams are reset, RFC 8831 §6.7).
    public mutating func closeDataChannel(_ channel: DataChannelHandle) throws(PeerTransportError) {
        if let index = pendingChannels.firstIndex(where: { $0.handle == channel }) {
            pendingChannels.remove(at: index)
            emit(.dataChannelClosed(channel))
            return
        }
        let stream = try stream(of: channel)
        do { try channels!.close(DataChannelID(stream)) } catch { throw .dataChannel(error) }
    }

    /// Bytes queued on `channel` and not yet handed to the wire.
    public func bufferedAmount(of channel: DataChannelHandle) -> Int {
        guard let stream = streamOfHandle[channel] else { return 0 }
        return channels?.bufferedAmount(of: DataChannelID(stream)) ?? 0
    }

    /// Sets the threshold under which `channel` reports `.bufferedAmountLow`.
    public mutating func setBufferedAmountLowThreshold(_ threshold: Int, for channel: DataChannelHandle) throws(PeerTransportError) {
        let stream = try stream(of: channel)
        do { try channels!.setBufferedAmountLowThreshold(threshold, for: DataChannelID(stream)) } catch { throw .dataChannel(error) }
    }

    /// The stream identifier of `channel`, once known.
    public func streamIdentifier(of channel: DataChannelHandle) -> UInt16? { streamOfHandle[channel] }

    /// The state of `channel` (connecting while it waits for the DTLS role).
    public func state(of channel: DataChannelHandle) -> DataChannelState? {
        if pendingChannels.contains(where: { $0.handle == channel }) { return .connecting }
        guard let stream = streamOfHandle[channel] else { return nil }
        return channels?.state(of: DataChannelID(stream))
    }

    func stream(of channel: DataChannelHandle) throws(PeerTransportError) -> UInt16 {
        guard !closed else { throw .closed }
        if pendingChannels.contains(where: { $0.handle == channel }) { throw .channelPending(channel) }
        guard let stream = streamOfHandle[channel], channels != nil else { throw .unknownChannel(channel) }
        return stream
    }

    mutating func bind(_ handle: DataChannelHandle, to stream: UInt16) {
        streamOfHandle[handle] = stream
        handleOfStream[stream] = handle
    }

    /// The handle of the channel on `id`, making one for a channel the peer opened.
    mutating func handle(for id: DataChannelID) -> DataChannelHandle {
        if let handle = handleOfStream[id.stream] { return handle }
        let handle = DataChannelHandle(nextHandle)
        nextHandle += 1
        bind(handle, to: id.stream)
        return handle
    }

    /// Hands the endpoint's messages and resets to SCTP and its events to the application.
    @discardableResult
    mutating func drainChannels(at now: Duration) -> Bool {
        guard channels != nil else { return false }
        var progress = false
        while let output = channels!.poll() {
            progress = true
            switch output {
            case .send(let message):
                let reliability: SCTPReliability
                switch message.reliability {
                case .reliable: reliability = .reliable
                case .maxRetransmits(let count): reliability = .maximumRetransmissions(Int(count))
                case .maxLifetime(let milliseconds): reliability = .lifetime(.milliseconds(Int64(milliseconds)))
                }
                do {
                    guard hasSCTP else { throw SCTPSendError.notEstablished(.closed) }
                    // spec: RFC8831-6.6-1 each message goes as one SCTP user message on the channel's stream
                    try sctp!.send(message.payload, stream: message.stream, payloadProtocolIdentifier: message.ppid.rawValue,
                                   options: SCTPSendOptions(unordered: !message.ordered, reliability: reliability,
                                                            // spec: RFC8831-6.4-1 the channel priority is the stream's weighted-fair-queueing weight
                                                            priority: message.priority), at: now)
                } catch {
                    // The endpoint already counted the message as buffered; say why it never left.
                    emit(.sendFailed(handleOfStream[message.stream], "SCTP refused a message: \(error)"))
                }
            case .resetStreams(let streams):
                do {
                    guard hasSCTP else { throw SCTPSendError.notEstablished(.closed) }
                    try sctp!.resetOutgoingStreams(streams, at: now)
                } catch {
                    emit(.sendFailed(nil, "SCTP could not reset streams \(streams): \(error)"))
                }
            case .event(let event):
                translate(event)
            }
        }
        return progress
    }

    mutating func translate(_ event: DataChannelEvent) {
        switch event {
        case let .opened(id, label, protocolName, options):
            let known = handleOfStream[id.stream] != nil
            let handle = handle(for: id)
            if !known { emit(.dataChannelCreated(handle, label: label, protocol: protocolName, options: options)) }
            statistics.dataChannelsOpened += 1
            channelCounters[handle, default: DataChannelCounters()].label = label
            channelCounters[handle, default: DataChannelCounters()].protocolName = protocolName
            emit(.dataChannelOpened(handle, id: id.stream))
        case let .message(id, message):
            let handle = handle(for: id)
            channelCounters[handle, default: DataChannelCounters()].messagesReceived += 1
            channelCounters[handle, default: DataChannelCounters()].bytesReceived += message.byteCount
            emit(.dataChannelMessage(handle, message))
        case .bufferedAmountLow(let id):
            emit(.bufferedAmountLow(handle(for: id)))
        case .closing(let id):
            emit(.dataChannelClosing(handle(for: id)))
        case .closed(let id):
            let handle = handle(for: id)
            streamOfHandle[handle] = nil
            handleOfStream[id.stream] = nil
            statistics.dataChannelsClosed += 1
            channelCounters[handle] = nil
            emit(.dataChannelClosed(handle))
        case let .error(id, error):
            emit(.dataChannelError(id.map { handleOfStream[$0.stream] } ?? nil, error))
        }
    }
}
