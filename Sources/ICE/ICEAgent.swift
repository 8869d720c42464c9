import STUN
import Wire

/// A full ICE agent (RFC 8445) with Trickle ICE (RFC 8838) and consent freshness (RFC 7675),
/// sans-IO: it never opens a socket or reads a clock. The owner adds host addresses, passes the
/// peer's credentials and candidates, feeds datagrams and time, and drains `poll`:
///
/// ```swift
/// var agent = ICEAgent(configuration: .init(role: .controlling), random: generator)
/// try agent.addHostCandidate(hostAddress)
/// agent.handle(.datagram(bytes, from: remote, to: local), at: now)
/// loop: switch agent.poll(at: now) { case .transmit, .event: continue; case .timeout(let t): wait until t }
/// ```
///
/// One data stream with one component (RTP/RTCP multiplexing and BUNDLE, as WebRTC uses), UDP.
public struct ICEAgent {
    public let configuration: Configuration
    public internal(set) var role: ICERole
    public internal(set) var localCredentials: ICECredentials
    public internal(set) var remoteCredentials: ICECredentials?
    public internal(set) var connectionState: ICEConnectionState = .new
    public internal(set) var gatheringState: ICEGatheringState = .new
    public internal(set) var statistics = ICEStatistics()

    var random: any RandomNumberGenerator
    /// The value in ICE-CONTROLLING/ICE-CONTROLLED; changes only after a 487 (RFC 8445 §16.1).
    var tiebreaker: UInt64
    var locals: [LocalCandidate] = []
    var remotes: [ICECandidate] = []
    var pairs: [CandidatePair] = []
    var triggeredQueue: [Int] = []
    var transactions: [[UInt8]: Transaction] = [:]
    var outputs = OutputQueue<ICEOutput>()
    var nextPacedStart: Duration = .zero
    var gatherQueue: [(base: STUNTransportAddress, server: STUNTransportAddress)] = []
    var remoteEndOfCandidates = false
    var firstValidAt: Duration?
    var nominatingPairID: Int?
    var selectedPairID: Int?
    var nextConsentCheck: Duration?
    var lastConsent: Duration?
    var pendingHostnames: [String: [ICECandidate]] = [:]
    var nextPrflxFoundation = 0
    var foundations: [String: String] = [:]
    /// Remote candidates before this index belong to an earlier generation (before a restart).
    var generationStart = 0
    /// Counts ICE restarts; pairs remember the generation that formed them.
    var generation = 0
    /// A pair was selected in this generation (checks and nomination are over).
    var concluded = false
    /// Consent expired in this generation: no checks or data until an ICE restart.
    var consentLost = false
    var tcpConnections: [ICEConnectionHandle: TCPConnection] = [:]
    var nextOpenedConnection = 0
    /// Set when `poll` last ran the timers and found nothing to do before this deadline (nil:
    /// none); any input but pass-through data clears it. Data flows through `handle` and `poll`
    /// per datagram, and the timers (checks, consent, nomination) need looking at only when a
    /// deadline passes or something other than data came in.
    var idleUntil: Duration?? = nil

    /// A local candidate and the socket (base) it sends from.
    struct LocalCandidate {
        var candidate: ICECandidate
        var base: STUNTransportAddress
        var address: STUNTransportAddress { candidate.address! }
    }

    /// A pair of a local and a remote candidate (indices into `locals` and `remotes`).
    struct CandidatePair {
        let id: Int
        let local: Int
        let remote: Int
        var priority: UInt64
        var state: ICECandidatePairState
        var foundation: String
        /// In the checklist (the valid list also holds pairs made from mapped addresses).
        var inChecklist: Bool
        var valid = false
        var nominated = false
        /// The valid pair a successful check of this pair produced.
        var validPairID: Int?
        /// USE-CANDIDATE arrived while this pair's own check was under way (controlled side).
        var nominateOnSuccess = false
        /// The ICE generation (restart count) the pair belongs to.
        var generation = 0
        /// The TCP connection of an ICE-TCP pair, once there is one.
        var connection: ICEConnectionHandle? = nil
    }

    /// An outstanding STUN transaction the agent started.
    struct Transaction {
        enum Purpose: Equatable {
            case check(pair: Int, useCandidate: Bool, role: ICERole)
            case consent(pair: Int)
            case gather(base: STUNTransportAddress, server: STUNTransportAddress)
        }
        var stun: STUNClientTransaction
        var purpose: Purpose
        var source: STUNTransportAddress
        var destination: STUNTransportAddress
        /// The TCP connection it travels on (nil: UDP).
        var connection: ICEConnectionHandle? = nil
        /// A triggered check replaced it: no more retransmissions, but a late answer still counts.
        var cancelled = false
    }

