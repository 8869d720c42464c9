import SCTP

/// libFuzzer entry: any bytes as an SCTP packet, with and without the checksum check.
/// Parsing throws a typed error or succeeds; a parsed packet re-encodes, and that encoding
/// parses back to the same packet.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSCTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Most random inputs fail the CRC; repair it so the chunk parsers are reached too.
    if bytes.count >= 12 { SCTPPacket.fillChecksum(&bytes) }
    guard let packet = try? SCTPPacket(parsing: bytes) else { return 0 }
    let again = try? SCTPPacket(parsing: packet.encoded())
    precondition(again == packet, "re-encoding does not parse back to the same packet")
    return 0
}
