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
        // m-sections keep their place across offers (RFC 8829 §5.2.2); remote media sections we
        // rejected stay rejected.
        if let current = currentRemoteDescription ?? currentLocalDescription {
            for section in current.sections {
                if section.isDataChannel, let mid = section.mid, mid == dataMid {
                    sections.append(makeDataSection(mid: mid, setup: .actpass, tlsID: localTLSID))
                } else {
                    sections.append(rejected(section))
                }
            }
        }
        if wantsDataSection, dataMid == nil || !sections.contains(where: { $0.mid == dataMid }) {
            let mid = dataMid ?? takeMid()
            dataMid = mid
            // spec: RFC8829-5.2.1-37 a data channel exists, so there is a data m-section
            sections.append(makeDataSection(mid: mid, setup: .actpass, tlsID: localTLSID))
        }
        let accepted = sections.filter { !$0.isRejected }.compactMap(\.mid)
        // spec: RFC8829-5.2.1-41 a session-level group attribute
        // spec: RFC8829-5.2.1-42 with semantics BUNDLE, naming every m-section
        let groups = accepted.isEmpty ? [] : [accepted]
        let version = nextVersion(changedFrom: previous, sections: sections, groups: groups)
        let model = JSEPDescription(sessionID: sessionID, sessionVersion: version, bundleGroups: groups, sections: sections)
        let sdp = model.sdpText
        lastCreated = (.offer, sdp, model)
        return RTCSessionDescription(type: .offer, sdp: sdp)
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
            // spec: RFC8829-5.3.1-27 an offered data m-section gets a data m-section in the answer
            // spec: RFC8829-5.3.1-2 a section missing what is mandatory is rejected
            if section.dataChannelDefect == nil, !acceptedData, !section.isRejected || section.bundleOnly {
                acceptedData = true
                // spec: RFC8829-5.3.1-18 the answer's mid is the offer's
                // spec: RFC8842-5.3-6 a tls-id only when the offer had one
                var answer = makeDataSection(mid: section.mid ?? "", setup: answerSetup(for: section.setup),
                                             tlsID: section.tlsID == nil ? nil : localTLSID)
                // spec: RFC8829-5.3.1-28 the answer's data proto and fmt match the offer's exactly
                // spec: RFC8841-10.3-1 the answer's proto is the offer's
                answer.proto = section.proto
                answer.formats = section.formats
                // spec: RFC8841-10.3-5 an offered SCTP port of zero is answered with zero
                if section.sctpPort == 0 { answer.sctpPort = 0 }
                sections.append(answer)
            } else {
                // spec: RFC8829-5.3.1-5 what cannot be accepted (media, for now) is rejected with port 0
                // spec: RFC8841-10.3-12 a data m-line not accepted gets port zero
                // spec: RFC8843-7.3.3-2 a rejected bundled section gets port zero
                sections.append(rejected(section))
            }
        }
        let accepted = Set(sections.filter { !$0.isRejected }.compactMap(\.mid))
        // spec: RFC8829-5.3.1-30 an offered BUNDLE group gets a group in the answer
        // spec: RFC8829-5.3.1-31 naming the offered mids that were not rejected
        // spec: RFC8843-7.3.3-3 a rejected section's mid leaves the BUNDLE group
        // spec: RFC8843-14.2-1 no group names an m-line with port zero
        let groups = offer.bundleGroups.map { $0.filter(accepted.contains) }.filter { !$0.isEmpty }
        let previous = currentLocalDescription
        let version = nextVersion(changedFrom: previous, sections: sections, groups: groups)
        let model = JSEPDescription(sessionID: sessionID, sessionVersion: version, bundleGroups: groups, sections: sections)
        let sdp = model.sdpText
        lastCreated = (.answer, sdp, model)
        return RTCSessionDescription(type: .answer, sdp: sdp)
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

    func makeDataSection(mid: String, setup: DTLSSetupRole, tlsID: String?) -> JSEPMediaSection {
        // spec: RFC8829-5.2.1-38 application, UDP/DTLS/SCTP
        // spec: RFC8829-5.2.1-39 with the format webrtc-datachannel
        // spec: RFC8829-5.2.1-40 an a=mid and an a=sctp-port
        // spec: RFC8841-10.2-2 the offer's data m-line has an a=sctp-port
        // spec: RFC8829-5.2.1-11 ice-options trickle and ice2
        // spec: RFC8839-4.2.1.5-1 ice-options carries ice2
        // spec: RFC8839-4.3.1-2 with ice-ufrag and ice-pwd
        // spec: RFC8829-5.2.1-36 an offer's setup is actpass
        // spec: RFC8841-10.2-1 the data m-line has an a=setup
        // spec: RFC8841-10.1-1 and the certificate's fingerprint
        JSEPMediaSection(kind: .application, proto: Self.dataProto, formats: [Self.dataFormat], mid: mid,
                         iceCredentials: transport.ice.localCredentials, iceOptions: ["trickle", "ice2"],
                         fingerprints: [localFingerprint], setup: setup, tlsID: tlsID, sctpPort: configuration.sctpPort,
                         maxMessageSize: configuration.maxMessageSize)
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
