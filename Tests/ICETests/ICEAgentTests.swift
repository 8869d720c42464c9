import ICE
import SpecTesting
import STUN
import Testing

/// One agent against a scripted peer: what it sends, how it answers, and how it treats bad input.
struct ICEAgentTests {
    static let local = STUNTransportAddress(address: [192, 0, 2, 1], port: 4000)
    static let remote = STUNTransportAddress(address: [198, 51, 100, 7], port: 5000)
    static let peer = ICECredentials(usernameFragment: "peer", password: "peer-password-0123456789")

    /// An agent with one host candidate, the peer's credentials and one remote candidate.
    static func agent(role: ICERole = .controlling, configure: (inout ICEAgent.Configuration) -> Void = { _ in }) -> ICEAgent {
        var configuration = ICEAgent.Configuration(role: role)
        configure(&configuration)
        var agent = ICEAgent(configuration: configuration, random: SeededGenerator(seed: 42))
        try! agent.addHostCandidate(local)
        agent.setRemoteCredentials(peer, at: .zero)
        agent.addRemoteCandidate(ICECandidate(foundation: "9", priority: 2_130_706_431, address: remote, type: .host))
        return agent
    }

    /// Drains the agent at `now`.
    static func drain(_ agent: inout ICEAgent, at now: Duration) -> (transmits: [ICETransmit], events: [ICEEvent], deadline: Duration?) {
        var transmits: [ICETransmit] = [], events: [ICEEvent] = []
        while true {
            switch agent.poll(at: now) {
            case .transmit(let transmit): transmits.append(transmit)
            case .event(let event): events.append(event)
            case .timeout(let deadline): return (transmits, events, deadline)
            }
        }
    }

