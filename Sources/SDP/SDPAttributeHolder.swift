/// Something that carries an ordered list of `a=` lines: a ``SessionDescription`` (session level)
/// or a ``MediaDescription`` (media level).
///
/// The typed accessors parse the matching attributes each time they are read and throw
/// ``SDPAttributeError`` for a malformed value; the builders append attributes at the end of the
/// list (or replace ones of the same name), so the order of a built description is the order of
/// the calls.
public protocol SDPAttributeHolder {
    /// The `a=` lines, in order.
    var attributes: [SDPAttribute] { get set }
}

extension SDPAttributeHolder {
    // MARK: Generic access

    /// The attributes called `name`, in order.
    public func attributes(named name: String) -> [SDPAttribute] {
        attributes.filter { $0.name == name }
    }

    /// Whether an attribute called `name` is present (with or without a value).
    public func hasAttribute(_ name: String) -> Bool {
        attributes.contains { $0.name == name }
    }

    /// Every attribute of `type`'s name parsed as `type`, in order.
    public func values<Value: SDPAttributeValue>(of type: Value.Type) throws(SDPAttributeError) -> [Value] {
        var result: [Value] = []
        for attribute in attributes where attribute.name == Value.attributeName {
            guard let text = attribute.value else { throw .missingValue(attribute: Value.attributeName) }
            result.append(try Value(sdpValue: text))
        }
        return result
    }

    /// The one attribute of `type`'s name parsed as `type`, nil when absent; throws
    /// ``SDPAttributeError/duplicate(attribute:value:)`` when it appears more than once.
    public func value<Value: SDPAttributeValue>(of type: Value.Type) throws(SDPAttributeError) -> Value? {
        let all = try values(of: type)
        if all.count > 1 { throw .duplicate(attribute: Value.attributeName, value: all[1].sdpValue) }
        return all.first
    }

    // MARK: Builders

    /// Appends the attribute carrying `value`.
    public mutating func append<Value: SDPAttributeValue>(_ value: Value) {
        attributes.append(SDPAttribute(value))
    }

    /// Appends a property attribute (one without a value), e.g. `rtcp-mux`.
    public mutating func appendFlag(_ name: String) {
        attributes.append(SDPAttribute(name: name))
    }

    /// Replaces every attribute of `value`'s name by one carrying `value`, where the first of
    /// them was (or at the end).
    public mutating func replace<Value: SDPAttributeValue>(with value: Value) {
        let position = attributes.firstIndex { $0.name == Value.attributeName }
        removeAttributes(named: Value.attributeName)
        attributes.insert(SDPAttribute(value), at: min(position ?? attributes.count, attributes.count))
    }

    /// Removes every attribute called `name`.
    public mutating func removeAttributes(named name: String) {
        attributes.removeAll { $0.name == name }
    }

    // MARK: Property attributes

    /// `a=ice-lite` (RFC 8839 §5.3): the agent is an ICE-lite implementation.
    public var iceLite: Bool { hasAttribute("ice-lite") }
    /// `a=end-of-candidates` (RFC 8840): no more candidates will be trickled.
    public var endOfCandidates: Bool { hasAttribute("end-of-candidates") }
    /// `a=rtcp-mux` (RFC 5761): RTP and RTCP share one port.
    public var rtcpMux: Bool { hasAttribute("rtcp-mux") }
    /// `a=rtcp-mux-only` (RFC 8858): RTCP multiplexing is required.
    public var rtcpMuxOnly: Bool { hasAttribute("rtcp-mux-only") }
    /// `a=rtcp-rsize` (RFC 5506): reduced-size RTCP is allowed.
    public var rtcpRsize: Bool { hasAttribute("rtcp-rsize") }
    /// `a=extmap-allow-mixed` (RFC 8285 §6): one- and two-byte header extensions may be mixed.
    public var extmapAllowMixed: Bool { hasAttribute("extmap-allow-mixed") }

    // MARK: ICE (RFC 8839)

    /// `a=ice-ufrag`.
    public var iceUfrag: String? { get throws(SDPAttributeError) { try value(of: SDPICEUfrag.self)?.ufrag } }
    /// `a=ice-pwd`.
    public var icePwd: String? { get throws(SDPAttributeError) { try value(of: SDPICEPwd.self)?.password } }
    /// The tags of every `a=ice-options` line, in order (e.g. `trickle`, `ice2`).
    public var iceOptions: [String] { get throws(SDPAttributeError) { try values(of: SDPICEOptions.self).flatMap(\.tags) } }
    /// The `a=candidate` lines.
    public var candidates: [SDPCandidate] { get throws(SDPAttributeError) { try values(of: SDPCandidate.self) } }

    // MARK: DTLS (RFC 8122, RFC 8842)

    /// The `a=fingerprint` lines (more than one is allowed: several certificates or hash functions).
    public var fingerprints: [SDPFingerprint] { get throws(SDPAttributeError) { try values(of: SDPFingerprint.self) } }
    /// `a=setup`.
    public var setup: SDPSetupRole? { get throws(SDPAttributeError) { try value(of: SDPSetupRole.self) } }

