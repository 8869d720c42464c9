/// A first-in, first-out queue for what a sans-IO core produces (datagrams, events, timers):
/// appending is amortised O(1) and taking is O(1) without moving the rest.
///
/// Storage is reset as soon as the last element is taken, so a caller that takes exactly what
/// each input produced — without a final call that finds the queue empty — holds nothing.
public struct OutputQueue<Element> {
    private var elements: [Element] = []
    private var head = 0

    /// An empty queue.
    public init() {}

    /// Whether nothing is waiting.
    public var isEmpty: Bool { head == elements.count }

    /// How many elements are waiting.
    public var count: Int { elements.count - head }

    /// Adds `element` at the back.
    public mutating func append(_ element: Element) { elements.append(element) }

    /// Removes and returns the front element, or nil when the queue is empty.
    public mutating func popFirst() -> Element? {
        guard head < elements.count else { return nil }
        let element = elements[head]
        head += 1
        if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        }
        return element
    }

    /// The waiting elements, front first.
    public var pending: ArraySlice<Element> { elements[head...] }
}

extension OutputQueue: Sendable where Element: Sendable {}
