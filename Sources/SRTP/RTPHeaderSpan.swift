/// The few RTP and RTCP header fields SRTP needs, read from raw bytes without copying:
/// where the RTP header ends (fixed header, CSRCs, extension), SSRC and sequence number.
struct RTPHeaderSpan {
    let ssrc: UInt32
    let sequenceNumber: UInt16
    /// Bytes of header (authenticated, never encrypted): 12 + 4·CC + the extension.
    let length: Int

    /// Reads the RTP header at the start of `packet`, of which the last `trailer` bytes are
    /// SRTP's (MKI, tag) and not part of RTP.
    init(rtp packet: UnsafeRawBufferPointer, trailer: Int) throws(SRTPError) {
        let available = packet.count - trailer
        guard available >= 12 else { throw .packetTooShort(length: packet.count, needed: 12 + trailer) }
        let version = packet[0] >> 6
        guard version == 2 else { throw .unsupportedVersion(version) }
        var length = 12 + 4 * Int(packet[0] & 0x0f)
        if packet[0] & 0x10 != 0 {
            guard available >= length + 4 else { throw .packetTooShort(length: packet.count, needed: length + 4 + trailer) }
            let words = Int(packet[length + 2]) << 8 | Int(packet[length + 3])
            length += 4 + 4 * words
        }
        guard available >= length else { throw .packetTooShort(length: packet.count, needed: length + trailer) }
        self.length = length
        sequenceNumber = UInt16(packet[2]) << 8 | UInt16(packet[3])
        ssrc = packet.loadUnaligned(fromByteOffset: 8, as: UInt32.self).bigEndian
    }

    /// The SSRC of the first RTCP header of a compound packet (RFC 3711 §4.1.1: SRTCP uses it).
    static func rtcpSSRC(_ packet: UnsafeRawBufferPointer, trailer: Int) throws(SRTPError) -> UInt32 {
        guard packet.count - trailer >= 8 else { throw .packetTooShort(length: packet.count, needed: 8 + trailer) }
        let version = packet[0] >> 6
        guard version == 2 else { throw .unsupportedVersion(version) }
        return packet.loadUnaligned(fromByteOffset: 4, as: UInt32.self).bigEndian
    }
}
