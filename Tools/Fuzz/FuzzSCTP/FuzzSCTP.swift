import SCTP

/// A seeded generator, so every input replays the same association.
struct FuzzRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Two associations brought up in memory, then left for the fuzzer to feed.
func establishedPair() -> (SCTPAssociation, SCTPAssociation) {
    var a = SCTPAssociation(random: FuzzRandom(state: 1))
    var b = SCTPAssociation(random: FuzzRandom(state: 2))
    a.connect(at: .zero)
    for _ in 0..<8 {
        var moved = false
        while true {
            let output = a.poll(at: .zero)
            guard case .transmit(let bytes) = output else { if case .event = output { continue }; break }
            b.handle(.packet(bytes), at: .zero)
            moved = true
        }
        while true {
            let output = b.poll(at: .zero)
            guard case .transmit(let bytes) = output else { if case .event = output { continue }; break }
            a.handle(.packet(bytes), at: .zero)
            moved = true
        }
        if !moved { break }
    }
    precondition(a.state == .established && b.state == .established, "setup failed")
    return (a, b)
}

/// libFuzzer entry. Byte 0 even: the bytes as one SCTP packet (checksum repaired so the chunk
/// parsers are reached); a parsed packet re-encodes to a packet that parses back the same.
/// Byte 0 odd: the rest is a series of length-prefixed chunk lists, each sent to an
/// established association in a packet with the right tag and checksum, time advancing
/// between them; the association must never trap, and its buffers stay within bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSCTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let mode = bytes.first else { return 0 }
    if mode & 1 == 0 {
        bytes.removeFirst()
        if bytes.count >= 12 { SCTPPacket.fillChecksum(&bytes) }
        guard let packet = try? SCTPPacket(parsing: bytes) else { return 0 }
        let again = try? SCTPPacket(parsing: packet.encoded())
        precondition(again == packet, "re-encoding does not parse back to the same packet")
        return 0
    }
    var (a, b) = establishedPair()
    let tag = b.localVerificationTag
    var offset = 1
    var now = Duration.zero
    while offset + 2 <= bytes.count {
        let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        offset += 2
        let end = min(bytes.count, offset + length)
        var packet: [UInt8] = [0x13, 0x88, 0x13, 0x88, UInt8(tag >> 24), UInt8((tag >> 16) & 0xff), UInt8((tag >> 8) & 0xff), UInt8(tag & 0xff), 0, 0, 0, 0]
        packet += bytes[offset..<end]
        offset = end
        SCTPPacket.fillChecksum(&packet)
        now += .milliseconds(Int64(packet.count % 97) * 10)
        b.handle(.packet(packet), at: now)
        var outputs = 0
        while outputs < 10_000 {
            outputs += 1
            if case .timeout = b.poll(at: now) { break }
        }
        precondition(outputs < 10_000, "the association keeps producing output")
        precondition(b.bufferedAmount <= 16 * 1024 * 1024)
    }
    _ = a
    return 0
}
