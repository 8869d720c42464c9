import ICE
import SpecTesting
import STUN
import Testing

/// Two agents over a seeded simulated network with NATs, loss and firewalls: they find a
/// working pair wherever one exists, pick it by priority, and lose consent when the path dies.
struct ICESimulationTests {
    static let hostA = STUNTransportAddress(address: [10, 0, 0, 1], port: 5000)
    static let hostB = STUNTransportAddress(address: [10, 1, 0, 1], port: 6000)
    static let publicA = STUNTransportAddress(address: [203, 0, 113, 1], port: 5000)
    static let publicB = STUNTransportAddress(address: [198, 51, 100, 1], port: 6000)
    static let stunServer = STUNTransportAddress(address: [192, 0, 2, 100], port: 3478)

    static func configurations(_ roles: (ICERole, ICERole) = (.controlling, .controlled), stun: Bool = true) -> [ICEAgent.Configuration] {
        [roles.0, roles.1].map {
            var configuration = ICEAgent.Configuration(role: $0)
            if stun { configuration.stunServers = [stunServer] }
            return configuration
        }
    }

    /// Runs until both agents completed (or `limit`), then exchanges data both ways.
    static func connectAndExchange(_ simulation: inout ICESimulation, limit: Duration = .seconds(60)) -> Bool {
        guard simulation.run(for: limit, until: \.bothSelected) else { return false }
        try? simulation.agents[0].send(Array("from A".utf8))
        try? simulation.agents[1].send(Array("from B".utf8))
        simulation.run(for: .seconds(1)) { $0.received[0].count >= 1 && $0.received[1].count >= 1 }
        return simulation.received[1].contains(Array("from A".utf8)) && simulation.received[0].contains(Array("from B".utf8))
    }

    @Test("public hosts, 20 ms RTT: a nominated pair within 3 RTT plus Ta pacing, on the host candidates")
    func publicHosts() {
        var network = SimulatedNetwork(seed: 1)
        network.latency = .milliseconds(10)
        var simulation = ICESimulation(network: network, configurations: Self.configurations(stun: false),
                                       hosts: [[Self.publicA], [Self.publicB]], seed: 1)
        let exchanged = Self.connectAndExchange(&simulation)
        #expect(exchanged)
        #expect(simulation.stalledPolls == 0)
        // Both sides have each other's candidates once signalling delivered them (5 ms).
        let start = simulation.signallingDelay
        let completedA = simulation.time(0, reached: .completed)!, completedB = simulation.time(1, reached: .completed)!
        let rtt = Duration.milliseconds(20)
        print("ICE simulation, 20 ms RTT, perfect network: controlled completed after \(completedB - start), controlling after \(completedA - start) (bound: 3 RTT + Ta = \(rtt * 3 + .milliseconds(50)))")
        #expect(max(completedA, completedB) - start <= rtt * 3 + .milliseconds(50))
        #expect(simulation.agents[0].selectedPair?.local.type == .host && simulation.agents[0].selectedPair?.destination == Self.publicB)
        #expect(simulation.agents[1].selectedPair?.destination == Self.publicA)
    }

    /// Each agent behind its own NAT (or none), with a STUN server on the public side.
    static func natCase(_ a: (NATBehaviour, NATBehaviour)?, _ b: (NATBehaviour, NATBehaviour)?, blockA: Bool = false, seed: UInt64 = 3) -> ICESimulation {
        var network = SimulatedNetwork(seed: seed)
        network.stunServer = stunServer
        if let a { network.addNAT(SimulatedNAT(publicIP: publicA.address, mapping: a.0, filtering: a.1), hosts: [hostA.address]) }
        if let b { network.addNAT(SimulatedNAT(publicIP: publicB.address, mapping: b.0, filtering: b.1), hosts: [hostB.address]) }
        if blockA { network.udpBlocked.insert(hostA.address) }
        return ICESimulation(network: network, configurations: configurations(), hosts: [[hostA], [hostB]], seed: seed)
    }

