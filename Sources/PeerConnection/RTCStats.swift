import DTLS
import DataChannel
import ICE
import RTCCrypto

/// One value of a statistics object.
public enum RTCStatsValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int), double(Double), string(String), bool(Bool)

    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return value
        case .bool(let value): return String(value)
        }
    }
}

/// One statistics object, with the type and member names of W3C webrtc-stats.
public struct RTCStats: Sendable, Equatable {
    public var id: String
    /// `peer-connection`, `transport`, `candidate-pair`, `local-candidate`, `remote-candidate`,
    /// `certificate` or `data-channel`.
    public var type: String
    /// Milliseconds, on the clock the caller passed.
    public var timestamp: Double
    public var values: [String: RTCStatsValue]

    public subscript(_ name: String) -> RTCStatsValue? { values[name] }
}

extension PeerConnection {
    /// The statistics report (W3C `getStats()`), stamped `timestamp` milliseconds.
    public func statistics(timestamp: Double) -> [RTCStats] {
        var report: [RTCStats] = []
        func add(_ id: String, _ type: String, _ values: [String: RTCStatsValue]) {
            report.append(RTCStats(id: id, type: type, timestamp: timestamp, values: values))
        }
        let counters = transport.statistics
        add("P", "peer-connection", ["dataChannelsOpened": .int(counters.dataChannelsOpened),
                                     "dataChannelsClosed": .int(counters.dataChannelsClosed)])

        let local = configuration.transport.certificate
        let localFingerprint = local.fingerprint(.sha256)
        add("CF" + Self.hex(localFingerprint.digest.prefix(8)), "certificate", Self.certificate(local))
        var transportValues: [String: RTCStatsValue] = [
            "bytesSent": .int(counters.bytesSent), "bytesReceived": .int(counters.bytesReceived),
            "packetsSent": .int(counters.datagramsSent), "packetsReceived": .int(counters.datagramsReceived),
            "dtlsState": .string(transport.dtlsState.rawValue),
            "iceState": .string(transport.ice.connectionState.rawValue),
            "iceRole": .string(transport.ice.role.rawValue),
            "iceLocalUsernameFragment": .string(transport.ice.localCredentials.usernameFragment),
            "localCertificateId": .string("CF" + Self.hex(localFingerprint.digest.prefix(8))),
        ]
        if let parameters = transport.parameters { transportValues["dtlsRole"] = .string(parameters.dtlsRole == .client ? "client" : "server") }
        if let info = transport.dtlsInfo {
            transportValues["tlsVersion"] = .string("FEFD")
            transportValues["dtlsCipher"] = .string(Self.ianaName(info.cipherSuite))
            if let profile = info.srtpProfile { transportValues["srtpCipher"] = .string(Self.srtpProfileName(profile)) }
            if let peer = info.peerCertificate {
                let id = "CF" + Self.hex(peer.fingerprint(.sha256).digest.prefix(8))
                transportValues["remoteCertificateId"] = .string(id)
                add(id, "certificate", Self.certificate(peer))
            }
        }
        var candidateIDs: [ICECandidate: String] = [:]
        func candidateID(_ candidate: ICECandidate, remote: Bool) -> String {
            if let id = candidateIDs[candidate] { return id }
            let id = "I" + (remote ? "R" : "L") + String(candidateIDs.count)
            candidateIDs[candidate] = id
            add(id, remote ? "remote-candidate" : "local-candidate", [
                "transportId": .string("T01"), "address": .string(candidate.address.map { IPAddressText.format($0.address) } ?? candidate.hostname ?? ""),
                "port": .int(Int(candidate.port)), "protocol": .string(candidate.transport.rawValue),
                "candidateType": .string(candidate.type.rawValue), "priority": .int(Int(candidate.priority)),
                "foundation": .string(candidate.foundation),
            ])
            return id
        }
        let selected = transport.ice.selectedPair
        for pair in transport.ice.checklist {
            let localID = candidateID(pair.local, remote: false), remoteID = candidateID(pair.remote, remote: true)
            let id = "CP" + localID + "_" + remoteID
            add(id, "candidate-pair", [
                "transportId": .string("T01"), "localCandidateId": .string(localID), "remoteCandidateId": .string(remoteID),
                "state": .string(pair.state == .inProgress ? "in-progress" : pair.state.rawValue), "nominated": .bool(pair.nominated),
            ])
            if let selected, selected.local == pair.local, selected.remote == pair.remote {
                transportValues["selectedCandidatePairId"] = .string(id)
            }
        }
        add("T01", "transport", transportValues)
        if let sctp = transport.sctp {
            let figures = sctp.transportFigures
            var values: [String: RTCStatsValue] = [
                "transportId": .string("T01"), "congestionWindow": .int(figures.congestionWindow),
                "receiverWindow": .int(figures.receiverWindow), "mtu": .int(figures.packetSize),
                // Beyond webrtc-stats: what the association counted.
                "packetsRetransmittedOnTimeout": .int(sctp.statistics.retransmissionTimeouts),
                "fastRetransmissions": .int(sctp.statistics.fastRetransmissions),
                "dataChunksRetransmitted": .int(sctp.statistics.dataChunksRetransmitted),
            ]
            if let rtt = figures.smoothedRTT { values["smoothedRoundTripTime"] = .double(rtt) }
            add("SCTP", "sctp-transport", values)
        }
        for (handle, channel) in transport.channelCounters.sorted(by: { $0.key < $1.key }) {
            var values: [String: RTCStatsValue] = [
                "label": .string(channel.label), "protocol": .string(channel.protocolName),
                "messagesSent": .int(channel.messagesSent), "bytesSent": .int(channel.bytesSent),
                "messagesReceived": .int(channel.messagesReceived), "bytesReceived": .int(channel.bytesReceived),
                "state": .string(transport.state(of: handle).map(Self.channelState) ?? "closed"),
            ]
            if let stream = transport.streamIdentifier(of: handle) { values["dataChannelIdentifier"] = .int(Int(stream)) }
            add("D" + String(handle.rawValue), "data-channel", values)
        }
        return report
    }

    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined()
    }

    static func certificate(_ certificate: X509Certificate) -> [String: RTCStatsValue] {
        ["fingerprint": .string(String(certificate.fingerprint(.sha256).description.dropFirst("sha-256 ".count))),
         "fingerprintAlgorithm": .string("sha-256"), "base64Certificate": .string(base64(certificate.derEncoded))]
    }

    /// W3C `RTCDataChannelState` for a channel state.
    public static func channelState(_ state: DataChannelState) -> String {
        switch state {
        case .connecting: return "connecting"
        case .open: return "open"
        case .closing: return "closing"
        default: return "closed"
        }
    }

    /// The IANA name of a cipher suite, as webrtc-stats reports it.
    static func ianaName(_ suite: DTLSCipherSuite) -> String {
        switch suite {
        case .ecdheECDSAWithAES128GCMSHA256: return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
        case .ecdheECDSAWithAES256GCMSHA384: return "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
        case .ecdheRSAWithAES128GCMSHA256: return "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        default: return "0x" + String(suite.rawValue, radix: 16, uppercase: true)
        }
    }

    /// The name of a DTLS-SRTP protection profile (RFC 5764 §4.1.2, RFC 7714 §14.2).
    static func srtpProfileName(_ profile: UInt16) -> String {
        switch profile {
        case 0x0001: return "AES_CM_128_HMAC_SHA1_80"
        case 0x0002: return "AES_CM_128_HMAC_SHA1_32"
        case 0x0007: return "AEAD_AES_128_GCM"
        case 0x0008: return "AEAD_AES_256_GCM"
        default: return "0x" + String(profile, radix: 16, uppercase: true)
        }
    }

    /// Base64 (RFC 4648 §4) for the certificate's DER.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var text = ""
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for byte in chunk { value = value << 8 | Int(byte) }
            value <<= 8 * (3 - chunk.count)
            for position in 0..<4 {
                text.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 0x3f] : "=")
            }
            index += 3
        }
        return text
    }
}
