import SpecTesting
import STUN
import Testing
import Wire
@testable import TURN

@Suite struct ChannelDataTests {
    @Test(.spec("RFC8656-12.5-3")) func datagramsWithAndWithoutPadding() throws {
        let message = ChannelData(channel: 0x4001, data: [1, 2, 3, 4, 5])
        #expect(message.encoded(padded: false) == [0x40, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])
        #expect(message.encoded(padded: true) == [0x40, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5, 0, 0, 0])
        #expect(try ChannelData(datagram: message.encoded(padded: false)) == message)
        #expect(try ChannelData(datagram: message.encoded(padded: true)) == message)
        #expect(throws: ChannelData.Error.self) { try ChannelData(datagram: message.encoded(padded: true) + [0, 0, 0, 0]) }
        #expect(throws: ChannelData.Error.self) { try ChannelData(datagram: [0x40, 0x01, 0x00, 0x09, 1]) }
        #expect(throws: ChannelData.Error.channelOutOfRange(0x5000)) { try ChannelData(datagram: [0x50, 0x00, 0x00, 0x00]) }
    }

    @Test(.spec("RFC8656-12-1")) func reservedFirstBitsAreDropped() {
        #expect(TURNMessageKind.classify(firstByte: 0x00) == .stun)
        #expect(TURNMessageKind.classify(firstByte: 0x40) == .channelData)
        #expect(TURNMessageKind.classify(firstByte: 0x80) == .reserved)
        #expect(TURNMessageKind.classify(firstByte: 0xc0) == .reserved)
        var framer = TURNStreamFramer()
        framer.append([0x80, 0, 0, 0])
        #expect(throws: TURNStreamFramer.Error.reservedFirstBits(0x80)) { try framer.next() }
    }

    /// A stream of STUN and padded ChannelData messages, delivered one byte at a time.
    @Test(.spec("RFC8656-12.5-2")) func streamFraming() throws {
        var stun = STUNMessage(type: STUNMessageType(method: .refresh, messageClass: .request), transactionID: Array(1...12))
        stun.attributes.append(.lifetime(seconds: 600))
        let first = ChannelData(channel: 0x4000, data: [9, 9, 9])
        let second = ChannelData(channel: 0x4fff, data: [])
        let stream = first.encoded(padded: true) + stun.encoded + second.encoded(padded: true)
        var framer = TURNStreamFramer()
        var frames: [TURNStreamFramer.Frame] = []
        for byte in stream {
            framer.append([byte])
            while let frame = try framer.next() { frames.append(frame) }
        }
        #expect(frames == [.channelData(first), .stun(stun.encoded), .channelData(second)])
        #expect(framer.pendingByteCount == 0)
        var tooBig = TURNStreamFramer(maximumFrame: 100)
        tooBig.append([0x40, 0x00, 0x01, 0x00])
        #expect(throws: TURNStreamFramer.Error.frameTooLarge(260)) { try tooBig.next() }
    }

    @Test(.spec("RFC8656-18.1-1", "RFC8656-18.8-1", "RFC8656-18.6-1")) func turnAttributes() throws {
        let id: [UInt8] = Array(1...12)
        var message = STUNMessage(type: STUNMessageType(method: .channelBind, messageClass: .request), transactionID: id)
        message.attributes.append(.channelNumber(0x4123))
        message.attributes.append(.requestedTransport())
        message.attributes.append(.requestedAddressFamily(ipv6: true))
        let peer = STUNTransportAddress(address: [198, 51, 100, 1], port: 49152)
        message.attributes.append(.xorPeerAddress(peer, transactionID: id))
        let encoded = message.encoded
        #expect(Array(encoded[20..<28]) == [0x00, 0x0c, 0x00, 0x04, 0x41, 0x23, 0x00, 0x00])
        #expect(Array(encoded[28..<36]) == [0x00, 0x19, 0x00, 0x04, 17, 0, 0, 0])
        #expect(Array(encoded[36..<44]) == [0x00, 0x17, 0x00, 0x04, 0x02, 0, 0, 0])
        // RFFU bytes set by a peer are ignored on reception.
        var sloppy = encoded
        sloppy[26] = 0xff
        sloppy[33] = 0xff
        let parsed = try STUNMessage(parsing: sloppy)
        #expect(try parsed.channelNumber() == 0x4123)
        #expect(try parsed.requestedTransport() == 17)
        #expect(try parsed.xorPeerAddress() == peer)
    }
}
