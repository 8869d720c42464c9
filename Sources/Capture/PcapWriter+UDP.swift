extension PcapWriter {
    /// Appends `payload` as a UDP datagram inside an IPv4 or IPv6 header (for link type `.raw`),
    /// from `source` to `destination` (4- or 16-byte addresses of one family). The UDP checksum
    /// is 0, which IPv4 allows and Wireshark accepts for IPv6 captures.
    public mutating func appendUDP(_ payload: [UInt8], source: (address: [UInt8], port: UInt16),
                                   destination: (address: [UInt8], port: UInt16), seconds: UInt32, nanoseconds: UInt32) {
        let udpLength = 8 + payload.count
        let udp: [UInt8] = [UInt8(source.port >> 8), UInt8(source.port & 0xff),
                            UInt8(destination.port >> 8), UInt8(destination.port & 0xff),
                            UInt8(truncatingIfNeeded: udpLength >> 8), UInt8(truncatingIfNeeded: udpLength), 0, 0]
        appendIP(udp + payload, protocol: 17, source: source.address, destination: destination.address,
                 seconds: seconds, nanoseconds: nanoseconds)
    }

    /// Appends `payload` (a transport header and its data: SCTP is protocol 132) inside an IPv4 or
    /// IPv6 header, for link type `.raw`.
    public mutating func appendIP(_ payload: [UInt8], protocol number: UInt8, source: [UInt8], destination: [UInt8],
                                  seconds: UInt32, nanoseconds: UInt32) {
        var header: [UInt8]
        if source.count == 16 {
            header = [0x60, 0, 0, 0, UInt8(truncatingIfNeeded: payload.count >> 8), UInt8(truncatingIfNeeded: payload.count), number, 64]
            header += source + destination
        } else {
            let total = 20 + payload.count
            header = [0x45, 0, UInt8(truncatingIfNeeded: total >> 8), UInt8(truncatingIfNeeded: total), 0, 0, 0x40, 0, 64, number, 0, 0]
            header += source + destination
            var sum: UInt32 = 0
            for index in stride(from: 0, to: 20, by: 2) { sum += UInt32(header[index]) << 8 | UInt32(header[index + 1]) }
            while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
            let checksum = ~UInt16(sum)
            header[10] = UInt8(checksum >> 8)
            header[11] = UInt8(checksum & 0xff)
        }
        append(header + payload, seconds: seconds, nanoseconds: nanoseconds)
    }
}
