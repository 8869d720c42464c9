import ICE
import SpecTesting
import STUN

/// How a NAT maps and filters (RFC 4787 §4.1, §5): per internal endpoint only, per
/// destination address, or per destination address and port.
enum NATBehaviour { case endpointIndependent, addressDependent, addressAndPortDependent }

/// A NAT between private hosts and the simulated Internet.
struct SimulatedNAT {
    var publicIP: [UInt8]
    var mapping: NATBehaviour
    var filtering: NATBehaviour
    private var ports: [MappingKey: UInt16] = [:]
    private var bindings: [UInt16: (inside: STUNTransportAddress, contacted: Set<STUNTransportAddress>)] = [:]
    private var nextPort: UInt16 = 40_000

    private struct MappingKey: Hashable {
        var inside: STUNTransportAddress
        var destinationIP: [UInt8]?
        var destinationPort: UInt16?
    }

    init(publicIP: [UInt8], mapping: NATBehaviour, filtering: NATBehaviour) {
        self.publicIP = publicIP
        self.mapping = mapping
        self.filtering = filtering
    }

    /// The public source of a datagram from `inside` to `destination` (a mapping is made if needed).
    mutating func outbound(from inside: STUNTransportAddress, to destination: STUNTransportAddress) -> STUNTransportAddress {
        let key: MappingKey
        switch mapping {
        case .endpointIndependent: key = MappingKey(inside: inside)
        case .addressDependent: key = MappingKey(inside: inside, destinationIP: destination.address)
        case .addressAndPortDependent: key = MappingKey(inside: inside, destinationIP: destination.address, destinationPort: destination.port)
        }
        let port: UInt16
        if let existing = ports[key] {
            port = existing
        } else {
            port = nextPort
            nextPort += 1
            ports[key] = port
            bindings[port] = (inside, [])
        }
        bindings[port]!.contacted.insert(destination)
        return STUNTransportAddress(address: publicIP, port: port)
    }

    /// The inside destination of a datagram from `source` to our public `port`, or nil (filtered).
    func inbound(from source: STUNTransportAddress, port: UInt16) -> STUNTransportAddress? {
        guard let binding = bindings[port] else { return nil }
        switch filtering {
        case .endpointIndependent: return binding.inside
        case .addressDependent: return binding.contacted.contains { $0.address == source.address } ? binding.inside : nil
        case .addressAndPortDependent: return binding.contacted.contains(source) ? binding.inside : nil
        }
    }
}

/// A seeded simulated network: hosts (public or behind NATs), a STUN server, one-way latency,
/// random loss, and firewalls that drop UDP. Time is simulated; nothing touches a socket.
struct SimulatedNetwork {
    struct Datagram {
        var bytes: [UInt8]
        var from: STUNTransportAddress
        var to: STUNTransportAddress
        var at: Duration
        var sequence: Int
    }

    var latency: Duration = .milliseconds(10)
    var loss = 0.0
    var random: SeededGenerator
    var nats: [SimulatedNAT] = []
    /// Host IP → the NAT it sits behind.
    var natOfHost: [[UInt8]: Int] = [:]
    /// Hosts whose UDP is dropped both ways.
    var udpBlocked: Set<[UInt8]> = []
    /// Everything is dropped while this is set (a cut link).
    var partitioned = false
    var stunServer: STUNTransportAddress?
    private(set) var inFlight: [Datagram] = []
    private var sequence = 0
    private(set) var delivered = 0
    private(set) var dropped = 0

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    mutating func addNAT(_ nat: SimulatedNAT, hosts: [[UInt8]]) {
        nats.append(nat)
        for host in hosts { natOfHost[host] = nats.count - 1 }
    }

    /// A datagram a host sends at `now` from its socket `from`.
    mutating func send(_ bytes: [UInt8], from: STUNTransportAddress, to: STUNTransportAddress, at now: Duration) {
        var source = from
        if udpBlocked.contains(from.address) || partitioned { dropped += 1; return }
        if let nat = natOfHost[from.address], natOfHost[to.address] != nat {
            source = nats[nat].outbound(from: from, to: to)
        }
        if loss > 0, Double(random.next() % 1_000_000) / 1_000_000 < loss { dropped += 1; return }
        sequence += 1
        inFlight.append(Datagram(bytes: bytes, from: source, to: to, at: now + latency, sequence: sequence))
    }

    var nextDelivery: Duration? { inFlight.map(\.at).min() }

