import SDP

/// Reads every typed accessor of one attribute list; malformed values throw, nothing may trap.
func touchAccessors<Holder: SDPAttributeHolder>(_ holder: Holder) {
    _ = holder.iceLite
    _ = holder.endOfCandidates
    _ = holder.rtcpMux
    _ = holder.rtcpMuxOnly
    _ = holder.rtcpRsize
    _ = holder.extmapAllowMixed
    _ = try? holder.iceUfrag
    _ = try? holder.icePwd
    _ = try? holder.iceOptions
    if let candidates = try? holder.candidates {
        for candidate in candidates {
            precondition((try? SDPCandidate(sdpValue: candidate.sdpValue)) == candidate, "candidate does not round-trip")
            _ = candidate.tcpType
        }
    }
    if let fingerprints = try? holder.fingerprints {
        for fingerprint in fingerprints {
            precondition((try? SDPFingerprint(sdpValue: fingerprint.sdpValue)) == fingerprint, "fingerprint does not round-trip")
        }
    }
    _ = try? holder.setup
    _ = try? holder.mid
    _ = try? holder.groups
    _ = try? holder.bundleGroup
    _ = try? holder.extmaps
    _ = try? holder.rtpMaps
    if let parameters = try? holder.formatParameters {
        for item in parameters { _ = item.parameterList }
    }
    _ = try? holder.rtcpFeedback
    _ = try? holder.ssrcs
    _ = try? holder.ssrcGroups
    _ = try? holder.msids
    _ = try? holder.rtcp
    if let rids = try? holder.rids {
        for rid in rids { precondition((try? SDPRid(sdpValue: rid.sdpValue)) == rid, "rid does not round-trip") }
    }
    if let simulcast = try? holder.simulcast {
        precondition((try? SDPSimulcast(sdpValue: simulcast.sdpValue)) == simulcast, "simulcast does not round-trip")
    }
    _ = try? holder.direction
    _ = try? holder.sctpPort
    _ = try? holder.maxMessageSize
    // Every attribute value through every typed parser: throws or round-trips.
    for attribute in holder.attributes {
        guard let value = attribute.value else { continue }
        check(SDPExtmap.self, value)
        check(SDPRTPMap.self, value)
        check(SDPFormatParameters.self, value)
        check(SDPRTCPFeedback.self, value)
        check(SDPSSRC.self, value)
        check(SDPSSRCGroup.self, value)
        check(SDPMsid.self, value)
        check(SDPRTCP.self, value)
        check(SDPGroup.self, value)
        check(SDPICEOptions.self, value)
    }
}

func check<Value: SDPAttributeValue>(_ type: Value.Type, _ text: String) {
    guard let value = try? Value(sdpValue: text) else { return }
    precondition((try? Value(sdpValue: value.sdpValue)) == value, "\(Value.attributeName) does not round-trip")
}

/// libFuzzer entry: the bytes as SDP text. Parsing throws or succeeds; a parsed description
/// serializes to text that parses to the same description and serializes to the same text (a
/// fixed point), and every typed accessor either throws or gives a value that round-trips.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSDP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let description = try? SessionDescription(parsing: bytes) else { return 0 }
    let text = description.serialized()
    guard let again = try? SessionDescription(parsing: text) else {
        preconditionFailure("serialized description does not parse:\n\(text)")
    }
    precondition(again == description, "reparsed description differs")
    precondition(again.serialized() == text, "serialization is not a fixed point")
    touchAccessors(description)
    for media in description.media {
        touchAccessors(media)
        _ = try? media.effectiveDirection(in: description)
    }
    return 0
}