    // MARK: BUNDLE and identification (RFC 8843)

    /// `a=mid`.
    public var mid: String? { get throws(SDPAttributeError) { try value(of: SDPMid.self)?.tag } }
    /// The `a=group` lines.
    public var groups: [SDPGroup] { get throws(SDPAttributeError) { try values(of: SDPGroup.self) } }
    /// The first `a=group:BUNDLE` line.
    public var bundleGroup: SDPGroup? { get throws(SDPAttributeError) { try groups.first { $0.semantics == "BUNDLE" } } }

    // MARK: RTP

    /// The `a=extmap` lines (RFC 8285).
    public var extmaps: [SDPExtmap] {
        get throws(SDPAttributeError) {
            let all = try values(of: SDPExtmap.self)
            var used: Set<UInt16> = []
            for extmap in all where extmap.id <= 255 {
                // spec: RFC8285-5-2 an ID in the valid range is used only once per media section
                guard used.insert(extmap.id).inserted else { throw .duplicate(attribute: "extmap", value: extmap.sdpValue) }
            }
            return all
        }
    }
    /// The `a=rtpmap` lines.
    public var rtpMaps: [SDPRTPMap] { get throws(SDPAttributeError) { try values(of: SDPRTPMap.self) } }
    /// The `a=rtpmap` of one payload type.
    public func rtpMap(for payloadType: UInt8) throws(SDPAttributeError) -> SDPRTPMap? {
        try rtpMaps.first { $0.payloadType == payloadType }
    }
    /// The `a=fmtp` lines.
    public var formatParameters: [SDPFormatParameters] { get throws(SDPAttributeError) { try values(of: SDPFormatParameters.self) } }
    /// The `a=fmtp` of one format.
    public func formatParameters(for format: String) throws(SDPAttributeError) -> SDPFormatParameters? {
        try formatParameters.first { $0.format == format }
    }
    /// The `a=rtcp-fb` lines (RFC 4585).
    public var rtcpFeedback: [SDPRTCPFeedback] { get throws(SDPAttributeError) { try values(of: SDPRTCPFeedback.self) } }
    /// The `a=ssrc` lines (RFC 5576).
    public var ssrcs: [SDPSSRC] { get throws(SDPAttributeError) { try values(of: SDPSSRC.self) } }
    /// The `a=ssrc-group` lines (RFC 5576).
    public var ssrcGroups: [SDPSSRCGroup] { get throws(SDPAttributeError) { try values(of: SDPSSRCGroup.self) } }
    /// The `a=msid` lines (RFC 8830).
    public var msids: [SDPMsid] { get throws(SDPAttributeError) { try values(of: SDPMsid.self) } }
    /// `a=rtcp` (RFC 3605).
    public var rtcp: SDPRTCP? { get throws(SDPAttributeError) { try value(of: SDPRTCP.self) } }
    /// The `a=rid` lines (RFC 8851).
    public var rids: [SDPRid] {
        get throws(SDPAttributeError) {
            let all = try values(of: SDPRid.self)
            var seen: Set<String> = []
            for rid in all {
                // spec: RFC8851-4-10 a rid-id is not repeated in one media description
                guard seen.insert(rid.id).inserted else { throw .duplicate(attribute: "rid", value: rid.sdpValue) }
            }
            return all
        }
    }
    /// `a=simulcast` (RFC 8853).
    public var simulcast: SDPSimulcast? {
        // spec: RFC8853-5.2-2 at most one "a=simulcast" line per media description
        get throws(SDPAttributeError) { try value(of: SDPSimulcast.self) }
    }

    /// The media direction attribute (`sendrecv`, `sendonly`, `recvonly`, `inactive`), nil when
    /// none is present; throws when more than one is.
    public var direction: SDPDirection? {
        get throws(SDPAttributeError) {
            let found = attributes.compactMap { SDPDirection(rawValue: $0.name) }
            // spec: RFC8866-6.7-1 at most one direction attribute per level
            if found.count > 1 { throw .duplicate(attribute: found[1].rawValue, value: found[0].rawValue) }
            return found.first
        }
    }

    /// Sets the media direction: removes any direction attribute and puts `direction` where the
    /// first one was (or at the end).
    public mutating func setDirection(_ direction: SDPDirection) {
        let position = attributes.firstIndex { SDPDirection(rawValue: $0.name) != nil }
        attributes.removeAll { SDPDirection(rawValue: $0.name) != nil }
        attributes.insert(SDPAttribute(name: direction.rawValue), at: min(position ?? attributes.count, attributes.count))
    }

    // MARK: SCTP (RFC 8841)

    /// `a=sctp-port`.
    public var sctpPort: UInt16? { get throws(SDPAttributeError) { try value(of: SDPSCTPPort.self)?.port } }
    /// `a=max-message-size` (0 means no limit).
    public var maxMessageSize: UInt64? { get throws(SDPAttributeError) { try value(of: SDPMaxMessageSize.self)?.size } }
}