    @Test("behind NATs: connects wherever a path exists (EIM with any filtering, symmetric against open filtering)",
          .spec("RFC8445-5.1.1.2-5"), .spec("RFC8445-7.2.5.3.1-1"), .spec("RFC8445-5.1.3-1"), .spec("RFC8445-6.1.2.4-1"))
    func natTraversal() {
        let working: [((NATBehaviour, NATBehaviour)?, (NATBehaviour, NATBehaviour)?, String)] = [
            ((.endpointIndependent, .endpointIndependent), (.endpointIndependent, .endpointIndependent), "full cone both"),
            ((.endpointIndependent, .addressDependent), (.endpointIndependent, .addressDependent), "restricted cone both"),
            ((.endpointIndependent, .addressAndPortDependent), (.endpointIndependent, .addressAndPortDependent), "port-restricted both"),
            ((.addressAndPortDependent, .addressAndPortDependent), (.endpointIndependent, .endpointIndependent), "symmetric vs full cone"),
            ((.addressAndPortDependent, .addressAndPortDependent), (.endpointIndependent, .addressDependent), "symmetric vs restricted cone"),
            ((.addressAndPortDependent, .addressAndPortDependent), nil, "symmetric vs public"),
        ]
        for (a, b, name) in working {
            var simulation = Self.natCase(a, b)
            let connected = Self.connectAndExchange(&simulation)
            #expect(connected, "\(name)")
            #expect(simulation.agents[0].localCandidates.contains { $0.type == .srflx }, "\(name): a server-reflexive candidate behind the NAT")
            // Reflexive candidates are replaced by their base: only host candidates are paired.
            #expect(simulation.agents.allSatisfy { $0.checklist.allSatisfy { $0.local.type == .host } }, "\(name)")
            #expect(simulation.stalledPolls == 0)
        }
    }

    @Test("no path (symmetric vs port-restricted, symmetric both, UDP blocked): both agents fail after end-of-candidates",
          .spec("RFC8445-7.2.5.2.3-1"))
    func noPath() {
        let failing: [(ICESimulation, String)] = [
            (Self.natCase((.addressAndPortDependent, .addressAndPortDependent), (.endpointIndependent, .addressAndPortDependent)), "symmetric vs port-restricted"),
            (Self.natCase((.addressAndPortDependent, .addressAndPortDependent), (.addressAndPortDependent, .addressAndPortDependent)), "symmetric both"),
            (Self.natCase(nil, nil, blockA: true), "UDP blocked"),
        ]
        for (initial, name) in failing {
            var simulation = initial
            let failed = simulation.run(for: .seconds(120)) { $0.agents.allSatisfy { $0.connectionState == .failed } }
            #expect(failed, "\(name)")
            #expect(simulation.agents.allSatisfy { $0.selectedPair == nil }, "\(name)")
        }
    }

    @Test("two interfaces each: the highest-priority working pair is the one selected; then Frozen and Waiting pairs leave the checklist",
          .spec("RFC8445-8.1.2-1"))
    func priorityChoice() {
        var network = SimulatedNetwork(seed: 5)
        network.latency = .milliseconds(15)
        let a2 = STUNTransportAddress(address: [203, 0, 113, 2], port: 5001), b2 = STUNTransportAddress(address: [198, 51, 100, 2], port: 6001)
        // The first interface of A does not work: the best working pair uses A's second one.
        network.udpBlocked.insert(Self.publicA.address)
        var simulation = ICESimulation(network: network, configurations: Self.configurations(stun: false),
                                       hosts: [[Self.publicA, a2], [Self.publicB, b2]], seed: 5)
        let exchanged = Self.connectAndExchange(&simulation)
        #expect(exchanged)
        let selected = simulation.agents[0].selectedPair!
        let succeeded = simulation.agents[0].checklist.filter { $0.state == .succeeded }
        #expect(selected.source == a2 && selected.destination == Self.publicB)
        #expect(succeeded.allSatisfy { $0.local.priority <= selected.local.priority })
        #expect(simulation.agents[1].selectedPair?.destination == a2)
        #expect(simulation.agents[0].checklist.allSatisfy { $0.state != .frozen && $0.state != .waiting })
    }

