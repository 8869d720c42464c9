import ICE
import RTCCrypto
import SDP
import STUN

/// Reading a ``JSEPDescription`` from SDP text and writing it back (RFC 8866 through the `SDP`
/// module; the attributes are those of RFC 8839, 8122, 8842, 8843 and 8841).
extension JSEPDescription {
    /// Parses `text`; any malformed line or attribute JSEP reads is an error (RFC 8829 §5.8).
    public init(sdpText text: String) throws(JSEPError) {
        let sdp: SDP.SessionDescription
        do { sdp = try SDP.SessionDescription(parsing: text) } catch { throw .malformedSDP("\(error)") }
        do {
            try self.init(parsed: sdp)
        } catch let error as JSEPError {
            throw error
        } catch {
            throw .malformedSDP("\(error)")
        }
    }

    init(parsed sdp: SDP.SessionDescription) throws {
        sessionID = UInt64(sdp.origin.sessionID) ?? 0
        sessionVersion = sdp.origin.sessionVersionNumber ?? 0
        bundleGroups = try sdp.groups.filter { $0.semantics == "BUNDLE" }.map(\.identificationTags)
        iceLite = sdp.iceLite
        // spec: RFC8829-5.2.1-45 transport attributes are taken at session level as well as in m-sections
        let sessionUfrag = try sdp.iceUfrag, sessionPassword = try sdp.icePwd
        let sessionFingerprints = try sdp.attributes(named: "fingerprint").compactMap(Self.fingerprint)
        let sessionSetup = try sdp.setup
        let sessionOptions = try sdp.iceOptions
        sections = []
        for media in sdp.media {
            var section = JSEPMediaSection(kind: MediaKind(rawValue: media.media) ?? .other, media: media.media, port: media.port,
                                           proto: media.proto, formats: media.formats)
            section.mid = try media.mid
            if let ufrag = try media.iceUfrag ?? sessionUfrag, let password = try media.icePwd ?? sessionPassword {
                section.iceCredentials = ICECredentials(usernameFragment: ufrag, password: password)
            }
            let options = try media.iceOptions
            section.iceOptions = options.isEmpty ? sessionOptions : options
            let fingerprints = try media.attributes(named: "fingerprint").compactMap(Self.fingerprint)
            section.fingerprints = fingerprints.isEmpty ? sessionFingerprints : fingerprints
            section.setup = try (media.setup ?? sessionSetup).flatMap { DTLSSetupRole(rawValue: $0.rawValue) }
            section.tlsID = media.attributes(named: "tls-id").first?.value ?? sdp.attributes(named: "tls-id").first?.value
            for attribute in media.attributes(named: "candidate") {
                let candidate: ICECandidate
                do {
                    candidate = try ICECandidate(sdpAttribute: attribute.value ?? "")
                } catch {
                    throw JSEPError.malformedSDP("a=candidate:\(attribute.value ?? ""): \(error)")
                }
                // RTCP is multiplexed (RFC 8829 §5.1.3): only component 1 is used.
                if candidate.component == 1 { section.candidates.append(candidate) }
            }
            section.endOfCandidates = media.endOfCandidates || sdp.endOfCandidates
            section.bundleOnly = media.hasAttribute("bundle-only")
            section.sctpPort = try media.sctpPort
            // The old DTLS/SCTP form carries the port as the fmt (draft-ietf-mmusic-sctp-sdp-05).
            if section.sctpPort == nil, media.proto == "DTLS/SCTP", let port = media.formats.first.flatMap({ UInt16($0) }) {
                section.sctpPort = port
            }
            section.maxMessageSize = try media.maxMessageSize.map { Int(clamping: $0) }
            section.direction = try media.direction?.rawValue
            section.rtcpMux = media.rtcpMux
            section.rtcpMuxOnly = media.rtcpMuxOnly
            section.rtcpReducedSize = media.rtcpRsize
            // A rejected section's formats are only kept (RFC 3264 §6: no rtpmap needed for them).
            if section.kind == .audio || section.kind == .video, !section.isRejected {
                section.codecs = try Self.codecs(of: media)
                section.headerExtensions = media.attributes(named: "extmap").compactMap { attribute in
                    let fields = (attribute.value ?? "").split(separator: " ")
                    guard fields.count >= 2, let id = Int(fields[0].split(separator: "/")[0]) else { return nil }
                    return RTPHeaderExtension(id: id, uri: String(fields[1]))
                }
            }
            sections.append(section)
        }
    }

