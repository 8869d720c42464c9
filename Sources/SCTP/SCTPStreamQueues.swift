extension SCTPAssociation {
    /// The send queues by stream identifier, used like a dictionary. Each stream gets a slot in
    /// an array the first time it is used, and the last stream looked up is remembered: the
    /// sender touches the same stream's queue several times per chunk, and hashing the key each
    /// time was a visible share of the per-packet cost. A slot stays with its stream for the
    /// life of the association (at most 65,536 of them).
    struct StreamQueues {
        private var slots: [UInt16: Int] = [:]
        /// The queues by slot; the sender's per-chunk path indexes it with ``slot(for:)``.
        var storage: [StreamQueue?] = []
        private var cachedStream: UInt16 = 0
        private var cachedSlot = -1

        private func existingSlot(for stream: UInt16) -> Int? {
            if cachedSlot >= 0, cachedStream == stream { return cachedSlot }
            return slots[stream]
        }

        /// The slot of `stream`'s queue (made on first use).
        mutating func slot(for stream: UInt16) -> Int {
            if cachedSlot >= 0, cachedStream == stream { return cachedSlot }
            let slot: Int
            if let existing = slots[stream] {
                slot = existing
            } else {
                slot = storage.count
                storage.append(nil)
                slots[stream] = slot
            }
            cachedStream = stream
            cachedSlot = slot
            return slot
        }

        subscript(stream: UInt16) -> StreamQueue? {
            get { existingSlot(for: stream).flatMap { storage[$0] } }
            set {
                if newValue == nil, existingSlot(for: stream) == nil { return }
                storage[slot(for: stream)] = newValue
            }
        }

        subscript(stream: UInt16, default defaultValue: @autoclosure () -> StreamQueue) -> StreamQueue {
            get { self[stream] ?? defaultValue() }
            _modify {
                let slot = slot(for: stream)
                if storage[slot] == nil { storage[slot] = defaultValue() }
                yield &storage[slot]!
            }
        }

        /// The streams that have a queue, in no particular order.
        var keys: [UInt16] { slots.compactMap { storage[$0.value] == nil ? nil : $0.key } }

        mutating func removeAll() {
            slots.removeAll()
            storage.removeAll()
            cachedSlot = -1
        }
    }
}