    @Test("20 % loss in both directions: connects and exchanges data (10 seeds)")
    func lossyNetwork() {
        var times: [Duration] = []
        for seed in UInt64(1)...10 {
            var simulation = Self.natCase((.endpointIndependent, .addressAndPortDependent), (.endpointIndependent, .addressDependent), seed: seed)
            simulation.network.loss = 0.2
            let connected = simulation.run(for: .seconds(60), until: \.bothSelected)
            #expect(connected, "seed \(seed)")
            guard connected else { continue }
            times.append(simulation.now)
            // Data over a lossy path: some of 20 datagrams arrive.
            for index in 0..<20 { try? simulation.agents[0].send([UInt8(index)]) }
            simulation.run(for: .seconds(1))
            #expect(simulation.received[1].count >= 8, "seed \(seed)")
        }
        print("ICE simulation, 20 % loss: connected after \(times.map { "\($0)" }.joined(separator: ", "))")
    }

    @Test("consent: checks every 4–6 s while the path lives; 30 s after the last answer sending stops",
          .spec("RFC7675-5.1-2"), .spec("RFC7675-5.1-3"), .spec("RFC7675-5.1-4"), .spec("RFC7675-5.1-5"), .spec("RFC7675-5.1-6"),
          .spec("RFC7675-5.1-8"), .spec("RFC7675-5.1-12"), .spec("RFC7675-5.1-13"), .spec("RFC8445-11-1"), .spec("RFC8445-11-4"), .spec("RFC8445-11-3"))
    func consentFreshness() throws {
        var simulation = Self.natCase(nil, nil)
        let connected = simulation.run(for: .seconds(10), until: \.bothSelected)
        #expect(connected)
        // A minute of healthy path: consent requests spaced 4–6 s apart, each with a new transaction ID.
        let before = simulation.agents[0].statistics.consentChecksSent
        let start = simulation.now
        simulation.run(for: .seconds(60))
        let sent = simulation.agents[0].statistics.consentChecksSent - before
        #expect((10...15).contains(sent), "\(sent) consent checks in 60 s")
        #expect(simulation.agents.allSatisfy { $0.connectionState == .completed })
        // The path dies: consent expires 30 s after the last answer, within one check interval.
        simulation.network.partitioned = true
        let cut = simulation.now
        let expired = simulation.run(for: .seconds(60)) { $0.agents[0].connectionState == .failed }
        #expect(expired)
        let at = try #require(simulation.lastEvent(0) { if case .consentExpired = $0 { return true }; return false }).at
        print("ICE consent: path cut at \(cut - start) after a minute of checks, consent expired \(at - cut) later")
        #expect(at - cut >= .seconds(24) && at - cut <= .seconds(30))
        #expect(throws: ICEError.self) { try simulation.agents[0].send([1]) }
        // After expiry nothing more is sent with these credentials, even when the path heals.
        simulation.network.partitioned = false
        let consent = simulation.agents[0].statistics.consentChecksSent, checks = simulation.agents[0].statistics.checksSent
        simulation.run(for: .seconds(30))
        #expect(simulation.agents[0].statistics.consentChecksSent == consent && simulation.agents[0].statistics.checksSent == checks)
        #expect(simulation.agents[0].connectionState == .failed)
        #expect(throws: ICEError.self) { try simulation.agents[0].send([1]) }
        // An ICE restart (new credentials on both sides) regains consent.
        simulation.agents[0].restart(at: simulation.now)
        simulation.agents[1].restart(at: simulation.now)
        simulation.agents[0].setRemoteCredentials(simulation.agents[1].localCredentials, at: simulation.now)
        simulation.agents[1].setRemoteCredentials(simulation.agents[0].localCredentials, at: simulation.now)
        let regained = simulation.run(for: .seconds(10)) { $0.agents.allSatisfy { $0.connectionState == .completed } }
        #expect(regained)
        try simulation.agents[0].send([2])
        simulation.run(for: .milliseconds(50))
        #expect(simulation.received[1].last == [2])
    }