    /// The codecs of a media section: one per payload type on the m-line, from its rtpmap (or the
    /// static table), fmtp and rtcp-fb lines. A dynamic payload type without rtpmap is an error
    /// (RFC 8829 §5.10: a referenced primary payload type must be present).
    static func codecs(of media: MediaDescription) throws -> [RTPCodec] {
        var maps: [UInt8: RTPCodec] = [:]
        for attribute in media.attributes(named: "rtpmap") {
            let value = attribute.value ?? ""
            let parts = value.split(separator: " ", maxSplits: 1)
            let encoding = parts.count == 2 ? parts[1].split(separator: "/") : []
            guard let payloadType = parts.first.flatMap({ UInt8($0) }), encoding.count >= 2, let rate = Int(encoding[1]) else {
                throw JSEPError.malformedSDP("a=rtpmap:\(value)")
            }
            maps[payloadType] = RTPCodec(payloadType: payloadType, name: String(encoding[0]), clockRate: rate,
                                         channels: encoding.count > 2 ? Int(encoding[2]) : nil)
        }
        var codecs: [RTPCodec] = []
        for format in media.formats {
            guard let payloadType = UInt8(format) else { continue }
            // spec: RFC8829-5.10-7 a payload type with neither rtpmap nor a static meaning is an error
            guard var codec = maps[payloadType] ?? RTPCodec.staticCodec(payloadType) else {
                throw JSEPError.invalidDescription("payload type \(payloadType) has no a=rtpmap")
            }
            codec.parameters = media.attributes(named: "fmtp").compactMap(\.value)
                .first { $0.hasPrefix("\(payloadType) ") }.map { String($0.dropFirst("\(payloadType) ".count)) }
            codec.feedback = media.attributes(named: "rtcp-fb").compactMap(\.value)
                .filter { $0.hasPrefix("\(payloadType) ") }.map { String($0.dropFirst("\(payloadType) ".count)) }
            codecs.append(codec)
        }
        return codecs
    }

    /// A fingerprint attribute's value; hash functions this side cannot compute are skipped
    /// (RFC 8122 §5.1: the endpoint picks among the ones it supports).
    static func fingerprint(_ attribute: SDPAttribute) throws -> Fingerprint? {
        do {
            return try Fingerprint(sdpValue: attribute.value ?? "")
        } catch .unsupportedAlgorithm {
            return nil
        } catch {
            throw JSEPError.malformedSDP("a=fingerprint:\(attribute.value ?? ""): \(error)")
        }
    }

