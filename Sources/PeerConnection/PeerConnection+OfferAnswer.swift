import ICE
import RTCCrypto

/// createOffer, createAnswer, setLocalDescription, setRemoteDescription, addIceCandidate
/// (RFC 8829 §5, W3C `RTCPeerConnection`).
extension PeerConnection {
    static let dataProto = "UDP/DTLS/SCTP"
    static let dataFormat = "webrtc-datachannel"

    /// The fingerprint of this side's certificate.
    var localFingerprint: Fingerprint { configuration.transport.certificate.fingerprint(.sha256) }

    /// Makes an offer (RFC 8829 §5.2.1 for the first, §5.2.2 for later ones).
    /// - Parameter iceRestart: new ICE credentials (RFC 8829 §5.2.2, RFC 8839 §4.4.1.1.1).
    public mutating func createOffer(iceRestart: Bool = false, at now: Duration = .zero) throws(JSEPError) -> RTCSessionDescription {
        guard signalingState != .closed else { throw .closed }
        // spec: RFC8829-5.5-2 an offer is made in stable or have-local-offer
        guard signalingState == .stable || signalingState == .haveLocalOffer else {
            throw .invalidState("createOffer", signalingState)
        }
        if iceRestart || pendingRestart {
            // spec: RFC8839-4.4.1.1.1-3 a restart changes both ufrag and pwd
            restartICE(at: now)
        }
        let previous = currentLocalDescription
        var sections: [JSEPMediaSection] = []
        // m-sections keep their place across offers (RFC 8829 §5.2.2); sections nothing uses any
        // more stay, rejected, until a new transceiver recycles them.
        // spec: RFC8829-5.2.2-11 each section keeps its mid
        if let current = currentLocalDescription ?? currentRemoteDescription {
            for section in current.sections {
                if section.isDataChannel, let mid = section.mid, mid == dataMid {
                    sections.append(makeDataSection(mid: mid))
                } else if let mid = section.mid, let index = transceivers.firstIndex(where: { $0.mid == mid && !$0.stopped }) {
                    sections.append(makeMediaSection(for: transceivers[index], mid: mid))
                } else {
                    // spec: RFC8829-5.2.2-6 a stopped transceiver's section stays, with port zero
                    sections.append(rejected(section))
                }
            }
        }
        for transceiver in transceivers where transceiver.mid == nil && !transceiver.stopped {
            let mid = pendingMids[transceiver.handle] ?? takeMid()
            pendingMids[transceiver.handle] = mid
            let section = makeMediaSection(for: transceiver, mid: mid)
            if let recycled = sections.firstIndex(where: { $0.isRejected && !$0.isDataChannel }) {
                // spec: RFC8829-5.2.2-4 a new transceiver recycles a section with port zero
                sections[recycled] = section
            } else {
                sections.append(section)
            }
        }
        if wantsDataSection, dataMid == nil || !sections.contains(where: { $0.mid == dataMid }) {
            let mid = dataMid ?? takeMid()
            dataMid = mid
            // spec: RFC8829-5.2.1-37 a data channel exists, so there is a data m-section
            sections.append(makeDataSection(mid: mid))
        }
        let groups = try bundleOffer(&sections, initial: previous == nil)
        let version = nextVersion(changedFrom: previous, sections: sections, groups: groups)
        let model = JSEPDescription(sessionID: sessionID, sessionVersion: version, bundleGroups: groups, sections: sections)
        let sdp = model.sdpText
        lastCreated = (.offer, sdp, model)
        return RTCSessionDescription(type: .offer, sdp: sdp)
    }

