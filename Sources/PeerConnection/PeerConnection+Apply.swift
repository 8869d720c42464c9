import ICE
import RTCCrypto

/// Applying descriptions and candidates (RFC 8829 §5.5–§5.11, W3C state transitions).
extension PeerConnection {
    /// Applies a description this side created (unchanged: SDP munging is refused).
    public mutating func setLocalDescription(_ description: RTCSessionDescription, at now: Duration) throws(JSEPError) {
        guard signalingState != .closed else { throw .closed }
        if description.type == .rollback { return try rollback(at: now) }
        switch description.type {
        case .offer:
            // spec: RFC8829-5.5-4 a description of the wrong type for the state is refused
            guard signalingState == .stable || signalingState == .haveLocalOffer else {
                throw .invalidState("setLocalDescription(offer)", signalingState)
            }
        default:
            // spec: RFC8829-5.5-3 an answer or pranswer needs a remote offer
            guard signalingState == .haveRemoteOffer || signalingState == .haveLocalPranswer else {
                throw .invalidState("setLocalDescription(\(description.type.rawValue))", signalingState)
            }
        }
        // spec: RFC8829-5.5-5 the description must be the one createOffer/createAnswer made
        guard let created = lastCreated, created.sdp == description.sdp,
              created.type == description.type || (created.type == .answer && description.type == .pranswer) else {
            throw .modifiedDescription
        }
        let model = created.model
        sessionVersion = model.sessionVersion
        associateTransceivers(with: model)
        switch description.type {
        case .offer:
            pendingLocalDescription = model
            isOfferer = true
            setSignalingState(.haveLocalOffer)
        case .pranswer:
            pendingLocalDescription = model
            setSignalingState(.haveLocalPranswer)
            try startTransportIfReady(local: model, remote: pendingRemoteDescription, at: now)
        default:
            currentLocalDescription = model
            currentRemoteDescription = pendingRemoteDescription
            pendingLocalDescription = nil
            pendingRemoteDescription = nil
            isOfferer = false
            if let section = model.sections.first(where: \.isDataChannel), !section.isRejected { dataMid = section.mid }
            settleTransceivers(answer: model, answerIsLocal: true)
            setSignalingState(.stable)
            try startTransportIfReady(local: model, remote: currentRemoteDescription, at: now)
        }
        // Gathering starts when a local description is first applied (RFC 8829 §5.5).
        if transport.ice.gatheringState == .new { transport.gather(at: now) }
        // Candidates gathered before the first local description go out as trickle events now.
        if !announcedCandidates, let tag = model.bundleTagIndex {
            announcedCandidates = true
            for candidate in localCandidates {
                emit(.localCandidate(ICECandidateInit(candidate: candidate.sdpAttribute, sdpMid: model.sections[tag].mid, sdpMLineIndex: tag)))
            }
            if gatheringComplete { emit(.endOfLocalCandidates) }
        }
    }

    /// Applies the peer's description.
    public mutating func setRemoteDescription(_ description: RTCSessionDescription, at now: Duration) throws(JSEPError) {
        guard signalingState != .closed else { throw .closed }
        if description.type == .rollback { return try rollback(at: now) }
        switch description.type {
        case .offer:
            // spec: RFC8829-5.6-2 a remote offer is taken in stable or have-remote-offer
            guard signalingState == .stable || signalingState == .haveRemoteOffer else {
                throw .invalidState("setRemoteDescription(offer)", signalingState)
            }
        default:
            // spec: RFC8829-5.6-3 a remote answer needs a local offer
            // spec: RFC8829-5.6-4 otherwise processing stops with an error
            guard signalingState == .haveLocalOffer || signalingState == .haveRemotePranswer else {
                throw .invalidState("setRemoteDescription(\(description.type.rawValue))", signalingState)
            }
        }
        // spec: RFC8829-5.6-5 a parse failure stops processing with an error
        // spec: RFC8829-5.8-1 any malformed line rejects the whole description
        let model = try JSEPDescription(sdpText: description.sdp)
        // spec: RFC8829-5.10-1 on error nothing changes: validation comes before any state does
        try validateRemote(model, type: description.type)
        switch description.type {
        case .offer:
            pendingRemoteDescription = model
            isOfferer = false
            addTransceivers(for: model)
            if let active = currentRemoteDescription, let restart = iceRestarted(from: active, to: model), restart {
                pendingRestart = true
            }
            setSignalingState(.haveRemoteOffer)
        case .pranswer:
            pendingRemoteDescription = model
            setSignalingState(.haveRemotePranswer)
            try startTransportIfReady(local: pendingLocalDescription, remote: model, at: now)
        default:
            currentRemoteDescription = model
            currentLocalDescription = pendingLocalDescription ?? currentLocalDescription
            pendingLocalDescription = nil
            pendingRemoteDescription = nil
            if let local = currentLocalDescription, let mid = local.sections.first(where: \.isDataChannel)?.mid,
               model.sections.contains(where: { $0.mid == mid && !$0.isRejected }) {
                dataMid = mid
            }
            settleTransceivers(answer: model, answerIsLocal: false)
            setSignalingState(.stable)
            try startTransportIfReady(local: currentLocalDescription, remote: model, at: now)
        }
        addRemoteCandidates(of: model, at: now)
    }

