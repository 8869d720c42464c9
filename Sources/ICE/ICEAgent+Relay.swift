import STUN

/// Relayed candidates (RFC 8445 §5.1.1.2): the owner allocates them on a TURN server and
/// moves their traffic. A transmit whose `source` is a relayed address goes through that
/// allocation (the owner creates the permission first, RFC 8445 §7.2.1); what the relay
/// delivers from a peer comes back as a datagram `to:` the relayed address.
extension ICEAgent {
    /// Adds the relayed candidate `relayed`, allocated on `server` (whose view of us was
    /// `mapped`), and reports it.
    public mutating func addRelayCandidate(relayed: STUNTransportAddress, mapped: STUNTransportAddress?,
                                           server: STUNTransportAddress) throws(ICEError) {
        idleUntil = nil
        guard connectionState != .closed else { throw .closed }
        guard gatheringState != .complete else { throw .gatheringComplete }
        // spec: RFC8445-5.1.1.2-9 a relayed candidate identical to a host candidate is discarded
        guard !locals.contains(where: { $0.address == relayed }) else { throw .duplicateHostAddress(relayed) }
        let relays = locals.filter { $0.candidate.type == .relay }.count
        // spec: RFC8445-5.1.2.2-3 several TURN servers: the local preference tells them apart
        let localPreference = UInt16(65_535 - min(relays, 65_535))
        let candidate = ICECandidate(foundation: foundation(for: "relay|\(server)|\(relayed.isIPv6)"),
                                     priority: ICECandidate.priority(type: .relay, localPreference: localPreference, component: 1),
                                     address: relayed, type: .relay, relatedAddress: mapped)
        // The base of a relayed candidate is the candidate itself (RFC 8445 §5.1.1.2).
        locals.append(LocalCandidate(candidate: candidate, base: relayed))
        emit(.localCandidate(candidate))
        for remote in remotes.indices { addPair(local: locals.count - 1, remote: remote) }
    }

    /// Whether `address` is one of the agent's relayed candidates (its transmits go to the relay).
    public func isRelayed(_ address: STUNTransportAddress) -> Bool {
        locals.contains { $0.candidate.type == .relay && $0.base == address }
    }
}
