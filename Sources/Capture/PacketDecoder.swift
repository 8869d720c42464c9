import Wire

/// The transport a payload travelled on.
public struct TransportEndpoints: Sendable, Equatable, CustomStringConvertible {
    /// `UDP` or `TCP`.
    public var proto: String
    public var source: String
    public var sourcePort: UInt16
    public var destination: String
    public var destinationPort: UInt16

    public var description: String {
        "\(proto) \(Self.endpoint(source, sourcePort)) → \(Self.endpoint(destination, destinationPort))"
    }

    private static func endpoint(_ address: String, _ port: UInt16) -> String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

/// A packet decoded down to its application payload.
public struct DecodedPacket: Sendable, Equatable {
    /// The link, network and transport headers as a field tree.
    public var layers: [Dissection]
    /// The transport, when one was found.
    public var transport: TransportEndpoints?
    /// The application payload (UDP or TCP data) and its offset in the captured packet.
    public var payload: ArraySlice<UInt8>
    public var payloadOffset: Int
    /// Why decoding stopped early, if it did.
    public var problem: String?
}

/// Decodes link, IPv4/IPv6 and UDP/TCP headers (RFC 791, RFC 8200, RFC 768, RFC 9293).
public enum PacketDecoder {
    /// Decodes `data` captured with `linkType`. Never throws: a malformed header ends decoding
    /// with `problem` set, and what was decoded so far is kept.
    public static func decode(_ data: [UInt8], linkType: LinkType) -> DecodedPacket {
        var packet = DecodedPacket(layers: [], transport: nil, payload: data[...], payloadOffset: 0, problem: nil)
        var reader = ByteReader(data)
        do {
            let etherType: UInt16?
            switch linkType {
            case .ethernet:
                var node = Dissection("Ethernet II", reference: "IEEE 802.3", offset: 0, length: 14)
                let destination = try reader.readBytes(6, field: "destination MAC")
                let source = try reader.readBytes(6, field: "source MAC")
                var type = try reader.readUInt16("EtherType")
                node.children = [
                    Dissection("Destination", value: mac(destination), offset: 0, length: 6),
                    Dissection("Source", value: mac(source), offset: 6, length: 6),
                ]
                while type == 0x8100 || type == 0x88a8 {
                    let tag = try reader.readUInt16("VLAN tag")
                    node.children.append(Dissection("VLAN", value: "id \(tag & 0x0fff)", reference: "IEEE 802.1Q",
                                                    offset: reader.offset - 4, length: 4))
                    type = try reader.readUInt16("EtherType")
                    node.length += 4
                }
                node.children.append(Dissection("EtherType", value: hex16(type), offset: reader.offset - 2, length: 2))
                packet.layers.append(node)
                etherType = type
            case .linuxSLL:
                try reader.skip(14, field: "Linux cooked header")
                let type = try reader.readUInt16("protocol")
                packet.layers.append(Dissection("Linux cooked capture v1", value: "protocol \(hex16(type))", offset: 0, length: 16))
                etherType = type
            case .linuxSLL2:
                let type = try reader.readUInt16("protocol")
                try reader.skip(18, field: "Linux cooked v2 header")
                packet.layers.append(Dissection("Linux cooked capture v2", value: "protocol \(hex16(type))", offset: 0, length: 20))
                etherType = type
            case .null:
                let family = try reader.readUIntLittleEndian(byteCount: 4, field: "address family")
                packet.layers.append(Dissection("Loopback", value: "family \(family)", offset: 0, length: 4))
                etherType = family == 2 ? 0x0800 : [24, 28, 30].contains(family) ? 0x86dd : nil
            case .raw, .ipv4, .ipv6:
                let version = try reader.peekUInt8("IP version") >> 4
                etherType = version == 4 ? 0x0800 : version == 6 ? 0x86dd : nil
            case .other(let value):
                packet.problem = "link type \(value) is not decoded"
                return packet
            }
            guard let etherType, etherType == 0x0800 || etherType == 0x86dd else {
                packet.problem = "not IP (\(etherType.map(hex16) ?? "unknown network protocol"))"
                packet.payload = reader.readRemaining()
                packet.payloadOffset = reader.offset - packet.payload.count
                return packet
            }
            let (ipNode, proto, source, destination, ipPayload) = etherType == 0x0800
                ? try ipv4(&reader) : try ipv6(&reader)
            packet.layers.append(ipNode)
            guard var transport = ipPayload else {
                packet.problem = "a fragment after the first: no transport header"
                return packet
            }
            switch proto {
            case 17:
                let start = transport.offset
                let sourcePort = try transport.readUInt16("UDP source port")
                let destinationPort = try transport.readUInt16("UDP destination port")
                let length = try transport.readUInt16("UDP length")
                let checksum = try transport.readUInt16("UDP checksum")
                var node = Dissection("UDP", value: "\(sourcePort) → \(destinationPort)", reference: "RFC 768",
                                      offset: start, length: 8, children: [
                    Dissection("Source Port", value: String(sourcePort), offset: start, length: 2),
                    Dissection("Destination Port", value: String(destinationPort), offset: start + 2, length: 2),
                    Dissection("Length", value: String(length), offset: start + 4, length: 2),
                    Dissection("Checksum", value: hex16(checksum), offset: start + 6, length: 2),
                ])
                let available = transport.remaining
                if Int(length) < 8 || Int(length) - 8 > available {
                    node.notes.append("UDP length \(length) does not match the \(available + 8) bytes present")
                }
                packet.layers.append(node)
                packet.transport = TransportEndpoints(proto: "UDP", source: source, sourcePort: sourcePort,
                                                      destination: destination, destinationPort: destinationPort)
                let payloadLength = Int(length) >= 8 ? min(Int(length) - 8, available) : available
                packet.payloadOffset = transport.offset
                packet.payload = try transport.readBytes(payloadLength, field: "UDP payload")
            case 6:
                let start = transport.offset
                let sourcePort = try transport.readUInt16("TCP source port")
                let destinationPort = try transport.readUInt16("TCP destination port")
                let sequence = try transport.readUInt32("TCP sequence number")
                _ = try transport.readUInt32("TCP acknowledgment number")
                let offsetAndFlags = try transport.readUInt16("TCP data offset and flags")
                let headerLength = Int(offsetAndFlags >> 12) * 4
                guard headerLength >= 20 else {
                    throw WireError.invalidValue(field: "TCP data offset", offset: start + 12,
                                                 value: UInt64(offsetAndFlags >> 12), reason: "below the minimum of 5 words")
                }
                try transport.skip(headerLength - 14, field: "TCP header rest")
                packet.layers.append(Dissection("TCP", value: "\(sourcePort) → \(destinationPort) seq \(sequence)",
                                                reference: "RFC 9293 §3.1", offset: start, length: headerLength))
                packet.transport = TransportEndpoints(proto: "TCP", source: source, sourcePort: sourcePort,
                                                      destination: destination, destinationPort: destinationPort)
                packet.payloadOffset = transport.offset
                packet.payload = transport.readRemaining()
            default:
                packet.problem = "IP protocol \(proto) is not decoded"
                packet.payloadOffset = transport.offset
                packet.payload = transport.readRemaining()
            }
        } catch {
            packet.problem = "\(error)"
            packet.payload = []
        }
        return packet
    }

