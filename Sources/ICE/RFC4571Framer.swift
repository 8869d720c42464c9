/// RFC 4571 framing: each packet on a stream is preceded by its length in 16 bits. The framer
/// takes stream bytes as they arrive and gives back whole packets; its buffer never exceeds one
/// frame (65,537 bytes).
public struct RFC4571Framer: Sendable {
    private var buffer: [UInt8] = []

    public init() {}

    /// `packet` with its 2-byte length in front; nil when it does not fit in 65,535 bytes.
    public static func frame(_ packet: [UInt8]) -> [UInt8]? {
        // spec: RFC6544-10.1-2 media over TCP is framed as RFC 4571 says
        guard packet.count <= 0xffff else { return nil }
        return [UInt8(packet.count >> 8), UInt8(packet.count & 0xff)] + packet
    }

    /// Appends stream bytes and returns the packets now complete, in order.
    public mutating func append(_ bytes: [UInt8]) -> [[UInt8]] {
        var packets: [[UInt8]] = []
        var input = bytes[...]
        while !input.isEmpty {
            if buffer.count < 2 {
                let take = min(2 - buffer.count, input.count)
                buffer += input.prefix(take)
                input = input.dropFirst(take)
                if buffer.count < 2 { break }
            }
            let length = Int(buffer[0]) << 8 | Int(buffer[1])
            let missing = 2 + length - buffer.count
            let take = min(missing, input.count)
            buffer += input.prefix(take)
            input = input.dropFirst(take)
            if buffer.count == 2 + length {
                packets.append(Array(buffer[2...]))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        return packets
    }

    /// Bytes held for an incomplete frame.
    public var pendingByteCount: Int { buffer.count }
}
