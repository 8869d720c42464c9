import STUN

/// libFuzzer entry: any bytes as a STUN message. Parsing throws or succeeds; a parsed message
/// re-encodes to the same bytes, and every accessor and the explanation run without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSTUN(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let message = try? STUNMessage(parsing: bytes) else { return 0 }
    precondition(message.encoded == bytes, "re-encoding differs")
    _ = try? message.xorMappedAddress()
    _ = try? message.mappedAddress()
    _ = try? message.errorCode()
    _ = try? message.text(STUNAttributeType.username)
    _ = try? message.integer(STUNAttributeType.priority)
    _ = message.unknownComprehensionRequired
    _ = message.hasValidFingerprint
    _ = message.hasValidMessageIntegrity(key: [1, 2, 3])
    _ = message.hasValidMessageIntegritySHA256(key: [1, 2, 3])
    _ = message.explanation().rendered()
    return 0
}
