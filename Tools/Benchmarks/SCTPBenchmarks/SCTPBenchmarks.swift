import Foundation
import SCTP

/// Release-mode SCTP figures.
///
/// 1. Two associations in memory, no encryption and no delay: goodput of 64 KiB messages on
///    one reliable ordered stream, with 1200-byte packets (what WebRTC sends over DTLS) and
///    with 16 KiB packets (the largest DTLS record), wall-clock time; both on one thread, or
///    each on its own (`ThreadedPair`), as two peers run.
/// 2. A simulated 2 ms RTT path with 1% loss (virtual time): goodput beside the rate a
///    TCP-friendly sender reaches there, MSS/RTT * sqrt(3/(2b))/sqrt(p) (Mathis et al.), where
///    b is the number of packets one ACK covers: 1 without delayed ACKs, 2 with them (RFC 5681,
///    and what this SCTP receiver does, one SACK per second packet). Both are printed.
///
///     swift run -c release --traits Accelerated SCTPBenchmarks [1200|1200data|1200threads|1200datathreads|16384|lossy] [megabytes]
@main
struct SCTPBenchmarks {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    /// Packets waiting on one direction of a path with a fixed delay (arrivals stay in order).
    struct Queue {
        var items: [(Duration, [UInt8])] = []
        var head = 0
        mutating func push(_ at: Duration, _ bytes: [UInt8]) { items.append((at, bytes)) }
        var first: Duration? { head < items.count ? items[head].0 : nil }
        mutating func pop() -> [UInt8] {
            defer {
                head += 1
                if head > 4096 { items.removeFirst(head); head = 0 }
            }
            return items[head].1
        }
    }

    struct Pair {
        var a: SCTPAssociation
        var b: SCTPAssociation
        var now: Duration = .zero
        var delay: Duration
        var loss: Double
        var random = SplitMix(state: 42)
        var ab = Queue(), ba = Queue()
        var deadlineA: Duration?, deadlineB: Duration?
        var delivered = 0
        var deliveredMessages = 0

        init(configuration: SCTPAssociationConfiguration, delay: Duration, loss: Double) {
            a = SCTPAssociation(configuration: configuration, random: SplitMix(state: 1))
            b = SCTPAssociation(configuration: configuration, random: SplitMix(state: 2))
            self.delay = delay
            self.loss = loss
            a.connect(at: now)
            b.connect(at: now)
            drain()
        }

        mutating func drain() {
            while true {
                switch a.poll(at: now) {
                case .transmit(let bytes):
                    if loss == 0 || Double.random(in: 0..<1, using: &random) >= loss { ab.push(now + delay, bytes) }
                    continue
                case .event: continue
                case .timeout(let d): deadlineA = d
                }
                break
            }
            while true {
                switch b.poll(at: now) {
                case .transmit(let bytes):
                    if loss == 0 || Double.random(in: 0..<1, using: &random) >= loss { ba.push(now + delay, bytes) }
                    continue
                case .event(let event):
                    if case .message(let m) = event { delivered += m.payload.count; deliveredMessages += 1 }
                    continue
                case .timeout(let d): deadlineB = d
                }
                break
            }
        }

        /// One step: the earliest packet or timer, each packet handled (and answered) on its own
        /// as it would be on a real path.
        mutating func step() -> Bool {
            var next: Duration?
            func consider(_ candidate: Duration?) {
                if let candidate, next.map({ candidate < $0 }) ?? true { next = candidate }
            }
            consider(ab.first)
            consider(ba.first)
            consider(deadlineA)
            consider(deadlineB)
            guard let time = next else { return false }
            now = max(now, time)
            if let t = ab.first, t <= now {
                b.handle(.packet(ab.pop()), at: now)
            } else if let t = ba.first, t <= now {
                a.handle(.packet(ba.pop()), at: now)
            } else {
                if let d = deadlineA, d <= now { a.handle(.timeout, at: now) }
                if let d = deadlineB, d <= now { b.handle(.timeout, at: now) }
            }
            drain()
            return true
        }

        /// Keeps A's queue topped up with 64 KiB messages.
        mutating func feed(_ message: [UInt8]) {
            while a.bufferedAmount < 4 * 1024 * 1024 {
                do { try a.send(message, stream: 1, payloadProtocolIdentifier: 53, at: now) } catch { break }
            }
        }
    }

    /// Two associations in memory, set up, with room for a fast transfer: a 4 MiB window and
    /// bursts of 64 packets.
    static func establishedPair(packetSize: Int, interleaving: Bool) -> Pair {
        var configuration = SCTPAssociationConfiguration()
        configuration.maximumPacketSize = packetSize
        configuration.offersInterleaving = interleaving
        configuration.receiveWindow = 4 * 1024 * 1024
        configuration.maximumBurst = 64
        var pair = Pair(configuration: configuration, delay: .zero, loss: 0)
        while pair.a.state != .established || pair.b.state != .established { _ = pair.step() }
        return pair
    }