    /// An agent with fresh credentials and tiebreaker from `random`.
    public init(configuration: Configuration, random: any RandomNumberGenerator) {
        self.configuration = configuration
        self.role = configuration.role
        self.random = random
        localCredentials = ICECredentials.generate(using: &self.random)
        tiebreaker = self.random.next()
        // spec: RFC8445-6.1.1-2 a full agent facing a lite peer is controlling
        if configuration.remoteIsLite { role = .controlling }
    }

    // MARK: The sans-IO contract

    /// Feeds one input at `now`; then drain `poll(at:)`.
    public mutating func handle(_ input: ICEInput, at now: Duration) {
        switch input {
        case .datagram(let bytes, let source, let destination):
            // Data (not STUN) changes nothing the timers look at: the idle deadline stands.
            if !STUNMessage.looksLikeSTUN(bytes), connectionState != .closed {
                receiveData(bytes, from: source, to: destination)
                return
            }
            idleUntil = nil
            receive(bytes, from: source, to: destination, connection: nil, at: now)
        case .timeout:
            break
        case .tcpConnected, .tcpFailed, .tcpAccepted, .tcpData:
            idleUntil = nil
            guard connectionState != .closed else { return }
            handleTCP(input, at: now)
        }
    }

    /// The next output at `now`: transmissions and events first, then the time to poll again.
    public mutating func poll(at now: Duration) -> ICEOutput {
        if let output = dequeueOutput() { return output }
        if let idle = idleUntil, idle.map({ now < $0 }) ?? true { return .timeout(idle) }
        runTimers(at: now)
        if let output = dequeueOutput() { idleUntil = nil; return output }
        let deadline = nextDeadline(after: now)
        idleUntil = .some(deadline)
        return .timeout(deadline)
    }

    private mutating func dequeueOutput() -> ICEOutput? {
        outputs.popFirst()
    }

    mutating func emit(_ event: ICEEvent) { outputs.append(.event(event)) }

    /// Sends `bytes` as a UDP datagram, or on `connection` (framed) when it is set.
    mutating func transmit(_ bytes: [UInt8], from source: STUNTransportAddress, to destination: STUNTransportAddress,
                           connection: ICEConnectionHandle? = nil) {
        if let connection {
            transmitTCP(bytes, on: connection)
        } else {
            outputs.append(.transmit(ICETransmit(source: source, destination: destination, bytes: bytes)))
        }
    }

    mutating func setState(_ state: ICEConnectionState) {
        guard state != connectionState, connectionState != .closed else { return }
        connectionState = state
        emit(.stateChanged(state))
    }

    // MARK: Candidates and credentials

    /// Adds a host candidate for `address` (the socket the owner has bound) and reports it.
    /// Several host addresses of one type get distinct local preferences (RFC 8445 §5.1.2.1).
    public mutating func addHostCandidate(_ address: STUNTransportAddress) throws(ICEError) {
        idleUntil = nil
        guard connectionState != .closed else { throw .closed }
        // spec: RFC8838-13-6 no candidates after end-of-candidates
        guard gatheringState != .complete else { throw .gatheringComplete }
        if let reason = Self.exclusionReason(address.address, allowsLoopback: configuration.allowsLoopback) {
            throw .excludedHostAddress(address, reason: reason)
        }
        guard !locals.contains(where: { $0.base == address }) else { throw .duplicateHostAddress(address) }
        let hostCount = locals.filter { $0.candidate.type == .host }.count
        // spec: RFC8445-5.1.2-1 a unique priority within 1…2^31−1 for each candidate
        // spec: RFC8445-5.1.2.1-4 one address: local preference 65535
        // spec: RFC8445-5.1.2.1-5 several of one type: each its own local preference
        let localPreference = UInt16(65_535 - min(hostCount, 65_535))
        let candidate = ICECandidate(
            foundation: foundation(for: "host|\(address.address)"),
            priority: ICECandidate.priority(type: .host, localPreference: localPreference, component: 1),
            address: address, type: .host)
        locals.append(LocalCandidate(candidate: candidate, base: address))
        emit(.localCandidate(candidate))
        for remote in remotes.indices { addPair(local: locals.count - 1, remote: remote) }
    }