    /// A check as the peer would send it to `agent`.
    static func request(to agent: ICEAgent, controlling: Bool, tiebreaker: UInt64 = 1, useCandidate: Bool = false,
                        username: String? = nil, password: String? = nil, fingerprint: Bool = true, integrity: Bool = true) -> STUNMessage {
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Array(1...12))
        message.attributes.append(.username(username ?? agent.localCredentials.usernameFragment + ":peer"))
        message.attributes.append(.priority(1_862_270_975))
        message.attributes.append(.iceRole(controlling: controlling, tiebreaker: tiebreaker))
        if useCandidate { message.attributes.append(.useCandidate) }
        if integrity { message.appendMessageIntegrity(key: Array((password ?? agent.localCredentials.password).utf8)) }
        if fingerprint { message.appendFingerprint() }
        return message
    }

    /// The peer's signed answer to `request`, as if from `source`.
    static func answer(_ request: STUNMessage, mapped: STUNTransportAddress = local, error: Int? = nil) -> [UInt8] {
        var response = STUNMessage(type: STUNMessageType(method: .binding, messageClass: error == nil ? .successResponse : .errorResponse),
                                   transactionID: request.transactionID)
        if let error {
            response.attributes.append(.errorCode(STUNErrorCode(code: error, reason: "Role Conflict")))
        } else {
            response.attributes.append(.xorMappedAddress(mapped, transactionID: request.transactionID))
        }
        response.appendMessageIntegrity(key: Array(peer.password.utf8))
        response.appendFingerprint()
        return response.encoded
    }

    static func responseCode(_ bytes: [UInt8]) throws -> Int? {
        let message = try STUNMessage(parsing: bytes)
        return try message.errorCode()?.code
    }

    @Test("a check carries USERNAME, PRIORITY (peer-reflexive preference), ICE-CONTROLLING, MESSAGE-INTEGRITY and FINGERPRINT",
          .spec("RFC8445-7.2.2-1"), .spec("RFC8445-7.1.1-1"), .spec("RFC8445-7.1.3-1"), .spec("RFC8445-7.2.4-2"), .spec("RFC8445-7.2.4-1"))
    func checkContents() throws {
        var agent = Self.agent()
        let (transmits, events, _) = Self.drain(&agent, at: .zero)
        #expect(events.contains(.stateChanged(.checking)))
        let check = try #require(transmits.first)
        #expect(check.source == Self.local && check.destination == Self.remote)
        let message = try STUNMessage(parsing: check.bytes)
        #expect(message.type.method == .binding && message.type.messageClass == .request)
        #expect(try message.text(STUNAttributeType.username) == "peer:" + agent.localCredentials.usernameFragment)
        #expect(try message.integer(STUNAttributeType.priority) == UInt64(ICECandidate.priority(type: .prflx, localPreference: 65_535, component: 1)))
        #expect(message.attribute(STUNAttributeType.iceControlling) != nil && message.attribute(STUNAttributeType.iceControlled) == nil)
        #expect(message.attribute(STUNAttributeType.useCandidate) == nil, "regular nomination: no USE-CANDIDATE before a valid pair")
        #expect(message.hasValidMessageIntegrity(key: Array(Self.peer.password.utf8)))
        #expect(message.hasValidFingerprint)
        // Plain RFC 5389 (magic cookie present), never the RFC 3489 form.
        #expect(Array(check.bytes[4..<8]) == [0x21, 0x12, 0xa4, 0x42])
    }

    @Test("the controlled agent sends ICE-CONTROLLED and never USE-CANDIDATE", .spec("RFC8445-7.1.3-2"), .spec("RFC8445-7.1.2-2"))
    func controlledCheck() throws {
        var agent = Self.agent(role: .controlled)
        var sent: [STUNMessage] = []
        var now = Duration.zero
        for _ in 0..<40 {
            sent += try Self.drain(&agent, at: now).transmits.map { try STUNMessage(parsing: $0.bytes) }
            now += .milliseconds(250)
        }
        #expect(!sent.isEmpty)
        #expect(sent.allSatisfy { $0.attribute(STUNAttributeType.iceControlled) != nil && $0.attribute(STUNAttributeType.useCandidate) == nil })
    }

    @Test("a valid request gets a signed success response with the source as XOR-MAPPED-ADDRESS, and a triggered check back",
          .spec("RFC8445-7.3-2"), .spec("RFC8445-7.3-3"), .spec("RFC8445-7.3-4"), .spec("RFC8445-7.3-5"), .spec("RFC8445-7.3-8"),
          .spec("RFC8445-7.3-1"), .spec("RFC8445-7.3.1.4-2"))
    func answersChecks() throws {
        var agent = Self.agent(role: .controlled)
        _ = Self.drain(&agent, at: .zero)
        // From an address the peer never signalled: a peer-reflexive candidate.
        let source = STUNTransportAddress(address: [203, 0, 113, 9], port: 6000)
        let request = Self.request(to: agent, controlling: true)
        agent.handle(.datagram(request.encoded, from: source, to: Self.local), at: .milliseconds(60))
        let (transmits, _, _) = Self.drain(&agent, at: .milliseconds(60))
        let response = try STUNMessage(parsing: try #require(transmits.first { $0.destination == source }).bytes)
        #expect(response.type.messageClass == .successResponse && response.transactionID == request.transactionID)
        #expect(try response.xorMappedAddress() == source)
        #expect(response.hasValidMessageIntegrity(key: Array(agent.localCredentials.password.utf8)))
        #expect(response.hasValidFingerprint)
        #expect(response.attribute(STUNAttributeType.username) == nil)
        // The triggered check to the new peer-reflexive candidate goes out at once (Ta has passed).
        let triggered = try transmits.filter { $0.destination == source }.map { try STUNMessage(parsing: $0.bytes) }
        #expect(triggered.contains { $0.type.messageClass == .request })
        #expect(agent.checklist.contains { $0.remote.type == .prflx && $0.remote.address == source && $0.remote.priority == 1_862_270_975 })
    }

    @Test("bad requests: no FINGERPRINT is dropped; no credentials 400; wrong fragment or password 401",
          .spec("RFC8445-7.3-8"), .spec("RFC8445-7.3-2"), .spec("RFC8445-7.3-4"))
    func rejectsBadRequests() throws {
        var agent = Self.agent(role: .controlled)
        _ = Self.drain(&agent, at: .zero)
        func send(_ message: STUNMessage) throws -> Int?? {
            agent.handle(.datagram(message.encoded, from: Self.remote, to: Self.local), at: .milliseconds(10))
            guard let reply = Self.drain(&agent, at: .milliseconds(10)).transmits.first(where: {
                (try? STUNMessage(parsing: $0.bytes))?.transactionID == message.transactionID }) else { return .none }
            return .some(try Self.responseCode(reply.bytes))
        }
        #expect(try send(Self.request(to: agent, controlling: true, fingerprint: false)) == .none)
        #expect(try send(Self.request(to: agent, controlling: true, integrity: false)) == .some(400))
        #expect(try send(Self.request(to: agent, controlling: true, username: "nobody:peer")) == .some(401))
        #expect(try send(Self.request(to: agent, controlling: true, password: "not-the-password-at-all!")) == .some(401))
        #expect(try send(Self.request(to: agent, controlling: true)) == .some(nil))
        #expect(agent.statistics.requestsRejected == 3 && agent.statistics.stunDropped == 1)
    }

    @Test("role conflict on a request: the larger tiebreaker keeps its role, the smaller switches",
          .spec("RFC8445-7.3.1.1-2"), .spec("RFC8445-7.3.1.1-3"))
    func roleConflictOnRequest() throws {
        // Both controlling; the peer's tiebreaker 0 loses: 487, we stay controlling.
        var agent = Self.agent(role: .controlling)
        _ = Self.drain(&agent, at: .zero)
        agent.handle(.datagram(Self.request(to: agent, controlling: true, tiebreaker: 0).encoded, from: Self.remote, to: Self.local), at: .milliseconds(10))
        var reply = try #require(Self.drain(&agent, at: .milliseconds(10)).transmits.first { $0.destination == Self.remote })
        #expect(try Self.responseCode(reply.bytes) == 487)
        #expect(try STUNMessage(parsing: reply.bytes).hasValidMessageIntegrity(key: Array(agent.localCredentials.password.utf8)))
        #expect(agent.role == .controlling)
        // The peer's tiebreaker 2^64−1 wins: we switch to controlled and answer with success.
        agent.handle(.datagram(Self.request(to: agent, controlling: true, tiebreaker: .max).encoded, from: Self.remote, to: Self.local), at: .milliseconds(20))
        let drained = Self.drain(&agent, at: .milliseconds(20))
        reply = try #require(drained.transmits.first { $0.destination == Self.remote })
        #expect(try Self.responseCode(reply.bytes) == nil)
        #expect(agent.role == .controlled && drained.events.contains(.roleChanged(.controlled)))
        // Both controlled: the larger tiebreaker (ours, against 0) takes the controlling role.
        var other = Self.agent(role: .controlled)
        _ = Self.drain(&other, at: .zero)
        other.handle(.datagram(Self.request(to: other, controlling: false, tiebreaker: 0).encoded, from: Self.remote, to: Self.local), at: .milliseconds(10))
        #expect(other.role == .controlling)
        var third = Self.agent(role: .controlled)
        _ = Self.drain(&third, at: .zero)
        third.handle(.datagram(Self.request(to: third, controlling: false, tiebreaker: .max).encoded, from: Self.remote, to: Self.local), at: .milliseconds(10))
        reply = try #require(Self.drain(&third, at: .milliseconds(10)).transmits.first { $0.destination == Self.remote })
        #expect(try Self.responseCode(reply.bytes) == 487 && third.role == .controlled)
    }

    @Test("a 487 answer switches the role, changes the tiebreaker and checks the pair again",
          .spec("RFC8445-7.2.5.1-1"), .spec("RFC8445-7.2.5.1-2"), .spec("RFC8445-7.2.5.1-3"), .spec("RFC8445-7.2.5.1-4"), .spec("RFC8445-16.1-1"))
    func roleConflictResponse() throws {
        var agent = Self.agent(role: .controlling)
        let first = try STUNMessage(parsing: try #require(Self.drain(&agent, at: .zero).transmits.first).bytes)
        let tiebreaker = try #require(try first.integer(STUNAttributeType.iceControlling))
        agent.handle(.datagram(Self.answer(first, error: 487), from: Self.remote, to: Self.local), at: .milliseconds(20))
        let drained = Self.drain(&agent, at: .milliseconds(60))
        #expect(agent.role == .controlled && drained.events.contains(.roleChanged(.controlled)))
        let again = try STUNMessage(parsing: try #require(drained.transmits.first { $0.destination == Self.remote }).bytes)
        let newTiebreaker = try #require(try again.integer(STUNAttributeType.iceControlled))
        #expect(newTiebreaker != tiebreaker)
        // The same tiebreaker from then on.
        var now = Duration.milliseconds(60)
        for _ in 0..<10 {
            now += .milliseconds(600)
            for transmit in Self.drain(&agent, at: now).transmits {
                #expect(try STUNMessage(parsing: transmit.bytes).integer(STUNAttributeType.iceControlled) == newTiebreaker)
            }
        }
    }

    @Test("checks are paced one per Ta (50 ms) and retransmitted from RTO ≥ 500 ms; a silent pair fails",
          .spec("RFC8445-14.2-1"), .spec("RFC8445-14.3-2"), .spec("RFC8445-14.3-4"), .spec("RFC8445-7.2.5.2.3-1"))
    func pacingAndRetransmissions() throws {
        var agent = Self.agent()
        for index in 1...4 {
            agent.addRemoteCandidate(ICECandidate(foundation: "r\(index)", priority: UInt32(1_000 + index),
                                                  address: STUNTransportAddress(address: [198, 51, 100, UInt8(10 + index)], port: 5000), type: .host))
        }
        var sends: [(Duration, [UInt8])] = []
        var now = Duration.zero
        while now < .seconds(60) {
            let drained = Self.drain(&agent, at: now)
            for transmit in drained.transmits { sends.append((now, try STUNMessage(parsing: transmit.bytes).transactionID)) }
            guard let deadline = drained.deadline else { break }
            #expect(deadline > now)
            now = deadline
        }
        // First transmissions at least Ta apart.
        var firsts: [Duration] = []
        var seen: Set<[UInt8]> = []
        for (time, id) in sends where seen.insert(id).inserted { firsts.append(time) }
        #expect(firsts.count == 5)
        for (a, b) in zip(firsts, firsts.dropFirst()) { #expect(b - a >= .milliseconds(50)) }
        // Retransmissions of one check: 500 ms, then doubling; 7 sends in all.
        let firstID = sends[0].1
        let times = sends.filter { $0.1 == firstID }.map(\.0)
        #expect(times.count == 7)
        #expect(times[1] - times[0] >= .milliseconds(500))
        #expect(times[2] - times[1] == (times[1] - times[0]) * 2)
        // Nobody answered: every pair failed; end-of-candidates turns that into failure.
        #expect(agent.checklist.allSatisfy { $0.state == .failed })
        #expect(agent.connectionState == .checking)
        agent.endOfRemoteCandidates(at: now)
        #expect(Self.drain(&agent, at: now).events.contains(.stateChanged(.failed)))
    }

    @Test("a success response from another address fails the pair (symmetry)", .spec("RFC8445-7.2.5.2.1-1"),
          .spec("RFC8445-7.2.5.2.1-2"), .spec("RFC8445-7.2.5.2.1-3"))
    func asymmetricResponse() throws {
        var agent = Self.agent()
        let check = try STUNMessage(parsing: try #require(Self.drain(&agent, at: .zero).transmits.first).bytes)
        let elsewhere = STUNTransportAddress(address: [198, 51, 100, 7], port: 5001)
        agent.handle(.datagram(Self.answer(check), from: elsewhere, to: Self.local), at: .milliseconds(20))
        _ = Self.drain(&agent, at: .milliseconds(20))
        #expect(agent.checklist.first?.state == .failed)
        #expect(agent.connectionState == .checking)
    }

    @Test("controlling: a valid pair, then a check with USE-CANDIDATE, then the pair is selected",
          .spec("RFC8445-8.1.1-3"), .spec("RFC8445-7.1.2-1"), .spec("RFC8445-8.1.1-2"), .spec("RFC8445-7.2.5.3.1-1"), .spec("RFC8445-12.1-1"), .spec("RFC8445-12.1-2"),
          .spec("RFC7675-5.1-1"))
    func nominationAsControlling() throws {
        var agent = Self.agent()
        #expect(throws: ICEError.notConnected) { try agent.send([1, 2, 3]) }
        let check = try STUNMessage(parsing: try #require(Self.drain(&agent, at: .zero).transmits.first).bytes)
        agent.handle(.datagram(Self.answer(check), from: Self.remote, to: Self.local), at: .milliseconds(20))
        var drained = Self.drain(&agent, at: .milliseconds(20))
        #expect(drained.events.contains(.stateChanged(.connected)))
        // Data may flow on the valid pair before nomination.
        try agent.send([1, 2, 3])
        #expect(Self.drain(&agent, at: .milliseconds(20)).transmits.contains { $0.bytes == [1, 2, 3] && $0.destination == Self.remote })
        drained = Self.drain(&agent, at: .milliseconds(50))
        let nomination = try STUNMessage(parsing: try #require(drained.transmits.first).bytes)
        #expect(nomination.attribute(STUNAttributeType.useCandidate) != nil)
        agent.handle(.datagram(Self.answer(nomination), from: Self.remote, to: Self.local), at: .milliseconds(70))
        drained = Self.drain(&agent, at: .milliseconds(70))
        #expect(drained.events.contains(.stateChanged(.completed)))
        #expect(agent.selectedPair?.destination == Self.remote)
        #expect(agent.checklist.first?.nominated == true)
        // Exactly one nominating check in the whole session.
        var now = Duration.milliseconds(70)
        var more = 0
        while now < .seconds(20) {
            now += .milliseconds(100)
            more += try Self.drain(&agent, at: now).transmits.filter { try STUNMessage(parsing: $0.bytes).attribute(STUNAttributeType.useCandidate) != nil }.count
        }
        #expect(more == 0)
    }

    @Test("controlled: USE-CANDIDATE on a pair whose check succeeds nominates it (aggressive peers too)",
          .spec("RFC8445-8.1.1-4"), .spec("RFC8445-8.1.2-2"))
    func nominationAsControlled() throws {
        var agent = Self.agent(role: .controlled)
        let ours = try STUNMessage(parsing: try #require(Self.drain(&agent, at: .zero).transmits.first).bytes)
        // The peer nominates before our check has been answered.
        agent.handle(.datagram(Self.request(to: agent, controlling: true, useCandidate: true).encoded, from: Self.remote, to: Self.local), at: .milliseconds(5))
        var drained = Self.drain(&agent, at: .milliseconds(5))
        #expect(!drained.events.contains(.stateChanged(.completed)))
        // The triggered check (replacing ours) is answered: the pair is nominated and selected.
        drained = Self.drain(&agent, at: .milliseconds(60))
        let triggered = try STUNMessage(parsing: try #require(drained.transmits.first { $0.destination == Self.remote }).bytes)
        agent.handle(.datagram(Self.answer(triggered), from: Self.remote, to: Self.local), at: .milliseconds(80))
        drained = Self.drain(&agent, at: .milliseconds(80))
        #expect(drained.events.contains(.stateChanged(.completed)))
        #expect(agent.selectedPair?.destination == Self.remote)
        // A late answer to the cancelled first check changes nothing.
        agent.handle(.datagram(Self.answer(ours), from: Self.remote, to: Self.local), at: .milliseconds(90))
        #expect(Self.drain(&agent, at: .milliseconds(90)).events.isEmpty)
        // Still answering checks on the selected pair.
        agent.handle(.datagram(Self.request(to: agent, controlling: true).encoded, from: Self.remote, to: Self.local), at: .seconds(1))
        #expect(try Self.drain(&agent, at: .seconds(1)).transmits.contains { try Self.responseCode($0.bytes) == nil && $0.destination == Self.remote })
    }

    @Test("host addresses: loopback, site-local, IPv4-compatible and IPv4-mapped IPv6 are refused",
          .spec("RFC8445-5.1.1.1-4"), .spec("RFC8445-5.1.1.1-5"), .spec("RFC8445-5.1.1.1-6"), .spec("RFC8445-5.1.2.1-4"), .spec("RFC8445-5.1.2.1-5"),
          .spec("RFC8445-5.1.2-1"))
    func hostAddresses() throws {
        var agent = ICEAgent(configuration: .init(role: .controlling), random: SeededGenerator(seed: 1))
        let refused: [[UInt8]] = [
            [127, 0, 0, 1],
            Array(repeating: 0, count: 15) + [1],
            [0xfe, 0xc0] + Array(repeating: 0, count: 13) + [1],
            Array(repeating: 0, count: 12) + [192, 0, 2, 1],
            Array(repeating: 0, count: 10) + [0xff, 0xff, 192, 0, 2, 1],
        ]
        for bytes in refused {
            #expect(throws: ICEError.self) { try agent.addHostCandidate(STUNTransportAddress(address: bytes, port: 1)) }
        }
        try agent.addHostCandidate(STUNTransportAddress(address: [192, 0, 2, 1], port: 1))
        #expect(agent.localCandidates.first?.priority == ICECandidate.priority(type: .host, localPreference: 65_535, component: 1))
        try agent.addHostCandidate(STUNTransportAddress(address: [192, 0, 2, 2], port: 1))
        try agent.addHostCandidate(STUNTransportAddress(address: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1], port: 1))
        #expect(throws: ICEError.duplicateHostAddress(STUNTransportAddress(address: [192, 0, 2, 2], port: 1))) {
            try agent.addHostCandidate(STUNTransportAddress(address: [192, 0, 2, 2], port: 1))
        }
        let priorities = agent.localCandidates.map(\.priority)
        #expect(Set(priorities).count == priorities.count)
        #expect(priorities.allSatisfy { $0 >= 1 && $0 <= 0x7fff_ffff })
        #expect(Set(agent.localCandidates.map(\.foundation)).count == 3, "one foundation per base address")
        var loopback = ICEAgent.Configuration(role: .controlling)
        loopback.allowsLoopback = true
        var tests = ICEAgent(configuration: loopback, random: SeededGenerator(seed: 1))
        try tests.addHostCandidate(STUNTransportAddress(address: [127, 0, 0, 1], port: 1))
    }

    @Test("the checklist holds at most 100 pairs by default, fewer when configured; remote candidates are capped",
          .spec("RFC8445-6.1.2.5-1"), .spec("RFC8445-6.1.2.5-2"), .spec("RFC8445-19.5.1-1"), .spec("RFC8445-19.5.1-2"))
    func pairLimit() {
        for limit in [100, 10] {
            var agent = Self.agent { if limit != 100 { $0.maximumPairs = limit } }
            for index in 0..<150 {
                agent.addRemoteCandidate(ICECandidate(foundation: "f\(index)", priority: UInt32(1_000 + index),
                                                      address: STUNTransportAddress(address: [10, 1, UInt8(index / 200), UInt8(index % 200)], port: 9), type: .host))
            }
            #expect(agent.checklist.count == limit)
            // The highest-priority pairs stay.
            #expect(agent.checklist.contains { $0.remote.priority == 2_130_706_431 })
            #expect(agent.checklist.contains { $0.remote.priority == 1_149 })
        }
        var capped = Self.agent { $0.maximumRemoteCandidates = 20 }
        for index in 0..<50 {
            capped.addRemoteCandidate(ICECandidate(foundation: "c\(index)", priority: UInt32(1_000 + index),
                                                  address: STUNTransportAddress(address: [10, 2, 0, UInt8(index)], port: 9), type: .host))
        }
        #expect(capped.checklist.count == 20 && capped.statistics.ignoredRemoteCandidates == 31)
    }

    @Test("after end-of-candidates, new remote candidates are ignored", .spec("RFC8838-14-2"))
    func endOfCandidates() {
        var agent = Self.agent()
        agent.endOfRemoteCandidates(at: .zero)
        agent.addRemoteCandidate(ICECandidate(foundation: "late", priority: 5, address: STUNTransportAddress(address: [10, 9, 9, 9], port: 9), type: .host))
        #expect(agent.checklist.count == 1)
        #expect(agent.statistics.ignoredRemoteCandidates == 1)
    }

    @Test("before end-of-candidates, failed pairs do not fail the agent", .spec("RFC8838-8-1"))
    func trickleKeepsRunning() {
        var agent = Self.agent()
        var now = Duration.zero
        while now < .seconds(60) {
            guard let deadline = Self.drain(&agent, at: now).deadline else { break }
            now = deadline
        }
        #expect(agent.checklist.allSatisfy { $0.state == .failed })
        #expect(agent.connectionState == .checking)
        // A late candidate is still paired and checked.
        agent.addRemoteCandidate(ICECandidate(foundation: "late", priority: 5, address: STUNTransportAddress(address: [10, 9, 9, 9], port: 9), type: .host))
        #expect(Self.drain(&agent, at: now + .seconds(1)).transmits.contains { $0.destination.address == [10, 9, 9, 9] })
    }

    @Test("data from an address that is no remote candidate is dropped and counted", .spec("RFC8445-12.2-1"))
    func unknownDataSource() {
        var agent = Self.agent()
        _ = Self.drain(&agent, at: .zero)
        agent.handle(.datagram([0x80, 1, 2, 3], from: STUNTransportAddress(address: [6, 6, 6, 6], port: 6), to: Self.local), at: .milliseconds(1))
        #expect(Self.drain(&agent, at: .milliseconds(1)).events.isEmpty)
        #expect(agent.statistics.dataDropped == 1)
        // From a remote candidate, even before any check succeeded, it is delivered.
        agent.handle(.datagram([0x80, 1, 2, 3], from: Self.remote, to: Self.local), at: .milliseconds(2))
        #expect(Self.drain(&agent, at: .milliseconds(2)).events == [.received([0x80, 1, 2, 3], from: Self.remote, to: Self.local)])
    }

    @Test("an mDNS host name is resolved through the owner before it is paired")
    func mdnsCandidate() throws {
        var agent = Self.agent()
        let line = "candidate:1 1 udp 2122260223 0f0e6c8f-9a3e-4c52-a0b4-1e9a2d7c1111.local 61234 typ host"
        agent.addRemoteCandidate(try ICECandidate(sdpAttribute: line))
        let drained = Self.drain(&agent, at: .zero)
        #expect(drained.events.contains(.resolveHostname("0f0e6c8f-9a3e-4c52-a0b4-1e9a2d7c1111.local")))
        #expect(agent.checklist.count == 1)
        agent.resolved(hostname: "0f0e6c8f-9a3e-4c52-a0b4-1e9a2d7c1111.local", to: [[198, 51, 100, 99]])
        #expect(agent.checklist.contains { $0.remote.address == STUNTransportAddress(address: [198, 51, 100, 99], port: 61234) })
        // Names outside .local are not resolved (no DNS from the agent).
        agent.addRemoteCandidate(try ICECandidate(sdpAttribute: "candidate:2 1 udp 5 example.com 1 typ host"))
        #expect(agent.statistics.ignoredRemoteCandidates == 1)
    }
}

extension ICEAgentTests {
    @Test("no local candidate after end-of-candidates", .spec("RFC8838-13-6"))
    func noCandidatesAfterEnd() throws {
        var agent = Self.agent()
        agent.gather(at: .zero)
        #expect(Self.drain(&agent, at: .zero).events.contains(.gatheringComplete))
        #expect(throws: ICEError.gatheringComplete) { try agent.addHostCandidate(STUNTransportAddress(address: [192, 0, 2, 9], port: 1)) }
        #expect(throws: ICEError.gatheringComplete) { try agent.addTCPHostCandidates(ip: [192, 0, 2, 9], passivePort: 1) }
    }
}

extension ICEAgentTests {
    @Test("a peer-reflexive remote candidate is replaced by the same address signalled later", .spec("RFC8838-11-2"))
    func prflxReplacedBySignalled() throws {
        var agent = Self.agent(role: .controlled)
        _ = Self.drain(&agent, at: .zero)
        let source = STUNTransportAddress(address: [203, 0, 113, 9], port: 6000)
        agent.handle(.datagram(Self.request(to: agent, controlling: true).encoded, from: source, to: Self.local), at: .milliseconds(10))
        _ = Self.drain(&agent, at: .milliseconds(10))
        #expect(agent.checklist.filter { $0.remote.address == source }.map(\.remote.type) == [.prflx])
        agent.addRemoteCandidate(ICECandidate(foundation: "7", priority: 1_694_498_815, address: source, type: .srflx))
        let pairs = agent.checklist.filter { $0.remote.address == source }
        #expect(pairs.count == 1 && pairs[0].remote.type == .srflx && pairs[0].remote.foundation == "7")
    }
}

/// Checklist rules: pairing, freezing, failures and gathering pacing.
struct ICEChecklistTests {
    typealias T = ICEAgentTests

    @Test("IPv6 link-local candidates pair only with link-local ones; reflexive candidates are never paired",
          .spec("RFC8445-6.1.2.2-1"))
    func linkLocalPairing() throws {
        var agent = ICEAgent(configuration: .init(role: .controlling), random: SeededGenerator(seed: 2))
        let linkLocal = STUNTransportAddress(address: [0xfe, 0x80] + Array(repeating: 0, count: 13) + [1], port: 1)
        try agent.addHostCandidate(linkLocal)
        agent.setRemoteCredentials(T.peer, at: .zero)
        agent.addRemoteCandidate(ICECandidate(foundation: "g", priority: 100, address: STUNTransportAddress(address: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [2], port: 2), type: .host))
        #expect(agent.checklist.isEmpty)
        agent.addRemoteCandidate(ICECandidate(foundation: "l", priority: 101, address: STUNTransportAddress(address: [0xfe, 0x80] + Array(repeating: 0, count: 13) + [2], port: 2), type: .host))
        #expect(agent.checklist.count == 1)
    }

    @Test("an unrecoverable error response (400) fails the pair", .spec("RFC8445-7.2.5.2.4-1"))
    func errorResponseFails() throws {
        var agent = T.agent()
        let check = try STUNMessage(parsing: try #require(T.drain(&agent, at: .zero).transmits.first).bytes)
        agent.handle(.datagram(T.answer(check, error: 400), from: T.remote, to: T.local), at: .milliseconds(10))
        _ = T.drain(&agent, at: .milliseconds(10))
        #expect(agent.checklist.first?.state == .failed)
        #expect(agent.statistics.errorResponses == 1)
    }

    @Test("pairs of one foundation start Frozen but one; a success unfreezes the rest",
          .spec("RFC8445-7.2.5.3.3-1"), .spec("RFC8445-7.3.1.4-1"))
    func unfreezing() throws {
        var agent = T.agent()
        // Same remote foundation, same local candidate: same pair foundation.
        let second = STUNTransportAddress(address: [198, 51, 100, 8], port: 5000)
        agent.addRemoteCandidate(ICECandidate(foundation: "9", priority: 2_130_706_000, address: second, type: .host))
        #expect(agent.checklist.map(\.state) == [.waiting, .frozen])
        let check = try STUNMessage(parsing: try #require(T.drain(&agent, at: .zero).transmits.first { $0.destination == T.remote }).bytes)
        agent.handle(.datagram(T.answer(check), from: T.remote, to: T.local), at: .milliseconds(10))
        _ = T.drain(&agent, at: .milliseconds(10))
        #expect(agent.checklist.first { $0.remote.address == second }?.state != .frozen)
    }

    @Test("a nominating check that fails takes its pair out of the valid list: no more data on it", .spec("RFC8445-7.2.5.3.4-1"))
    func failedNominationLeavesValidList() throws {
        // Consent is kept out of the way: only the nomination's fate matters here.
        var agent = T.agent { $0.consentTimeout = .seconds(500) }
        var now = Duration.zero
        var answered = 0
        var nominations = 0
        while now < .seconds(60) {
            for transmit in T.drain(&agent, at: now).transmits where transmit.destination == T.remote {
                guard let message = try? STUNMessage(parsing: transmit.bytes) else { continue }   // the data
                if message.attribute(STUNAttributeType.useCandidate) != nil {
                    nominations += 1
                } else if answered == 0, message.type.messageClass == .request {
                    agent.handle(.datagram(T.answer(message), from: T.remote, to: T.local), at: now)
                    answered += 1
                    try agent.send([1])
                }
            }
            now += .milliseconds(100)
        }
        #expect(answered == 1 && nominations >= 1)
        #expect(agent.connectionState != .completed)
        #expect(throws: ICEError.notConnected) { try agent.send([2]) }
    }

    @Test("gathering: one request per Ta, retransmitted from an RTO of 500 ms; a reflexive candidate equal to the host is dropped",
          .spec("RFC8445-5.1.1.2-7"), .spec("RFC8445-14.3-1"), .spec("RFC8445-5.1.3-1"), .spec("RFC8445-5.1.1.2-5"))
    func gatheringPacing() throws {
        var configuration = ICEAgent.Configuration(role: .controlling)
        configuration.stunServers = [STUNTransportAddress(address: [192, 0, 2, 100], port: 3478), STUNTransportAddress(address: [192, 0, 2, 101], port: 3478)]
        var agent = ICEAgent(configuration: configuration, random: SeededGenerator(seed: 5))
        try agent.addHostCandidate(T.local)
        try agent.addHostCandidate(STUNTransportAddress(address: [192, 0, 2, 2], port: 4000))
        agent.gather(at: .zero)
        var sends: [(Duration, [UInt8], ICETransmit)] = []
        var now = Duration.zero
        while now < .seconds(2) {
            for transmit in T.drain(&agent, at: now).transmits { sends.append((now, try STUNMessage(parsing: transmit.bytes).transactionID, transmit)) }
            now += .milliseconds(5)
        }
        var firsts: [Duration] = []
        var seen: Set<[UInt8]> = []
        for (time, id, _) in sends where seen.insert(id).inserted { firsts.append(time) }
        #expect(firsts.count == 4)
        for (a, b) in zip(firsts, firsts.dropFirst()) { #expect(b - a >= .milliseconds(50)) }
        let first = sends.filter { $0.1 == sends[0].1 }.map(\.0)
        #expect(first.count >= 2 && first[1] - first[0] >= .milliseconds(500))
        // Answers: one mapped to the host itself (no NAT), one to a NAT's address.
        let responder = STUNBindingResponder(software: nil)
        let a = try #require(sends.first { $0.2.source == T.local })
        agent.handle(.datagram(responder.respond(to: a.2.bytes, from: T.local)!, from: a.2.destination, to: T.local), at: now)
        let b = try #require(sends.first { $0.2.source != T.local })
        let nat = STUNTransportAddress(address: [203, 0, 113, 50], port: 40_000)
        agent.handle(.datagram(responder.respond(to: b.2.bytes, from: nat)!, from: b.2.destination, to: b.2.source), at: now)
        let events = T.drain(&agent, at: now).events
        #expect(events.filter { if case .localCandidate = $0 { return true }; return false }.count == 1)
        #expect(agent.localCandidates.filter { $0.type == .srflx }.map(\.address) == [nat])
    }

    @Test("ICE-TCP priorities: direction preference 6 active, 4 passive; other preferences distinct per address",
          .spec("RFC6544-4.2-7"), .spec("RFC6544-4.2-8"), .spec("RFC6544-4.2-11"), .spec("RFC6544-4.2-9"), .spec("RFC6544-4.2-12"))
    func tcpPriorities() throws {
        var agent = ICEAgent(configuration: .init(role: .controlling), random: SeededGenerator(seed: 2))
        try agent.addTCPHostCandidates(ip: [192, 0, 2, 1], passivePort: 7000)
        try agent.addTCPHostCandidates(ip: [192, 0, 2, 2], passivePort: 7000)
        let tcp = agent.localCandidates.filter { $0.transport == .tcp }
        #expect(tcp.count == 4)
        for candidate in tcp {
            let local = (candidate.priority >> 8) & 0xffff
            let direction = local >> 13, other = local & 0x1fff
            #expect(direction == (candidate.tcpType == "active" ? 6 : 4))
            #expect(other <= 8191)
        }
        #expect((tcp[0].priority >> 8) & 0x1fff == 8191)
        #expect(Set(tcp.map(\.priority)).count == 4)
    }
}
