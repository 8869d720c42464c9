import STUN

/// ICE-TCP (RFC 6544): active and passive host candidates, connections the owner opens or
/// accepts on the agent's behalf, RFC 4571 framing, and closing what ICE no longer needs.
extension ICEAgent {
    /// One TCP connection the agent uses for checks and data.
    struct TCPConnection {
        /// The local candidate's base: the passive candidate's listening address, or `ip:9`
        /// for an active one.
        var localBase: STUNTransportAddress
        var remote: STUNTransportAddress
        var open: Bool
        var framer = RFC4571Framer()
        /// Framed bytes waiting for the connection to open.
        var pending: [[UInt8]] = []
    }

    /// The RFC 6544 §4.2 local preference: 2^13 · direction preference + other preference.
    static func tcpLocalPreference(active: Bool, otherPreference: UInt16) -> UInt16 {
        // spec: RFC6544-4.2-9 host candidates: direction preference 6 for active, 4 for passive
        // spec: RFC6544-4.2-7 the direction preference is within 0…7
        // spec: RFC6544-4.2-8 the other preference is within 0…8191
        UInt16(active ? 6 : 4) << 13 | min(otherPreference, 8191)
    }

    /// TCP host candidates on `ip`: a passive one at the owner's listening socket `passivePort`
    /// and an active one (port 9, RFC 6544 §4.5). UDP candidates are preferred for media: TCP
    /// host candidates use type preference 90 (below server-reflexive UDP, as browsers do).
    public mutating func addTCPHostCandidates(ip: [UInt8], passivePort: UInt16) throws(ICEError) {
        idleUntil = nil
        guard connectionState != .closed else { throw .closed }
        guard gatheringState != .complete else { throw .gatheringComplete }
        let passive = STUNTransportAddress(address: ip, port: passivePort)
        if let reason = Self.exclusionReason(ip, allowsLoopback: configuration.allowsLoopback) {
            throw .excludedHostAddress(passive, reason: reason)
        }
        guard !locals.contains(where: { $0.candidate.transport == .tcp && $0.base.address == ip }) else { throw .duplicateHostAddress(passive) }
        let tcpHosts = locals.filter { $0.candidate.transport == .tcp && $0.candidate.tcpType == "passive" }.count
        // spec: RFC6544-4.2-12 one address: other preference 8191
        // spec: RFC6544-4.2-11 same type and direction: distinct other preferences
        let other = UInt16(8191 - min(tcpHosts, 8191))
        // spec: RFC6544-4.2-5 UDP candidates are preferred over TCP ones for RTP
        let foundation = foundation(for: "tcp-host|\(ip)")
        for active in [false, true] {
            let address = active ? STUNTransportAddress(address: ip, port: 9) : passive
            var candidate = ICECandidate(foundation: foundation, transport: .tcp,
                                         priority: Self.tcpPriority(typePreference: Self.tcpHostTypePreference,
                                                                    localPreference: Self.tcpLocalPreference(active: active, otherPreference: other)),
                                         address: address, type: .host)
            // spec: RFC6544-4.5-1 an active candidate carries its IP address and port 9
            candidate.tcpType = active ? "active" : "passive"
            locals.append(LocalCandidate(candidate: candidate, base: address))
            emit(.localCandidate(candidate))
            for remote in remotes.indices { addPair(local: locals.count - 1, remote: remote) }
        }
    }

    static let tcpHostTypePreference: UInt32 = 90
    static let tcpPeerReflexiveTypePreference: UInt32 = 80

    static func tcpPriority(typePreference: UInt32, localPreference: UInt16) -> UInt32 {
        typePreference << 24 | UInt32(localPreference) << 8 | 255
    }