    /// Puts the live sections of an offer in one BUNDLE group over this side's one transport:
    /// the first carries the transport attributes, the others none (max-bundle, RFC 8829 §4.1.1).
    mutating func bundleOffer(_ sections: inout [JSEPMediaSection], initial: Bool) throws(JSEPError) -> [[String]] {
        let live = sections.indices.filter { !sections[$0].isRejected }
        guard let tag = live.first else { return [] }
        if live.count > 1, configuration.bundlePolicy != .maxBundle {
            // One ICE agent cannot give each media type the transport of its own that balanced and
            // max-compat offer before BUNDLE is accepted (RFC 8829 §5.2.1).
            throw .unsupported("bundle policy \(configuration.bundlePolicy.rawValue) with \(live.count) m-sections needs a transport per section; use max-bundle")
        }
        // spec: RFC8842-5.2-1 the offer says actpass and carries the fingerprint
        // spec: RFC8842-5.2-2 and a tls-id
        // spec: RFC8842-5.5-4 the same tls-id in later offers: one DTLS association per connection
        // spec: RFC8829-5.2.2-12 the same ICE credentials unless ICE restarts
        addTransport(to: &sections[tag], setup: .actpass, tlsID: localTLSID)
        for index in live.dropFirst() {
            // spec: RFC8829-5.2.2-31 bundle-only only in the initial offer
            if initial {
                // spec: RFC8829-5.2.1-14 a bundle-only section has no ICE credentials or candidates
                // spec: RFC8829-5.2.1-18 and port zero
                sections[index].port = 0
                sections[index].bundleOnly = true
            }
            // spec: RFC8829-5.2.2-13 a bundled section has no ICE credentials of its own
            // spec: RFC8843-7.1.3-2 transport attributes only in the tagged section
        }
        // spec: RFC8829-5.2.1-41 a session-level group attribute
        // spec: RFC8829-5.2.1-42 with semantics BUNDLE, naming every m-section
        // spec: RFC8843-7.2.1-1 the tag (first mid) is not a bundle-only section
        return [live.compactMap { sections[$0].mid }]
    }

    /// Answers the remote offer (RFC 8829 §5.3.1).
    public mutating func createAnswer(at now: Duration = .zero) throws(JSEPError) -> RTCSessionDescription {
        guard signalingState != .closed else { throw .closed }
        // spec: RFC8829-5.3.1-1 no answer without a remote offer
        guard signalingState == .haveRemoteOffer || signalingState == .haveLocalPranswer, let offer = pendingRemoteDescription else {
            throw .invalidState("createAnswer", signalingState)
        }
        if pendingRestart {
            // spec: RFC8839-4.4.1.1.1-3 a restart changes both ufrag and pwd (the answer's too)
            restartICE(at: now)
        }
        var sections: [JSEPMediaSection] = []
        var acceptedData = false
        for section in offer.sections {
            let live = !section.isRejected || section.bundleOnly
            // spec: RFC8829-5.3.1-27 an offered data m-section gets a data m-section in the answer
            // spec: RFC8829-5.3.1-2 a section missing what is mandatory is rejected
            if section.dataChannelDefect == nil, !acceptedData, live {
                acceptedData = true
                // spec: RFC8829-5.3.1-18 the answer's mid is the offer's
                // spec: RFC8841-10.3-3 the answer's data m-line has an a=sctp-port
                var answer = makeDataSection(mid: section.mid ?? "")
                // spec: RFC8829-5.3.1-28 the answer's data proto and fmt match the offer's exactly
                // spec: RFC8841-10.3-1 the answer's proto is the offer's
                // spec: RFC8839-4.3.2-5 the same transport protocol as the offer's m-line
                answer.proto = section.proto
                answer.formats = section.formats
                // spec: RFC8841-10.3-5 an offered SCTP port of zero is answered with zero
                if section.sctpPort == 0 { answer.sctpPort = 0 }
                sections.append(answer)
            } else if live, let answer = answerMedia(section) {
                sections.append(answer)
            } else {
                // spec: RFC8829-5.3.1-5 what cannot be accepted is rejected with port 0
                // spec: RFC8841-10.3-12 a data m-line not accepted gets port zero
                // spec: RFC8843-7.3.3-2 a rejected bundled section gets port zero
                sections.append(rejected(section))
            }
        }
        let groups = bundleAnswer(&sections, offer: offer)
        let previous = currentLocalDescription
        let version = nextVersion(changedFrom: previous, sections: sections, groups: groups)
        let model = JSEPDescription(sessionID: sessionID, sessionVersion: version, bundleGroups: groups, sections: sections)
        let sdp = model.sdpText
        lastCreated = (.answer, sdp, model)
        return RTCSessionDescription(type: .answer, sdp: sdp)
    }