    @Test("both start controlling (or both controlled): the conflict resolves and they connect",
          .spec("RFC8445-7.3.1.1-3"), .spec("RFC8445-7.2.5.1-4"))
    func roleConflict() {
        for roles in [(ICERole.controlling, ICERole.controlling), (.controlled, .controlled)] {
            var simulation = ICESimulation(network: SimulatedNetwork(seed: 9), configurations: Self.configurations(roles, stun: false),
                                           hosts: [[Self.publicA], [Self.publicB]], seed: 9)
            let connected = Self.connectAndExchange(&simulation)
            #expect(connected, "\(roles)")
            #expect(simulation.agents[0].role != simulation.agents[1].role, "\(roles)")
        }
    }

    @Test("ICE restart: new credentials, data keeps flowing on the old pair, a new pair is selected",
          .spec("RFC8445-9-3"), .spec("RFC7675-5.1-10"))
    func restart() throws {
        var simulation = Self.natCase((.endpointIndependent, .addressDependent), nil)
        let connected = simulation.run(for: .seconds(10), until: \.bothSelected)
        #expect(connected)
        let old = simulation.agents[0].localCredentials
        simulation.agents[0].restart(at: simulation.now)
        simulation.agents[1].restart(at: simulation.now)
        #expect(simulation.agents[0].localCredentials.usernameFragment != old.usernameFragment)
        #expect(simulation.agents[0].localCredentials.password != old.password)
        // The new descriptions carry the new credentials (the candidates trickle after them).
        let selections = simulation.events[0].filter { if case .selectedPair = $0.event { return true }; return false }.count
        simulation.agents[0].setRemoteCredentials(simulation.agents[1].localCredentials, at: simulation.now)
        simulation.agents[1].setRemoteCredentials(simulation.agents[0].localCredentials, at: simulation.now)
        // Data still flows on the old pair while the new checks run.
        try simulation.agents[0].send(Array("during restart".utf8))
        simulation.run(for: .milliseconds(12))
        #expect(simulation.received[1].contains(Array("during restart".utf8)))
        let reselected = simulation.run(for: .seconds(10)) { $0.events[0].filter { if case .selectedPair = $0.event { return true }; return false }.count > selections }
        #expect(reselected)
        try simulation.agents[1].send(Array("after restart".utf8))
        simulation.run(for: .milliseconds(100))
        #expect(simulation.received[0].contains(Array("after restart".utf8)))
        #expect(simulation.agents.allSatisfy { $0.connectionState == .completed })
    }

    @Test("dual stack: IPv4 and IPv6 host candidates pair within their family; IPv6-only peers connect over IPv6")
    func dualStack() throws {
        let a6 = STUNTransportAddress(address: [0x20, 0x01, 0x0d, 0xb8, 0, 1] + Array(repeating: 0, count: 9) + [1], port: 5000)
        let b6 = STUNTransportAddress(address: [0x20, 0x01, 0x0d, 0xb8, 0, 2] + Array(repeating: 0, count: 9) + [1], port: 6000)
        var simulation = ICESimulation(network: SimulatedNetwork(seed: 8), configurations: Self.configurations(stun: false),
                                       hosts: [[Self.publicA, a6], [Self.publicB, b6]], seed: 8)
        let exchanged = Self.connectAndExchange(&simulation)
        #expect(exchanged)
        #expect(simulation.agents[0].checklist.allSatisfy { $0.local.address!.isIPv6 == $0.remote.address!.isIPv6 })
        // IPv4 blocked on both: the IPv6 pair carries the data.
        var network = SimulatedNetwork(seed: 9)
        network.udpBlocked = [Self.publicA.address, Self.publicB.address]
        var v6 = ICESimulation(network: network, configurations: Self.configurations(stun: false), hosts: [[Self.publicA, a6], [Self.publicB, b6]], seed: 9)
        let connected = Self.connectAndExchange(&v6)
        #expect(connected)
        #expect(v6.agents[0].selectedPair?.destination == b6 && v6.agents[1].selectedPair?.destination == a6)
    }

