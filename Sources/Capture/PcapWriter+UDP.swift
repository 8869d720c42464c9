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
        var header: [UInt8]
        if source.address.count == 16 {
            header = [0x60, 0, 0, 0, UInt8(truncatingIfNeeded: udpLength >> 8), UInt8(truncatingIfNeeded: udpLength), 17, 64]
            header += source.address + destination.address
        } else {
            let total = 20 + udpLength
            header = [0x45, 0, UInt8(truncatingIfNeeded: total >> 8), UInt8(truncatingIfNeeded: total), 0, 0, 0x40, 0, 64, 17, 0, 0]
            header += source.address + destination.address
            var sum: UInt32 = 0
            for index in stride(from: 0, to: 20, by: 2) { sum += UInt32(header[index]) << 8 | UInt32(header[index + 1]) }
            while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
            let checksum = ~UInt16(sum)
            header[10] = UInt8(checksum >> 8)
            header[11] = UInt8(checksum & 0xff)
        }
        append(header + udp + payload, seconds: seconds, nanoseconds: nanoseconds)
    }
}