    /// Why a host address must not become a candidate, or nil.
    static func exclusionReason(_ bytes: [UInt8], allowsLoopback: Bool) -> String? {
        if bytes.count == 4 {
            // spec: RFC8445-5.1.1.1-4 no loopback addresses (unless configured for tests)
            if bytes[0] == 127, !allowsLoopback { return "loopback (RFC 8445 §5.1.1.1)" }
            return nil
        }
        if bytes[0..<15].allSatisfy({ $0 == 0 }), bytes[15] == 1, !allowsLoopback { return "loopback (RFC 8445 §5.1.1.1)" }
        // spec: RFC8445-5.1.1.1-5 no IPv4-compatible or site-local IPv6 addresses
        if bytes[0] == 0xfe, bytes[1] & 0xc0 == 0xc0 { return "IPv6 site-local (RFC 8445 §5.1.1.1)" }
        if bytes[0..<12].allSatisfy({ $0 == 0 }), !bytes[12..<16].allSatisfy({ $0 == 0 }), !(bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1) {
            return "IPv4-compatible IPv6 (RFC 8445 §5.1.1.1)"
        }
        // spec: RFC8445-5.1.1.1-6 no IPv4-mapped IPv6 addresses
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff { return "IPv4-mapped IPv6 (RFC 8445 §5.1.1.1)" }
        return nil
    }

    /// The same foundation for the same (type, base IP, server, transport), a new one otherwise
    /// (RFC 8445 §5.1.1.3).
    mutating func foundation(for key: String) -> String {
        if let existing = foundations[key] { return existing }
        let value = String(foundations.count + 1)
        foundations[key] = value
        return value
    }

    /// The peer's username fragment and password (from its description). New values after an
    /// ICE restart start a new checklist; the selected pair keeps carrying data meanwhile.
    public mutating func setRemoteCredentials(_ credentials: ICECredentials, at now: Duration) {
        idleUntil = nil
        guard credentials != remoteCredentials else { return }
        let restarting = remoteCredentials != nil
        remoteCredentials = credentials
        if restarting { beginNewGeneration() }
        if connectionState == .new { setState(.checking) }
    }

    /// Adds a remote candidate (from the description or trickled). Ignored after the peer's
    /// end-of-candidates; a `.local` host name is first resolved through the owner.
    public mutating func addRemoteCandidate(_ candidate: ICECandidate) {
        idleUntil = nil
        // spec: RFC8838-14-2 candidates after end-of-candidates are ignored
        guard !remoteEndOfCandidates, connectionState != .closed else { statistics.ignoredRemoteCandidates += 1; return }
        guard candidate.component == 1,
              candidate.transport == .udp || candidate.tcpType == "active" || candidate.tcpType == "passive" else {
            statistics.ignoredRemoteCandidates += 1
            return
        }
        if candidate.needsResolution, let name = candidate.hostname {
            guard name.hasSuffix(".local") else { statistics.ignoredRemoteCandidates += 1; return }
            if pendingHostnames[name] == nil { emit(.resolveHostname(name)) }
            pendingHostnames[name, default: []].append(candidate)
            return
        }
        guard let address = candidate.address else { return }
        if let existing = remotes.lastIndex(where: { $0.address == address && $0.transport == candidate.transport && $0.type != .prflx }), !isOldGeneration(remote: existing) {
            statistics.ignoredRemoteCandidates += 1
            return
        }
        // spec: RFC8838-11-2 a peer-reflexive candidate learned from a check gives way to the signalled one
        if let learned = remotes.lastIndex(where: { $0.address == address && $0.transport == candidate.transport && $0.type == .prflx }), !isOldGeneration(remote: learned) {
            remotes[learned].type = candidate.type
            remotes[learned].foundation = candidate.foundation
            remotes[learned].priority = candidate.priority
            return
        }
        // spec: RFC8445-19.5.1-2 the number of remote candidates is limited
        guard remotes.count < configuration.maximumRemoteCandidates else { statistics.ignoredRemoteCandidates += 1; return }
        remotes.append(candidate)
        for local in locals.indices {
            addPair(local: local, remote: remotes.count - 1)
        }
        if connectionState == .new, remoteCredentials != nil { setState(.checking) }
    }

    /// The answer to `.resolveHostname`: the addresses the name resolved to (empty: it did not).
    public mutating func resolved(hostname: String, to addresses: [[UInt8]]) {
        idleUntil = nil
        guard let waiting = pendingHostnames.removeValue(forKey: hostname) else { return }
        for candidate in waiting {
            for bytes in addresses where bytes.count == 4 || bytes.count == 16 {
                var resolved = candidate
                resolved.address = STUNTransportAddress(address: bytes, port: candidate.port)
                resolved.hostname = nil
                addRemoteCandidate(resolved)
            }
        }
    }

    /// The peer signalled end-of-candidates (RFC 8838 §13): once every pair has failed, the
    /// agent fails instead of waiting for more.
    public mutating func endOfRemoteCandidates(at now: Duration) {
        idleUntil = nil
        remoteEndOfCandidates = true
        evaluateFailure()
    }

