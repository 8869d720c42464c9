extension DataChannelEndpoint {
    /// Asks SCTP to reset the outgoing streams among `streams` not already being reset.
    mutating func resetOutgoing(_ streams: [UInt16]) {
        var reset: [UInt16] = []
        for stream in streams where records[stream]?.outgoingResetRequested == false {
            records[stream]?.outgoingResetRequested = true
            reset.append(stream)
        }
        // spec: RFC8831-6.7-1 closing a channel is signalled by resetting its outgoing stream
        if !reset.isEmpty { outputs.append(.resetStreams(reset)) }
    }

    /// Closes the channel on `stream` because of something the peer did, or, when the stream has
    /// no channel, resets it to refuse it (the stream stays taken until both directions are reset).
    mutating func refuse(_ stream: UInt16) {
        if let record = records[stream] {
            if record.state != .closing {
                records[stream]?.state = .closing
                if record.announced { emit(.closing(DataChannelID(stream))) }
            }
            resetOutgoing([stream])
        } else {
            records[stream] = .refused(stream)
            outputs.append(.resetStreams([stream]))
        }
    }

    /// The peer reset these incoming streams: it is closing those channels.
    mutating func incomingReset(_ streams: [UInt16]) {
        var toReset: [UInt16] = []
        for stream in streams {
            guard var record = records[stream] else {
                // A stream we have no channel on: reset our side too, so that both directions are
                // reset and either side may use it again.
                var refused = ChannelRecord.refused(stream)
                refused.incomingReset = true
                records[stream] = refused
                toReset.append(stream)
                continue
            }
            record.incomingReset = true
            record.partial = []
            record.partialIsString = nil
            if record.state != .closing {
                record.state = .closing
                if record.announced { emit(.closing(DataChannelID(stream))) }
            }
            records[stream] = record
            // spec: RFC8831-6.7-1 the peer's reset is answered by resetting our outgoing stream
            if !record.outgoingResetRequested {
                records[stream]?.outgoingResetRequested = true
                toReset.append(stream)
            } else if record.outgoingResetDone {
                finish(stream)
            }
        }
        if !toReset.isEmpty { outputs.append(.resetStreams(toReset)) }
    }

    /// SCTP finished resetting these outgoing streams.
    mutating func outgoingResetDone(_ streams: [UInt16]) {
        for stream in streams {
            guard records[stream]?.outgoingResetRequested == true else { continue }
            records[stream]?.outgoingResetDone = true
            if records[stream]?.incomingReset == true { finish(stream) }
        }
    }

    /// Both directions of `stream` are reset: the channel is closed and the identifier is free.
    mutating func finish(_ stream: UInt16) {
        guard let record = records.removeValue(forKey: stream) else { return }
        if record.announced { emit(.closed(DataChannelID(stream))) }
    }

    /// SCTP put `byteCount` bytes of `stream`'s messages on the wire.
    mutating func sent(stream: UInt16, byteCount: Int) {
        guard byteCount > 0, let record = records[stream] else { return }
        let before = record.bufferedAmount
        records[stream]?.consumeSent(byteCount)
        let after = records[stream]?.bufferedAmount ?? 0
        if record.announced, before > record.lowThreshold, after <= record.lowThreshold {
            emit(.bufferedAmountLow(DataChannelID(stream)))
        }
    }
}