    private static func ipv4(_ reader: inout ByteReader) throws(WireError)
        -> (Dissection, UInt8, String, String, ByteReader?) {
        let start = reader.offset
        let versionAndLength = try reader.readUInt8("IPv4 version and IHL")
        let headerLength = Int(versionAndLength & 0x0f) * 4
        guard versionAndLength >> 4 == 4, headerLength >= 20 else {
            throw .invalidValue(field: "IPv4 version and IHL", offset: start, value: UInt64(versionAndLength),
                                reason: "version must be 4 and IHL at least 5")
        }
        _ = try reader.readUInt8("DSCP and ECN")
        let totalLength = Int(try reader.readUInt16("IPv4 total length"))
        _ = try reader.readUInt16("identification")
        let fragment = try reader.readUInt16("flags and fragment offset")
        let ttl = try reader.readUInt8("TTL")
        let proto = try reader.readUInt8("protocol")
        _ = try reader.readUInt16("header checksum")
        let source = ipv4Text(try reader.readBytes(4, field: "source address"))
        let destination = ipv4Text(try reader.readBytes(4, field: "destination address"))
        try reader.skip(headerLength - 20, field: "IPv4 options")
        let node = Dissection("IPv4", value: "\(source) → \(destination)", reference: "RFC 791 §3.1",
                              offset: start, length: headerLength, children: [
            Dissection("Total Length", value: String(totalLength), offset: start + 2, length: 2),
            Dissection("Time to Live", value: String(ttl), offset: start + 8, length: 1),
            Dissection("Protocol", value: String(proto), offset: start + 9, length: 1),
            Dissection("Source", value: source, offset: start + 12, length: 4),
            Dissection("Destination", value: destination, offset: start + 16, length: 4),
        ])
        guard totalLength >= headerLength else {
            throw .invalidValue(field: "IPv4 total length", offset: start + 2, value: UInt64(totalLength),
                                reason: "shorter than the header")
        }
        // Trailing link-layer padding (short Ethernet frames) is not IP payload.
        let payloadLength = min(totalLength - headerLength, reader.remaining)
        let payload = try reader.subReader(count: payloadLength, field: "IPv4 payload")
        return (node, proto, source, destination, fragment & 0x1fff == 0 ? payload : nil)
    }

