import STUN

/// Binding requests from the peer: authentication, role conflicts, the response, peer-reflexive
/// candidates, triggered checks and nomination on the controlled side (RFC 8445 §7.3).
extension ICEAgent {
    mutating func receive(_ bytes: [UInt8], from source: STUNTransportAddress, to destination: STUNTransportAddress,
                          connection: ICEConnectionHandle?, at now: Duration) {
        guard connectionState != .closed else { return }
        guard STUNMessage.looksLikeSTUN(bytes) else {
            receiveData(bytes, from: source, to: destination)
            return
        }
        guard let message = try? STUNMessage(parsing: bytes) else { statistics.stunDropped += 1; return }
        switch message.type.messageClass {
        case .request where message.type.method == .binding:
            handleRequest(message, from: source, to: destination, connection: connection, at: now)
        case .successResponse, .errorResponse:
            handleResponse(message, from: source, to: destination, connection: connection, at: now)
        default:
            // Binding indications are keepalives: nothing to do (RFC 8445 §11).
            break
        }
    }

    /// Data arrives on any pair (RFC 8445 §12.2) but only from a known remote address.
    mutating func receiveData(_ bytes: [UInt8], from source: STUNTransportAddress, to destination: STUNTransportAddress) {
        // spec: RFC8445-12.2-1 data is accepted on any candidate pair, not only the selected one
        guard remotes.contains(where: { $0.address == source }), locals.contains(where: { $0.base == destination }) else {
            statistics.dataDropped += 1
            return
        }
        statistics.dataReceived += 1
        emit(.received(bytes, from: source, to: destination))
    }

