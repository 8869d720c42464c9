import STUN

/// The checklist: forming pairs, their priorities and states, pacing and starting checks,
/// and regular nomination (RFC 8445 §6.1.2, §6.1.4, §7.2, §8.1).
extension ICEAgent {
    /// The pair priority of RFC 8445 §6.1.2.3, from G (the controlling side's candidate) and D.
    public static func pairPriority(controlling g: UInt32, controlled d: UInt32) -> UInt64 {
        UInt64(min(g, d)) << 32 + 2 * UInt64(max(g, d)) + (g > d ? 1 : 0)
    }

    func priority(local: Int, remote: Int) -> UInt64 {
        let mine = locals[local].candidate.priority, theirs = remotes[remote].priority
        return role == .controlling ? Self.pairPriority(controlling: mine, controlled: theirs)
                                    : Self.pairPriority(controlling: theirs, controlled: mine)
    }

    /// Forms the pair (local, remote) if it may exist; returns its ID.
    @discardableResult
    mutating func addPair(local: Int, remote: Int) -> Int? {
        let localAddress = locals[local].address, remoteAddress = remotes[remote].address!
        guard localAddress.isIPv6 == remoteAddress.isIPv6, locals[local].candidate.transport == remotes[remote].transport else { return nil }
        if locals[local].candidate.transport == .tcp {
            // spec: RFC6544-6.2-1 pairs whose local candidate is passive leave the checklist:
            // only our active candidates pair, and only with passive remote ones
            guard locals[local].candidate.tcpType == "active", remotes[remote].tcpType == "passive" else { return nil }
        }
        // spec: RFC8445-6.1.2.2-1 IPv6 link-local pairs only with link-local
        guard Self.isLinkLocal(localAddress) == Self.isLinkLocal(remoteAddress) else { return nil }
        // spec: RFC8445-6.1.2.4-1 reflexive local candidates are replaced by their base: only
        // host (and relayed) candidates are paired, so the replaced pairs would be redundant.
        guard locals[local].candidate.type == .host || locals[local].candidate.type == .relay else { return nil }
        if let existing = pairs.firstIndex(where: { $0.local == local && $0.remote == remote && $0.generation == generation }) { return existing }
        let foundation = locals[local].candidate.foundation + ":" + remotes[remote].foundation
        let sameFoundationActive = pairs.contains { $0.inChecklist && $0.foundation == foundation && ($0.state == .waiting || $0.state == .inProgress) }
        let pair = CandidatePair(id: pairs.count, local: local, remote: remote, priority: priority(local: local, remote: remote),
                                 state: sameFoundationActive ? .frozen : .waiting, foundation: foundation, inChecklist: true, generation: generation)
        pairs.append(pair)
        enforcePairLimit()
        return pairs[pair.id].inChecklist ? pair.id : nil
    }

    static func isLinkLocal(_ address: STUNTransportAddress) -> Bool {
        address.isIPv6 && address.address[0] == 0xfe && address.address[1] & 0xc0 == 0x80
    }

    /// Keeps the checklist within `maximumPairs` by dropping the lowest-priority unchecked pairs.
    mutating func enforcePairLimit() {
        // spec: RFC8445-6.1.2.5-1 the number of checks is limited…
        // spec: RFC8445-6.1.2.5-2 …to 100 pairs by default, configurable
        // spec: RFC8445-19.5.1-1 at most 100 connectivity checks by default
        var count = pairs.filter(\.inChecklist).count
        while count > configuration.maximumPairs {
            guard let victim = pairs.indices.filter({ pairs[$0].inChecklist && (pairs[$0].state == .frozen || pairs[$0].state == .waiting) })
                .min(by: { pairs[$0].priority < pairs[$1].priority }) else { break }
            pairs[victim].inChecklist = false
            pairs[victim].state = .failed
            triggeredQueue.removeAll { $0 == victim }
            count -= 1
        }
    }

    mutating func recomputePriorities() {
        for index in pairs.indices { pairs[index].priority = priority(local: pairs[index].local, remote: pairs[index].remote) }
    }

    /// The highest-priority valid pair of this generation, if any.
    func bestValidPair() -> Int? {
        highestPriorityPair { pairs[$0].valid && pairs[$0].generation == generation }
    }

    /// The index of the highest-priority pair whose index `matches` (the first of equals),
    /// without building arrays or copying pairs.
    func highestPriorityPair(where matches: (Int) -> Bool) -> Int? {
        var best: Int?
        for index in pairs.indices where matches(index) {
            if let current = best, pairs[current].priority >= pairs[index].priority { continue }
            best = index
        }
        return best
    }

    // MARK: Timers

