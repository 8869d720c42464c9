import SpecTesting
@testable import SCTP

/// Two associations joined by a seeded simulated path: delay with jitter, loss, reordering
/// and duplication, each a probability per packet. Everything runs on a virtual clock, so a
/// run is deterministic for its seed and takes no wall time beyond the CPU it needs.
struct SCTPPath {
    var delay: Duration = .milliseconds(1)
    var jitter: Duration = .zero
    var loss = 0.0
    var duplication = 0.0
    /// Probability that a packet is held back an extra delay (arrives after later ones).
    var reordering = 0.0
    /// Packets larger than this are dropped (a path MTU with no ICMP to say so).
    var mtu = Int.max
}

struct SCTPSimulation {
    struct InFlight {
        var arrival: Duration
        var order: Int
        var toB: Bool
        var bytes: [UInt8]
    }

    var a: SCTPAssociation
    var b: SCTPAssociation
    var path: SCTPPath
    var now: Duration = .zero
    var random: SeededGenerator
    var flight = MinHeap()
    var order = 0
    var deadlineA: Duration?
    var deadlineB: Duration?
    var eventsA: [SCTPEvent] = []
    var eventsB: [SCTPEvent] = []
    var packetsAB = 0
    var packetsBA = 0
    /// Checks every packet sent against the sender's wire rules.
    var wire = SCTPWireChecker()
    /// Called for every packet put on the path (to inspect what was sent).
    var observe: ((_ fromA: Bool, _ packet: SCTPPacket) -> Void)?
    /// The same, with the virtual time the packet was sent at.
    var observeTimed: ((_ fromA: Bool, _ packet: SCTPPacket, _ now: Duration) -> Void)?

    init(seed: UInt64, path: SCTPPath = .init(), configurationA: SCTPAssociationConfiguration = .init(),
         configurationB: SCTPAssociationConfiguration = .init()) {
        random = SeededGenerator(seed: seed)
        wire.maximumPacketSize = max(configurationA.maximumPacketSize, configurationB.maximumPacketSize)
        a = SCTPAssociation(configuration: configurationA, random: SeededGenerator(seed: seed &* 31 &+ 1))
        b = SCTPAssociation(configuration: configurationB, random: SeededGenerator(seed: seed &* 31 &+ 2))
        self.path = path
    }

    /// Both sides connect at once, as WebRTC peers do; runs until both are established.
    mutating func connect(bothActive: Bool = true, limit: Duration = .seconds(60)) -> Bool {
        a.connect(at: now)
        if bothActive { b.connect(at: now) }
        drainBoth()
        return run(until: { $0.a.state == .established && $0.b.state == .established }, limit: limit)
    }

    mutating func drain(_ isA: Bool) {
        while true {
            let output = isA ? a.poll(at: now) : b.poll(at: now)
            switch output {
            case .transmit(let bytes):
                wire.check(bytes, fromA: isA)
                if let observe, let packet = try? SCTPPacket(parsing: bytes) { observe(isA, packet) }
                if let observeTimed, let packet = try? SCTPPacket(parsing: bytes) { observeTimed(isA, packet, now) }
                if isA { packetsAB += 1 } else { packetsBA += 1 }
                send(bytes, toB: isA)
            case .event(let event):
                if isA { eventsA.append(event) } else { eventsB.append(event) }
            case .timeout(let deadline):
                if isA { deadlineA = deadline } else { deadlineB = deadline }
                return
            }
        }
    }

    mutating func drainBoth() {
        drain(true)
        drain(false)
    }

    private mutating func send(_ bytes: [UInt8], toB: Bool) {
        if bytes.count > path.mtu { return }
        if path.loss > 0, Double.random(in: 0..<1, using: &random) < path.loss { return }
        var copies = 1
        if path.duplication > 0, Double.random(in: 0..<1, using: &random) < path.duplication { copies = 2 }
        for _ in 0..<copies {
            var arrival = now + path.delay
            if path.jitter > .zero {
                let jitterNanos = Int64(Double.random(in: 0..<1, using: &random) * Double(path.jitter.components.attoseconds / 1_000_000_000 + path.jitter.components.seconds * 1_000_000_000))
                arrival += .nanoseconds(jitterNanos)
            }
            if path.reordering > 0, Double.random(in: 0..<1, using: &random) < path.reordering { arrival += path.delay }
            order += 1
            flight.push(InFlight(arrival: arrival, order: order, toB: toB, bytes: bytes))
        }
    }

    /// Advances the clock event by event until `condition` holds or `limit` of virtual time passes.
    @discardableResult
    mutating func run(until condition: (SCTPSimulation) -> Bool, limit: Duration) -> Bool {
        let end = now + limit
        while !condition(self) {
            // The earliest packet arrival or timer.
            var next: Duration? = flight.first?.arrival
            var timerA = false, timerB = false
            if let d = deadlineA, next == nil || d < next! { next = d; timerA = true }
            if let d = deadlineB, next == nil || d < next! { next = d; timerB = true; timerA = false }
            let packetIndex: Int? = (timerA || timerB) ? nil : (next == nil ? nil : 0)
            guard let time = next, time <= end else { return condition(self) }
            now = max(now, time)
            if packetIndex != nil {
                let packet = flight.pop()!
                if packet.toB {
                    b.handle(.packet(packet.bytes), at: now)
                    drain(false)
                } else {
                    a.handle(.packet(packet.bytes), at: now)
                    drain(true)
                }
            } else if timerA {
                a.handle(.timeout, at: now)
                drain(true)
            } else if timerB {
                b.handle(.timeout, at: now)
                drain(false)
            }
        }
        return true
    }

    /// Messages delivered to B so far.
    var messagesAtB: [SCTPMessage] {
        eventsB.compactMap { if case .message(let m) = $0 { return m } else { return nil } }
    }

    var messagesAtA: [SCTPMessage] {
        eventsA.compactMap { if case .message(let m) = $0 { return m } else { return nil } }
    }
}

/// A binary min-heap of packets by arrival time, then send order.
struct MinHeap {
    private var items: [SCTPSimulation.InFlight] = []
    var first: SCTPSimulation.InFlight? { items.first }
    var count: Int { items.count }

    private static func before(_ x: SCTPSimulation.InFlight, _ y: SCTPSimulation.InFlight) -> Bool {
        x.arrival < y.arrival || (x.arrival == y.arrival && x.order < y.order)
    }

    mutating func push(_ item: SCTPSimulation.InFlight) {
        items.append(item)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.before(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> SCTPSimulation.InFlight? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let left = 2 * i + 1, right = left + 1
            var smallest = i
            if left < items.count, Self.before(items[left], items[smallest]) { smallest = left }
            if right < items.count, Self.before(items[right], items[smallest]) { smallest = right }
            if smallest == i { break }
            items.swapAt(i, smallest)
            i = smallest
        }
        return top
    }
}
