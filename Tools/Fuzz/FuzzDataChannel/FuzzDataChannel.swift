import DataChannel

/// libFuzzer entry with two halves.
///
/// 1. The whole input as a DCEP message: decoding throws or succeeds; a decoded message
///    re-encodes to bytes that decode to the same message.
/// 2. The input as a script of operations on an established endpoint (the DTLS server side):
///    SCTP messages on arbitrary streams with arbitrary PPIDs, stream resets, sent-byte reports and
///    API calls. Nothing may trap, and once every stream is reset in both directions no state
///    remains.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDataChannel(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? DCEPMessage(decoding: bytes) {
        let again = try? DCEPMessage(decoding: message.encoded)
        precondition(again == message, "DCEP re-encoding does not decode to the same message")
    }

    var endpoint = DataChannelEndpoint(role: .server, maximumStreams: 16, maxMessageSize: 512,
                                       maxReassembledMessageSize: 256, bufferedAmountLowThreshold: 8)
    endpoint.handle(.associationEstablished(maxOutboundStreams: 16, maxInboundStreams: 16))
    var index = 0
    func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }
    while let op = next() {
        let stream = UInt16(next() ?? 0) % 20
        switch op % 8 {
        case 0, 1:
            let ppids: [UInt32] = [50, 51, 52, 53, 54, 56, 57, 0, 99]
            let ppid = ppids[Int(next() ?? 0) % ppids.count]
            let length = Int(next() ?? 0) % 48
            var payload: [UInt8] = []
            while payload.count < length, let byte = next() { payload.append(byte) }
            endpoint.handle(.message(stream: stream, ppid: DataChannelPPID(rawValue: ppid), payload: payload))
        case 2:
            endpoint.handle(.incomingStreamsReset([stream]))
        case 3:
            endpoint.handle(.outgoingStreamsResetDone([stream]))
        case 4:
            endpoint.handle(.sent(stream: stream, byteCount: Int(next() ?? 0)))
        case 5:
            let ordered = (next() ?? 0) & 1 == 0
            _ = try? endpoint.createChannel(label: "f", options: DataChannelOptions(
                ordered: ordered, maxRetransmits: ordered ? nil : 2, negotiated: stream >= 10,
                id: stream >= 10 ? stream : nil))
        case 6:
            let length = Int(next() ?? 0) % 600
            let message: DataChannelMessage = length % 2 == 0
                ? .binary(Array(repeating: 7, count: length)) : .string(String(repeating: "é", count: length / 2))
            try? endpoint.send(message, on: DataChannelID(stream))
        default:
            try? endpoint.close(DataChannelID(stream))
        }
        while endpoint.poll() != nil {}
    }
    // Finish every reset in both directions: nothing may remain.
    var rounds = 0
    while !endpoint.trackedStreams.isEmpty, rounds < 4 {
        let streams = endpoint.trackedStreams
        for stream in streams { try? endpoint.close(DataChannelID(stream)) }
        endpoint.handle(.incomingStreamsReset(streams))
        endpoint.handle(.outgoingStreamsResetDone(streams))
        while endpoint.poll() != nil {}
        rounds += 1
    }
    precondition(endpoint.trackedStreams.isEmpty, "streams leaked: \(endpoint.trackedStreams)")
    _ = endpoint.channels
    return 0
}
