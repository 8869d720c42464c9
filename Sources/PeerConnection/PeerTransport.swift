import DTLS
import DataChannel
import ICE
import RTCCrypto
import SCTP
import STUN
import Wire

/// One WebRTC transport, sans-IO: an ICE agent, the DTLS connection over the pair it selects,
/// the SCTP association over DTLS (RFC 8261) and the data channels over SCTP (RFC 8831), all on
/// one 5-tuple (max-bundle). It also derives the DTLS-SRTP keys for media.
///
/// The owner binds sockets, adds them as host candidates, feeds datagrams and timeouts through
/// ``handle(_:at:)`` and drains ``poll(at:)``; it reads no clock and opens no socket itself.
/// JSEP (``PeerConnection``) decides the ``PeerTransportParameters`` and calls ``start(_:at:)``.
public struct PeerTransport {
    public let configuration: PeerTransportConfiguration
    /// The ICE agent (its local credentials go into the description).
    public internal(set) var ice: ICEAgent
    public internal(set) var dtls: DTLSConnection?
    public internal(set) var sctp: SCTPAssociation?
    public internal(set) var channels: DataChannelEndpoint?
    public internal(set) var parameters: PeerTransportParameters?
    public internal(set) var state: PeerConnectionState = .new
    public internal(set) var dtlsState: DTLSTransportState = .new
    /// What the DTLS handshake agreed, once it completed.
    public internal(set) var dtlsInfo: DTLSConnectionInfo?
    /// SRTP master keys and salts from DTLS-SRTP, for media, once DTLS is up.
    public internal(set) var srtpKeyingMaterial: DTLSSRTPKeyingMaterial?
    public internal(set) var statistics = PeerTransportStatistics()
    /// Why the transport failed, when it did.
    public internal(set) var failureReason: String?

    var random: any RandomNumberGenerator
    var outputs = OutputQueue<PeerTransportOutput>()
    var iceDeadline: Duration?
    var sctpDeadline: Duration?
    var closed = false
    // Whether `dtls` and `sctp` exist, kept apart so the hot path never copies them to ask.
    var hasDTLS = false
    var hasSCTP = false
    /// The candidate pair ICE selected last (a change is a new path for SCTP).
    var selectedPair: ICESelectedPair?
    /// DTLS datagrams that came before the parameters (at most 8).
    var earlyDTLS: [[UInt8]] = []
    /// DTLS datagrams made before ICE had a pair to send them on (at most 16).
    var awaitingPair: [[UInt8]] = []

    // Channels: handles the application holds, mapped to stream identifiers once known.
    var nextHandle = 0
    var pendingChannels: [(handle: DataChannelHandle, label: String, options: DataChannelOptions)] = []
    var streamOfHandle: [DataChannelHandle: UInt16] = [:]
    var handleOfStream: [UInt16: DataChannelHandle] = [:]
    /// Counters of the open channels, for statistics.
    public internal(set) var channelCounters: [DataChannelHandle: DataChannelCounters] = [:]

    /// A transport whose ICE agent has fresh credentials; randomness comes from `random` only.
    public init(configuration: PeerTransportConfiguration, random: any RandomNumberGenerator) {
        self.configuration = configuration
        self.random = random
        ice = ICEAgent(configuration: configuration.ice, random: DerivedRandom(&self.random))
    }

    // MARK: Setup

    /// Adds a host candidate for a socket the owner has bound.
    public mutating func addHostCandidate(_ address: STUNTransportAddress) throws(ICEError) {
        try ice.addHostCandidate(address)
    }

    /// Starts gathering (server-reflexive candidates; host candidates are already there).
    public mutating func gather(at now: Duration) { ice.gather(at: now) }

    /// ICE restart (RFC 8445 §9): new local credentials; the selected pair carries data until a
    /// new one is selected.
    public mutating func restartICE(at now: Duration) { ice.restart(at: now) }

    /// New remote credentials after the peer restarted ICE.
    public mutating func setRemoteCredentials(_ credentials: ICECredentials, at now: Duration) {
        ice.setRemoteCredentials(credentials, at: now)
    }

    /// Adds a candidate the peer signalled (in its description or trickled).
    public mutating func addRemoteCandidate(_ candidate: ICECandidate) { ice.addRemoteCandidate(candidate) }

    /// The peer signalled end-of-candidates.
    public mutating func endOfRemoteCandidates(at now: Duration) { ice.endOfRemoteCandidates(at: now) }

