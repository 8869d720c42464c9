@testable import SCTP

/// Checks every packet a simulation carries against the rules a sender must follow on the
/// wire, per direction, and records each violation with the packet it was found in.
struct SCTPWireChecker {
    struct Direction {
        var peerTag: UInt32?
        var highestTSN: UInt32?
        var nextOrdered: [UInt16: UInt32] = [:]
        var restartable: Set<UInt16> = []
        var restartAll = false
        var lastPPID: [UInt16: UInt32] = [:]
    }

    var fromA = Direction()
    var fromB = Direction()
    var violations: [String] = []
    var packetsChecked = 0
    var maximumPacketSize = 1200

    /// Records the Initiate Tag each side announced (so the other side's packets can be checked).
    mutating func check(_ bytes: [UInt8], fromA isA: Bool) {
        guard let packet = try? SCTPPacket(parsing: bytes) else {
            violations.append("unparseable packet")
            return
        }
        packetsChecked += 1
        var me = isA ? fromA : fromB
        var other = isA ? fromB : fromA
        func fail(_ rule: String) { violations.append("\(isA ? "A" : "B"): \(rule)") }
        if bytes.count > maximumPacketSize { fail("packet of \(bytes.count) bytes exceeds \(maximumPacketSize)") }
        // Chunk lengths and padding, read from the bytes.
        var offset = 12
        while offset + 4 <= bytes.count {
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let padded = (length + 3) & ~3
            if padded - length > 3 { fail("more than 3 padding bytes") }
            if offset + padded > bytes.count { fail("chunk padding missing") ; break }
            if bytes[(offset + length)..<(offset + padded)].contains(where: { $0 != 0 }) { fail("non-zero padding") }
            offset += padded
        }
        if offset != bytes.count { fail("packet length is not a sum of padded chunks") }
        let chunks = packet.chunks
        let alone = chunks.contains { if case .initiation = $0 { return true }; if case .initiationAck = $0 { return true }; if case .shutdownComplete = $0 { return true }; return false }
        if alone && chunks.count > 1 { fail("INIT, INIT ACK or SHUTDOWN COMPLETE bundled") }
        for (i, chunk) in chunks.enumerated() {
            if case .cookieEcho = chunk, i != 0 { fail("COOKIE ECHO not first") }
            if case .cookieAck = chunk, i != 0 { fail("COOKIE ACK not first") }
        }
        var seenData = false
        var previousTSN: UInt32?
        for chunk in chunks {
            switch chunk {
            case .initiation(let c):
                if packet.verificationTag != 0 { fail("INIT with a non-zero tag") }
                me.peerTag = nil
                other.peerTag = c.initiateTag
            case .initiationAck(let c):
                other.peerTag = c.initiateTag
            case .data(let d):
                seenData = true
                if d.userData.isEmpty { fail("DATA without user data") }
                if let previous = previousTSN, !SerialNumber.less(previous, d.tsn) { fail("DATA TSNs not increasing in a packet") }
                previousTSN = d.tsn
                let isNew = me.highestTSN.map { SerialNumber.less($0, d.tsn) } ?? true
                if isNew {
                    if let highest = me.highestTSN, d.tsn != highest &+ 1 { fail("new TSN \(d.tsn) does not follow \(highest)") }
                    me.highestTSN = d.tsn
                    if !d.isIData {
                        if !d.beginning, let ppid = me.lastPPID[d.streamIdentifier], ppid != d.payloadProtocolIdentifier {
                            fail("a fragment's PPID differs from its message's")
                        }
                        me.lastPPID[d.streamIdentifier] = d.payloadProtocolIdentifier
                    }
                    if d.beginning && !d.unordered {
                        let expected = me.nextOrdered[d.streamIdentifier, default: 0]
                        if d.messageIdentifier != expected {
                            if (me.restartAll || me.restartable.contains(d.streamIdentifier)) && d.messageIdentifier == 0 {
                                me.restartable.remove(d.streamIdentifier)
                            } else {
                                fail("stream \(d.streamIdentifier) sequence \(d.messageIdentifier), expected \(expected)")
                            }
                        }
                        let next = d.messageIdentifier &+ 1
                        me.nextOrdered[d.streamIdentifier] = d.isIData ? next : next & 0xffff
                    }
                }
            case .reconfig(let parameters):
                for case let .outgoingSSNResetRequest(_, _, _, streams) in parameters {
                    if streams.isEmpty { me.restartAll = true } else { me.restartable.formUnion(streams) }
                }
                if seenData { fail("control chunk after DATA") }
            default:
                if seenData { fail("control chunk after DATA") }
            }
        }
        let hasInit = chunks.contains { if case .initiation = $0 { return true }; return false }
        let reflected = chunks.contains { if case .abort(true, _) = $0 { return true }; if case .shutdownComplete(true) = $0 { return true }; return false }
        if !hasInit, !reflected, let expected = me.peerTag, packet.verificationTag != expected {
            fail("Verification Tag \(packet.verificationTag), the peer's Initiate Tag is \(expected)")
        }
        if isA { fromA = me; fromB = other } else { fromB = me; fromA = other }
    }
}
