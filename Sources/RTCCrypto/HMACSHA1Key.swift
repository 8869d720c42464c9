/// An HMAC-SHA1 key (RFC 2104) with its inner and outer hash states computed once, for
/// authenticating many short messages without allocating: SRTP and SRTCP (RFC 3711 §4.2.1)
/// and STUN's MESSAGE-INTEGRITY. ``HMAC`` is the general, allocating form.
public struct HMACSHA1Key: Sendable {
    typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32)

    /// The length of a full tag.
    public static let tagByteCount = 20

    private let inner: State
    private let outer: State
    /// The SHA-1 implementation this key uses.
    public let backend: CryptoBackend

    /// Prepares `key` (hashed first when longer than 64 bytes, as RFC 2104 says).
    public init<K: Collection>(key: K, backend: CryptoBackend = .best) where K.Element == UInt8 {
        var block = key.count > 64 ? SHA1.hash(key) : Array(key)
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let resolved = SHA1.resolved(backend)
        self.backend = resolved
        var innerState = SHA1.initialState, outerState = SHA1.initialState
        let innerPad = block.map { $0 ^ 0x36 }, outerPad = block.map { $0 ^ 0x5c }
        innerPad.withUnsafeBytes { SHA1.compress(&innerState, $0, backend: resolved) }
        outerPad.withUnsafeBytes { SHA1.compress(&outerState, $0, backend: resolved) }
        inner = innerState
        outer = outerState
    }

    /// Writes the first `tag.count` bytes (1 to 20) of HMAC(key, message ‖ suffix) to `tag`.
    /// The suffix (at most 64 bytes) lets SRTP append its rollover counter without copying
    /// the packet.
    public func authenticate(_ message: UnsafeRawBufferPointer,
                             suffix: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                             tag: UnsafeMutableRawBufferPointer) {
        authenticate(head: UnsafeRawBufferPointer(start: nil, count: 0), message, suffix: suffix, tag: tag)
    }

    /// Writes the first `tag.count` bytes (1 to 20) of HMAC(key, head ‖ message ‖ suffix) to
    /// `tag`, allocating nothing. The head (at most 64 bytes) is a separate piece so that a
    /// caller can authenticate a message whose first bytes differ from the buffer's without
    /// copying the rest: STUN's MESSAGE-INTEGRITY covers the header with a length field that
    /// counts only up to the integrity attribute.
    public func authenticate(head: UnsafeRawBufferPointer, _ message: UnsafeRawBufferPointer,
                             suffix: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                             tag: UnsafeMutableRawBufferPointer) {
        precondition((1...20).contains(tag.count), "an HMAC-SHA1 tag is 1 to 20 bytes")
        precondition(head.count <= 64, "the head is at most one block")
        precondition(suffix.count <= 64, "the suffix is at most one block")
        let digest = innerDigest(head: head, message, suffix: suffix)
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 16) { block in
            HMACSHA1Key.outerBlock(digest, into: block)
            var state = outer
            SHA1.compress(&state, UnsafeRawBufferPointer(block), backend: backend)
            // The full tag in the block's first 20 bytes, then its prefix.
            HMACSHA1Key.storeBigEndian(state, into: block)
            tag.copyMemory(from: UnsafeRawBufferPointer(rebasing: block[0..<tag.count]))
        }
    }

    /// Writes HMAC(key, first ‖ firstSuffix) to `firstTag` and HMAC(key, second ‖
    /// secondSuffix) to `secondTag` (each 1 to 20 bytes; suffixes at most 64 bytes), allocating
    /// nothing. The same as two ``authenticate(_:suffix:tag:)`` calls; on the SHA-NI path the
    /// two hashes run side by side, which is where SRTP's batches gain (one SHA-1 is bound by
    /// the latency of its chain of rounds, not by the hardware's throughput).
    public func authenticate(_ first: UnsafeRawBufferPointer, suffix firstSuffix: UnsafeRawBufferPointer, tag firstTag: UnsafeMutableRawBufferPointer,
                             _ second: UnsafeRawBufferPointer, suffix secondSuffix: UnsafeRawBufferPointer, tag secondTag: UnsafeMutableRawBufferPointer) {
        precondition((1...20).contains(firstTag.count) && (1...20).contains(secondTag.count), "an HMAC-SHA1 tag is 1 to 20 bytes")
        precondition(firstSuffix.count <= 64 && secondSuffix.count <= 64, "the suffix is at most one block")
        var firstState = inner, secondState = inner
        let firstWhole = first.count / 64 * 64, secondWhole = second.count / 64 * 64
        let common = min(firstWhole, secondWhole)
        SHA1.compress2(&firstState, UnsafeRawBufferPointer(rebasing: first[0..<common]),
                       &secondState, UnsafeRawBufferPointer(rebasing: second[0..<common]), backend: backend)
        SHA1.compress(&firstState, UnsafeRawBufferPointer(rebasing: first[common..<firstWhole]), backend: backend)
        SHA1.compress(&secondState, UnsafeRawBufferPointer(rebasing: second[common..<secondWhole]), backend: backend)
        // Tails (at most 63 + 64 + 9 bytes: three blocks each), then the outer blocks.
        withUnsafeTemporaryAllocation(byteCount: 512, alignment: 16) { scratch in
            let firstTail = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<192])
            let secondTail = UnsafeMutableRawBufferPointer(rebasing: scratch[192..<384])
            let firstBlocks = HMACSHA1Key.padTail(UnsafeRawBufferPointer(rebasing: first[firstWhole...]), suffix: firstSuffix,
                                                  hashedLength: 64 + first.count + firstSuffix.count, into: firstTail)
            let secondBlocks = HMACSHA1Key.padTail(UnsafeRawBufferPointer(rebasing: second[secondWhole...]), suffix: secondSuffix,
                                                   hashedLength: 64 + second.count + secondSuffix.count, into: secondTail)
            let tails = min(firstBlocks, secondBlocks)
            SHA1.compress2(&firstState, UnsafeRawBufferPointer(rebasing: firstTail[0..<tails]),
                           &secondState, UnsafeRawBufferPointer(rebasing: secondTail[0..<tails]), backend: backend)
            SHA1.compress(&firstState, UnsafeRawBufferPointer(rebasing: firstTail[tails..<firstBlocks]), backend: backend)
            SHA1.compress(&secondState, UnsafeRawBufferPointer(rebasing: secondTail[tails..<secondBlocks]), backend: backend)
            // The outer hashes: opad block (precomputed) ‖ inner digest, one block each.
            let firstOuter = UnsafeMutableRawBufferPointer(rebasing: scratch[384..<448])
            let secondOuter = UnsafeMutableRawBufferPointer(rebasing: scratch[448..<512])
            HMACSHA1Key.outerBlock(firstState, into: firstOuter)
            HMACSHA1Key.outerBlock(secondState, into: secondOuter)
            var firstResult = outer, secondResult = outer
            SHA1.compress2(&firstResult, UnsafeRawBufferPointer(firstOuter), &secondResult, UnsafeRawBufferPointer(secondOuter), backend: backend)
            HMACSHA1Key.storeBigEndian(firstResult, into: firstOuter)
            HMACSHA1Key.storeBigEndian(secondResult, into: secondOuter)
            firstTag.copyMemory(from: UnsafeRawBufferPointer(rebasing: firstOuter[0..<firstTag.count]))
            secondTag.copyMemory(from: UnsafeRawBufferPointer(rebasing: secondOuter[0..<secondTag.count]))
        }
    }

    /// `rest ‖ suffix ‖ 0x80 ‖ zeros ‖ 64-bit bit length of everything hashed` into `tail`;
    /// returns the byte count, whole blocks.
    private static func padTail(_ rest: UnsafeRawBufferPointer, suffix: UnsafeRawBufferPointer, hashedLength: Int,
                                into tail: UnsafeMutableRawBufferPointer) -> Int {
        if !rest.isEmpty { UnsafeMutableRawBufferPointer(rebasing: tail[0..<rest.count]).copyMemory(from: rest) }
        var used = rest.count
        if !suffix.isEmpty {
            UnsafeMutableRawBufferPointer(rebasing: tail[used..<(used + suffix.count)]).copyMemory(from: suffix)
            used += suffix.count
        }
        let length = (used + 9 + 63) / 64 * 64
        UnsafeMutableRawBufferPointer(rebasing: tail[used..<length]).initializeMemory(as: UInt8.self, repeating: 0)
        tail[used] = 0x80
        tail.storeBytes(of: (UInt64(hashedLength) * 8).bigEndian, toByteOffset: length - 8, as: UInt64.self)
        return length
    }

    /// The outer hash's one block: the inner digest, padded (after the 64-byte opad block).
    private static func outerBlock(_ digest: State, into block: UnsafeMutableRawBufferPointer) {
        block.initializeMemory(as: UInt8.self, repeating: 0)
        storeBigEndian(digest, into: block)
        block[20] = 0x80
        block.storeBytes(of: UInt64(8 * (64 + 20)).bigEndian, toByteOffset: 56, as: UInt64.self)
    }

    /// Whether `tag` (4 to 20 bytes) is the HMAC of `message ‖ suffix`, compared in constant
    /// time. Shorter tags are refused.
    public func verify(_ tag: UnsafeRawBufferPointer, for message: UnsafeRawBufferPointer,
                       suffix: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) -> Bool {
        verify(tag, head: UnsafeRawBufferPointer(start: nil, count: 0), message, suffix: suffix)
    }

    /// Whether `tag` (4 to 20 bytes) is the HMAC of `head ‖ message ‖ suffix` (head and
    /// suffix at most 64 bytes each), compared in constant time, allocating nothing. Shorter
    /// tags are refused.
    public func verify(_ tag: UnsafeRawBufferPointer, head: UnsafeRawBufferPointer, _ message: UnsafeRawBufferPointer,
                       suffix: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) -> Bool {
        guard (4...20).contains(tag.count) else { return false }
        return withUnsafeTemporaryAllocation(byteCount: 20, alignment: 16) { expected in
            authenticate(head: head, message, suffix: suffix,
                         tag: UnsafeMutableRawBufferPointer(rebasing: expected[0..<tag.count]))
            var difference: UInt8 = 0
            for i in 0..<tag.count { difference |= expected[i] ^ tag[i] }
            return ConstantTime.isZero(difference)
        }
    }

    /// SHA-1 of ipad-block ‖ head ‖ message ‖ suffix, from the precomputed inner state. The
    /// message's whole blocks are compressed where they lie; only the head, the block the head
    /// shares with the message, and the tail are copied (to the stack).
    private func innerDigest(head: UnsafeRawBufferPointer, _ message: UnsafeRawBufferPointer,
                             suffix: UnsafeRawBufferPointer) -> State {
        var state = inner
        let backend = backend
        // Either everything (when it fits three blocks with the padding), or the head and the
        // first block it completes, then the message's tail, the suffix and the padding: at
        // most 63 + 64 + 9 bytes after a compressed head block, three blocks.
        withUnsafeTemporaryAllocation(byteCount: 192, alignment: 16) { tail in
            var used = 0
            var consumed = 0  // message bytes already in `tail` or compressed
            let gathered = head.count + message.count + suffix.count + 9 <= 192
            if gathered {
                // A short message (a STUN check, say) is gathered whole, so that the hardware
                // path compresses all its blocks in one call.
                if head.count > 0 { UnsafeMutableRawBufferPointer(rebasing: tail[0..<head.count]).copyMemory(from: head) }
                used = head.count
            } else if head.count > 0 {
                UnsafeMutableRawBufferPointer(rebasing: tail[0..<head.count]).copyMemory(from: head)
                consumed = min(64 - head.count, message.count)
                if consumed > 0 {
                    UnsafeMutableRawBufferPointer(rebasing: tail[head.count..<(head.count + consumed)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: message[0..<consumed]))
                }
                used = head.count + consumed
                if used == 64 {
                    SHA1.compress(&state, UnsafeRawBufferPointer(rebasing: tail[0..<64]), backend: backend)
                    used = 0
                }
            }
            // With a partial head block left in `tail` the message is used up; a gathered one
            // is copied whole.
            let whole = gathered ? 0 : (message.count - consumed) / 64 * 64
            if whole > 0 {
                SHA1.compress(&state, UnsafeRawBufferPointer(rebasing: message[consumed..<(consumed + whole)]), backend: backend)
                consumed += whole
            }
            let rest = message.count - consumed
            if rest > 0 {
                UnsafeMutableRawBufferPointer(rebasing: tail[used..<(used + rest)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: message[consumed...]))
                used += rest
            }
            if suffix.count > 0 {
                UnsafeMutableRawBufferPointer(rebasing: tail[used..<(used + suffix.count)]).copyMemory(from: suffix)
                used += suffix.count
            }
            let blocks = (used + 9 + 63) / 64
            UnsafeMutableRawBufferPointer(rebasing: tail[used..<(64 * blocks)]).initializeMemory(as: UInt8.self, repeating: 0)
            tail[used] = 0x80
            let bitLength = UInt64(64 + head.count + message.count + suffix.count) * 8
            tail.storeBytes(of: bitLength.bigEndian, toByteOffset: 64 * blocks - 8, as: UInt64.self)
            SHA1.compress(&state, UnsafeRawBufferPointer(rebasing: tail[0..<(64 * blocks)]), backend: backend)
        }
        return state
    }

    private static func storeBigEndian(_ state: State, into block: UnsafeMutableRawBufferPointer) {
        block.storeBytes(of: state.0.bigEndian, toByteOffset: 0, as: UInt32.self)
        block.storeBytes(of: state.1.bigEndian, toByteOffset: 4, as: UInt32.self)
        block.storeBytes(of: state.2.bigEndian, toByteOffset: 8, as: UInt32.self)
        block.storeBytes(of: state.3.bigEndian, toByteOffset: 12, as: UInt32.self)
        block.storeBytes(of: state.4.bigEndian, toByteOffset: 16, as: UInt32.self)
    }
}
