/// A STUN client transaction (RFC 8489 §6.2), sans-IO: it says when to send the request again
/// and when to give up; the caller moves the bytes and supplies the time.
///
/// Over UDP the request goes out at 0, RTO, 3·RTO, 7·RTO, … (the interval doubling) until Rc
/// transmissions, then the transaction fails Rm·RTO after the last one; over TCP/TLS it is
/// sent once and fails after Ti.
public struct STUNClientTransaction: Sendable {
    /// How the request travels.
    public enum Transport: Sendable { case unreliable, reliable }

    /// The RFC's timing parameters.
    public struct Configuration: Sendable, Equatable {
        /// Initial retransmission timeout.
        public var rto: Duration
        /// Transmissions in all (Rc).
        public var maximumTransmissions: Int
        /// Multiple of RTO to wait after the last transmission (Rm).
        public var finalWaitMultiplier: Int
        /// Timeout over reliable transports (Ti).
        public var reliableTimeout: Duration

        /// RFC 8489's defaults: RTO 500 ms, Rc 7, Rm 16, Ti 39.5 s.
        public init(rto: Duration = .milliseconds(500), maximumTransmissions: Int = 7, finalWaitMultiplier: Int = 16,
                    reliableTimeout: Duration = .milliseconds(39_500)) {
            // spec: RFC8489-6.2.1-2 the initial RTO is at least 500 ms by default
            // spec: RFC8489-6.2.1-3 500 ms, the recommended value
            self.rto = rto
            // spec: RFC8489-6.2.1-10 Rc is configurable, default 7
            self.maximumTransmissions = maximumTransmissions
            // spec: RFC8489-6.2.1-12 Rm is configurable, default 16
            self.finalWaitMultiplier = finalWaitMultiplier
            // spec: RFC8489-6.2.2-2 Ti is configurable, default 39.5 s
            self.reliableTimeout = reliableTimeout
        }
    }

    /// What the transaction needs from its caller next.
    public enum Output: Sendable, Equatable {
        /// Send these bytes (the request, first or again).
        case transmit([UInt8])
        /// Nothing to do before this time (measured like `now`).
        case timeout(Duration)
        /// The transaction ended.
        case completed(Outcome)
    }

    /// How a transaction ended.
    public enum Outcome: Sendable, Equatable {
        case response(STUNMessage)
        case timedOut
    }

    public let request: [UInt8]
    public let transactionID: [UInt8]
    private let transport: Transport
    private let configuration: Configuration
    private var transmissions = 0
    private var nextEvent: Duration
    private var interval: Duration
    private var outcome: Outcome?
    private var reported = false

    /// A transaction for `request` (an encoded STUN request), started at `now`.
    public init(request: STUNMessage, transport: Transport, configuration: Configuration = Configuration(), now: Duration) {
        self.request = request.encoded
        transactionID = request.transactionID
        self.transport = transport
        self.configuration = configuration
        nextEvent = now
        interval = configuration.rto
    }

    /// Feeds a message received from the server; one with another transaction ID is ignored.
    /// Returns whether it belonged to this transaction.
    @discardableResult
    public mutating func handle(response: STUNMessage, at now: Duration) -> Bool {
        guard outcome == nil, response.transactionID == transactionID,
              response.type.messageClass == .successResponse || response.type.messageClass == .errorResponse else { return false }
        outcome = .response(response)
        return true
    }

    /// The next thing to do at `now`: drain until `.timeout` or `.completed`.
    public mutating func poll(at now: Duration) -> Output {
        if let outcome {
            reported = true
            return .completed(outcome)
        }
        guard now >= nextEvent else { return .timeout(nextEvent) }
        switch transport {
        case .reliable:
            if transmissions == 0 {
                transmissions = 1
                nextEvent = now + configuration.reliableTimeout
                return .transmit(request)
            }
            outcome = .timedOut
        case .unreliable:
            if transmissions < configuration.maximumTransmissions {
                transmissions += 1
                if transmissions == configuration.maximumTransmissions {
                    // spec: RFC8489-6.2.1-11 after the last request, wait Rm × RTO, then fail
                    nextEvent = now + configuration.rto * configuration.finalWaitMultiplier
                } else {
                    nextEvent = now + interval
                    // spec: RFC8489-6.2.1-1 retransmit starting at RTO, doubling after each retransmission
                    interval = interval * 2
                }
                return .transmit(request)
            }
            outcome = .timedOut
        }
        reported = true
        return .completed(.timedOut)
    }

    /// Whether the outcome has been reported by `poll`.
    public var isFinished: Bool { reported }
}
