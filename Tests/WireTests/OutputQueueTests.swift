import Testing
import Wire

/// The queue every sans-IO core hands its outputs out of: order kept, nothing lost, and
/// memory released whether the consumer drains it or stays behind.
@Suite struct OutputQueueTests {
    /// Reference class whose instances are counted, to see what the queue still holds.
    final class Tracked {
        nonisolated(unsafe) static var alive = 0
        let value: Int
        init(_ value: Int) { self.value = value; Tracked.alive += 1 }
        deinit { Tracked.alive -= 1 }
    }

    @Test func firstInFirstOut() {
        var queue = OutputQueue<Int>()
        #expect(queue.isEmpty && queue.popFirst() == nil)
        for i in 0..<5 { queue.append(i) }
        #expect(queue.count == 5 && Array(queue.pending) == [0, 1, 2, 3, 4])
        #expect(queue.popFirst() == 0 && queue.popFirst() == 1)
        queue.append(5)
        var taken: [Int] = []
        while let next = queue.popFirst() { taken.append(next) }
        #expect(taken == [2, 3, 4, 5] && queue.isEmpty)
    }

    /// Taking the last element releases everything, without a further call that finds the
    /// queue empty; a consumer one element behind holds a bounded amount, not all it was given.
    @Test func releasesTakenElements() {
        Tracked.alive = 0
        do {
            var queue = OutputQueue<Tracked>()
            for i in 0..<1000 {
                queue.append(Tracked(i))
                #expect(queue.popFirst()?.value == i)
            }
            #expect(Tracked.alive == 0)

            queue.append(Tracked(-1))   // the element the consumer never catches up with
            for i in 0..<10_000 {
                queue.append(Tracked(i))
                #expect(queue.popFirst()?.value == i - 1)
            }
            #expect(queue.count == 1)
            #expect(Tracked.alive <= 2 * 32 + 2, "\(Tracked.alive) elements kept for 1 waiting")
        }
        #expect(Tracked.alive == 0)
    }
}
