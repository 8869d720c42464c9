/// Reassembles fragmented handshake messages (RFC 6347 §4.2.3): fragments may overlap, repeat
/// or arrive in any order; a message is handed out once all its bytes are there. Memory is
/// bounded by the message size limit and by the caller's window of message sequences.
struct DTLSReassembler: Sendable {
    /// Larger handshake messages are refused (certificate chains of WebRTC peers are ~1 KB).
    static let maximumMessageLength = 1 << 16

    private struct Partial: Sendable {
        var type: UInt8
        var body: [UInt8]
        /// Received byte ranges, sorted and merged.
        var ranges: [Range<Int>] = []
        var isComplete: Bool { body.isEmpty || ranges == [0..<body.count] }
    }

    private var partial: [UInt16: Partial] = [:]

    mutating func add(_ fragment: DTLSHandshakeFragment) throws(DTLSError) {
        guard fragment.length <= DTLSReassembler.maximumMessageLength else {
            throw .handshakeFailure("handshake message of \(fragment.length) bytes exceeds the \(DTLSReassembler.maximumMessageLength)-byte limit")
        }
        var entry = partial[fragment.messageSequence] ?? Partial(type: fragment.type, body: [UInt8](repeating: 0, count: fragment.length))
        guard entry.type == fragment.type, entry.body.count == fragment.length else {
            throw .handshakeFailure("fragments of message \(fragment.messageSequence) disagree on its type or length")
        }
        guard !fragment.body.isEmpty else { partial[fragment.messageSequence] = entry; return }
        let range = fragment.fragmentOffset..<(fragment.fragmentOffset + fragment.body.count)
        // spec: RFC6347-4.2.3-5 overlapping fragments are accepted (the bytes are the same message's)
        entry.body.replaceSubrange(range, with: fragment.body)
        var merged: [Range<Int>] = []
        for existing in (entry.ranges + [range]).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, existing.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, existing.upperBound)
            } else {
                merged.append(existing)
            }
        }
        entry.ranges = merged
        partial[fragment.messageSequence] = entry
    }

    /// The complete message with `sequence`, removed from the buffer.
    mutating func take(sequence: UInt16) -> DTLSHandshakeMessage? {
        guard let entry = partial[sequence], entry.isComplete else { return nil }
        partial[sequence] = nil
        return DTLSHandshakeMessage(rawType: entry.type, messageSequence: sequence, body: entry.body)
    }
}
