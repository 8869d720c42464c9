import ICE
import STUN

/// libFuzzer entry: the input as a candidate line, and, split at 0xff, as datagrams from
/// addresses the input chooses, into an agent that has a peer and checks under way. The agent
/// must neither crash nor grow without bound; the first chunk also drives remote candidates.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzICE(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let candidate = try? ICECandidate(sdpAttribute: String(decoding: bytes, as: UTF8.self)) {
        let again = try? ICECandidate(sdpAttribute: candidate.sdpAttribute)
        precondition(again == candidate, "a candidate line survives its own serialisation")
    }
    var configuration = ICEAgent.Configuration(role: bytes.first.map { $0 & 1 == 0 ? .controlling : .controlled } ?? .controlling)
    configuration.allowsLoopback = true
    configuration.stunServers = [STUNTransportAddress(address: [10, 0, 0, 9], port: 3478)]
    var agent = ICEAgent(configuration: configuration, random: FixedRandom())
    let local = STUNTransportAddress(address: [10, 0, 0, 1], port: 4000)
    try? agent.addHostCandidate(local)
    try? agent.addTCPHostCandidates(ip: [10, 0, 0, 1], passivePort: 7000)
    agent.gather(at: .zero)
    agent.setRemoteCredentials(ICECredentials(usernameFragment: "abcd", password: "0123456789abcdefghijklmn"), at: .zero)
    agent.addRemoteCandidate(ICECandidate(foundation: "1", priority: 2_130_706_431,
                                          address: STUNTransportAddress(address: [10, 0, 0, 2], port: 5000), type: .host))
    var now = Duration.zero
    var outputs = 0
    for (index, chunk) in bytes.split(separator: 0xff, omittingEmptySubsequences: false).prefix(64).enumerated() {
        let chunk = Array(chunk)
        let port = chunk.count >= 2 ? UInt16(chunk[0]) << 8 | UInt16(chunk[1]) : 5000
        let source = STUNTransportAddress(address: [10, 0, 0, UInt8(truncatingIfNeeded: 2 + index % 3)], port: port)
        var datagram = chunk
        // Half the STUN-looking chunks are re-signed with the agent's real credentials, so the
        // fuzzer reaches role conflicts, triggered checks and nomination, not only rejections.
        if chunk.count > 1, chunk[1] & 1 == 1, var message = try? STUNMessage(parsing: chunk) {
            message.attributes.removeAll {
                [STUNAttributeType.username, STUNAttributeType.messageIntegrity, STUNAttributeType.messageIntegritySHA256,
                 STUNAttributeType.fingerprint].contains($0.type)
            }
            let signedByPeer = message.type.messageClass == .successResponse || message.type.messageClass == .errorResponse
            if !signedByPeer { message.attributes.insert(.username(agent.localCredentials.usernameFragment + ":abcd"), at: 0) }
            message.appendMessageIntegrity(key: Array((signedByPeer ? "0123456789abcdefghijklmn" : agent.localCredentials.password).utf8))
            message.appendFingerprint()
            datagram = message.encoded
        }
        if index % 7 == 6 {
            // The same bytes as a stream on an accepted ICE-TCP connection.
            agent.handle(.tcpAccepted(.accepted(index), local: STUNTransportAddress(address: [10, 0, 0, 1], port: 7000), remote: source), at: now)
            agent.handle(.tcpData(datagram, .accepted(index)), at: now)
        } else {
            agent.handle(.datagram(datagram, from: source, to: local), at: now)
        }
        if index == 1, let line = String(validating: chunk, as: UTF8.self), let candidate = try? ICECandidate(sdpAttribute: line) {
            agent.addRemoteCandidate(candidate)
        }
        now += .milliseconds(Int64(chunk.first ?? 50) * 10)
        drain: while true {
            switch agent.poll(at: now) {
            case .timeout: break drain
            case .transmit, .event:
                outputs += 1
                precondition(outputs < 1_000_000, "poll keeps producing outputs")
            }
        }
        try? agent.send(chunk)
    }
    return 0
}

/// A fixed generator: the fuzzer's input drives everything else.
struct FixedRandom: RandomNumberGenerator {
    var state: UInt64 = 1
    mutating func next() -> UInt64 { state &+= 0x9e37_79b9_7f4a_7c15; return state }
}
