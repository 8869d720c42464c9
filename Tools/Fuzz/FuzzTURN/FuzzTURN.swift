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
    return 0
}
