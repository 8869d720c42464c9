/// The endpoint's state for one stream identifier: a channel, or a stream it is resetting
/// without the application knowing (a refused OPEN, data on an unknown stream).
struct ChannelRecord: Sendable {
    /// Bytes of one submitted SCTP user message not yet handed to the wire.
    struct InFlight: Sendable {
        /// Payload bytes SCTP will report through `.sent`.
        var wireBytes: Int
        /// The part of them that counts toward the buffered amount (0 for DCEP messages and the
        /// filler byte of empty messages).
        var userBytes: Int
    }

    let stream: UInt16
    var label: String
    /// The options, with `id` set to the stream.
    var options: DataChannelOptions
    var reliability: DataChannelReliability
    let isLocal: Bool
    /// The application knows this channel (false for streams reset only to refuse them).
    var announced: Bool
    var state: DataChannelState
    /// A local in-band channel whose DATA_CHANNEL_OPEN is out and no ACK or data has come back.
    var awaitingAck = false
    /// Whether DATA_CHANNEL_OPEN has been handed to SCTP (local in-band channels).
    var openSent = false
    /// Whether the ACK or any other message arrived on the channel (RFC 8832 §6).
    var receivedAny = false
    /// Messages held until the association is up.
    var queued: [DataChannelOutgoingMessage] = []
    /// Submitted messages in order, for the buffered amount.
    var inFlight: [InFlight] = []
    var bufferedAmount = 0
    var lowThreshold: Int
    var outgoingResetRequested = false
    var outgoingResetDone = false
    var incomingReset = false
    /// Fragments of a deprecated partial message (PPID 52/54) and whether they are a string.
    var partial: [UInt8] = []
    var partialIsString: Bool?

    init(stream: UInt16, label: String, options: DataChannelOptions, reliability: DataChannelReliability,
         isLocal: Bool, announced: Bool, state: DataChannelState, lowThreshold: Int) {
        self.stream = stream
        self.label = label
        self.options = options
        self.reliability = reliability
        self.isLocal = isLocal
        self.announced = announced
        self.state = state
        self.lowThreshold = lowThreshold
    }

    /// A stream being reset only to refuse what the peer did on it.
    static func refused(_ stream: UInt16) -> ChannelRecord {
        var record = ChannelRecord(stream: stream, label: "", options: DataChannelOptions(id: stream),
                                   reliability: .reliable, isLocal: false, announced: false,
                                   state: .closing, lowThreshold: 0)
        record.outgoingResetRequested = true
        return record
    }

    /// Records `wireBytes` submitted bytes, `userBytes` of which count as buffered.
    mutating func submitted(wireBytes: Int, userBytes: Int) {
        inFlight.append(InFlight(wireBytes: wireBytes, userBytes: userBytes))
        bufferedAmount += userBytes
    }

    /// Consumes `byteCount` sent bytes from the oldest submitted messages.
    mutating func consumeSent(_ byteCount: Int) {
        var left = byteCount
        var done = 0
        while left > 0, done < inFlight.count {
            let take = min(left, inFlight[done].wireBytes)
            let user = min(take, inFlight[done].userBytes)
            inFlight[done].wireBytes -= take
            inFlight[done].userBytes -= user
            bufferedAmount -= user
            left -= take
            if inFlight[done].wireBytes == 0 {
                bufferedAmount -= inFlight[done].userBytes
                done += 1
            }
        }
        inFlight.removeFirst(done)
    }

    /// The snapshot the public API shows.
    var info: DataChannelInfo {
        DataChannelInfo(id: DataChannelID(stream), label: label, options: options, state: state, isLocal: isLocal)
    }
}
