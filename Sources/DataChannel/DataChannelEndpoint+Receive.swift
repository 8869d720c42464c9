extension DataChannelEndpoint {
    /// A complete SCTP user message arrived on `stream`.
    mutating func receive(stream: UInt16, ppid: DataChannelPPID, payload: [UInt8]) {
        guard Int(stream) < maximumStreams else {
            statistics.droppedOther += 1
            emit(.error(nil, .streamOutOfRange(stream: stream, maximumStreams: maximumStreams)))
            return
        }
        if ppid == .dcep {
            receiveDCEP(stream: stream, payload: payload)
        } else {
            receiveData(stream: stream, ppid: ppid, payload: payload)
        }
    }

    /// The channel named in an error event about `stream`, when the application knows it.
    func knownID(_ stream: UInt16) -> DataChannelID? {
        records[stream]?.announced == true ? DataChannelID(stream) : nil
    }

    mutating func protocolError(_ stream: UInt16, _ error: DataChannelProtocolError) {
        statistics.protocolErrors += 1
        emit(.error(knownID(stream), error))
    }

    mutating func receiveDCEP(stream: UInt16, payload: [UInt8]) {
        let message: DCEPMessage
        do {
            message = try DCEPMessage(decoding: payload)
        } catch {
            protocolError(stream, .malformedDCEP(stream: stream, error))
            // spec: RFC8832-6-6 a malformed OPEN closes the stream's channel and gets no ACK
            refuse(stream)
            return
        }
        switch message {
        case .open(let open):
            receiveOpen(open, on: stream)
        case .ack:
            guard let record = records[stream], record.announced, record.isLocal,
                  !record.options.negotiated, record.openSent else {
                protocolError(stream, .unexpectedAck(stream: stream))
                return
            }
            // A second ACK, or one after data already opened the channel, changes nothing.
            if record.awaitingAck { markReceived(stream) }
        }
    }

    mutating func receiveOpen(_ open: DCEPOpen, on stream: UInt16) {
        if records[stream] != nil {
            protocolError(stream, .openOnStreamInUse(stream: stream))
            // spec: RFC8832-6-6 an OPEN on a stream in use closes that channel, without an ACK
            refuse(stream)
            return
        }
        guard !role.owns(stream) else {
            protocolError(stream, .openWithWrongParity(stream: stream))
            // spec: RFC8832-6-6 an OPEN breaking the odd/even rule is refused by a reset, without an ACK
            refuse(stream)
            return
        }
        let options = DataChannelOptions(
            ordered: open.ordered,
            maxRetransmits: { if case .maxRetransmits(let count) = open.reliability { count } else { nil } }(),
            maxPacketLifeTime: { if case .maxLifetime(let ms) = open.reliability { ms } else { nil } }(),
            protocol: open.protocol, negotiated: false, id: stream, priority: open.priority)
        var record = ChannelRecord(stream: stream, label: open.label, options: options, reliability: open.reliability,
                                   isLocal: false, announced: true, state: .open,
                                   lowThreshold: defaultBufferedAmountLowThreshold)
        // The OPEN is a message received on the channel: user data may go unordered at once.
        record.receivedAny = true
        records[stream] = record
        // spec: RFC8832-6-2 the ACK goes on the stream the OPEN arrived on
        sendDCEP(.ack, on: stream)
        announceOpen(record)
    }

    /// The ACK or any other message arrived on `stream`: a local channel waiting for its ACK opens.
    mutating func markReceived(_ stream: UInt16) {
        guard let record = records[stream], !record.receivedAny || record.awaitingAck else { return }
        records[stream]?.receivedAny = true
        records[stream]?.awaitingAck = false
        if record.state == .connecting {
            records[stream]?.state = .open
            announceOpen(records[stream]!)
        }
    }

    mutating func receiveData(stream: UInt16, ppid: DataChannelPPID, payload: [UInt8]) {
        guard let record = records[stream] else {
            statistics.droppedOther += 1
            protocolError(stream, .dataOnUnknownStream(stream: stream, ppid: ppid))
            // spec: RFC8832-6-10 user data on an unused stream closes that stream
            refuse(stream)
            return
        }
        guard record.announced, !record.incomingReset else {
            statistics.droppedOther += 1
            return
        }
        let id = DataChannelID(stream)
        switch ppid {
        case .string, .binary, .stringEmpty, .binaryEmpty, .stringPartial, .binaryPartial:
            break
        default:
            statistics.droppedOther += 1
            protocolError(stream, .unsupportedPPID(stream: stream, ppid: ppid))
            // spec: RFC8831-6.6-6 an unsupported PPID closes the channel
            refuse(stream)
            return
        }
        // spec: RFC8832-6-8 data from the peer, like an ACK, ends the ordered-only phase
        markReceived(stream)

        let isString = ppid == .string || ppid == .stringEmpty || ppid == .stringPartial
        // spec: RFC8831-6.6-5 the byte of an Empty PPID message is ignored: it is an empty message
        let content: [UInt8] = (ppid == .stringEmpty || ppid == .binaryEmpty) ? [] : payload
        if ppid == .stringPartial || ppid == .binaryPartial {
            appendPartial(content, isString: isString, on: stream)
            return
        }
        var bytes = content
        if let partialIsString = records[stream]?.partialIsString {
            let fragments = records[stream]?.partial ?? []
            records[stream]?.partial = []
            records[stream]?.partialIsString = nil
            guard partialIsString == isString else {
                statistics.droppedOther += 1
                protocolError(stream, .invalidPartialMessage(stream: stream, reason: "fragments and last part differ in kind"))
                return
            }
            guard fragments.count + bytes.count <= maxReassembledMessageSize else {
                statistics.droppedOther += 1
                protocolError(stream, .invalidPartialMessage(
                    stream: stream, reason: "reassembled message exceeds \(maxReassembledMessageSize) bytes"))
                return
            }
            bytes = fragments + bytes
        }
        deliver(bytes, isString: isString, on: id)
    }

    /// Appends a deprecated PPID 52/54 fragment; the next non-partial message of the same kind
    /// completes it.
    mutating func appendPartial(_ fragment: [UInt8], isString: Bool, on stream: UInt16) {
        guard let record = records[stream] else { return }
        if let kind = record.partialIsString, kind != isString {
            records[stream]?.partial = []
            records[stream]?.partialIsString = nil
            statistics.droppedOther += 1
            protocolError(stream, .invalidPartialMessage(stream: stream, reason: "string and binary fragments mixed"))
            return
        }
        guard record.partial.count + fragment.count <= maxReassembledMessageSize else {
            records[stream]?.partial = []
            records[stream]?.partialIsString = nil
            statistics.droppedOther += 1
            protocolError(stream, .invalidPartialMessage(
                stream: stream, reason: "reassembled message exceeds \(maxReassembledMessageSize) bytes"))
            return
        }
        records[stream]?.partial.append(contentsOf: fragment)
        records[stream]?.partialIsString = isString
    }

    mutating func deliver(_ bytes: [UInt8], isString: Bool, on id: DataChannelID) {
        if isString {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                statistics.droppedInvalidUTF8 += 1
                statistics.protocolErrors += 1
                emit(.error(id, .invalidUTF8(stream: id.stream, byteCount: bytes.count)))
                return
            }
            emit(.message(id, .string(text)))
        } else {
            emit(.message(id, .binary(bytes)))
        }
        statistics.messagesReceived += 1
        statistics.bytesReceived += bytes.count
    }
}