    mutating func handleTCP(_ input: ICEInput, at now: Duration) {
        switch input {
        case .tcpConnected(let handle):
            guard tcpConnections[handle] != nil else { return }
            tcpConnections[handle]!.open = true
            let pending = tcpConnections[handle]!.pending
            tcpConnections[handle]!.pending.removeAll()
            let connection = tcpConnections[handle]!
            for bytes in pending {
                outputs.append(.transmit(ICETransmit(source: connection.localBase, destination: connection.remote, bytes: bytes, connection: handle)))
            }
        case .tcpFailed(let handle):
            guard tcpConnections.removeValue(forKey: handle) != nil else { return }
            // spec: RFC6544-7.1-4 a connection that cannot be established fails the check's pair
            for (id, transaction) in transactions where transaction.connection == handle {
                transactions[id] = nil
                if case .check(let pair, _, _) = transaction.purpose { failPair(pair, at: now) }
            }
            for index in pairs.indices where pairs[index].connection == handle {
                pairs[index].connection = nil
                if pairs[index].state != .failed { failPair(index, at: now) }
            }
        case .tcpAccepted(let handle, let local, let remote):
            // spec: RFC6544-7.2-1 connections are accepted on the base of every passive candidate…
            // spec: RFC6544-7.2-2 …and always accepted
            guard locals.contains(where: { $0.candidate.transport == .tcp && $0.candidate.tcpType == "passive" && $0.base == local }) else {
                emit(.closeTCP(handle))
                return
            }
            tcpConnections[handle] = TCPConnection(localBase: local, remote: remote, open: true)
        case .tcpData(let bytes, let handle):
            guard var connection = tcpConnections[handle] else { return }
            // spec: RFC6544-7.2-3 RFC 4571 framing for the whole life of the connection
            // spec: RFC6544-10.2-1 media received over TCP is framed as RFC 4571 says
            let frames = connection.framer.append(bytes)
            tcpConnections[handle] = connection
            for frame in frames {
                receive(frame, from: connection.remote, to: connection.localBase, connection: handle, at: now)
            }
        case .datagram, .timeout:
            break
        }
    }

    /// Opens (through the owner) a connection for a check on an active candidate's pair.
    mutating func openConnection(for pairID: Int) -> ICEConnectionHandle {
        if let existing = pairs[pairID].connection, tcpConnections[existing] != nil { return existing }
        nextOpenedConnection += 1
        let handle = ICEConnectionHandle.opened(nextOpenedConnection)
        let local = locals[pairs[pairID].local], remote = remotes[pairs[pairID].remote].address!
        tcpConnections[handle] = TCPConnection(localBase: local.base, remote: remote, open: false)
        pairs[pairID].connection = handle
        // spec: RFC6544-7.1-1 the connection is opened from the active candidate's interface
        // spec: RFC6544-7.1-2 from an unallocated port (the owner's choice)
        emit(.openTCP(handle, from: local.base.address, to: remote))
        return handle
    }

    /// Frames `bytes` for `handle` and sends them (or holds them until the connection opens).
    mutating func transmitTCP(_ bytes: [UInt8], on handle: ICEConnectionHandle) {
        // spec: RFC6544-7.1-3 the RFC 4571 shim for as long as the connection is open
        // spec: RFC6544-10.1-2 media over TCP is framed as RFC 4571 says
        guard let connection = tcpConnections[handle], let framed = RFC4571Framer.frame(bytes) else { return }
        if connection.open {
            outputs.append(.transmit(ICETransmit(source: connection.localBase, destination: connection.remote, bytes: framed, connection: handle)))
        } else {
            tcpConnections[handle]!.pending.append(framed)
        }
    }

    /// Once a pair is selected, the other TCP connections of this session are closed.
    mutating func closeUnusedConnections() {
        let keep = selectedPairID.flatMap { pairs[$0].connection }
        // spec: RFC6544-8-2 after ICE completes, connections other than the selected pair's are closed
        for handle in Array(tcpConnections.keys) where handle != keep {
            tcpConnections[handle] = nil
            emit(.closeTCP(handle))
        }
    }
}