    /// Applies what the descriptions decided and starts connectivity checks; DTLS follows when
    /// ICE connects, SCTP when DTLS does. A later call with other parameters (a renegotiation
    /// that changed nothing the transport uses) is ignored.
    public mutating func start(_ parameters: PeerTransportParameters, at now: Duration) throws(ICEError) {
        guard !closed, self.parameters == nil else { return }
        self.parameters = parameters
        try ice.assumeRole(parameters.remoteIsLite ? .controlling : parameters.iceRole)
        ice.setRemoteCredentials(parameters.remoteCredentials, at: now)

        var dtlsConfiguration = DTLSConfiguration(role: parameters.dtlsRole, certificate: configuration.certificate,
                                                  privateKey: configuration.privateKey,
                                                  remoteFingerprints: parameters.remoteFingerprints)
        dtlsConfiguration.maximumTransmissionUnit = configuration.maximumTransmissionUnit
        dtlsConfiguration.keyLog = configuration.keyLog
        dtlsConfiguration.cookieSecret = (0..<4).flatMap { _ in withUnsafeBytes(of: random.next()) { Array($0) } }
        var connection = DTLSConnection(configuration: dtlsConfiguration, random: DerivedRandom(&random))
        // A server waits for the ClientHello from the moment it knows the peer's fingerprint;
        // the client starts when ICE has a pair to send on.
        // spec: RFC8842-5.2-3 the actpass offerer that became server is ready for a ClientHello
        // spec: RFC8842-5.4-2 and waits for the answerer to start the handshake
        if parameters.dtlsRole == .server { connection.start(now: now) }
        dtls = connection
        hasDTLS = true
        setDTLSState(.connecting)
        for datagram in earlyDTLS {
            statistics.dtlsDatagramsReceived += 1
            dtls!.receive(datagram, now: now)
        }
        earlyDTLS.removeAll()

        if let local = parameters.localSCTPPort, let remote = parameters.remoteSCTPPort {
            startDataChannels(localPort: local, remotePort: remote, remoteMaxMessageSize: parameters.remoteMaxMessageSize, at: now)
        }
        updateState()
    }

    /// Adds the data channels (an SCTP association over DTLS) to a started transport: at start,
    /// or when a renegotiation adds the data m-section. Channels created before now are made.
    public mutating func startDataChannels(localPort: UInt16, remotePort: UInt16, remoteMaxMessageSize: Int, at now: Duration) {
        guard !closed, channels == nil, var parameters else { return }
        parameters.localSCTPPort = localPort
        parameters.remoteSCTPPort = remotePort
        parameters.remoteMaxMessageSize = remoteMaxMessageSize
        self.parameters = parameters
        // spec: RFC8832-6-5 the DTLS role decides the stream parity of this side's channels
        let role: DataChannelRole = parameters.dtlsRole == .client ? .client : .server
        var endpoint = DataChannelEndpoint(role: role, maximumStreams: configuration.maximumDataChannelStreams,
                                           maxMessageSize: remoteMaxMessageSize)
        endpoint.nonInterleavedMessageLimit = configuration.nonInterleavedMessageLimit
        for pending in pendingChannels {
            do {
                let id = try endpoint.createChannel(label: pending.label, options: pending.options)
                bind(pending.handle, to: id.stream)
            } catch {
                emit(.dataChannelFailed(pending.handle, error))
            }
        }
        pendingChannels.removeAll()
        channels = endpoint
        // Over a DTLS connection that is already up, the association starts at once.
        if dtlsState == .connected { startSCTP(at: now) }
    }

    /// Closes everything at once: SCTP ABORT, DTLS close_notify, then ICE stops (W3C close()).
    public mutating func close(at now: Duration) {
        guard !closed else { return }
        // spec: RFC9260-9-1 closing the peer connection terminates the association
        if hasSCTP { sctp!.abort(reason: "peer connection closed", at: now) }
        pump(at: now)
        if hasDTLS { dtls!.close() }
        pump(at: now)
        closed = true
        ice.close()
        drainICE(at: now)
        channels?.handle(.associationClosed)
        drainChannels(at: now)
        setDTLSState(.closed)
        setState(.closed)
    }

    // MARK: The sans-IO contract