    /// The datagrams that reach a host by `now` (after the NATs' filters); the STUN server
    /// answers its own.
    mutating func deliver(at now: Duration) -> [Datagram] {
        let due = inFlight.filter { $0.at <= now }.sorted { ($0.at, $0.sequence) < ($1.at, $1.sequence) }
        inFlight.removeAll { $0.at <= now }
        var arrived: [Datagram] = []
        for var datagram in due {
            if partitioned { dropped += 1; continue }
            if let server = stunServer, datagram.to == server {
                if let answer = STUNBindingResponder(software: nil).respond(to: datagram.bytes, from: datagram.from) {
                    sequence += 1
                    inFlight.append(Datagram(bytes: answer, from: server, to: datagram.from, at: now + latency, sequence: sequence))
                }
                continue
            }
            if let nat = nats.firstIndex(where: { $0.publicIP == datagram.to.address }) {
                guard let inside = nats[nat].inbound(from: datagram.from, port: datagram.to.port) else { dropped += 1; continue }
                datagram.to = inside
            }
            if udpBlocked.contains(datagram.to.address) { dropped += 1; continue }
            delivered += 1
            arrived.append(datagram)
        }
        return arrived
    }
}

/// Two agents on a simulated network, with signalling (credentials, trickled candidates and
/// end-of-candidates) delivered after `signallingDelay`.
struct ICESimulation {
    var network: SimulatedNetwork
    var agents: [ICEAgent]
    var events: [[(at: Duration, event: ICEEvent)]] = [[], []]
    var now: Duration = .zero
    var signallingDelay: Duration = .milliseconds(5)
    /// Polls that asked to be called again at (or before) the time they were called: a busy loop.
    var stalledPolls = 0
    private var signalling: [(at: Duration, to: Int, message: Signal)] = []
    /// Inputs to deliver later: TCP connection events and stream bytes (in order per connection).
    private var scheduled: [(at: Duration, sequence: Int, agent: Int, input: ICEInput)] = []
    private var scheduledCount = 0
    /// Each end of a simulated TCP connection and the other end.
    private var tcpPeers: [TCPEnd: TCPEnd] = [:]
    private var acceptedCount = 0
    /// Hosts whose TCP connection attempts are refused (a firewall that sends RST).
    var tcpRefused: Set<[UInt8]> = []

    private struct TCPEnd: Hashable {
        var agent: Int
        var handle: ICEConnectionHandle
    }

    private mutating func schedule(_ input: ICEInput, to agent: Int, at time: Duration) {
        scheduledCount += 1
        scheduled.append((time, scheduledCount, agent, input))
    }

    /// An `openTCP` from `agent`: connects (after one round trip) when the other agent has a
    /// passive candidate listening at `destination`, else fails.
    private mutating func openTCP(_ handle: ICEConnectionHandle, from agent: Int, ip: [UInt8], to destination: STUNTransportAddress) {
        let other = 1 - agent
        let listening = agents[other].localCandidates.contains { $0.transport == .tcp && $0.tcpType == "passive" && $0.address == destination }
        guard listening, !tcpRefused.contains(destination.address), !network.partitioned else {
            schedule(.tcpFailed(handle), to: agent, at: now + network.latency * 2)
            return
        }
        acceptedCount += 1
        let accepted = ICEConnectionHandle.accepted(acceptedCount)
        tcpPeers[TCPEnd(agent: agent, handle: handle)] = TCPEnd(agent: other, handle: accepted)
        tcpPeers[TCPEnd(agent: other, handle: accepted)] = TCPEnd(agent: agent, handle: handle)
        let ephemeral = STUNTransportAddress(address: ip, port: UInt16(50_000 + acceptedCount))
        schedule(.tcpAccepted(accepted, local: destination, remote: ephemeral), to: other, at: now + network.latency)
        schedule(.tcpConnected(handle), to: agent, at: now + network.latency * 2)
    }

    /// Stream bytes written on `handle`, delivered in one to three pieces to the other end.
    private mutating func writeTCP(_ bytes: [UInt8], from agent: Int, on handle: ICEConnectionHandle) {
        guard let peer = tcpPeers[TCPEnd(agent: agent, handle: handle)], !network.partitioned else { return }
        var rest = bytes[...]
        while !rest.isEmpty {
            let piece = max(1, min(rest.count, Int(network.random.next() % UInt64(rest.count)) + 1))
            schedule(.tcpData(Array(rest.prefix(piece)), peer.handle), to: peer.agent, at: now + network.latency)
            rest = rest.dropFirst(piece)
        }
    }
    /// TCP connections closed at an agent's request.
    var closedTCP = 0
    /// Received application data per agent.
    var received: [[[UInt8]]] = [[], []]

    enum Signal { case candidate(ICECandidate), endOfCandidates }