    mutating func runTimers(at now: Duration) {
        guard connectionState != .closed else { return }
        // Retransmissions and timeouts of the outstanding transactions.
        for id in Array(transactions.keys) {
            guard var transaction = transactions[id] else { continue }
            switch transaction.stun.poll(at: now) {
            case .transmit(let bytes):
                transactions[id] = transaction
                if !transaction.cancelled { transmit(bytes, from: transaction.source, to: transaction.destination, connection: transaction.connection) }
            case .completed:
                transactions[id] = nil
                transactionTimedOut(transaction, at: now)
            case .timeout:
                transactions[id] = transaction
            }
        }
        // Nomination first: its check is the next triggered one.
        nominateIfReady(at: now)
        // One new transaction per Ta across the agent (checks and gathering alike).
        // spec: RFC8445-5.1.1.2-7 no more than one gathering transaction per Ta
        // spec: RFC8445-14.2-1 Ta is 50 ms by default
        if now >= nextPacedStart, startPacedTransaction(at: now) {
            nextPacedStart = now + configuration.pacing
        }
        runConsent(at: now)
    }

    func nextDeadline(after now: Duration) -> Duration? {
        guard connectionState != .closed else { return nil }
        var deadline: Duration? = nil
        func consider(_ time: Duration?) {
            guard let time else { return }
            deadline = min(deadline ?? time, time)
        }
        for transaction in transactions.values {
            var copy = transaction.stun
            if case .timeout(let next) = copy.poll(at: now) { consider(next) }
        }
        if hasPacedWork { consider(max(nextPacedStart, now)) }
        if role == .controlling, !concluded, nominatingPairID == nil, let firstValidAt, bestValidPair() != nil {
            consider(firstValidAt + configuration.nominationDelay)
        }
        // The same conditions as `runConsent`, so a deadline always leads to work.
        if connectionState != .failed, selectedPairID ?? bestValidPair() != nil {
            if remoteCredentials != nil { consider(nextConsentCheck) }
            if let lastConsent { consider(lastConsent + configuration.consentTimeout) }
        }
        return deadline
    }

    var hasPacedWork: Bool {
        if !gatherQueue.isEmpty { return true }
        guard remoteCredentials != nil, !consentLost else { return false }
        if !triggeredQueue.isEmpty { return true }
        if concluded, role == .controlling || nominatingPairID != nil { return false }
        return pairs.contains { $0.inChecklist && ($0.state == .waiting || $0.state == .frozen) }
    }

    /// Starts the next paced transaction: a triggered check, a gathering request, or the
    /// highest-priority Waiting (else Frozen) pair's check. Returns whether one started.
    mutating func startPacedTransaction(at now: Duration) -> Bool {
        if remoteCredentials != nil, !consentLost, !triggeredQueue.isEmpty {
            // spec: RFC8445-7.3.1.4-1 the triggered-check queue goes first
            let id = triggeredQueue.removeFirst()
            startCheck(pair: id, useCandidate: pairs[id].id == nominatingPairID, at: now)
            return true
        }
        if let (base, server) = gatherQueue.first {
            gatherQueue.removeFirst()
            startGatheringRequest(base: base, server: server, at: now)
            return true
        }
        guard remoteCredentials != nil, !consentLost else { return false }
        // Once the controlling side has nominated, ordinary checks stop (RFC 8445 §8.1.2).
        if concluded, role == .controlling { return false }
        if let next = highestPriorityPair(where: { pairs[$0].inChecklist && pairs[$0].state == .waiting }) {
            startCheck(pair: next, useCandidate: false, at: now)
            return true
        }
        // No Waiting pair: unfreeze the best Frozen one (RFC 8445 §6.1.4.2).
        if let next = highestPriorityPair(where: { pairs[$0].inChecklist && pairs[$0].state == .frozen }) {
            startCheck(pair: next, useCandidate: false, at: now)
            return true
        }
        return false
    }