    /// Feeds one input at `now`; then drain ``poll(at:)``.
    public mutating func handle(_ input: PeerTransportInput, at now: Duration) {
        guard !closed else { return }
        switch input {
        case let .datagram(bytes, source, destination):
            statistics.datagramsReceived += 1
            statistics.bytesReceived += bytes.count
            // spec: RFC8835-3.5-5 DTLS and RTP share one port pair, told apart by the first byte
            // spec: RFC5764-5.1.2-2 the first-byte method (with RFC 7983's ranges)
            switch PayloadKind.classify(bytes) {
            case .stun, .dtls, .rtp, .rtcp:
                // ICE takes STUN and hands other data back, from addresses it knows (RFC 8445 §12.2).
                ice.handle(.datagram(bytes, from: source, to: destination), at: now)
            case .zrtp, .turnChannel, .unknown:
                // spec: RFC5764-5.1.2-1 other packets are told apart from STUN, DTLS and RTP, and dropped
                statistics.unclassifiedDropped += 1
            }
        case .timeout:
            ice.handle(.timeout, at: now)
            if hasDTLS, let deadline = dtls!.nextTimeout, deadline <= now { dtls!.handleTimeout(now: now) }
            if hasSCTP, let deadline = sctpDeadline, deadline <= now { sctp!.handle(.timeout, at: now) }
        }
    }

    /// The next output at `now`: transmissions and events first, then when to poll again.
    public mutating func poll(at now: Duration) -> PeerTransportOutput {
        if let output = dequeue() { return output }
        pump(at: now)
        if let output = dequeue() { return output }
        // The earliest of the layers' deadlines (no array: this runs once per datagram).
        var earliest = iceDeadline
        if hasDTLS, let deadline = dtls?.nextTimeout, earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
        if hasSCTP, let deadline = sctpDeadline, earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
        return .timeout(earliest)
    }

    mutating func dequeue() -> PeerTransportOutput? {
        outputs.popFirst()
    }

    mutating func emit(_ event: PeerTransportEvent) { outputs.append(.event(event)) }

    /// Moves work between the layers until none of them has anything more to say.
    mutating func pump(at now: Duration) {
        var progress = true
        while progress {
            progress = false
            progress = drainICE(at: now) || progress
            progress = drainDTLS(at: now) || progress
            progress = drainChannels(at: now) || progress
            progress = drainSCTP(at: now) || progress
        }
    }

    // MARK: ICE

    @discardableResult
    mutating func drainICE(at now: Duration) -> Bool {
        var progress = false
        while true {
            switch ice.poll(at: now) {
            case .transmit(let transmit):
                progress = true
                statistics.datagramsSent += 1
                statistics.bytesSent += transmit.bytes.count
                outputs.append(.transmit(transmit))
            case .event(let event):
                progress = true
                handleICEEvent(event, at: now)
            case .timeout(let deadline):
                iceDeadline = deadline
                return progress
            }
        }
    }

    mutating func handleICEEvent(_ event: ICEEvent, at now: Duration) {
        switch event {
        case .localCandidate(let candidate): emit(.localCandidate(candidate))
        case .gatheringComplete: emit(.gatheringComplete)
        case .stateChanged(let iceState):
            emit(.iceStateChanged(iceState))
            if iceState == .connected || iceState == .completed, !awaitingPair.isEmpty {
                let waiting = awaitingPair
                awaitingPair.removeAll()
                for datagram in waiting { sendDTLS(datagram) }
            }
            if iceState == .connected || iceState == .completed, hasDTLS, dtls!.state == .idle {
                // spec: RFC8842-5.3-7 the active side (the DTLS client) starts the handshake
                // spec: RFC8842-5.4-1 an offerer that became the client starts it too
                // spec: RFC8827-6.3-3 and only once ICE has verified the peer is reachable
                dtls!.start(now: now)
            }
            if iceState == .failed { fail("ICE failed: no candidate pair works, or consent expired") }
            updateState()
        case .selectedPair(let pair):
            // spec: RFC8831-5-2 SCTP hears when the path under it changes
            if let previous = selectedPair, previous != pair, hasSCTP { sctp!.pathChanged(at: now) }
            selectedPair = pair
            emit(.selectedPair(pair))
        case .received(let bytes, _, _):
            switch PayloadKind.classify(bytes) {
            case .dtls:
                guard hasDTLS else {
                    // spec: RFC8842-5.2-3 the offerer is ready for a ClientHello before the answer arrives
                    // A few are kept, not dropped: the answerer's client starts as soon as its
                    // ICE connects, which can be before our answer is applied.
                    if earlyDTLS.count < 8 { earlyDTLS.append(bytes) } else { statistics.unclassifiedDropped += 1 }
                    return
                }
                statistics.dtlsDatagramsReceived += 1
                dtls!.receive(bytes, now: now)
            case .rtp, .rtcp:
                statistics.rtpDropped += 1
            default:
                statistics.unclassifiedDropped += 1
            }
        case .consentExpired:
            fail("consent to send expired (RFC 7675)")
        case .roleChanged, .resolveHostname, .openTCP, .closeTCP:
            // No mDNS resolver or ICE-TCP sockets at this layer yet: the owner sees nothing to do.
            break
        }
    }

