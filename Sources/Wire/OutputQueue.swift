/// A first-in, first-out queue for what a sans-IO core produces (datagrams, events, timers):
/// appending is amortised O(1) and taking is O(1) without moving the rest.
///
/// Storage is reset as soon as the last element is taken, so a caller that takes exactly what
/// each input produced — without a final call that finds the queue empty — holds nothing; a
/// caller that stays behind holds at most about twice what is waiting.
public struct OutputQueue<Element> {
    // Inlinable, so that each core's queue is specialised for its element type: unspecialised,
    // the generic calls cost more than the protocol work on DTLS's record path.
    // Optional slots so an element is moved out when taken, not copied and released later.
    @usableFromInline var elements: [Element?] = []
    @usableFromInline var head = 0

    /// An empty queue.
    @inlinable public init() {}

    /// Whether nothing is waiting.
    @inlinable public var isEmpty: Bool { head == elements.count }

    /// How many elements are waiting.
    @inlinable public var count: Int { elements.count - head }

    /// Adds `element` at the back.
    @inlinable public mutating func append(_ element: Element) { elements.append(element) }

    /// Removes and returns the front element, or nil when the queue is empty.
    @inlinable public mutating func popFirst() -> Element? {
        guard head < elements.count else { return nil }
        let element = elements[head].take()
        head += 1
        if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 32, head * 2 >= elements.count {
            // A consumer that stays a few elements behind never empties the queue: drop the
            // taken front once it is half the storage (amortised O(1) per element).
            elements.removeFirst(head)
            head = 0
        }
        return element
    }

    /// The waiting elements, front first.
    @inlinable public var pending: [Element] { elements[head...].map { $0! } }
}

extension OutputQueue: Sendable where Element: Sendable {}