    /// Adds a trickled candidate; an empty one means end-of-candidates (RFC 8838 §4.3).
    public mutating func addICECandidate(_ candidate: ICECandidateInit, at now: Duration) throws(JSEPError) {
        guard signalingState != .closed else { throw .closed }
        guard let remote = pendingRemoteDescription ?? currentRemoteDescription else {
            throw .invalidState("addIceCandidate before a remote description", signalingState)
        }
        let index = candidate.sdpMid.flatMap(remote.index(ofMid:)) ?? candidate.sdpMLineIndex
        guard let index, remote.sections.indices.contains(index) else {
            throw .invalidCandidate("no m-section has mid \(candidate.sdpMid ?? "nil") or index \(candidate.sdpMLineIndex.map(String.init) ?? "nil")")
        }
        let text = candidate.candidate.hasPrefix("a=") ? String(candidate.candidate.dropFirst(2)) : candidate.candidate
        if text.isEmpty {
            transport.endOfRemoteCandidates(at: now)
            return
        }
        do {
            transport.addRemoteCandidate(try ICECandidate(sdpAttribute: text))
        } catch {
            throw .invalidCandidate("\(error)")
        }
    }

    /// Rollback (RFC 8829 §4.1.10.2, §5.7): back to stable, the pending descriptions dropped.
    mutating func rollback(at now: Duration) throws(JSEPError) {
        // spec: RFC8829-5.7-1 no rollback in stable
        guard signalingState == .haveLocalOffer || signalingState == .haveRemoteOffer else {
            throw .invalidState("rollback", signalingState)
        }
        // spec: RFC8829-5.7-2 the same effect from either setter
        if let offer = pendingRemoteDescription {
            // spec: RFC8829-5.7-4 transceivers the rolled-back remote offer made are removed
            transceivers.removeAll { $0.createdByRemoteOffer && $0.currentDirection == nil && offer.index(ofMid: $0.mid ?? "") != nil }
        }
        if let offer = pendingLocalDescription {
            // spec: RFC8829-5.7-3 transceivers the rolled-back offer associated lose their mid
            for index in transceivers.indices where transceivers[index].currentDirection == nil {
                if let mid = transceivers[index].mid, offer.index(ofMid: mid) != nil { transceivers[index].mid = nil }
            }
        }
        pendingLocalDescription = nil
        pendingRemoteDescription = nil
        isOfferer = currentLocalDescription == nil ? nil : isOfferer
        pendingRestart = false
        setSignalingState(.stable)
    }