    /// The answer to an offered media section, or nil to reject it.
    func answerMedia(_ offered: JSEPMediaSection) -> JSEPMediaSection? {
        guard offered.isMedia, let mid = offered.mid,
              let transceiver = transceivers.first(where: { $0.mid == mid && !$0.stopped }) else { return nil }
        // spec: RFC8829-4.1.1-4 RTP/RTCP multiplexing is required: an offer without rtcp-mux is rejected
        guard offered.rtcpMux else { return nil }
        // spec: RFC8829-5.3.1-11 formats in the offer's order, unsupported ones left out
        // spec: RFC8829-5.10-6 a format this side does not support is ignored
        let codecs = offered.codecs.compactMap { codec -> RTPCodec? in
            guard let ours = transceiver.codecs.first(where: { $0.matches(codec) }) else { return nil }
            var agreed = codec
            // Feedback: only what both sides do.
            agreed.feedback = codec.feedback.filter(ours.feedback.contains)
            return agreed
        }
        // spec: RFC8829-5.3.1-13 at least one offered format, or the section is rejected
        guard !codecs.isEmpty else { return nil }
        let offeredDirection = offered.direction.flatMap(RTPTransceiverDirection.init(rawValue:)) ?? .sendrecv
        // spec: RFC8829-5.3.1-9 the answer's proto is the offer's
        var answer = JSEPMediaSection(kind: offered.kind, media: offered.media, proto: offered.proto,
                                      formats: codecs.map { String($0.payloadType) }, mid: mid,
                                      direction: offeredDirection.answer(wanting: transceiver.direction).rawValue, rtcpMux: true)
        answer.codecs = codecs
        answer.rtcpReducedSize = offered.rtcpReducedSize
        // The MID header extension, with the offer's id (RFC 8843 §9.1: BUNDLE needs it).
        answer.headerExtensions = offered.headerExtensions.filter { $0.uri == RTPHeaderExtension.midURI }
        answer.transceiver = transceiver.handle
        return answer
    }

    /// Bundles the accepted sections of an answer over the one transport (RFC 8843 §7.3, with
    /// JSEP's answer rules): the answerer-tagged section carries the transport attributes.
    mutating func bundleAnswer(_ sections: inout [JSEPMediaSection], offer: JSEPDescription) -> [[String]] {
        let accepted = sections.indices.filter { !sections[$0].isRejected }
        let group = offer.bundleGroups.first { group in accepted.contains { sections[$0].mid.map(group.contains) ?? false } } ?? []
        // Sections outside the group would each need a transport of their own: with one, only the
        // first accepted section stays when there is no group.
        var bundled = accepted.filter { sections[$0].mid.map(group.contains) ?? false }
        if bundled.isEmpty, let first = accepted.first { bundled = [first] }
        for index in accepted where !bundled.contains(index) { sections[index] = rejected(sections[index]) }
        // spec: RFC8843-7.3.1-2 the offerer-tagged section, when accepted, is the answerer-tagged one
        let mids = sections.map(\.mid)
        let tag = group.compactMap { mid in bundled.first { mids[$0] == mid } }.first ?? bundled.first
        guard let tag else { return [] }
        let offered = offer.sections[tag]
        // spec: RFC8842-5.3-1 the answer has a setup attribute and the fingerprint
        // spec: RFC8841-10.3-2 the answer's data m-line has an a=setup
        // spec: RFC8839-4.3.2-2 and ice-ufrag, ice-pwd and ice-options with ice2
        addTransport(to: &sections[tag], setup: answerSetup(for: offered.setup),
                     // spec: RFC8842-5.3-6 a tls-id only when the offer had one
                     tlsID: offered.tlsID == nil ? nil : localTLSID)
        // spec: RFC8829-5.3.1-32 no bundle-only in an answer
        // spec: RFC8829-5.3.1-30 an offered BUNDLE group gets a group in the answer
        // spec: RFC8829-5.3.1-31 naming the offered mids that were not rejected
        // spec: RFC8843-7.3.3-3 a rejected section's mid leaves the BUNDLE group
        // spec: RFC8843-14.2-1 no group names an m-line with port zero
        guard !group.isEmpty else { return [] }
        let tagMid = sections[tag].mid!
        return [[tagMid] + bundled.compactMap { sections[$0].mid }.filter { $0 != tagMid }]
    }

    /// Restarts ICE; the candidates that stay (host and relayed) are the new generation's at once,
    /// so a description read right away carries them.
    mutating func restartICE(at now: Duration) {
        transport.restartICE(at: now)
        localCandidates = transport.ice.localCandidates.filter { $0.type == .host || $0.type == .relay }
        gatheringComplete = transport.ice.gatheringState == .complete
        pendingRestart = false
    }

    /// The answer's `a=setup` for an offered one.
    func answerSetup(for offered: DTLSSetupRole?) -> DTLSSetupRole {
        switch offered {
        // spec: RFC8829-5.3.1-26 a non-JSEP offer's active or passive gets the consistent opposite
        case .active: return .passive
        case .passive: return .active
        // spec: RFC8829-5.3.1-24 the answer's role is active or passive
        // spec: RFC8842-5.3-7 active, and so this side starts the DTLS handshake
        default: return .active
        }
    }

