import DataChannel
import ICE
import RTCCrypto
import STUN
import Wire

/// A WebRTC peer connection, sans-IO: JSEP (RFC 8829) offer/answer over one ``PeerTransport``.
///
/// The owner binds UDP sockets and adds them with ``addHostCandidate(_:)``, exchanges the
/// descriptions and candidates this produces with the peer by any means, feeds datagrams and
/// timeouts through ``handle(_:at:)`` and drains ``poll(at:)``. Media sections a peer offers are
/// answered as rejected until media lands; the model keeps them, so m-line indices and mids match.
public struct PeerConnection {
    public let configuration: PeerConnectionConfiguration
    public internal(set) var transport: PeerTransport
    public internal(set) var signalingState: SignalingState = .stable
    /// The descriptions in force and the ones being negotiated (W3C current/pending).
    public internal(set) var currentLocalDescription: JSEPDescription?
    public internal(set) var currentRemoteDescription: JSEPDescription?
    public internal(set) var pendingLocalDescription: JSEPDescription?
    public internal(set) var pendingRemoteDescription: JSEPDescription?
    /// Whether this side made the offer of the last exchange (it controls ICE, RFC 8829 §5.2.1).
    public internal(set) var isOfferer: Bool?

    var random: any RandomNumberGenerator
    var outputs = OutputQueue<PeerConnectionOutput>()
    let sessionID: UInt64
    var sessionVersion: UInt64 = 0
    /// The last SDP createOffer/createAnswer returned, to refuse altered descriptions.
    var lastCreated: (type: SessionDescriptionType, sdp: String, model: JSEPDescription)?
    var wantsDataSection = false
    var dataMid: String?
    var nextMid = 0
    var localCandidates: [ICECandidate] = []
    var gatheringComplete = false
    /// Whether the candidates gathered before the first local description were trickled.
    var announcedCandidates = false
    var pendingRestart = false
    /// The media transceivers, in the order they were made.
    public internal(set) var transceivers: [RTPTransceiver] = []
    var nextTransceiver = 0
    /// Mids given to new transceivers by an offer not applied yet.
    var pendingMids: [TransceiverHandle: String] = [:]
    /// This side's `a=tls-id`: one DTLS association for the connection's life (RFC 8842 §4).
    let localTLSID: String

    /// A peer connection; all randomness (ICE credentials, DTLS, SCTP, session id) comes from `random`.
    public init(configuration: PeerConnectionConfiguration, random: any RandomNumberGenerator) {
        self.configuration = configuration
        self.random = random
        // spec: RFC8829-5.2.1-4 the session id fits a signed 64-bit integer, below 2^63 - 1
        sessionID = self.random.next() & 0x3FFF_FFFF_FFFF_FFFF
        // spec: RFC8842-4-2 the tls-id has at least 120 random bits (here 128, as 32 hex digits)
        let high = self.random.next(), low = self.random.next()
        localTLSID = [high, low].map { String(repeating: "0", count: 16 - String($0, radix: 16).count) + String($0, radix: 16) }.joined()
        transport = PeerTransport(configuration: configuration.transport, random: DerivedRandom(&self.random))
    }

    // MARK: Sockets and the sans-IO contract

    /// Adds a host candidate for a socket the owner bound.
    public mutating func addHostCandidate(_ address: STUNTransportAddress) throws(ICEError) {
        try transport.addHostCandidate(address)
    }

    /// Feeds one input at `now`; then drain ``poll(at:)``.
    public mutating func handle(_ input: PeerTransportInput, at now: Duration) {
        transport.handle(input, at: now)
    }

    /// The next output at `now`.
    public mutating func poll(at now: Duration) -> PeerConnectionOutput {
        if let output = dequeue() { return output }
        while true {
            switch transport.poll(at: now) {
            case .transmit(let transmit): return .transmit(transmit)
            case .event(let event):
                observe(event)
                outputs.append(.event(.transport(event)))
                if let output = dequeue() { return output }
            case .timeout(let deadline):
                if let output = dequeue() { return output }
                return .timeout(deadline)
            }
        }
    }

    mutating func dequeue() -> PeerConnectionOutput? {
        outputs.popFirst()
    }

    mutating func emit(_ event: PeerConnectionEvent) { outputs.append(.event(event)) }

    /// Candidates become trickle events with the m-section they belong to (the bundle tag).
    mutating func observe(_ event: PeerTransportEvent) {
        switch event {
        case .localCandidate(let candidate):
            if !localCandidates.contains(candidate) { localCandidates.append(candidate) }
            if let description = pendingLocalDescription ?? currentLocalDescription, let tag = description.bundleTagIndex {
                announcedCandidates = true
                emit(.localCandidate(ICECandidateInit(candidate: candidate.sdpAttribute, sdpMid: description.sections[tag].mid,
                                                      sdpMLineIndex: tag)))
            }
        case .gatheringComplete:
            gatheringComplete = true
            if pendingLocalDescription ?? currentLocalDescription != nil { emit(.endOfLocalCandidates) }
        default:
            break
        }
    }