    /// Sends a connectivity check on `pair` (RFC 8445 §7.2.4).
    mutating func startCheck(pair id: Int, useCandidate: Bool, at now: Duration) {
        guard let credentials = remoteCredentials else { return }
        let pair = pairs[id]
        let local = locals[pair.local]
        // spec: RFC8445-7.2.4-1 RFC 5389 messages with the magic cookie, never the RFC 3489 form
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request),
                                  transactionID: randomTransactionID())
        // spec: RFC8445-7.2.2-1 short-term credentials: USERNAME "their fragment:our fragment"
        message.attributes.append(.username(credentials.usernameFragment + ":" + localCredentials.usernameFragment))
        // spec: RFC8445-7.1.1-1 PRIORITY: our candidate's priority with the peer-reflexive type preference
        let localPreference = UInt16(truncatingIfNeeded: local.candidate.priority >> 8)
        message.attributes.append(.priority(ICECandidate.priority(type: .prflx, localPreference: localPreference, component: 1)))
        // spec: RFC8445-7.1.3-1 the controlling agent sends ICE-CONTROLLING
        // spec: RFC8445-7.1.3-2 the controlled agent sends ICE-CONTROLLED
        // spec: RFC8445-16.1-1 the same tiebreaker in every request until a 487
        message.attributes.append(.iceRole(controlling: role == .controlling, tiebreaker: tiebreaker))
        // spec: RFC8445-7.1.2-1 the controlling agent nominates with USE-CANDIDATE
        // spec: RFC8445-7.1.2-2 the controlled agent never sends USE-CANDIDATE
        if useCandidate, role == .controlling { message.attributes.append(.useCandidate) }
        if let software = configuration.software { message.attributes.append(.software(software)) }
        message.appendMessageIntegrity(key: STUNCredentials.shortTermKey(password: credentials.password))
        // spec: RFC8445-7.2.4-2 FINGERPRINT on every check
        message.appendFingerprint()
        let isTCP = local.candidate.transport == .tcp
        // On an accepted connection the pair already has it; an active candidate opens one.
        let connection = isTCP ? (pair.connection ?? openConnection(for: id)) : nil
        var stun = STUNClientTransaction(request: message, transport: isTCP ? .reliable : .unreliable, configuration: checkTiming(), now: now)
        transactions[message.transactionID] = Transaction(
            stun: stun, purpose: .check(pair: id, useCandidate: useCandidate && role == .controlling, role: role),
            source: local.base, destination: remotes[pair.remote].address!, connection: connection)
        pairs[id].state = .inProgress
        statistics.checksSent += 1
        if connectionState == .new { setState(.checking) }
        // The first transmission goes out now.
        if case .transmit(let bytes) = stun.poll(at: now) {
            transmit(bytes, from: local.base, to: remotes[pair.remote].address!, connection: connection)
        }
        transactions[message.transactionID]!.stun = stun
    }

    /// The retransmission timing of checks: RTO = max(500 ms, Ta × (Waiting + In-Progress pairs)).
    func checkTiming() -> STUNClientTransaction.Configuration {
        let active = pairs.filter { $0.inChecklist && ($0.state == .waiting || $0.state == .inProgress) }.count
        // spec: RFC8445-14.3-2 RTO for checks from Ta and the Waiting and In-Progress pairs
        // spec: RFC8445-14.3-4 never below 500 ms
        let rto = max(configuration.minimumRTO, max(.milliseconds(500), configuration.pacing * max(active, 1)))
        return STUNClientTransaction.Configuration(rto: rto, maximumTransmissions: configuration.checkTransmissions, finalWaitMultiplier: 16)
    }

    mutating func randomTransactionID() -> [UInt8] {
        var id = [UInt8](repeating: 0, count: 12)
        let a = random.next(), b = random.next()
        for i in 0..<8 { id[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i))) }
        for i in 0..<4 { id[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i))) }
        return id
    }

    // MARK: Nomination

    /// Regular nomination by the controlling agent: once no better pair can still succeed (or
    /// `nominationDelay` after the first valid pair), re-check the best valid pair with
    /// USE-CANDIDATE.
    mutating func nominateIfReady(at now: Duration) {
        guard role == .controlling, !concluded, nominatingPairID == nil, let best = bestValidPair(),
              let firstValidAt else { return }
        let betterPending = pairs.contains {
            $0.inChecklist && $0.priority > pairs[best].priority && ($0.state == .waiting || $0.state == .inProgress || $0.state == .frozen)
        }
        guard !betterPending || now >= firstValidAt + configuration.nominationDelay else { return }
        // spec: RFC8445-8.1.1-2 exactly one pair gets a check with USE-CANDIDATE
        nominatingPairID = best
        triggeredQueue.removeAll { $0 == best }
        triggeredQueue.insert(best, at: 0)
    }

    /// `id` (a valid pair) is nominated: select the best nominated pair and conclude.
    mutating func markNominated(_ id: Int, at now: Duration) {
        pairs[id].nominated = true
        // spec: RFC8445-8.1.1-4 of several nominated pairs, the highest-priority one is used
        let best = pairs.indices.filter { pairs[$0].nominated && pairs[$0].valid && pairs[$0].generation == generation }
            .max { pairs[$0].priority < pairs[$1].priority }!
        concluded = true
        guard best != selectedPairID else { return }
        // spec: RFC8445-8.1.1-3 once one pair is nominated, the controlling agent nominates no other
        selectedPairID = best
        lastConsent = now
        scheduleConsent(after: now)
        // spec: RFC8445-8.1.2-1 Frozen and Waiting pairs leave the checklist and the trigger queue
        for index in pairs.indices where pairs[index].inChecklist && (pairs[index].state == .frozen || pairs[index].state == .waiting) {
            pairs[index].inChecklist = false
        }
        triggeredQueue.removeAll { !pairs[$0].inChecklist }
        emit(.selectedPair(describe(best)))
        closeUnusedConnections()
        setState(.completed)
    }

    /// Fails the agent when nothing can succeed any more (RFC 8445 §8.1.2; RFC 8838 §8 keeps
    /// the checklist running until the peer's end-of-candidates).
    mutating func evaluateFailure() {
        guard remoteEndOfCandidates, !concluded, bestValidPair() == nil,
              connectionState == .checking || connectionState == .new else { return }
        let checklist = pairs.filter(\.inChecklist)
        // spec: RFC8838-8-1 the checklist runs while more candidates may come
        guard !checklist.isEmpty, checklist.allSatisfy({ $0.state == .failed }),
              !transactions.values.contains(where: { if case .check = $0.purpose { return true }; return false }) else { return }
        setState(.failed)
    }
}
