import STUN

/// Server-reflexive candidates from STUN servers (RFC 8445 §5.1.1.2).
extension ICEAgent {
    /// Starts gathering: a Binding request from every host base to every STUN server of the
    /// same family, one per Ta. Without servers, gathering completes at once.
    public mutating func gather(at now: Duration) {
        idleUntil = nil
        guard gatheringState != .gathering else { return }
        gatheringState = .gathering
        for local in locals where local.candidate.type == .host {
            for server in configuration.stunServers where server.isIPv6 == local.base.isIPv6 {
                gatherQueue.append((local.base, server))
            }
        }
        if gatherQueue.isEmpty { finishGathering() }
    }

    mutating func startGatheringRequest(base: STUNTransportAddress, server: STUNTransportAddress, at now: Duration) {
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: randomTransactionID())
        if let software = configuration.software { message.attributes.append(.software(software)) }
        message.appendFingerprint()
        // spec: RFC8445-14.3-1 RTO during gathering: 500 ms at least
        let timing = STUNClientTransaction.Configuration(rto: configuration.minimumRTO, maximumTransmissions: configuration.checkTransmissions, finalWaitMultiplier: 16)
        var stun = STUNClientTransaction(request: message, transport: .unreliable, configuration: timing, now: now)
        if case .transmit(let bytes) = stun.poll(at: now) { transmit(bytes, from: base, to: server) }
        transactions[message.transactionID] = Transaction(stun: stun, purpose: .gather(base: base, server: server), source: base, destination: server)
    }

    mutating func handleGatheringResponse(_ response: STUNMessage, base: STUNTransportAddress, server: STUNTransportAddress,
                                          from source: STUNTransportAddress, at now: Duration) {
        guard source == server else { statistics.stunDropped += 1; return }
        transactions[response.transactionID] = nil
        defer { gatheringRequestFinished(base: base, server: server) }
        guard response.type.messageClass == .successResponse else { statistics.errorResponses += 1; return }
        statistics.successResponses += 1
        // spec: RFC8445-5.1.1.2-5 the RFC 5389 Binding request, answered with XOR-MAPPED-ADDRESS (or MAPPED-ADDRESS)
        guard let mapped = ((try? response.xorMappedAddress()) ?? nil) ?? ((try? response.mappedAddress()) ?? nil) else { return }
        // spec: RFC8445-5.1.3-1 a reflexive candidate equal to a known one (its host, with no NAT) is redundant
        guard !locals.contains(where: { $0.address == mapped }) else { return }
        guard let host = locals.first(where: { $0.base == base && $0.candidate.type == .host }) else { return }
        let localPreference = UInt16(truncatingIfNeeded: host.candidate.priority >> 8)
        let candidate = ICECandidate(foundation: foundation(for: "srflx|\(base.address)|\(server)"),
                                     priority: ICECandidate.priority(type: .srflx, localPreference: localPreference, component: 1),
                                     address: mapped, type: .srflx, relatedAddress: base)
        locals.append(LocalCandidate(candidate: candidate, base: base))
        emit(.localCandidate(candidate))
    }

    mutating func gatheringRequestFinished(base: STUNTransportAddress, server: STUNTransportAddress) {
        let outstanding = transactions.values.contains { if case .gather = $0.purpose { return true }; return false }
        if gatherQueue.isEmpty, !outstanding, gatheringState == .gathering { finishGathering() }
    }

    mutating func finishGathering() {
        gatheringState = .complete
        emit(.gatheringComplete)
    }
}
