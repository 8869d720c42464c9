/// The states of RFC 9260 §4.
public enum SCTPAssociationState: Sendable, Equatable {
    case closed
    case cookieWait
    case cookieEchoed
    case established
    case shutdownPending
    case shutdownSent
    case shutdownReceived
    case shutdownAckSent
}

/// How hard the association tries to deliver a message (RFC 3758 and RFC 8831 §6.1).
public enum SCTPReliability: Sendable, Equatable {
    /// Retransmitted until acknowledged.
    case reliable
    /// Abandoned after this many retransmissions (0: sent once).
    // spec: RFC8831-6.1-7 the limited retransmission policy (RFC 7496)
    case maximumRetransmissions(Int)
    /// Abandoned when not acknowledged within this time of being queued.
    case lifetime(Duration)
}

/// How one message is sent.
public struct SCTPSendOptions: Sendable, Equatable {
    public var unordered: Bool
    public var reliability: SCTPReliability
    /// The weight of the message's stream in the weighted fair queueing scheduler (RFC 8260
    /// §3.6); for a data channel, its priority (RFC 8831 §6.4: 128, 256, 512, 1024). nil leaves
    /// the stream's weight as it is (256 until set).
    public var priority: UInt16?

    public init(unordered: Bool = false, reliability: SCTPReliability = .reliable, priority: UInt16? = nil) {
        self.unordered = unordered
        self.reliability = reliability
        self.priority = priority
    }
}

/// A user message as the receiver delivers it.
public struct SCTPMessage: Sendable, Equatable {
    public var stream: UInt16
    public var payloadProtocolIdentifier: UInt32
    public var payload: [UInt8]
    public var unordered: Bool

    public init(stream: UInt16, payloadProtocolIdentifier: UInt32, payload: [UInt8], unordered: Bool = false) {
        self.stream = stream
        self.payloadProtocolIdentifier = payloadProtocolIdentifier
        self.payload = payload
        self.unordered = unordered
    }
}

/// Why `send` refused a message.
public enum SCTPSendError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not established (or shutting down): no new data is accepted.
    case notEstablished(SCTPAssociationState)
    /// The stream is beyond min(our OS, peer's MIS) - 1.
    case invalidStream(UInt16, streamCount: Int)
    /// An empty message: SCTP carries at least one byte (the data channel layer maps empty
    /// messages to its own PPIDs).
    case emptyMessage
    /// Larger than the configured maximum message size.
    case messageTooLarge(size: Int, maximum: Int)
    /// The send queue holds its limit; retry when `bufferedAmount` drops.
    case queueFull(queued: Int, limit: Int)
    /// The stream is being reset. No longer thrown: a message sent on a stream being reset
    /// waits, unnumbered, until the reset is done (RFC 6525 §5.1.2 A1); kept for source
    /// compatibility.
    case streamResetting(UInt16)
    /// Partial reliability requested but the peer did not offer PR-SCTP.
    case partialReliabilityUnsupported

    public var description: String {
        switch self {
        case .notEstablished(let state): return "the association is \(state), not established"
        case let .invalidStream(stream, count): return "stream \(stream) is out of range (\(count) outbound streams)"
        case .emptyMessage: return "SCTP cannot carry an empty message"
        case let .messageTooLarge(size, maximum): return "message of \(size) bytes exceeds the maximum of \(maximum)"
        case let .queueFull(queued, limit): return "send queue full (\(queued) of \(limit) bytes)"
        case .streamResetting(let stream): return "stream \(stream) is being reset"
        case .partialReliabilityUnsupported: return "the peer does not support PR-SCTP"
        }
    }
}

/// Why the association ended.
public enum SCTPCloseReason: Sendable, Equatable {
    /// SHUTDOWN completed.
    case shutdown
    /// The peer sent ABORT, with its causes.
    case abortedByPeer([SCTPErrorCause])
    /// We aborted (the user asked, or the peer broke the protocol).
    case abortedLocally([SCTPErrorCause])
    /// Too many retransmissions without an answer (Association.Max.Retrans or Max.Init.Retransmits).
    case timedOut
}

/// What the association reports to its owner.
public enum SCTPEvent: Sendable, Equatable {
    /// ESTABLISHED: usable outbound and inbound stream counts, and what the peer supports.
    case connected(outboundStreams: Int, inboundStreams: Int, partialReliability: Bool, interleaving: Bool, reconfiguration: Bool)
    /// The peer restarted (RFC 9260 §5.2.4 Action A): the old association is gone (its numbered
    /// DATA, reassembly and stream sequence numbers with it) and a new one is ESTABLISHED with
    /// new tags, these stream counts and capabilities. Whole messages not yet sent stay queued.
    case restarted(outboundStreams: Int, inboundStreams: Int, partialReliability: Bool, interleaving: Bool, reconfiguration: Bool)
    /// A complete user message.
    case message(SCTPMessage)
    /// Bytes of a message left the send queue for the first time (bufferedAmount drops).
    case sent(stream: UInt16, byteCount: Int)
    /// The peer reset its outgoing streams: our incoming ones restart at sequence 0.
    case incomingStreamsReset([UInt16])
    /// Our request to reset outgoing streams was performed.
    case outgoingStreamsReset([UInt16])
    /// The peer denied our reset request.
    case outgoingStreamsResetFailed([UInt16], SCTPReconfigResult)
    /// The peer sent an ERROR chunk (not fatal by itself).
    case peerError([SCTPErrorCause])
    /// The association is closed.
    case closed(SCTPCloseReason)
}

/// An input to the association.
// spec: RFC8261-6.1-6 nothing relies on ICMP: the association has no ICMP input at all
public enum SCTPInput: Sendable, Equatable {
    /// An SCTP packet (the payload of one DTLS record).
    case packet([UInt8])
    /// Time passed (the deadline of the last `.timeout`).
    case timeout
}

/// An output of the association.
public enum SCTPOutput: Sendable, Equatable {
    /// An SCTP packet to send (in one DTLS record).
    case transmit([UInt8])
    case event(SCTPEvent)
    /// Poll again at this time at the latest (nil: only a new input can change anything).
    case timeout(Duration?)
}

/// Counters for reports and tests.
public struct SCTPStatistics: Sendable, Equatable {
    public var packetsSent = 0
    public var packetsReceived = 0
    /// Packets discarded: bad checksum, bad tag, malformed, out of the blue.
    public var packetsDiscarded = 0
    public var dataChunksSent = 0
    public var dataChunksRetransmitted = 0
    public var fastRetransmissions = 0
    public var retransmissionTimeouts = 0
    public var dataChunksReceived = 0
    public var duplicateDataChunks = 0
    /// DATA dropped because the receive window or reassembly limits were full.
    public var dataChunksDroppedForSpace = 0
    public var messagesSent = 0
    public var messagesDelivered = 0
    public var messagesAbandoned = 0
    public var sacksSent = 0
    public var sacksReceived = 0
    public var forwardTSNsSent = 0
    public var forwardTSNsReceived = 0
    /// Peer restarts (RFC 9260 §5.2.4 Action A) this association went through.
    public var restarts = 0
}