    /// Checks what JSEP requires of every remote description before anything is applied.
    func validateRemote(_ model: JSEPDescription, type: SessionDescriptionType) throws(JSEPError) {
        if type != .offer, let offer = pendingLocalDescription {
            // spec: RFC3264-6-3 the answer has exactly as many m-lines as the offer
            guard model.sections.count == offer.sections.count else {
                throw .invalidDescription("the answer has \(model.sections.count) m-sections, the offer \(offer.sections.count)")
            }
        }
        if type != .offer, let offer = pendingLocalDescription {
            // spec: RFC8843-7.4-1 every mid the answer bundles was in the offer's BUNDLE group
            let offered = Set(offer.bundleGroups.joined())
            for mid in model.bundleGroups.joined() where !offered.contains(mid) {
                throw .invalidDescription("the answer bundles mid \(mid), which the offer did not")
            }
        }
        for section in model.sections where section.isDataChannel {
            // spec: RFC8841-9.5-1 holdconn is not used with SCTP over DTLS
            // spec: RFC8842-5.1-5 nor with any DTLS association
            if section.setup == .holdconn { throw .invalidDescription("a=setup:holdconn on a DTLS m-section") }
        }
        for (index, section) in model.sections.enumerated() where (section.isDataChannel || section.isMedia) && !section.isRejected {
            let transportSection = transportSection(of: section, in: model) ?? section
            // spec: RFC8839-5.4-1 ice-ufrag and ice-pwd for every data stream
            guard transportSection.iceCredentials != nil else {
                throw .invalidDescription("m-section \(index) has no a=ice-ufrag and a=ice-pwd")
            }
            // spec: RFC8829-5.1.1-2 DTLS is mandatory: a section without a fingerprint is an error
            guard !transportSection.fingerprints.isEmpty else {
                throw .invalidDescription("m-section \(index) has no a=fingerprint")
            }
            if type != .offer {
                // spec: RFC8829-5.3.1-24 an answer's setup is active or passive
                guard transportSection.setup == .active || transportSection.setup == .passive || transportSection.setup == nil else {
                    throw .invalidDescription("the answer's a=setup is \(transportSection.setup!.rawValue), not active or passive")
                }
            }
        }
    }

    /// The section that carries transport attributes for `section`: itself, or its bundle tag.
    func transportSection(of section: JSEPMediaSection, in model: JSEPDescription) -> JSEPMediaSection? {
        if section.iceCredentials != nil { return section }
        guard let mid = section.mid, let group = model.bundleGroups.first(where: { $0.contains(mid) }),
              let tag = group.first, let index = model.index(ofMid: tag) else { return nil }
        return model.sections[index]
    }

    /// Whether the peer's offer changed its ICE credentials (an ICE restart, RFC 8839 §4.4.1.1.1).
    func iceRestarted(from old: JSEPDescription, to new: JSEPDescription) -> Bool? {
        guard let before = old.sections.first(where: { !$0.isRejected }).flatMap({ transportSection(of: $0, in: old) })?.iceCredentials,
              let after = new.sections.first(where: { !$0.isRejected }).flatMap({ transportSection(of: $0, in: new) })?.iceCredentials
        else { return nil }
        return before != after
    }

    mutating func addRemoteCandidates(of model: JSEPDescription, at now: Duration) {
        guard let section = model.sections.first(where: { !$0.isRejected || $0.bundleOnly }),
              let transportSection = transportSection(of: section, in: model) else { return }
        for candidate in transportSection.candidates { transport.addRemoteCandidate(candidate) }
        if transportSection.endOfCandidates { transport.endOfRemoteCandidates(at: now) }
    }