    // MARK: Data channels

    /// Creates a data channel; the first one asks for negotiation (an m=application section).
    public mutating func createDataChannel(label: String, options: DataChannelOptions = DataChannelOptions())
        throws(PeerTransportError) -> DataChannelHandle {
        guard signalingState != .closed else { throw .closed }
        let handle = try transport.createDataChannel(label: label, options: options)
        if !wantsDataSection {
            wantsDataSection = true
            if dataMid == nil { emit(.negotiationNeeded) }
        }
        return handle
    }

    // MARK: Transceivers

    /// Adds a transceiver for `kind` (audio or video) media (W3C `addTransceiver`); the next
    /// offer gives it an m-section. Media over it lands with the media issues.
    public mutating func addTransceiver(_ kind: MediaKind, direction: RTPTransceiverDirection = .sendrecv)
        throws(JSEPError) -> TransceiverHandle {
        guard signalingState != .closed else { throw .closed }
        guard kind == .audio || kind == .video else { throw .unsupported("a transceiver for \(kind.rawValue)") }
        let handle = TransceiverHandle(nextTransceiver)
        nextTransceiver += 1
        transceivers.append(RTPTransceiver(handle: handle, kind: kind, direction: direction))
        emit(.negotiationNeeded)
        return handle
    }

    /// Changes what the application wants of a transceiver; negotiation is needed when it differs.
    public mutating func setDirection(_ direction: RTPTransceiverDirection, of handle: TransceiverHandle) {
        guard let index = transceivers.firstIndex(where: { $0.handle == handle }), !transceivers[index].stopped,
              transceivers[index].direction != direction else { return }
        transceivers[index].direction = direction
        emit(.negotiationNeeded)
    }

    /// Stops a transceiver: its m-section is rejected in the next offer and may be recycled.
    public mutating func stopTransceiver(_ handle: TransceiverHandle) {
        guard let index = transceivers.firstIndex(where: { $0.handle == handle }), !transceivers[index].stopped else { return }
        transceivers[index].stopped = true
        transceivers[index].currentDirection = nil
        emit(.negotiationNeeded)
    }

    /// Sends a message on `channel`.
    public mutating func send(_ message: DataChannelMessage, on channel: DataChannelHandle) throws(PeerTransportError) {
        try transport.send(message, on: channel)
    }

    /// Bytes queued on `channel` and not yet sent.
    public func bufferedAmount(of channel: DataChannelHandle) -> Int { transport.bufferedAmount(of: channel) }

    /// Sets the threshold under which `channel` reports `.bufferedAmountLow`.
    public mutating func setBufferedAmountLowThreshold(_ threshold: Int, for channel: DataChannelHandle) throws(PeerTransportError) {
        try transport.setBufferedAmountLowThreshold(threshold, for: channel)
    }

    /// Starts closing `channel`.
    public mutating func closeDataChannel(_ channel: DataChannelHandle) throws(PeerTransportError) {
        try transport.closeDataChannel(channel)
    }

    /// Closes the connection: SCTP ABORT, DTLS close_notify, ICE stops.
    public mutating func close(at now: Duration) {
        guard signalingState != .closed else { return }
        transport.close(at: now)
        setSignalingState(.closed)
    }

    mutating func setSignalingState(_ state: SignalingState) {
        guard state != signalingState else { return }
        signalingState = state
        emit(.signalingStateChanged(state))
    }

    /// The local and remote descriptions as SDP (pending first, as W3C's localDescription).
    public var localDescription: RTCSessionDescription? {
        guard let model = pendingLocalDescription ?? currentLocalDescription else { return nil }
        var withCandidates = model
        addGatheredCandidates(to: &withCandidates)
        return RTCSessionDescription(type: pendingLocalDescription != nil ? (signalingState == .haveLocalOffer ? .offer : .pranswer)
                                                                       : (isOfferer == true ? .offer : .answer),
                                  sdp: withCandidates.sdpText)
    }

    /// Puts the candidates gathered so far (and end-of-candidates) into the bundle tag's section.
    // spec: RFC8839-4.3.1-1 the offer's section carries a candidate line for each candidate
    func addGatheredCandidates(to description: inout JSEPDescription) {
        guard let index = description.sections.firstIndex(where: { !$0.isRejected && !$0.bundleOnly }) else { return }
        description.sections[index].candidates = localCandidates
        description.sections[index].endOfCandidates = gatheringComplete
        if let first = localCandidates.first, first.address != nil {
            description.sections[index].defaultAddress = first.address
        }
    }
}
