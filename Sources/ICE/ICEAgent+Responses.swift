import STUN

/// Answers to the agent's own requests: connectivity checks (RFC 8445 §7.2.5), consent checks
/// (RFC 7675) and gathering requests; and what happens when they time out.
extension ICEAgent {
    mutating func handleResponse(_ response: STUNMessage, from source: STUNTransportAddress, to destination: STUNTransportAddress,
                                 connection: ICEConnectionHandle?, at now: Duration) {
        guard let transaction = transactions[response.transactionID], transaction.connection == connection else { statistics.stunDropped += 1; return }
        if case .gather(let base, let server) = transaction.purpose {
            handleGatheringResponse(response, base: base, server: server, from: source, at: now)
            return
        }
        // Check and consent answers are signed with the peer's password (RFC 8445 §7.2.5.1).
        guard let credentials = remoteCredentials,
              response.hasValidMessageIntegrity(key: STUNCredentials.shortTermKey(password: credentials.password)) else {
            statistics.stunDropped += 1
            return
        }
        transactions[response.transactionID] = nil
        switch transaction.purpose {
        case .check(let pairID, let useCandidate, let sentRole):
            handleCheckResponse(response, pair: pairID, useCandidate: useCandidate, sentRole: sentRole,
                                transaction: transaction, from: source, to: destination, at: now)
        case .consent(let pairID):
            guard response.type.messageClass == .successResponse, source == transaction.destination, destination == transaction.source else { return }
            statistics.successResponses += 1
            if pairID == selectedPairID, connectionState != .failed { lastConsent = now }
        case .gather:
            break
        }
    }

    mutating func handleCheckResponse(_ response: STUNMessage, pair id: Int, useCandidate: Bool, sentRole: ICERole,
                                      transaction: Transaction, from source: STUNTransportAddress, to destination: STUNTransportAddress, at now: Duration) {
        if response.type.messageClass == .errorResponse {
            statistics.errorResponses += 1
            let code = (try? response.errorCode())??.code
            if code == 487 {
                // spec: RFC8445-7.2.5.1-1 a 487 to ICE-CONTROLLED makes us controlling
                // spec: RFC8445-7.2.5.1-2 a 487 to ICE-CONTROLLING makes us controlled
                if sentRole == role { switchRole(to: sentRole == .controlled ? .controlling : .controlled) }
                // spec: RFC8445-7.2.5.1-4 a new tiebreaker
                tiebreaker = random.next()
                // spec: RFC8445-7.2.5.1-3 the pair goes back to the triggered-check queue, Waiting
                enqueueTriggered(id)
                return
            }
            // spec: RFC8445-7.2.5.2.4-1 an unrecoverable error fails the pair
            failPair(id, at: now)
            return
        }
        statistics.successResponses += 1
        // spec: RFC8445-7.2.5.2.1-1 the addresses must be symmetric…
        // spec: RFC8445-7.2.5.2.1-2 …the response from where the request went, to where it came from
        guard source == transaction.destination, destination == transaction.source else {
            // spec: RFC8445-7.2.5.2.1-3 otherwise the pair fails
            failPair(id, at: now)
            return
        }
        // spec: RFC8445-7.2.5.3.1-1 the mapped address decides the valid pair's local candidate
        guard let mapped = (try? response.xorMappedAddress()) ?? nil else { failPair(id, at: now); return }
        let checked = pairs[id]
        let base = locals[checked.local].base
        let localIndex: Int
        if checked.connection != nil {
            // Over TCP the mapped port is the connection's ephemeral one: the pair is its own
            // valid pair (the connection is what identifies it).
            localIndex = checked.local
        } else if let known = locals.firstIndex(where: { $0.address == mapped && $0.base == base }) {
            localIndex = known
        } else {
            // A peer-reflexive local candidate, with the priority the request carried (§7.2.5.3.1).
            let localPreference = UInt16(truncatingIfNeeded: locals[checked.local].candidate.priority >> 8)
            let candidate = ICECandidate(foundation: foundation(for: "prflx|\(base.address)"),
                                         priority: ICECandidate.priority(type: .prflx, localPreference: localPreference, component: 1),
                                         address: mapped, type: .prflx, relatedAddress: base)
            locals.append(LocalCandidate(candidate: candidate, base: base))
            localIndex = locals.count - 1
        }
        pairs[id].state = .succeeded
        let validID: Int
        if localIndex == checked.local {
            validID = id
        } else if let existing = pairs.firstIndex(where: { $0.local == localIndex && $0.remote == checked.remote && $0.generation == generation }) {
            validID = existing
        } else {
            validID = pairs.count
            pairs.append(CandidatePair(id: validID, local: localIndex, remote: checked.remote, priority: priority(local: localIndex, remote: checked.remote),
                                       state: .succeeded, foundation: checked.foundation, inChecklist: false, generation: generation))
        }
        pairs[validID].valid = true
        pairs[id].validPairID = validID
        if firstValidAt == nil { firstValidAt = now }
        // spec: RFC8445-7.2.5.3.3-1 Frozen pairs with the same foundation become Waiting
        for index in pairs.indices where pairs[index].inChecklist && pairs[index].state == .frozen && pairs[index].foundation == checked.foundation {
            pairs[index].state = .waiting
        }
        if connectionState == .checking || connectionState == .new { setState(.connected) }
        // A successful check is consent for its 5-tuple (RFC 7675 §5.1).
        if selectedPairID == nil {
            if nextConsentCheck == nil { scheduleConsent(after: now) }
            lastConsent = now
        } else if validID == selectedPairID {
            lastConsent = now
        }
        if useCandidate && sentRole == .controlling && role == .controlling {
            // The nominating check succeeded (RFC 8445 §7.2.5.3.4).
            markNominated(validID, at: now)
        } else if role == .controlled, pairs[id].nominateOnSuccess {
            markNominated(validID, at: now)
        }
    }

    mutating func transactionTimedOut(_ transaction: Transaction, at now: Duration) {
        statistics.transactionTimeouts += 1
        switch transaction.purpose {
        case .check(let id, _, _):
            // A cancelled check is replaced by a newer one for the same pair.
            guard !transaction.cancelled else { return }
            // spec: RFC8445-7.2.5.2.3-1 a check that times out fails its pair
            failPair(id, at: now)
        case .consent:
            // Consent is judged by time since the last answer (RFC 7675 §5.1), not per request.
            break
        case .gather(let base, let server):
            gatheringRequestFinished(base: base, server: server)
        }
    }

    mutating func failPair(_ id: Int, at now: Duration) {
        pairs[id].state = .failed
        // spec: RFC8445-7.2.5.3.4-1 a failed pair leaves the valid list
        if let valid = pairs[id].validPairID, valid != selectedPairID { pairs[valid].valid = false }
        if id == nominatingPairID {
            // The nomination failed: try again with the next best valid pair.
            nominatingPairID = nil
            pairs[id].valid = false
        }
        evaluateFailure()
    }
}
