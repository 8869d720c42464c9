import TURN

/// libFuzzer entry: any bytes as a ChannelData datagram and as a TURN stream fed in two
/// pieces. Parsing throws or succeeds; the framer never buffers more than one frame's bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTURN(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? ChannelData(datagram: bytes) {
        precondition(Array(message.encoded(padded: false)) == Array(bytes.prefix(4 + message.data.count)), "round trip")
    }
    var framer = TURNStreamFramer(maximumFrame: 4096)
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    framer.append(bytes[..<split])
    framer.append(bytes[split...])
    var frames = 0
    while frames < 10_000, let frame = try? framer.next() {
        _ = frame
        frames += 1
    }
    // The client state machine: the input, split at 0xff, as datagrams from a server.
    var client = TURNClient(configuration: TURNClient.Configuration(username: "u", password: "p"), random: FixedRandom())
    client.allocate(now: .zero)
    var now = Duration.zero
    for datagram in bytes.split(separator: 0xff).prefix(32) {
        client.receive(Array(datagram), now: now)
        now += .milliseconds(700)
        client.handleTimeout(now: now)
        while client.pollDatagram() != nil {}
        while client.pollEvent() != nil {}
    }
    return 0
}

/// A fixed generator: the fuzzer's input drives everything else.
struct FixedRandom: RandomNumberGenerator {
    var state: UInt64 = 1
    mutating func next() -> UInt64 { state &+= 0x9e37_79b9_7f4a_7c15; return state }
}
