import Capture

/// libFuzzer entry: any bytes as a pcap/pcapng file, and as a packet of every link type.
/// Reading must throw a `CaptureError` or succeed; decoding never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCapture(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let packets = try? CaptureFile.read(bytes) {
        for packet in packets {
            let decoded = PacketDecoder.decode(packet.data, linkType: packet.linkType)
            _ = PayloadKind.classify(decoded.payload)
        }
    }
    for link in [LinkType.ethernet, .raw, .linuxSLL, .linuxSLL2, .null] {
        let decoded = PacketDecoder.decode(bytes, linkType: link)
        precondition(decoded.payloadOffset >= 0 && decoded.payloadOffset <= bytes.count, "payload offset out of bounds")
        _ = decoded.layers.map { $0.rendered() }
    }
    return 0
}