    // MARK: DTLS

    @discardableResult
    mutating func drainDTLS(at now: Duration) -> Bool {
        guard hasDTLS else { return false }
        var progress = false
        while let datagram = dtls!.pollDatagram() {
            progress = true
            sendDTLS(datagram)
        }
        while let event = dtls!.pollEvent() {
            progress = true
            switch event {
            case .connected(let info):
                dtlsInfo = info
                setDTLSState(.connected)
                emit(.dtlsConnected(info))
                srtpKeyingMaterial = try? dtls!.srtpKeyingMaterial()
                // spec: RFC8261-6.1-1 the SCTP association starts only over an established DTLS connection
                // spec: RFC8835-3.5-2 data channels run SCTP over DTLS over ICE
                startSCTP(at: now)
                updateState()
            case .applicationData(let bytes):
                // SCTP packets are DTLS application data (RFC 8261 §3).
                if configuration.tapsSCTP { emit(.sctpPacket(bytes, sent: false)) }
                if hasSCTP { sctp!.handle(.packet(bytes), at: now) }
            case .closed:
                setDTLSState(.closed)
                sctp = nil
                hasSCTP = false
                channels?.handle(.associationClosed)
                updateState()
            case .failed(let error):
                setDTLSState(.failed)
                fail("DTLS failed: \(error)")
            case .keyLog(let line):
                emit(.keyLog(line))
            }
        }
        return progress
    }

    /// Sends a DTLS datagram on the selected (or a valid) pair. Before ICE has one, a few wait
    /// for it: a server answering an early ClientHello must not lose its flight.
    mutating func sendDTLS(_ datagram: [UInt8]) {
        do {
            try ice.send(datagram)
        } catch .notConnected where awaitingPair.count < 16 {
            // spec: RFC8827-6.3-3 nothing but ICE goes to the peer before ICE has verified it is reachable
            awaitingPair.append(datagram)
        } catch {
            statistics.dtlsDatagramsNotSent += 1
        }
    }

    mutating func startSCTP(at now: Duration) {
        guard let parameters, let local = parameters.localSCTPPort, let remote = parameters.remoteSCTPPort, !hasSCTP else { return }
        var sctpConfiguration = configuration.sctp
        // spec: RFC8841-9.3-2 each side's a=sctp-port is its port in both directions
        sctpConfiguration.localPort = local
        sctpConfiguration.remotePort = remote
        // One SCTP packet fills one DTLS record that fits the datagram (RFC 8261 §5).
        if hasDTLS { sctpConfiguration.maximumPacketSize = min(sctpConfiguration.maximumPacketSize, dtls!.maximumApplicationDataSize) }
        do {
            // spec: RFC8831-5-5 the initial path MTU at the IP layer is at most 1200 bytes (IPv4) or 1280 (IPv6)
            // (IP and UDP headers, a TURN Send indication's when relayed, and the DTLS record's overhead);
            // before ICE has selected a pair, the IPv4 limit
            let pair = selectedPair ?? ice.selectedPair
            let v6 = pair?.destination.isIPv6 ?? false
            let relayed = pair?.local.type == .relay
            let headers = (v6 ? 48 : 28) + (relayed ? (v6 ? 48 : 36) : 0) + DTLSConnection.recordOverhead
            sctpConfiguration.maximumPacketSize = min(sctpConfiguration.maximumPacketSize, (v6 ? 1280 : 1200) - headers)
        }
        // spec: RFC8261-4-1 path MTU discovery without ICMP, up to what one DTLS record carries
        sctpConfiguration.maximumProbePacketSize = min(configuration.pathMTUProbeCeiling, 1 << 14)
        var association = SCTPAssociation(configuration: sctpConfiguration, random: DerivedRandom(&random))
        // spec: RFC8841-9.3-1 both endpoints initiate: both send INIT (SCTP resolves the collision)
        association.connect(at: now)
        sctp = association
        hasSCTP = true
    }