    /// Three runs, each with a fresh pair: wall-clock figures on a shared machine vary by tens
    /// of percent from run to run, so every run is printed with the median and the best.
    static func inMemory(packetSize: Int, megabytes: Int, interleaving: Bool = true, runs: Int = 3) {
        var results: [Double] = []
        for _ in 0..<runs {
            var pair = establishedPair(packetSize: packetSize, interleaving: interleaving)
            let message = [UInt8](repeating: 0xab, count: 65536)
            let target = megabytes * 1024 * 1024
            let clock = ContinuousClock()
            let start = clock.now
            while pair.delivered < target {
                pair.feed(message)
                pair.drain()
                if !pair.step() { break }
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            results.append(Double(pair.delivered) * 8 / seconds / 1e9)
            print(String(format: "  run: %4d MB of 64 KiB messages in %.2f s = %.2f Gbit/s (%d messages, %d packets A->B)",
                         megabytes, seconds, results.last!, pair.deliveredMessages, pair.a.statistics.packetsSent))
        }
        let sorted = results.sorted()
        print(String(format: "in memory, %5d-byte packets, %@: median %.2f Gbit/s, best %.2f Gbit/s",
                     packetSize, interleaving ? "I-DATA" : "  DATA", sorted[sorted.count / 2], sorted.last!))
    }

    /// The same transfer with each association on its own thread (and core), as two peers
    /// are deployed; packets cross between the threads in batches.
    static func inMemoryThreaded(packetSize: Int, megabytes: Int, interleaving: Bool = true, runs: Int = 3) {
        var results: [Double] = []
        for _ in 0..<runs {
            let pair = establishedPair(packetSize: packetSize, interleaving: interleaving)
            let threaded = ThreadedPair(sender: pair.a, receiver: pair.b)
            let target = megabytes * 1024 * 1024
            let seconds = threaded.run(target: target, message: [UInt8](repeating: 0xab, count: 65536), base: pair.now)
            let delivered = threaded.receiver.delivered
            results.append(Double(delivered) * 8 / seconds / 1e9)
            let packets = threaded.sender.association.statistics.packetsSent
            print(String(format: "  run: %4d MB of 64 KiB messages in %.2f s = %.2f Gbit/s (%d packets A->B); CPU per packet: sender %.0f ns, receiver %.0f ns",
                         delivered / (1024 * 1024), seconds, results.last!, packets,
                         threaded.sender.cpuSeconds / Double(packets) * 1e9, threaded.receiver.cpuSeconds / Double(packets) * 1e9))
        }
        let sorted = results.sorted()
        print(String(format: "in memory, one thread per association, %5d-byte packets, %@: median %.2f Gbit/s, best %.2f Gbit/s",
                     packetSize, interleaving ? "I-DATA" : "  DATA", sorted[sorted.count / 2], sorted.last!))
    }

    static func lossyPath(seconds: Int) {
        var configuration = SCTPAssociationConfiguration()
        // Linux TCP's values: a 200 ms RTO floor and a 40 ms delayed ACK.
        configuration.rtoMinimum = .milliseconds(200)
        configuration.rtoInitial = .milliseconds(500)
        configuration.delayedAckTimeout = .milliseconds(40)
        configuration.receiveWindow = 4 * 1024 * 1024
        let rtt = 0.002, loss = 0.01
        var pair = Pair(configuration: configuration, delay: .milliseconds(1), loss: loss)
        while pair.a.state != .established || pair.b.state != .established { _ = pair.step() }
        let message = [UInt8](repeating: 0xcd, count: 65536)
        // Warm up one virtual second, then measure.
        let warm = pair.now + .seconds(1)
        while pair.now < warm { pair.feed(message); pair.drain(); _ = pair.step() }
        let startBytes = pair.delivered, startTime = pair.now
        let end = pair.now + .seconds(Int64(seconds))
        while pair.now < end { pair.feed(message); pair.drain(); _ = pair.step() }
        let elapsed = pair.now - startTime
        let virtualSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let goodput = Double(pair.delivered - startBytes) / virtualSeconds
        let mss = Double(configuration.maximumPacketSize - 12 - 16)
        let everyPacket = mss / rtt * (1.5).squareRoot() / loss.squareRoot()
        let delayedAcks = mss / rtt * (0.75).squareRoot() / loss.squareRoot()
        print(String(format: "2 ms RTT, 1%% loss: goodput %.1f Mbit/s; TCP-friendly rate %.1f Mbit/s with delayed ACKs (ratio %.2f), %.1f Mbit/s with an ACK per packet (ratio %.2f); %d fast retransmits, %d timeouts",
                     goodput * 8 / 1e6, delayedAcks * 8 / 1e6, goodput / delayedAcks, everyPacket * 8 / 1e6, goodput / everyPacket,
                     pair.a.statistics.fastRetransmissions, pair.a.statistics.retransmissionTimeouts))
    }

    /// `SCTPBenchmarks [1200|1200data|1200threads|1200datathreads|16384|lossy] [megabytes]` runs one case (to profile it,
    /// with fewer megabytes under valgrind); no argument runs all.
    static func main() {
        let only = CommandLine.arguments.dropFirst().first
        let megabytes = CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) }
        if only == nil || only == "1200" { inMemory(packetSize: 1200, megabytes: megabytes ?? 512) }
        if only == nil || only == "1200data" { inMemory(packetSize: 1200, megabytes: megabytes ?? 512, interleaving: false) }
        if only == nil || only == "1200threads" { inMemoryThreaded(packetSize: 1200, megabytes: megabytes ?? 512) }
        if only == nil || only == "1200datathreads" { inMemoryThreaded(packetSize: 1200, megabytes: megabytes ?? 512, interleaving: false) }
        if only == nil || only == "16384" { inMemory(packetSize: 16384, megabytes: megabytes ?? 2048) }
        if only == nil || only == "lossy" { lossyPath(seconds: 30) }
    }
}
