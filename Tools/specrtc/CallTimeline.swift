import DTLS
import ICE
import PeerConnection

/// A readable line for each protocol step of a call, with the section it follows.
enum CallTimeline {
    /// The text and the reference for `event`, or nil for events the timeline leaves out.
    static func describe(_ event: PeerTransportEvent) -> (String, String)? {
        switch event {
        case .localCandidate(let candidate):
            return ("gathered \(candidate.type.rawValue) candidate \(candidate.address.map(\.description) ?? candidate.hostname ?? "?")", "RFC 8445 §5.1.1")
        case .gatheringComplete: return ("gathering complete", "RFC 8838 §4.4")
        case .iceStateChanged(.checking): return ("ICE connectivity checks start", "RFC 8445 §6.1.4")
        case .iceStateChanged(.connected): return ("a connectivity check succeeded: a valid pair", "RFC 8445 §7.2.5.3")
        case .iceStateChanged(.completed): return ("ICE completed: nominated pair", "RFC 8445 §8.1.1")
        case .iceStateChanged(let state): return ("ICE \(state.rawValue)", "RFC 8445")
        case .selectedPair(let pair): return ("selected pair \(pair.source) → \(pair.destination)", "RFC 8445 §8.1.1")
        case .dtlsStateChanged(.connecting): return ("DTLS handshake begins", "RFC 6347 §4.2, RFC 8842 §5")
        case .dtlsStateChanged(.connected): return nil
        case .dtlsStateChanged(let state): return ("DTLS \(state.rawValue)", "RFC 6347")
        case .dtlsConnected(let info):
            return ("DTLS connected (\(info.cipherSuite), \(info.group)); peer certificate matches its fingerprint", "RFC 8122 §5.1, RFC 8827 §6.5")
        case let .sctpConnected(outbound, inbound, interleaving):
            return ("SCTP association up over DTLS (\(outbound)/\(inbound) streams\(interleaving ? ", I-DATA" : ""))", "RFC 9260 §5.1, RFC 8261 §6")
        case .connectionStateChanged(let state): return ("connection \(state.rawValue)", "W3C RTCPeerConnectionState")
        case let .dataChannelCreated(_, label, _, _): return ("peer opened channel \"\(label)\" (DATA_CHANNEL_OPEN)", "RFC 8832 §5.1")
        case let .dataChannelOpened(_, id): return ("data channel on stream \(id) open", "RFC 8832 §6")
        case .dataChannelClosing: return ("data channel closing (stream reset)", "RFC 8831 §6.7")
        case .dataChannelClosed: return ("data channel closed", "RFC 8831 §6.7")
        case .failed(let reason): return ("FAILED: \(reason)", "")
        default: return nil
        }
    }
}