    // MARK: SCTP

    @discardableResult
    mutating func drainSCTP(at now: Duration) -> Bool {
        guard hasSCTP else { return false }
        var progress = false
        while true {
            switch sctp!.poll(at: now) {
            case .transmit(let packet):
                progress = true
                if configuration.tapsSCTP { emit(.sctpPacket(packet, sent: true)) }
                do {
                    guard hasDTLS else { throw DTLSError.notConnected }
                    // spec: RFC8831-6.1-1 SCTP packets travel in DTLS records (RFC 8261)
                    try dtls!.send(packet)
                } catch {
                    statistics.sctpPacketsNotSent += 1
                }
            case .event(let event):
                progress = true
                handleSCTPEvent(event)
            case .timeout(let deadline):
                sctpDeadline = deadline
                return progress
            }
            if !hasSCTP { return progress }
        }
    }

    mutating func handleSCTPEvent(_ event: SCTPEvent) {
        switch event {
        case let .connected(outbound, inbound, _, interleaving, _):
            emit(.sctpConnected(outboundStreams: outbound, inboundStreams: inbound, interleaving: interleaving))
            channels?.messageInterleaving = interleaving
            channels?.handle(.associationEstablished(maxOutboundStreams: outbound, maxInboundStreams: inbound))
        case .message(let message):
            statistics.messagesReceived += 1
            statistics.messageBytesReceived += message.payload.count
            channels?.handle(.message(stream: message.stream, ppid: DataChannelPPID(rawValue: message.payloadProtocolIdentifier),
                                      payload: message.payload))
        case let .sent(stream, count):
            channels?.handle(.sent(stream: stream, byteCount: count))
        case .incomingStreamsReset(let streams):
            channels?.handle(.incomingStreamsReset(streams))
        case .outgoingStreamsReset(let streams):
            channels?.handle(.outgoingStreamsResetDone(streams))
        case .outgoingStreamsResetFailed, .peerError:
            break
        case .restarted:
            // The peer's SCTP stack started over: its data channels (and their DCEP state) are gone.
            channels?.handle(.associationAborted(reason: "the SCTP peer restarted"))
        case .closed(.shutdown):
            channels?.handle(.associationClosed)
        case .closed(let reason):
            channels?.handle(.associationAborted(reason: "\(reason)"))
        }
    }

    // MARK: State

    mutating func fail(_ reason: String) {
        if failureReason == nil { failureReason = reason; emit(.failed(reason)) }
        updateState()
    }

    mutating func setDTLSState(_ new: DTLSTransportState) {
        guard new != dtlsState else { return }
        dtlsState = new
        emit(.dtlsStateChanged(new))
    }

    mutating func setState(_ new: PeerConnectionState) {
        guard new != state, state != .closed else { return }
        state = new
        emit(.connectionStateChanged(new))
    }

    /// The W3C aggregate of the ICE and DTLS states.
    mutating func updateState() {
        guard !closed else { return }
        let iceState = ice.connectionState
        if failureReason != nil || iceState == .failed || dtlsState == .failed {
            setState(.failed)
        } else if dtlsState == .closed {
            setState(.closed)
        } else if (iceState == .connected || iceState == .completed) && dtlsState == .connected {
            setState(.connected)
        } else if iceState == .checking || dtlsState == .connecting {
            setState(.connecting)
        }
    }
}

/// Gives each layer a generator of its own from the owner's: a copy of the owner's generator
/// whose output is XORed with a SplitMix64 stream salted by a draw from the owner. With a
/// CSPRNG underneath every output stays as unpredictable as the CSPRNG's (XOR with values
/// independent of it); with a seeded generator in tests each layer still gets a distinct stream.
struct DerivedRandom: RandomNumberGenerator {
    var base: any RandomNumberGenerator
    var salt: UInt64

    init(_ owner: inout any RandomNumberGenerator) {
        salt = owner.next()
        base = owner
        _ = owner.next()
    }

    mutating func next() -> UInt64 {
        salt &+= 0x9E37_79B9_7F4A_7C15
        var z = salt
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return base.next() ^ z ^ (z >> 31)
    }
}
