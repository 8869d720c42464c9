extension SCTPAssociation {
    /// The send queues by stream identifier, used like a dictionary but kept in an array by
    /// slot (``SCTPStreamSlots``), so the sender's per-chunk path hashes no key.
    struct StreamQueues {
        private var slots = SCTPStreamSlots()
        /// The queues by slot; the sender's per-chunk path indexes it with ``slot(for:)``.
        var storage: [StreamQueue?] = []

        private func existingSlot(for stream: UInt16) -> Int? { slots.existingSlot(for: stream) }

        /// The slot of `stream`'s queue (made on first use).
        mutating func slot(for stream: UInt16) -> Int {
            let (slot, isNew) = slots.slot(for: stream)
            if isNew { storage.append(nil) }
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
        var keys: [UInt16] { slots.all.compactMap { storage[$0.slot] == nil ? nil : $0.stream } }

        mutating func removeAll() {
            slots.removeAll()
            storage.removeAll()
        }
    }
}
