/// Out-of-the-blue packets (RFC 9260 §8.4): packets that reach an endpoint with no association
/// for them. Only a CLOSED association that never had a peer answers them; a closed-for-good
/// association stays silent (its owner tears the DTLS connection down).
extension SCTPAssociation {
    /// A packet that cannot start an association while CLOSED (INIT and COOKIE ECHO can, and a
    /// SHUTDOWN ACK has its own answer in the Verification Tag rules).
    func isOutOfTheBlue(_ packet: SCTPPacket) -> Bool {
        guard let first = packet.chunks.first else { return false }
        switch first {
        case .initiation, .cookieEcho, .shutdownAck: return false
        default: return true
        }
    }

    /// §8.4 steps 2, 6, 7 and 8 for an out-of-the-blue packet.
    mutating func respondOutOfTheBlue(_ packet: SCTPPacket) {
        for chunk in packet.chunks {
            switch chunk {
            case .abort:
                // spec: RFC9260-8.4-2 an out-of-the-blue ABORT is discarded
                return
            case .shutdownComplete:
                // spec: RFC9260-8.4-8 an out-of-the-blue SHUTDOWN COMPLETE is discarded silently
                return
            case .cookieAck:
                // spec: RFC9260-8.4-9 as are a COOKIE ACK and a Stale Cookie ERROR
                return
            case .error(let causes) where causes.contains(where: { $0.code == SCTPErrorCause.staleCookie }):
                return
            default:
                continue
            }
        }
        // spec: RFC9260-8.4-10 anything else out of the blue is answered with ABORT
        // spec: RFC9260-8.4-11 carrying the packet's own Verification Tag, with the T bit set
        // spec: RFC9260-8.5.1-5 (the ABORT rule for out-of-the-blue packets)
        // spec: RFC9260-3.3.13-2 a reflected tag has the T bit set
        // spec: RFC9260-3.1-6 the ABORT's tag is copied from the packet that caused it
        sendStandalone(.abort(reflectedTag: true, causes: []), tag: packet.verificationTag)
        // spec: RFC9260-8.4-12 and then the packet is discarded with no further action
    }
}