    private static func ipv6(_ reader: inout ByteReader) throws(WireError)
        -> (Dissection, UInt8, String, String, ByteReader?) {
        let start = reader.offset
        let first = try reader.readUInt32("IPv6 version, class and flow label")
        guard first >> 28 == 6 else {
            throw .invalidValue(field: "IPv6 version", offset: start, value: UInt64(first >> 28), reason: "must be 6")
        }
        let payloadLength = Int(try reader.readUInt16("IPv6 payload length"))
        var next = try reader.readUInt8("next header")
        let hopLimit = try reader.readUInt8("hop limit")
        let source = ipv6Text(try reader.readBytes(16, field: "source address"))
        let destination = ipv6Text(try reader.readBytes(16, field: "destination address"))
        var payload = try reader.subReader(count: min(payloadLength, reader.remaining), field: "IPv6 payload")
        var firstFragment = true
        // Extension headers: hop-by-hop, routing, fragment, destination options.
        var hops = 0
        while [0, 43, 44, 60].contains(next), hops < 16 {
            hops += 1
            let header = try payload.readUInt8("extension next header")
            if next == 44 {
                _ = try payload.readUInt8("reserved")
                let offsetField = try payload.readUInt16("fragment offset")
                try payload.skip(4, field: "identification")
                firstFragment = offsetField >> 3 == 0
            } else {
                let length = Int(try payload.readUInt8("extension length")) * 8 + 6
                try payload.skip(length, field: "extension header")
            }
            next = header
        }
        let node = Dissection("IPv6", value: "\(source) → \(destination)", reference: "RFC 8200 §3",
                              offset: start, length: 40, children: [
            Dissection("Payload Length", value: String(payloadLength), offset: start + 4, length: 2),
            Dissection("Next Header", value: String(next), offset: start + 6, length: 1),
            Dissection("Hop Limit", value: String(hopLimit), offset: start + 7, length: 1),
            Dissection("Source", value: source, offset: start + 8, length: 16),
            Dissection("Destination", value: destination, offset: start + 24, length: 16),
        ])
        return (node, next, source, destination, firstFragment ? payload : nil)
    }

    static func ipv4Text(_ bytes: ArraySlice<UInt8>) -> String { bytes.map(String.init).joined(separator: ".") }

    /// RFC 5952 text: lower case, leading zeros dropped, the longest run of zero groups as `::`.
    static func ipv6Text(_ bytes: ArraySlice<UInt8>) -> String {
        let b = Array(bytes)
        let groups = (0..<8).map { UInt16(b[2 * $0]) << 8 | UInt16(b[2 * $0 + 1]) }
        var bestStart = -1, bestLength = 0, runStart = -1
        for i in 0...8 {
            if i < 8, groups[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength, i - runStart >= 2 { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        if bestStart < 0 { return groups.map { String($0, radix: 16) }.joined(separator: ":") }
        let head = groups[..<bestStart].map { String($0, radix: 16) }.joined(separator: ":")
        let tail = groups[(bestStart + bestLength)...].map { String($0, radix: 16) }.joined(separator: ":")
        return head + "::" + tail
    }

    private static func mac(_ bytes: ArraySlice<UInt8>) -> String { bytes.map { Hex.encode([$0]) }.joined(separator: ":") }
    private static func hex16(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}