    mutating func handleRequest(_ request: STUNMessage, from source: STUNTransportAddress, to destination: STUNTransportAddress,
                                connection: ICEConnectionHandle?, at now: Duration) {
        let transport: ICETransportProtocol = connection == nil ? .udp : .tcp
        // spec: RFC8445-7.3-1 requests are answered on the base of every candidate we signalled
        guard let localIndex = locals.firstIndex(where: {
            $0.base == destination && ($0.candidate.type == .host || $0.candidate.type == .relay) && $0.candidate.transport == transport
        }) else {
            statistics.stunDropped += 1
            return
        }
        // spec: RFC8445-7.3-8 FINGERPRINT is required on checks
        guard request.hasValidFingerprint else { statistics.stunDropped += 1; return }
        // After consent expired, these credentials are not used again (RFC 7675 §5.1).
        guard !consentLost else { statistics.stunDropped += 1; return }
        statistics.checksReceived += 1
        let unknown = request.unknownComprehensionRequired
        if !unknown.isEmpty {
            reject(request, code: 420, reason: "Unknown Attribute", extra: [.unknownAttributes(unknown)], from: destination, to: source, connection: connection, sign: false)
            return
        }
        // spec: RFC8445-7.3-2 short-term credentials authenticate the request
        guard let username = try? request.text(STUNAttributeType.username),
              request.attribute(STUNAttributeType.messageIntegrity) != nil else {
            reject(request, code: 400, reason: "Bad Request", from: destination, to: source, connection: connection, sign: false)
            return
        }
        // spec: RFC8445-7.3-4 the username is "our fragment:their fragment"
        let parts = username.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == localCredentials.usernameFragment else {
            reject(request, code: 401, reason: "Unauthenticated", from: destination, to: source, connection: connection, sign: false)
            return
        }
        let key = STUNCredentials.shortTermKey(password: localCredentials.password)
        guard request.hasValidMessageIntegrity(key: key) else {
            reject(request, code: 401, reason: "Unauthenticated", from: destination, to: source, connection: connection, sign: false)
            return
        }
        guard let priorityValue = try? request.integer(STUNAttributeType.priority), priorityValue > 0, priorityValue <= 0x7fff_ffff else {
            reject(request, code: 400, reason: "Bad Request", from: destination, to: source, connection: connection, sign: true)
            return
        }
        // spec: RFC8445-7.3.1.1-2 the request's ICE-CONTROLLING or ICE-CONTROLLED is examined
        if let outcome = resolveRoleConflict(request), outcome == .reject {
            // spec: RFC8445-7.3.1.1-3 the conflict procedure: 487 when we keep our role
            reject(request, code: 487, reason: "Role Conflict", from: destination, to: source, connection: connection, sign: true)
            return
        }
        // spec: RFC8445-8.1.2-2 requests are answered after nomination too, on every pair
        // spec: RFC8445-7.3-5 the response goes out at once, with the mapped address
        var response = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .successResponse), transactionID: request.transactionID)
        response.attributes.append(.xorMappedAddress(source, transactionID: request.transactionID))
        if let software = configuration.software { response.attributes.append(.software(software)) }
        // spec: RFC8445-7.3-3 the response is signed with the same short-term credential
        response.appendMessageIntegrity(key: key)
        // spec: RFC8445-7.3-8 and carries FINGERPRINT
        response.appendFingerprint()
        transmit(response.encoded, from: destination, to: source, connection: connection)

        // Peer-reflexive remote candidate (RFC 8445 §7.3.1.3).
        let remoteIndex: Int
        if let known = remotes.lastIndex(where: { $0.address == source && $0.transport == transport }), !isOldGeneration(remote: known) {
            remoteIndex = known
        } else {
            guard remotes.count < configuration.maximumRemoteCandidates else { statistics.stunDropped += 1; return }
            nextPrflxFoundation += 1
            var learned = ICECandidate(foundation: "prflx\(nextPrflxFoundation)", transport: transport, priority: UInt32(priorityValue),
                                       address: source, type: .prflx)
            if transport == .tcp { learned.tcpType = locals[localIndex].candidate.tcpType == "passive" ? "active" : "passive" }
            remotes.append(learned)
            remoteIndex = remotes.count - 1
        }
        // Triggered check (RFC 8445 §7.3.1.4); over TCP, on the connection the request came on.
        let existing = pairs.firstIndex { $0.local == localIndex && $0.remote == remoteIndex && $0.generation == generation }
        var pairID = existing ?? (connection == nil ? addPair(local: localIndex, remote: remoteIndex) : nil)
        if pairID == nil, let connection {
            pairID = addConnectionPair(local: localIndex, remote: remoteIndex, connection: connection)
        }
        let useCandidate = request.attribute(STUNAttributeType.useCandidate) != nil
        guard let pairID else { return }
        switch pairs[pairID].state {
        case .succeeded:
            break
        case .inProgress:
            // Cancel the outstanding check (no more retransmissions; a late answer still counts)
            // and check again at once.
            for (id, transaction) in transactions {
                if case .check(let pair, _, _) = transaction.purpose, pair == pairID { transactions[id]!.cancelled = true }
            }
            enqueueTriggered(pairID)
        case .waiting, .frozen, .failed:
            // spec: RFC8445-7.3.1.4-2 Waiting, Frozen or Failed pairs are queued as triggered checks and set Waiting
            enqueueTriggered(pairID)
        }
        // Nomination on the controlled side (RFC 8445 §7.3.1.5).
        if useCandidate, role == .controlled {
            if pairs[pairID].state == .succeeded, let valid = pairs[pairID].validPairID {
                markNominated(valid, at: now)
            } else {
                pairs[pairID].nominateOnSuccess = true
            }
        }
    }

    mutating func enqueueTriggered(_ id: Int) {
        guard !consentLost else { return }
        pairs[id].state = .waiting
        if !triggeredQueue.contains(id) { triggeredQueue.append(id) }
    }

    enum RoleConflictOutcome { case reject, switched }

    /// RFC 8445 §7.3.1.1: compares tiebreakers when both sides claim the same role. Returns nil
    /// when there is no conflict.
    mutating func resolveRoleConflict(_ request: STUNMessage) -> RoleConflictOutcome? {
        let theirs: UInt64
        if role == .controlling, let value = try? request.integer(STUNAttributeType.iceControlling) {
            theirs = value
            statistics.roleConflicts += 1
            if tiebreaker >= theirs { return .reject }
            switchRole(to: .controlled)
            return .switched
        }
        if role == .controlled, let value = try? request.integer(STUNAttributeType.iceControlled) {
            theirs = value
            statistics.roleConflicts += 1
            if tiebreaker >= theirs {
                switchRole(to: .controlling)
                return .switched
            }
            return .reject
        }
        return nil
    }

    mutating func switchRole(to newRole: ICERole) {
        guard newRole != role else { return }
        role = newRole
        recomputePriorities()
        emit(.roleChanged(newRole))
    }

    /// An error response (signed when the request authenticated, RFC 8489 §9.1.3).
    mutating func reject(_ request: STUNMessage, code: Int, reason: String, extra: [STUNAttribute] = [],
                         from source: STUNTransportAddress, to destination: STUNTransportAddress, connection: ICEConnectionHandle?, sign: Bool) {
        statistics.requestsRejected += 1
        var response = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .errorResponse), transactionID: request.transactionID)
        response.attributes.append(.errorCode(STUNErrorCode(code: code, reason: reason)))
        response.attributes += extra
        if sign { response.appendMessageIntegrity(key: STUNCredentials.shortTermKey(password: localCredentials.password)) }
        response.appendFingerprint()
        transmit(response.encoded, from: source, to: destination, connection: connection)
    }

    /// The pair of a check that arrived on a TCP connection (RFC 6544 §7.2: an accepted
    /// connection on a passive candidate gets its pair and triggered check on that connection).
    mutating func addConnectionPair(local: Int, remote: Int, connection: ICEConnectionHandle) -> Int {
        let id = pairs.count
        pairs.append(CandidatePair(id: id, local: local, remote: remote, priority: priority(local: local, remote: remote), state: .waiting,
                                   foundation: locals[local].candidate.foundation + ":" + remotes[remote].foundation, inChecklist: true,
                                   generation: generation, connection: connection))
        return id
    }
}