    @Test("late trickle: candidates that arrive a second late still connect", .spec("RFC8838-8-1"))
    func lateTrickle() {
        var simulation = Self.natCase((.endpointIndependent, .addressAndPortDependent), (.endpointIndependent, .addressAndPortDependent))
        simulation.signallingDelay = .seconds(1)
        let exchanged = Self.connectAndExchange(&simulation)
        #expect(exchanged)
    }

    @Test("a lite peer (answers checks, sends none): the full agent is controlling and nominates", .spec("RFC8445-6.1.1-2"))
    func litePeer() throws {
        var configuration = ICEAgent.Configuration(role: .controlled)
        configuration.remoteIsLite = true
        var agent = ICEAgent(configuration: configuration, random: SeededGenerator(seed: 4))
        #expect(agent.role == .controlling)
        try agent.addHostCandidate(Self.publicA)
        let lite = ICECredentials(usernameFragment: "lite", password: "lite-password-0123456789")
        agent.setRemoteCredentials(lite, at: .zero)
        agent.addRemoteCandidate(ICECandidate(foundation: "1", priority: 2_130_706_431, address: Self.publicB, type: .host))
        agent.endOfRemoteCandidates(at: .zero)
        let responder = STUNBindingResponder(software: nil) { $0.hasPrefix("lite:") ? lite.password : nil }
        var now = Duration.zero
        var nominated = false
        while now < .seconds(5), agent.connectionState != .completed {
            switch agent.poll(at: now) {
            case .transmit(let transmit):
                if (try? STUNMessage(parsing: transmit.bytes))?.attribute(STUNAttributeType.useCandidate) != nil { nominated = true }
                if let answer = responder.respond(to: transmit.bytes, from: transmit.source) {
                    agent.handle(.datagram(answer, from: transmit.destination, to: transmit.source), at: now + .milliseconds(10))
                }
            case .event: continue
            case .timeout(let deadline): now = deadline ?? now + .seconds(1)
            }
        }
        #expect(nominated && agent.connectionState == .completed)
    }
}

/// ICE-TCP (RFC 6544) over the simulated network: active and passive host candidates, RFC 4571
/// framing on streams delivered in arbitrary pieces.
struct ICETCPSimulationTests {
    static let a = STUNTransportAddress(address: [203, 0, 113, 1], port: 5000)
    static let b = STUNTransportAddress(address: [198, 51, 100, 1], port: 6000)

    static func simulation(blockUDP: Bool, seed: UInt64 = 21) -> ICESimulation {
        var network = SimulatedNetwork(seed: seed)
        if blockUDP { network.udpBlocked = [a.address, b.address] }
        return ICESimulation(network: network, configurations: [.init(role: .controlling), .init(role: .controlled)],
                             hosts: [[a], [b]], seed: seed,
                             tcp: [STUNTransportAddress(address: a.address, port: 7000), STUNTransportAddress(address: b.address, port: 8000)])
    }