    /// Agents with host addresses `hosts[i]`; credentials are exchanged at once.
    /// `tcp[i]`: an IP and listening port for agent i's ICE-TCP candidates, if any.
    init(network: SimulatedNetwork, configurations: [ICEAgent.Configuration], hosts: [[STUNTransportAddress]], seed: UInt64,
         tcp: [STUNTransportAddress?] = [nil, nil]) {
        self.network = network
        var generator = SeededGenerator(seed: seed)
        agents = configurations.map { ICEAgent(configuration: $0, random: SeededGenerator(seed: generator.next())) }
        for index in 0..<2 {
            for host in hosts[index] { try! agents[index].addHostCandidate(host) }
            if let listening = tcp[index] { try! agents[index].addTCPHostCandidates(ip: listening.address, passivePort: listening.port) }
        }
        agents[0].setRemoteCredentials(agents[1].localCredentials, at: .zero)
        agents[1].setRemoteCredentials(agents[0].localCredentials, at: .zero)
        agents[0].gather(at: .zero)
        agents[1].gather(at: .zero)
    }

    func lastEvent(_ agent: Int, where matches: (ICEEvent) -> Bool) -> (at: Duration, event: ICEEvent)? {
        events[agent].last { matches($0.event) }
    }

    func time(_ agent: Int, reached state: ICEConnectionState) -> Duration? {
        events[agent].first { $0.event == .stateChanged(state) }?.at
    }

    /// Runs until `done` holds or `limit` of simulated time passes; returns whether `done` held.
    @discardableResult
    mutating func run(for limit: Duration, until done: (ICESimulation) -> Bool = { _ in false }) -> Bool {
        let end = now + limit
        while now <= end {
            for datagram in network.deliver(at: now) {
                guard let index = agents.firstIndex(where: { $0.localCandidates.contains { $0.type == .host && $0.address == datagram.to } }) else { continue }
                agents[index].handle(.datagram(datagram.bytes, from: datagram.from, to: datagram.to), at: now)
            }
            let inputs = scheduled.filter { $0.at <= now }.sorted { ($0.at, $0.sequence) < ($1.at, $1.sequence) }
            scheduled.removeAll { $0.at <= now }
            for item in inputs { agents[item.agent].handle(item.input, at: now) }
            let due = signalling.filter { $0.at <= now }
            signalling.removeAll { $0.at <= now }
            for item in due {
                switch item.message {
                case .candidate(let candidate): agents[item.to].addRemoteCandidate(candidate)
                case .endOfCandidates: agents[item.to].endOfRemoteCandidates(at: now)
                }
            }
            var next: Duration? = nil
            for index in 0..<2 {
                drain: while true {
                    switch agents[index].poll(at: now) {
                    case .transmit(let transmit):
                        if let connection = transmit.connection {
                            writeTCP(transmit.bytes, from: index, on: connection)
                        } else {
                            network.send(transmit.bytes, from: transmit.source, to: transmit.destination, at: now)
                        }
                    case .event(let event):
                        events[index].append((now, event))
                        switch event {
                        case .localCandidate(let candidate):
                            signalling.append((now + signallingDelay, 1 - index, .candidate(candidate)))
                        case .gatheringComplete:
                            signalling.append((now + signallingDelay, 1 - index, .endOfCandidates))
                        case .received(let bytes, _, _):
                            received[index].append(bytes)
                        case .openTCP(let handle, let ip, let destination):
                            openTCP(handle, from: index, ip: ip, to: destination)
                        case .closeTCP(let handle):
                            closedTCP += 1
                            if let peer = tcpPeers.removeValue(forKey: TCPEnd(agent: index, handle: handle)) { tcpPeers[peer] = nil }
                        default:
                            break
                        }
                    case .timeout(let deadline):
                        if let deadline {
                            if deadline <= now { stalledPolls += 1 }
                            next = min(next ?? deadline, deadline)
                        }
                        break drain
                    }
                }
            }
            if done(self) { return true }
            if let delivery = network.nextDelivery { next = min(next ?? delivery, delivery) }
            if let first = signalling.map(\.at).min() { next = min(next ?? first, first) }
            if let first = scheduled.map(\.at).min() { next = min(next ?? first, first) }
            guard let next else { now = end; break }
            now = max(next, now + .microseconds(1))
        }
        return done(self)
    }

    /// Each agent's state, checklist and events, to print when a test fails.
    var report: String {
        var lines: [String] = []
        for index in 0..<2 {
            lines.append("agent \(index): \(agents[index].connectionState), \(agents[index].statistics)")
            for pair in agents[index].checklist { lines.append("  pair \(pair.local) | \(pair.remote) | \(pair.state)") }
            for (at, event) in events[index] { lines.append("  \(at) \(event)") }
        }
        return lines.joined(separator: "\n")
    }

    /// Both agents have selected a pair.
    var bothSelected: Bool { agents[0].selectedPair != nil && agents[1].selectedPair != nil }
}
