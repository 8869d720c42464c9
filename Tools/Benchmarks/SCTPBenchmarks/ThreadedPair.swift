import Foundation
import SCTP

/// Two established associations, each driven by its own thread, as two peers on two machines
/// would be: packets cross in batches through a pair of mailboxes, each side keeps its own
/// clock (wall time since the start), and neither waits for the other's work to finish.
final class ThreadedPair: @unchecked Sendable {
    /// The wire between the threads. Like a socket, it copies: the writer's packets go into a
    /// shared byte buffer, and the reader gets packets in buffers of its own, so no allocation
    /// made on one thread is freed on the other (which glibc serialises with a lock).
    final class Mailbox: @unchecked Sendable {
        private let condition = NSCondition()
        private var bytes: [UInt8] = []
        private var lengths: [Int] = []
        private var closed = false

        /// Copies `batch` in and wakes the reader; the buffers stay the writer's.
        func post(_ batch: [[UInt8]]) {
            condition.lock()
            for packet in batch {
                bytes.append(contentsOf: packet)
                lengths.append(packet.count)
            }
            condition.signal()
            condition.unlock()
        }

        /// Moves everything posted into `batch` (which must be empty), one buffer per packet;
        /// when nothing is there, first waits until `limit`. Returns false once closed.
        func take(into batch: inout [[UInt8]], spare: inout (bytes: [UInt8], lengths: [Int]),
                  waitingUntil limit: Date) -> Bool {
            condition.lock()
            if lengths.isEmpty && !closed { _ = condition.wait(until: limit) }
            swap(&bytes, &spare.bytes)
            swap(&lengths, &spare.lengths)
            let open = !closed
            condition.unlock()
            var offset = 0
            for length in spare.lengths {
                batch.append(Array(spare.bytes[offset..<(offset + length)]))
                offset += length
            }
            spare.bytes.removeAll(keepingCapacity: true)
            spare.lengths.removeAll(keepingCapacity: true)
            return open
        }

        func close() {
            condition.lock()
            closed = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// One endpoint and what its thread counts. Each thread works on its own copy (a local
    /// value, so no dynamic exclusivity checks on the hot path) and stores it back at the end.
    struct Endpoint {
        var association: SCTPAssociation
        var delivered = 0
        var deliveredMessages = 0
        var finished: ContinuousClock.Instant?
        /// CPU seconds the endpoint's thread used.
        var cpuSeconds = 0.0
        init(_ association: SCTPAssociation) { self.association = association }
    }

    private(set) var sender: Endpoint, receiver: Endpoint
    private let toSender = Mailbox(), toReceiver = Mailbox()

    init(sender: SCTPAssociation, receiver: SCTPAssociation) {
        self.sender = Endpoint(sender)
        self.receiver = Endpoint(receiver)
    }

    /// Sends `message` on stream 1 until the receiver has `target` bytes; returns the
    /// wall-clock seconds from the first send to the last delivery. The associations' time goes
    /// on from `base` (where the set-up left it).
    func run(target: Int, message: [UInt8], base: Duration) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let done = DispatchSemaphore(value: 0)
        let senderThread = Thread { [self] in
            var endpoint = sender
            loop(&endpoint, inbox: toSender, outbox: toReceiver, clock: clock, start: start, base: base) { endpoint, now in
                while endpoint.association.bufferedAmount < 4 * 1024 * 1024 {
                    do { try endpoint.association.send(message, stream: 1, payloadProtocolIdentifier: 53, at: now) } catch { break }
                }
            }
            sender = endpoint
            done.signal()
        }
        let receiverThread = Thread { [self] in
            var endpoint = receiver
            loop(&endpoint, inbox: toReceiver, outbox: toSender, clock: clock, start: start, base: base) { endpoint, _ in
                if endpoint.delivered >= target, endpoint.finished == nil {
                    endpoint.finished = clock.now
                    toSender.close()
                    toReceiver.close()
                }
            }
            receiver = endpoint
            done.signal()
        }
        senderThread.start()
        receiverThread.start()
        done.wait()
        done.wait()
        let elapsed = (receiver.finished ?? clock.now) - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Polls until the association has nothing more to send; returns its next deadline.
    private func drain(_ endpoint: inout Endpoint, at now: Duration, into outgoing: inout [[UInt8]]) -> Duration? {
        while true {
            switch endpoint.association.poll(at: now) {
            case .transmit(let bytes): outgoing.append(bytes)
            case .event(let event):
                if case .message(let message) = event {
                    endpoint.delivered += message.payload.count
                    endpoint.deliveredMessages += 1
                }
            case .timeout(let due): return due
            }
        }
    }

    /// One thread's work: handle what arrived, let `tick` act, send what is due, sleep until
    /// the next packet or timer.
    private func loop(_ endpoint: inout Endpoint, inbox: Mailbox, outbox: Mailbox, clock: ContinuousClock,
                      start: ContinuousClock.Instant, base: Duration, tick: (inout Endpoint, Duration) -> Void) {
        var incoming: [[UInt8]] = [], outgoing: [[UInt8]] = []
        var spare: (bytes: [UInt8], lengths: [Int]) = ([], [])
        var deadline: Duration?
        while true {
            let now = base + (clock.now - start)
            if let due = deadline, due <= now { endpoint.association.handle(.timeout, at: now) }
            tick(&endpoint, now)
            deadline = drain(&endpoint, at: now, into: &outgoing)
            // Each packet is handled and answered on its own, as a stack reading a socket does,
            // so the peer sees SACKs (or data) while the rest of the batch is still being read.
            for packet in incoming {
                endpoint.association.handle(.packet(packet), at: now)
                tick(&endpoint, now)
                deadline = drain(&endpoint, at: now, into: &outgoing)
                tick(&endpoint, now)
                if outgoing.count >= 16 {
                    outbox.post(outgoing)
                    outgoing.removeAll(keepingCapacity: true)
                }
            }
            incoming.removeAll(keepingCapacity: true)
            if !outgoing.isEmpty {
                outbox.post(outgoing)
                outgoing.removeAll(keepingCapacity: true)
            }
            // Sleep at most until the next timer (and never more than 10 ms, to notice the end).
            var wait = Duration.milliseconds(10)
            if let due = deadline { wait = min(wait, max(.zero, due - (base + (clock.now - start)))) }
            let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            if !inbox.take(into: &incoming, spare: &spare, waitingUntil: Date(timeIntervalSinceNow: seconds)) { break }
        }
        var usage = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &usage)
        endpoint.cpuSeconds = Double(usage.tv_sec) + Double(usage.tv_nsec) / 1e9
    }
}
