/// The Weighted Fair Queueing stream scheduler (RFC 8260 §3.6, SCTP_SS_WFQ).
///
/// Each outgoing stream with queued user data is *active* and has a weight (the data channel
/// priority, RFC 8831 §6.4). The scheduler keeps a virtual finish time per active stream and
/// hands out the stream with the smallest one; sending `n` bytes on a stream of weight `w`
/// advances that stream's virtual time by `n / w`. Over time every stream gets capacity in
/// proportion to its weight: a stream of weight 1024 gets four times the bytes of one of weight
/// 256 while both have data queued.
///
/// The sender asks for the next stream with `next()`, then reports the bytes it cut from that
/// stream with `charge(_:bytes:)`. With I-DATA it asks before every chunk, so large messages
/// of a light stream do not hold back a heavier one; with plain DATA it asks only when a
/// message is finished (a message's fragments cannot be interleaved), so the weights hold at
/// message granularity.
///
/// Costs: `next()` is O(1), `charge`, `activate` and `deactivate` are O(log n) in the number of
/// active streams (an indexed binary min-heap); nothing allocates once the heap and the stream
/// table have grown to the number of streams in use.
struct SCTPStreamScheduler: Sendable {
    /// The weight of a stream nobody gave a priority: "normal" (RFC 8831 §6.4).
    static let defaultWeight: UInt16 = 256

    /// Virtual time advance per byte for weight 1; the cost of `n` bytes is `n * scale / weight`.
    private static let scale: UInt64 = 1 << 16

    private struct Entry: Sendable {
        var stream: UInt16
        var weight: UInt64
        /// The stream's virtual time: where its next byte would finish.
        var tag: UInt64 = 0
        /// Tie-break between equal tags: the order streams became active (round robin).
        var order: UInt64 = 0
        /// Position in `heap`, or -1 when the stream has nothing queued.
        var position = -1
    }

    /// Every stream given a weight or activated, in the order they appeared; never shrinks
    /// (but for `removeAll`), so a slot stays valid.
    private var entries: [Entry] = []
    private var slots = SCTPStreamSlots()
    /// Active streams (their slots), ordered by (tag, order).
    private var heap: [Int] = []
    /// The system virtual time: the tag of the stream served last. A stream that becomes
    /// active starts here, so it neither gets credit for its idle time nor waits behind it.
    private var virtualTime: UInt64 = 0
    private var activations: UInt64 = 0

    init() {}

    /// Streams with queued data, in no particular order.
    var activeStreams: [UInt16] { heap.map { entries[$0].stream } }
    /// The number of streams with queued data.
    var activeCount: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }

    func isActive(_ stream: UInt16) -> Bool { existingSlot(stream).map { entries[$0].position >= 0 } ?? false }

    /// The weight of `stream` (its priority; 0 is treated as 1).
    func weight(of stream: UInt16) -> UInt16 {
        existingSlot(stream).map { UInt16(entries[$0].weight) } ?? Self.defaultWeight
    }

    private func existingSlot(_ stream: UInt16) -> Int? { slots.existingSlot(for: stream) }

    /// The slot of `stream`, made (with the default weight) when it has none.
    private mutating func slot(_ stream: UInt16) -> Int {
        let (slot, isNew) = slots.slot(for: stream)
        if isNew { entries.append(Entry(stream: stream, weight: UInt64(Self.defaultWeight))) }
        return slot
    }

    /// Sets the weight of an outgoing stream. Takes effect for bytes charged from now on.
    mutating func setWeight(_ weight: UInt16, for stream: UInt16) {
        entries[slot(stream)].weight = UInt64(max(weight, 1))
    }

    /// `stream` has queued data: it takes part in scheduling.
    mutating func activate(_ stream: UInt16) {
        let slot = slot(stream)
        guard entries[slot].position < 0 else { return }
        activations &+= 1
        entries[slot].tag = max(entries[slot].tag, virtualTime)
        entries[slot].order = activations
        entries[slot].position = heap.count
        heap.append(slot)
        siftUp(heap.count - 1)
    }

    /// `stream` has nothing queued any more.
    mutating func deactivate(_ stream: UInt16) {
        guard let slot = existingSlot(stream) else { return }
        let position = entries[slot].position
        guard position >= 0 else { return }
        entries[slot].position = -1
        let last = heap.removeLast()
        guard position < heap.count else { return }
        heap[position] = last
        entries[last].position = position
        siftDown(position)
        siftUp(position)
    }

    /// The active stream that should supply the next chunk, or nil when nothing is queued.
    func next() -> UInt16? { heap.first.map { entries[$0].stream } }

    /// `bytes` of user data of `stream` went into a chunk: its virtual time advances by
    /// `bytes / weight`.
    mutating func charge(_ stream: UInt16, bytes: Int) {
        guard let slot = existingSlot(stream) else { return }
        let entry = entries[slot]
        virtualTime = max(virtualTime, entry.tag)
        let cost = UInt64(max(bytes, 0)) &* Self.scale / entry.weight
        entries[slot].tag = entry.tag &+ max(cost, 1)
        if entry.position >= 0 { siftDown(entry.position) }
    }

    /// Forgets every stream (the association is gone).
    mutating func removeAll() {
        entries.removeAll()
        slots.removeAll()
        heap.removeAll()
        virtualTime = 0
    }

    // MARK: The heap (of slots)

    private func less(_ a: Int, _ b: Int) -> Bool {
        let x = entries[a], y = entries[b]
        return x.tag != y.tag ? x.tag < y.tag : x.order < y.order
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        heap.swapAt(i, j)
        entries[heap[i]].position = i
        entries[heap[j]].position = j
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(heap[i], heap[parent]) else { return }
            swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let left = 2 * i + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count, less(heap[left + 1], heap[left]) { smallest = left + 1 }
            guard less(heap[smallest], heap[i]) else { return }
            swapAt(i, smallest)
            i = smallest
        }
    }
}
