/// The receiver's replay list (RFC 3711 §3.3.2): the highest index received and a bitmap of
/// which of the `size` indices behind it have been seen. Fixed storage, allocated once.
public struct SRTPReplayWindow: Sendable {
    /// How many indices behind the highest are remembered.
    public let size: Int
    /// The highest index accepted so far, or nil before the first packet.
    public private(set) var highest: UInt64?
    /// Ring of bits: index i is bit (i mod capacity).
    private var bits: [UInt64]
    private let capacity: UInt64

    /// The verdict on an index before authentication.
    public enum Verdict: Equatable, Sendable { case new, replayed, tooOld }

    /// A window of `size` packets (at least 64).
    public init(size: Int) throws(SRTPConfigurationError) {
        // spec: RFC3711-3.3.2-2 SRTP-WINDOW-SIZE is at least 64
        guard size >= 64 else { throw .replayWindowTooSmall(size) }
        self.size = size
        let words = (size + 1 + 63) / 64
        bits = [UInt64](repeating: 0, count: words)
        capacity = UInt64(words * 64)
    }

    /// Whether `index` may be accepted (it is not changed: that waits for authentication).
    public func check(_ index: UInt64) -> Verdict {
        guard let highest else { return .new }
        if index > highest { return .new }
        // spec: RFC3711-3.3.2-2 indices more than SRTP-WINDOW-SIZE behind are taken as received
        if highest - index >= UInt64(size) { return .tooOld }
        // spec: RFC3711-3.3.2-3 inside the window, only indices not yet received are accepted
        return isSet(index) ? .replayed : .new
    }

    /// Records `index` as received, moving the window ahead when it is the new highest.
    public mutating func accept(_ index: UInt64) {
        // spec: RFC3711-3.3.2-4 the list is updated after authentication, the window moved first
        if let current = highest, index > current {
            let advance = index - current
            if advance >= capacity {
                for i in bits.indices { bits[i] = 0 }
            } else {
                var cleared = current + 1
                while cleared <= index { clear(cleared); cleared += 1 }
            }
            highest = index
        } else if highest == nil {
            highest = index
        }
        set(index)
    }

    private func isSet(_ index: UInt64) -> Bool {
        let bit = index % capacity
        return bits[Int(bit / 64)] & (1 << (bit % 64)) != 0
    }

    private mutating func set(_ index: UInt64) {
        let bit = index % capacity
        bits[Int(bit / 64)] |= 1 << (bit % 64)
    }

    private mutating func clear(_ index: UInt64) {
        let bit = index % capacity
        bits[Int(bit / 64)] &= ~(1 << (bit % 64))
    }
}