    /// The description as SDP text, CRLF-terminated lines in the order browsers write them.
    public var sdpText: String {
        // spec: RFC8829-5.2.1-1 v=0 first
        // spec: RFC8829-5.2.1-2 then o=
        // spec: RFC8829-5.2.1-7 then s=-
        // spec: RFC8829-5.2.1-10 and t=0 0
        // spec: RFC8829-5.2.2-3 the same s= and t= in every description
        // spec: RFC8829-5.2.1-9 never k=
        var sdp = SDP.SessionDescription(origin: SDPOrigin(sessionID: sessionID, sessionVersion: sessionVersion))
        for group in bundleGroups { sdp.attributes.append(SDPAttribute(name: "group", value: (["BUNDLE"] + group).joined(separator: " "))) }
        // spec: RFC8839-4.2.1.4-2 a full agent writes no ice-lite (only a peer's description has it)
        if iceLite { sdp.attributes.append(SDPAttribute(name: "ice-lite")) }
        // With several live sections on one bundle, the transport attributes go to session level,
        // where every section inherits them and none repeats them (RFC 8829 §5.2.1 allows it;
        // RFC 8843 §7.1.3 forbids them in the other bundled sections; peers such as aiortc read
        // the credentials of every section, rejected ones too).
        let live = sections.filter { !$0.isRejected }
        let transport = live.count > 1 ? live.first { $0.iceCredentials != nil } : nil
        if let transport {
            // spec: RFC8829-5.2.1-45 transport attributes may be aggregated at session level
            // spec: RFC8843-7.1.3-5 so no bundled section repeats them
            if let credentials = transport.iceCredentials {
                sdp.attributes.append(SDPAttribute(name: "ice-ufrag", value: credentials.usernameFragment))
                sdp.attributes.append(SDPAttribute(name: "ice-pwd", value: credentials.password))
            }
            if !transport.iceOptions.isEmpty { sdp.attributes.append(SDPAttribute(name: "ice-options", value: transport.iceOptions.joined(separator: " "))) }
            for fingerprint in transport.fingerprints { sdp.attributes.append(SDPAttribute(name: "fingerprint", value: fingerprint.description)) }
            if let setup = transport.setup { sdp.attributes.append(SDPAttribute(name: "setup", value: setup.rawValue)) }
            if let tlsID = transport.tlsID { sdp.attributes.append(SDPAttribute(name: "tls-id", value: tlsID)) }
        }
        for section in sections {
            var media = MediaDescription(media: section.media, port: section.port, proto: section.proto, formats: section.formats)
            if let address = section.defaultAddress, !section.isRejected, !section.bundleOnly {
                media.port = address.port
                media.connections = [SDPConnection(addressType: address.isIPv6 ? "IP6" : "IP4", address: IPAddressText.format(address.address))]
            } else {
                // spec: RFC8829-5.2.1-23 c= follows m=
                // spec: RFC8829-5.2.1-24 with IN IP4 0.0.0.0 while there is no candidate
                media.connections = [SDPConnection()]
            }
            func add(_ name: String, _ value: String? = nil) { media.attributes.append(SDPAttribute(name: name, value: value)) }
            if !section.isRejected, transport == nil {
                if let credentials = section.iceCredentials {
                    add("ice-ufrag", credentials.usernameFragment)
                    add("ice-pwd", credentials.password)
                }
                if !section.iceOptions.isEmpty { add("ice-options", section.iceOptions.joined(separator: " ")) }
                for fingerprint in section.fingerprints { add("fingerprint", fingerprint.description) }
                if let setup = section.setup { add("setup", setup.rawValue) }
                if let tlsID = section.tlsID { add("tls-id", tlsID) }
            }
            if let mid = section.mid { add("mid", mid) }
            if !section.isRejected {
                if section.bundleOnly { add("bundle-only") }
                if let direction = section.direction { add(direction) }
                for extensionHeader in section.headerExtensions { add("extmap", "\(extensionHeader.id) \(extensionHeader.uri)") }
                if section.rtcpMux { add("rtcp-mux") }
                if section.rtcpMuxOnly { add("rtcp-mux-only") }
                if section.rtcpReducedSize { add("rtcp-rsize") }
                for codec in section.codecs {
                    add("rtpmap", "\(codec.payloadType) \(codec.name)/\(codec.clockRate)" + (codec.channels.map { "/\($0)" } ?? ""))
                    if let parameters = codec.parameters { add("fmtp", "\(codec.payloadType) \(parameters)") }
                    for feedback in codec.feedback { add("rtcp-fb", "\(codec.payloadType) \(feedback)") }
                }
                if let port = section.sctpPort { add("sctp-port", String(port)) }
                if let size = section.maxMessageSize { add("max-message-size", String(size)) }
                for candidate in section.candidates { add("candidate", String(candidate.sdpAttribute.dropFirst("candidate:".count))) }
                // spec: RFC8839-4.4.1.1.2-1 a rejected section (port 0, skipped above) gets no candidates
                if section.endOfCandidates { add("end-of-candidates") }
            }
            sdp.media.append(media)
        }
        return sdp.serialized()
    }
}
