import ICE
import PeerConnection
import RTCCrypto
import STUN

/// One configuration for every input: making a certificate costs more than a run.
let configuration: PeerConnectionConfiguration = {
    var random = SplitMix(state: 7)
    var key: [UInt8]
    repeat { key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) } } while (try? P256KeyAgreement.publicKey(privateKey: key)) == nil
    let certificate = try! X509Certificate.selfSigned(privateKey: key, serialNumber: [1, 2, 3], notBefore: 1_700_000_000, notAfter: 1_900_000_000)
    var ice = ICEAgent.Configuration(role: .controlling)
    ice.allowsLoopback = true
    var configuration = PeerConnectionConfiguration(transport: PeerTransportConfiguration(certificate: certificate, privateKey: key, ice: ice))
    configuration.bundlePolicy = .maxBundle
    return configuration
}()

/// A deterministic generator, so a crash replays.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Arbitrary text as a remote offer: JSEP's reading of it must not trap, what it writes must
/// read back, and answering it (and then running the connection a little) must not trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSEP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let model = try? JSEPDescription(sdpText: text) else { return 0 }
    let written = model.sdpText
    guard let again = try? JSEPDescription(sdpText: written) else { preconditionFailure("written description does not read:\n\(written)") }
    precondition((try? JSEPDescription(sdpText: again.sdpText))?.sdpText == again.sdpText, "writing is not a fixed point")

    var connection = PeerConnection(configuration: configuration, random: SplitMix(state: UInt64(size)))
    try? connection.addHostCandidate(STUNTransportAddress(address: [127, 0, 0, 1], port: 40000))
    do {
        try connection.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: text), at: .zero)
        let answer = try connection.createAnswer()
        try connection.setLocalDescription(answer, at: .zero)
        precondition((try? JSEPDescription(sdpText: answer.sdp)) != nil, "our answer does not read:\n\(answer.sdp)")
    } catch {
        return 0
    }
    var now = Duration.zero
    for _ in 0..<50 {
        guard case .timeout(let deadline) = connection.poll(at: now) else { continue }
        guard let deadline else { break }
        now = max(now, deadline)
        connection.handle(.timeout, at: now)
    }
    return 0
}
