import RTCCrypto
import STUN

/// The key every input's MESSAGE-INTEGRITY is checked with (both readers must agree on it).
private let fuzzKey: [UInt8] = [1, 2, 3]
private let preparedFuzzKey = HMACSHA1Key(key: fuzzKey)

/// libFuzzer entry: any bytes as a STUN message. Parsing throws or succeeds; a parsed message
/// re-encodes to the same bytes, and every accessor and the explanation run without trapping.
/// The in-place ``STUNMessageView`` reads the same bytes where libFuzzer put them: it must
/// accept and reject exactly what ``STUNMessage`` does, with the same error, see the same
/// attributes and agree on FINGERPRINT and MESSAGE-INTEGRITY; and ``STUNMessageWriter`` must
/// rewrite a parsed message's attributes to STUNMessage's bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSTUN(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let bytes = Array(raw)
    let parsed = Result { () throws(STUNError) in try STUNMessage(parsing: bytes) }
    let viewed = Result { () throws(STUNError) in try STUNMessageView(raw) }
    let message: STUNMessage
    switch (parsed, viewed) {
    case let (.failure(expected), .failure(actual)):
        precondition(expected == actual, "the view rejects with \(actual), STUNMessage with \(expected)")
        return 0
    case (.failure, .success): preconditionFailure("the view accepts what STUNMessage rejects")
    case (.success, .failure): preconditionFailure("the view rejects what STUNMessage accepts")
    case let (.success(parsedMessage), .success(view)):
        message = parsedMessage
        crossCheck(message, view)
    }
    precondition(message.encoded == bytes, "re-encoding differs")
    _ = try? message.xorMappedAddress()
    _ = try? message.mappedAddress()
    _ = try? message.errorCode()
    _ = try? message.text(STUNAttributeType.username)
    _ = try? message.integer(STUNAttributeType.priority)
    _ = message.unknownComprehensionRequired
    _ = message.hasValidFingerprint
    _ = message.hasValidMessageIntegrity(key: fuzzKey)
    _ = message.hasValidMessageIntegritySHA256(key: [1, 2, 3])
    _ = message.explanation().rendered()
    return 0
}

private func crossCheck(_ message: STUNMessage, _ view: STUNMessageView) {
    precondition(view.type == message.type && Array(view.transactionID) == message.transactionID, "header differs")
    var index = 0
    for attribute in view.attributes {
        precondition(index < message.attributes.count, "the view walks more attributes")
        let expected = message.attributes[index]
        precondition(attribute.type == expected.type && Array(view.value(of: attribute)) == expected.value
                     && attribute.end - attribute.valueOffset - attribute.length == expected.padding.count,
                     "attribute \(index) differs")
        index += 1
    }
    precondition(index == message.attributes.count && view.attributeCount == index, "attribute count differs")
    precondition(view.hasValidFingerprint == message.hasValidFingerprint, "FINGERPRINT verdicts differ")
    precondition(view.hasValidMessageIntegrity(key: preparedFuzzKey) == message.hasValidMessageIntegrity(key: fuzzKey),
                 "MESSAGE-INTEGRITY verdicts differ")
    _ = try? view.priorityValue()
    _ = try? view.tiebreaker(view.iceControlling)
    _ = try? view.tiebreaker(view.iceControlled)

    // Re-signed by both writers, the attributes before MESSAGE-INTEGRITY give the same bytes.
    let plain = message.attributes.prefix { $0.type != STUNAttributeType.messageIntegrity && $0.type != STUNAttributeType.fingerprint }
    guard plain.allSatisfy({ $0.padding.allSatisfy { $0 == 0 } }), view.bytes.count + 32 <= 20 + 0xffff else { return }
    var rebuilt = STUNMessage(type: message.type, transactionID: message.transactionID, attributes: Array(plain))
    rebuilt.appendMessageIntegrity(key: fuzzKey)
    rebuilt.appendFingerprint()
    let expected = rebuilt.encoded
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: expected.count, alignment: 16)
    defer { buffer.deallocate() }
    do {
        var writer = try STUNMessageWriter(into: buffer, type: message.type, transactionID: message.transactionID)
        for attribute in plain {
            try attribute.value.withUnsafeBytes { try writer.append(type: attribute.type, value: $0) }
        }
        try writer.appendMessageIntegrity(key: preparedFuzzKey)
        try writer.appendFingerprint()
        precondition(Array(writer.bytes) == expected, "the writer's bytes differ from STUNMessage's")
    } catch {
        preconditionFailure("the writer refused a message that fits: \(error)")
    }
}