    /// Starts (or restarts ICE on) the transport once the local and remote descriptions agree.
    mutating func startTransportIfReady(local: JSEPDescription?, remote: JSEPDescription?, at now: Duration) throws(JSEPError) {
        // spec: RFC8841-10.4-6 a data m-line the answer rejected (port 0) starts no DTLS or SCTP
        // spec: RFC8841-10.3-13 nor does the answerer that rejected it
        guard let local, let remote,
              let localIndex = local.sections.firstIndex(where: { !$0.isRejected && $0.iceCredentials != nil }),
              let mid = local.sections[localIndex].mid, let remoteIndex = remote.index(ofMid: mid),
              !remote.sections[remoteIndex].isRejected || remote.sections[remoteIndex].bundleOnly,
              let remoteSection = transportSection(of: remote.sections[remoteIndex], in: remote),
              let credentials = remoteSection.iceCredentials else { return }
        let localSection = local.sections[localIndex]

        // The answer decides the DTLS roles: its active side is the client (RFC 8842 §5.3).
        let answerSetup = isOfferer == true ? remoteSection.setup : localSection.setup
        let answererIsClient = answerSetup != .passive
        let weAreClient = isOfferer == true ? !answererIsClient : answererIsClient
        // spec: RFC8829-5.1.1-4 a lite peer is handled: this side controls
        let role: ICERole = remote.iceLite || isOfferer == true ? .controlling : .controlled
        // spec: RFC8841-10.3-10 an sctp-port of zero: no SCTP association
        // spec: RFC8841-10.4-4 on either side
        let localData = local.sections.first { $0.isDataChannel && !$0.isRejected }
        let remoteData = localData?.mid.flatMap(remote.index(ofMid:)).map { remote.sections[$0] }
        var sctpPorts: (local: UInt16?, remote: UInt16?) = (nil, nil)
        if let localData, let remoteData, !remoteData.isRejected || remoteData.bundleOnly {
            let remotePort = remoteData.sctpPort ?? 5000
            if remotePort != 0, localData.sctpPort != 0 { sctpPorts = (localData.sctpPort, remotePort) }
        }
        // No max-message-size means 64K (RFC 8841 §6.1).
        let remoteMaximum = remoteData?.maxMessageSize ?? 65536
        if transport.parameters != nil {
            // A renegotiation: new remote credentials (an ICE restart) and a data m-section added
            // since are what matter to the transport.
            if transport.ice.remoteCredentials != credentials { transport.setRemoteCredentials(credentials, at: now) }
            if let local = sctpPorts.local, let remote = sctpPorts.remote {
                transport.startDataChannels(localPort: local, remotePort: remote, remoteMaxMessageSize: remoteMaximum, at: now)
            }
            return
        }
        let parameters = PeerTransportParameters(
            iceRole: role, remoteCredentials: credentials, remoteIsLite: remote.iceLite,
            dtlsRole: weAreClient ? .client : .server, remoteFingerprints: remoteSection.fingerprints,
            localSCTPPort: sctpPorts.local, remoteSCTPPort: sctpPorts.remote,
            remoteMaxMessageSize: remoteMaximum)
        do {
            try transport.start(parameters, at: now)
        } catch {
            throw .invalidDescription("the transport could not start: \(error)")
        }
    }

    // MARK: Transceivers

    /// A description this side applies gives its transceivers their mids (W3C: set on apply).
    mutating func associateTransceivers(with model: JSEPDescription) {
        for section in model.sections {
            guard let handle = section.transceiver, let index = transceivers.firstIndex(where: { $0.handle == handle }) else { continue }
            transceivers[index].mid = section.mid
            pendingMids[handle] = nil
        }
    }

    /// A remote offer's new media sections get transceivers that receive (W3C: recvonly).
    mutating func addTransceivers(for offer: JSEPDescription) {
        for section in offer.sections where section.isMedia && (!section.isRejected || section.bundleOnly) {
            guard let mid = section.mid, !transceivers.contains(where: { $0.mid == mid }) else { continue }
            let kind: MediaKind = section.kind
            transceivers.append(RTPTransceiver(handle: TransceiverHandle(nextTransceiver), kind: kind, direction: .recvonly,
                                               mid: mid, createdByRemoteOffer: true))
            nextTransceiver += 1
        }
    }

    /// An answer settles each transceiver's direction and codecs; a rejected section stops it.
    mutating func settleTransceivers(answer: JSEPDescription, answerIsLocal: Bool) {
        for index in transceivers.indices {
            guard let mid = transceivers[index].mid, let section = answer.index(ofMid: mid).map({ answer.sections[$0] }) else { continue }
            if section.isRejected {
                transceivers[index].stopped = true
                transceivers[index].currentDirection = nil
                continue
            }
            let direction = section.direction.flatMap(RTPTransceiverDirection.init(rawValue:)) ?? .sendrecv
            transceivers[index].currentDirection = answerIsLocal ? direction : direction.reversed
            transceivers[index].negotiatedCodecs = section.codecs
            transceivers[index].createdByRemoteOffer = false
        }
    }
}
