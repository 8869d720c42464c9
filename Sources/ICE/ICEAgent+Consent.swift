import STUN

/// Consent freshness (RFC 7675): Binding requests on the selected pair every 4–6 s; without a
/// response for 30 s, sending stops. The requests also serve as the keepalives of RFC 8445 §11.
extension ICEAgent {
    mutating func scheduleConsent(after now: Duration) {
        // spec: RFC8445-11-1 keepalives on the data session: the consent requests…
        // spec: RFC8445-11-3 …are STUN Binding requests, which every ICE peer answers…
        // spec: RFC8445-11-4 …at most 6 s apart on the pair that carries data, well within Tr (15 s)
        // spec: RFC7675-5.1-3 each interval is randomised between 0.8 and 1.2 times the period
        // spec: RFC7675-5.1-4 a 5 s period by default: 4 to 6 s between checks
        // spec: RFC7675-5.1-5 never less than 4 s between checks (with the default period)
        let base = configuration.consentInterval
        let fraction = Double(random.next() % 1_000_001) / 1_000_000.0
        nextConsentCheck = now + base * (0.8 + 0.4 * fraction)
    }

    mutating func runConsent(at now: Duration) {
        guard connectionState != .failed, let id = selectedPairID ?? bestValidPair() else { return }
        if let lastConsent, now >= lastConsent + configuration.consentTimeout {
            // spec: RFC7675-5.1-2 no response for 30 s: transmission on the 5-tuple stops
            let pair = describe(id)
            selectedPairID = nil
            for index in pairs.indices { pairs[index].valid = false }
            // spec: RFC7675-5.1-8 outstanding consent transactions are discarded
            for (key, transaction) in transactions {
                if case .consent = transaction.purpose { transactions[key] = nil }
            }
            nextConsentCheck = nil
            // spec: RFC7675-5.1-13 these credentials are not used on the 5-tuple again…
            // spec: RFC7675-5.1-12 …so sending resumes only after a restart regains consent
            consentLost = true
            triggeredQueue.removeAll()
            for (key, transaction) in transactions {
                if case .check = transaction.purpose { transactions[key] = nil }
            }
            for index in pairs.indices where pairs[index].generation == generation {
                pairs[index].inChecklist = false
                pairs[index].state = .failed
            }
            emit(.consentExpired(pair))
            setState(.failed)
            return
        }
        guard let due = nextConsentCheck, now >= due, let credentials = remoteCredentials else { return }
        scheduleConsent(after: now)
        let pair = pairs[id]
        // spec: RFC7675-5.1-6 every consent request has a new transaction ID
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: randomTransactionID())
        message.attributes.append(.username(credentials.usernameFragment + ":" + localCredentials.usernameFragment))
        let localPreference = UInt16(truncatingIfNeeded: locals[pair.local].candidate.priority >> 8)
        message.attributes.append(.priority(ICECandidate.priority(type: .prflx, localPreference: localPreference, component: 1)))
        message.attributes.append(.iceRole(controlling: role == .controlling, tiebreaker: tiebreaker))
        message.appendMessageIntegrity(key: STUNCredentials.shortTermKey(password: credentials.password))
        message.appendFingerprint()
        // spec: RFC7675-5.1-7 wait for the answer with RTO-based retransmissions, a few at most
        let timing = STUNClientTransaction.Configuration(rto: configuration.minimumRTO, maximumTransmissions: 4, finalWaitMultiplier: 4)
        var stun = STUNClientTransaction(request: message, transport: pair.connection == nil ? .unreliable : .reliable, configuration: timing, now: now)
        let source = locals[pair.local].base, destination = remotes[pair.remote].address!
        // spec: RFC7675-5.1-11 consent checks run over TCP connections too
        if case .transmit(let bytes) = stun.poll(at: now) { transmit(bytes, from: source, to: destination, connection: pair.connection) }
        transactions[message.transactionID] = Transaction(stun: stun, purpose: .consent(pair: id), source: source, destination: destination,
                                                          connection: pair.connection)
        statistics.consentChecksSent += 1
    }
}
