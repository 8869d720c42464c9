/// Dense slot numbers for stream identifiers, for tables kept in arrays instead of dictionaries.
///
/// Each stream gets the next slot the first time it is seen and keeps it until `removeAll`; the
/// stream asked about last is remembered, because the sender touches one stream several times
/// per chunk and hashing the identifier each time was a visible share of the per-packet cost.
/// The owner appends an element to its array whenever `slot(for:)` reports a new slot, so slot
/// numbers stay valid indices.
struct SCTPStreamSlots: Sendable {
    private var slots: [UInt16: Int] = [:]
    private var cachedStream: UInt16 = 0
    private var cachedSlot = -1

    init() {}

    /// The slot of `stream`, or nil when it has none yet.
    func existingSlot(for stream: UInt16) -> Int? {
        if cachedSlot >= 0, cachedStream == stream { return cachedSlot }
        return slots[stream]
    }

    /// The slot of `stream`, made when it has none (`isNew`: the owner appends an element).
    mutating func slot(for stream: UInt16) -> (slot: Int, isNew: Bool) {
        if cachedSlot >= 0, cachedStream == stream { return (cachedSlot, false) }
        var isNew = false
        let slot: Int
        if let existing = slots[stream] {
            slot = existing
        } else {
            slot = slots.count
            slots[stream] = slot
            isNew = true
        }
        cachedStream = stream
        cachedSlot = slot
        return (slot, isNew)
    }

    /// Every stream with a slot, and its slot.
    var all: [(stream: UInt16, slot: Int)] { slots.map { ($0.key, $0.value) } }

    mutating func removeAll() {
        slots.removeAll()
        cachedSlot = -1
    }
}