    @Test("a firewall that drops UDP: the agents connect over TCP (active to passive) and exchange data",
          .spec("RFC6544-7.1-1"), .spec("RFC6544-7.1-3"), .spec("RFC6544-7.2-1"), .spec("RFC6544-7.2-2"), .spec("RFC6544-7.2-3"),
          .spec("RFC6544-10.1-1"), .spec("RFC6544-10.1-2"), .spec("RFC6544-10.2-1"), .spec("RFC6544-4.5-1"), .spec("RFC6544-8-2"),
          .spec("RFC6544-6.2-1"), .spec("RFC6544-7.1-2"), .spec("RFC7675-5.1-11"), .spec("RFC7675-5.1-7"))
    func tcpWhenUDPIsBlocked() throws {
        var simulation = Self.simulation(blockUDP: true)
        let connected = simulation.run(for: .seconds(60), until: \.bothSelected)
        #expect(connected)
        if !connected { print(simulation.report) }
        let selected = try #require(simulation.agents[0].selectedPair)
        #expect(selected.local.transport == .tcp && selected.remote.transport == .tcp)
        // Active candidates carry port 9; our active pairs with their passive only.
        let active = try #require(simulation.agents[0].localCandidates.first { $0.tcpType == "active" })
        #expect(active.port == 9)
        #expect(simulation.agents[0].checklist.filter { $0.local.transport == .tcp }.allSatisfy { $0.local.tcpType == "active" || $0.remote.type == .prflx })
        for index in 0..<50 { try simulation.agents[0].send(Array(repeating: UInt8(index), count: 100 + index * 37)) }
        try simulation.agents[1].send(Array("over tcp".utf8))
        simulation.run(for: .seconds(1))
        #expect(simulation.received[1].count == 50)
        #expect(simulation.received[1].enumerated().allSatisfy { $0.element == Array(repeating: UInt8($0.offset), count: 100 + $0.offset * 37) })
        #expect(simulation.received[0] == [Array("over tcp".utf8)])
        // The connection of the pair the controlled side did not select is closed.
        #expect(simulation.closedTCP >= 1)
        // Consent checks run over the TCP connection and keep it alive.
        let consent = simulation.agents[0].statistics.consentChecksSent
        simulation.run(for: .seconds(40))
        #expect(simulation.agents[0].statistics.consentChecksSent - consent >= 6)
        #expect(simulation.agents.allSatisfy { $0.connectionState == .completed })
    }

    @Test("with UDP working too, the UDP pair is selected (UDP preferred for media)", .spec("RFC6544-4.2-5"), .spec("RFC6544-4.2-9"),
          .spec("RFC6544-4.2-12"))
    func udpPreferred() throws {
        var simulation = Self.simulation(blockUDP: false)
        let connected = simulation.run(for: .seconds(10), until: \.bothSelected)
        #expect(connected)
        #expect(simulation.agents[0].selectedPair?.local.transport == .udp)
        let passive = try #require(simulation.agents[0].localCandidates.first { $0.tcpType == "passive" })
        let active = try #require(simulation.agents[0].localCandidates.first { $0.tcpType == "active" })
        // Local preference 2^13 · direction (6 active, 4 passive) + 8191.
        #expect((active.priority >> 8) & 0xffff == 6 << 13 | 8191 && (passive.priority >> 8) & 0xffff == 4 << 13 | 8191)
        #expect(simulation.agents[0].localCandidates.filter { $0.transport == .udp }.allSatisfy { udp in
            simulation.agents[0].localCandidates.filter { $0.transport == .tcp }.allSatisfy { $0.priority < udp.priority } })
    }

    @Test("a refused connection fails its pair; with nothing else the agents fail", .spec("RFC6544-7.1-4"))
    func refused() {
        var simulation = Self.simulation(blockUDP: true)
        simulation.tcpRefused = [Self.a.address, Self.b.address]
        let failed = simulation.run(for: .seconds(120)) { $0.agents.allSatisfy { $0.connectionState == .failed } }
        #expect(failed)
    }

    @Test("RFC 4571 framing: lengths in front, packets back whole from any split of the stream")
    func framing() {
        var random = SeededGenerator(seed: 3)
        let packets = (0..<40).map { _ in random.bytes(Int(random.next() % 1500)) }
        let stream = packets.flatMap { RFC4571Framer.frame($0)! }
        var framer = RFC4571Framer()
        var out: [[UInt8]] = []
        var rest = stream[...]
        while !rest.isEmpty {
            let piece = Int(random.next() % 97) + 1
            out += framer.append(Array(rest.prefix(piece)))
            rest = rest.dropFirst(piece)
        }
        #expect(out == packets && framer.pendingByteCount == 0)
        #expect(RFC4571Framer.frame(Array(repeating: 0, count: 65_536)) == nil)
    }
}
