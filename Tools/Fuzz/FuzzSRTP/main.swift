import SRTP

/// libFuzzer entry: any bytes as SRTP and SRTCP for every profile, with and without MKI.
/// Unprotect throws or succeeds, never crashes; what a sender protects, a receiver restores.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSRTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let selector = bytes.first ?? 0
    let profile = SRTPProfile.allCases[Int(selector) % SRTPProfile.allCases.count]
    let mki: [UInt8] = selector & 0x80 != 0 ? [0xa1, 0xb2] : []
    let key = SRTPMasterKey(key: [UInt8](repeating: 0x2b, count: profile.masterKeyLength),
                            salt: [UInt8](repeating: 0x5c, count: profile.masterSaltLength), mki: mki)
    var configuration = SRTPConfiguration(profile: profile, masterKeys: [key])
    configuration.replayWindowSize = 64
    guard var receiver = try? SRTPSession(configuration), var sender = try? SRTPSession(configuration),
          var sendBack = try? SRTPSession(configuration) else { preconditionFailure("valid configuration") }

    // Arbitrary bytes: errors are fine, crashes are not.
    var packet = Array(bytes.dropFirst())
    _ = try? receiver.unprotectRTP(&packet)
    packet = Array(bytes.dropFirst())
    _ = try? receiver.unprotectRTCP(&packet)

    // Round trip: an RTP-shaped packet made from the input survives protect and unprotect.
    var rtp = Array(bytes.dropFirst())
    if rtp.count >= 12 {
        rtp[0] = 0x80 | (rtp[0] & 0x2f)    // version 2, no extension (CSRC count kept)
        let original = rtp
        if (try? sender.protectRTP(&rtp)) != nil {
            precondition((try? sendBack.unprotectRTP(&rtp)) != nil && rtp == original, "RTP round trip for \(profile)")
        }
    }
    var rtcp = Array(bytes.dropFirst())
    if rtcp.count >= 8 {
        rtcp[0] = 0x80 | (rtcp[0] & 0x3f)
        let original = rtcp
        if (try? sender.protectRTCP(&rtcp)) != nil {
            precondition((try? sendBack.unprotectRTCP(&rtcp)) != nil && rtcp == original, "RTCP round trip for \(profile)")
        }
    }
    return 0
}