    /// The data m-section without transport attributes (``addTransport(to:setup:tlsID:)`` adds them).
    func makeDataSection(mid: String) -> JSEPMediaSection {
        // spec: RFC8829-5.2.1-38 application, UDP/DTLS/SCTP
        // spec: RFC8829-5.2.1-39 with the format webrtc-datachannel
        // spec: RFC8829-5.2.1-40 an a=mid and an a=sctp-port
        // spec: RFC8841-10.2-2 the offer's data m-line has an a=sctp-port
        JSEPMediaSection(kind: .application, proto: Self.dataProto, formats: [Self.dataFormat], mid: mid,
                         sctpPort: configuration.sctpPort, maxMessageSize: configuration.maxMessageSize)
    }

    /// An offered media m-section for `transceiver`.
    func makeMediaSection(for transceiver: RTPTransceiver, mid: String) -> JSEPMediaSection {
        // spec: RFC8829-5.2.1-20 the proto is UDP/TLS/RTP/SAVPF
        // spec: RFC8829-5.2.1-22 with the mandatory codecs (RFC 7874, RFC 7742)
        var section = JSEPMediaSection(kind: transceiver.kind, proto: "UDP/TLS/RTP/SAVPF",
                                       formats: transceiver.codecs.map { String($0.payloadType) }, mid: mid,
                                       direction: transceiver.direction.rawValue, rtcpMux: true)
        section.codecs = transceiver.codecs
        // RTCP multiplexing is required (RFC 8829 §4.1.1): rtcp-mux-only says so.
        section.rtcpMuxOnly = true
        section.rtcpReducedSize = true
        // spec: RFC8843-9.1-3 the MID header extension is offered for BUNDLE
        section.headerExtensions = [RTPHeaderExtension(id: 1, uri: RTPHeaderExtension.midURI)]
        section.transceiver = transceiver.handle
        return section
    }

    /// Adds the transport attributes (ICE, DTLS) to the section that carries them for the bundle.
    func addTransport(to section: inout JSEPMediaSection, setup: DTLSSetupRole, tlsID: String?) {
        // spec: RFC8829-5.2.1-11 ice-options trickle and ice2
        // spec: RFC8839-4.2.1.5-1 ice-options carries ice2
        // spec: RFC8839-4.3.1-2 with ice-ufrag and ice-pwd
        // spec: RFC8829-5.2.1-36 an offer's setup is actpass
        // spec: RFC8841-10.2-1 the data m-line has an a=setup
        // spec: RFC8841-10.1-1 and the certificate's fingerprint
        section.iceCredentials = transport.ice.localCredentials
        section.iceOptions = ["trickle", "ice2"]
        section.fingerprints = [localFingerprint]
        section.setup = setup
        section.tlsID = tlsID
    }

    /// A rejected copy of `section`: port 0, the same media, proto and formats (RFC 3264 §6).
    // spec: RFC8843-7.3.3-4 no bundle-only on a rejected section
    func rejected(_ section: JSEPMediaSection) -> JSEPMediaSection {
        JSEPMediaSection(kind: section.kind, media: section.media, port: 0, proto: section.proto, formats: section.formats,
                         mid: section.mid)
    }

    /// A fresh mid: a per-connection counter, which leaks nothing about the user.
    mutating func takeMid() -> String {
        // spec: RFC8829-5.2.1-27 mids from a per-PeerConnection counter, short
        defer { nextMid += 1 }
        return String(nextMid)
    }

    /// The `o=` version: the previous one, plus one when anything changed (RFC 8829 §5.2.2).
    // spec: RFC8829-5.2.2-2 the o= line stays, its version grows by one when the offer differs
    func nextVersion(changedFrom previous: JSEPDescription?, sections: [JSEPMediaSection], groups: [[String]]) -> UInt64 {
        guard let previous else { return sessionVersion }
        var same = previous
        same.sections = sections
        same.bundleGroups = groups
        for index in same.sections.indices where index < previous.sections.count {
            same.sections[index].candidates = previous.sections[index].candidates
            same.sections[index].endOfCandidates = previous.sections[index].endOfCandidates
            same.sections[index].defaultAddress = previous.sections[index].defaultAddress
        }
        return same == previous ? previous.sessionVersion : previous.sessionVersion + 1
    }
}