    /// ICE restart (RFC 8445 §9): new local credentials to signal with new candidates. The
    /// selected pair keeps carrying data (with consent checks) until a new pair is selected.
    public mutating func restart(at now: Duration) {
        idleUntil = nil
        // spec: RFC8445-9-3 a restart changes both the username fragment and the password
        var fresh = ICECredentials.generate(using: &random)
        while fresh.usernameFragment == localCredentials.usernameFragment || fresh.password == localCredentials.password {
            fresh = ICECredentials.generate(using: &random)
        }
        localCredentials = fresh
        beginNewGeneration()
        for index in locals.indices where locals[index].candidate.type == .host || locals[index].candidate.type == .relay {
            emit(.localCandidate(locals[index].candidate))
        }
        if gatheringState == .complete { emit(.gatheringComplete) }
    }

    /// Clears the checklist for a new generation; the selected pair stays for data and consent.
    mutating func beginNewGeneration() {
        // spec: RFC7675-5.1-10 the previously selected pair keeps its consent checks during the restart
        generationStart = remotes.count
        generation += 1
        concluded = false
        consentLost = false
        for index in pairs.indices {
            pairs[index].inChecklist = false
            pairs[index].nominated = false
            if pairs[index].state != .succeeded { pairs[index].state = .failed }
            if pairs[index].id != selectedPairID { pairs[index].valid = false }
        }
        triggeredQueue.removeAll()
        for (id, transaction) in transactions {
            if case .check = transaction.purpose { transactions[id] = nil }
        }
        remoteEndOfCandidates = false
        if selectedPairID == nil {
            lastConsent = nil
            nextConsentCheck = nil
        }
        nominatingPairID = nil
        firstValidAt = nil
        if selectedPairID == nil, connectionState == .connected || connectionState == .completed || connectionState == .failed {
            connectionState = .checking
            emit(.stateChanged(.checking))
        }
    }

    func isOldGeneration(remote: Int) -> Bool { remote < generationStart }

    /// Takes `newRole` before checks start. JSEP decides the role by who offered (the offerer
    /// controls, RFC 8829 §5.2.1 and §5.3.1), which the owner may learn after making the agent.
    /// Later changes come only from role conflicts (RFC 8445 §7.3.1.1).
    public mutating func assumeRole(_ newRole: ICERole) throws(ICEError) {
        idleUntil = nil
        guard connectionState == .new || newRole == role else { throw .checksStarted }
        role = newRole
        recomputePriorities()
    }

    /// Stops everything: no more transmissions or events after the state change.
    public mutating func close() {
        idleUntil = nil
        for handle in tcpConnections.keys { emit(.closeTCP(handle)) }
        tcpConnections.removeAll()
        transactions.removeAll()
        triggeredQueue.removeAll()
        selectedPairID = nil
        setState(.closed)
    }

    // MARK: Data

    /// Sends application data on the selected pair (before nomination, on the best valid pair).
    public mutating func send(_ data: [UInt8]) throws(ICEError) {
        guard connectionState != .closed else { throw .closed }
        // spec: RFC7675-5.1-1 no data before the peer consented (a check succeeded)
        // spec: RFC8445-12.1-2 once selected, data goes on the selected pair only
        // spec: RFC8445-12.1-1 before selection, data may go on a valid pair
        guard let id = selectedPairID ?? bestValidPair() else {
            throw connectionState == .failed && lastConsent != nil ? .consentExpired : .notConnected
        }
        let pair = pairs[id]
        statistics.dataSent += 1
        // spec: RFC6544-10.1-1 on a TCP pair, data goes on its connection
        transmit(data, from: locals[pair.local].base, to: remotes[pair.remote].address!, connection: pair.connection)
    }

    /// The pair data goes on, if any.
    public var selectedPair: ICESelectedPair? { selectedPairID.map(describe) }

    func describe(_ id: Int) -> ICESelectedPair {
        let pair = pairs[id]
        return ICESelectedPair(local: locals[pair.local].candidate, remote: remotes[pair.remote],
                               source: locals[pair.local].base, destination: remotes[pair.remote].address!)
    }

    /// The checklist as (local, remote, state, nominated), highest priority first, for tests and tools.
    public var checklist: [(local: ICECandidate, remote: ICECandidate, state: ICECandidatePairState, nominated: Bool)] {
        pairs.filter(\.inChecklist).sorted { $0.priority > $1.priority }
            .map { (locals[$0.local].candidate, remotes[$0.remote], $0.state, $0.nominated) }
    }

    /// The local candidates so far (host, server-reflexive and peer-reflexive).
    public var localCandidates: [ICECandidate] { locals.map(\.candidate) }
}
