import SpecTesting
import STUN
import Testing
import TURN

/// Address families, redirection and the error codes of RFC 8656 §5 and §7, against a scripted
/// server (no credentials: the scripted server answers the first Allocate directly).
@Suite struct TURNAddressFamilyTests {
    typealias Script = TURNClientTests

    static let v4 = STUNTransportAddress(address: [192, 0, 2, 1], port: 50_000)
    static let v6 = STUNTransportAddress(address: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1], port: 50_002)

    static func client(_ family: TURNAddressFamily) -> TURNClient {
        var configuration = TURNClient.Configuration(username: "bob", password: "pw")
        configuration.addressFamily = family
        return TURNClient(configuration: configuration, random: Script.Counter())
    }

    static func relayed(_ addresses: [STUNTransportAddress], for request: STUNMessage) -> [STUNAttribute] {
        addresses.map { STUNAttribute(type: STUNAttributeType.xorRelayedAddress, value: $0.encode(xorWith: request.transactionID)) }
    }

    static func allocated(_ family: TURNAddressFamily, with addresses: [STUNTransportAddress], extra: [STUNAttribute] = []) throws -> TURNClient {
        var client = Self.client(family)
        client.allocate(now: .zero)
        let request = try Script.nextRequest(&client)
        client.receive(Script.response(to: request, nonce: "", extra: Self.relayed(addresses, for: request) + extra), now: .milliseconds(5))
        return client
    }

    @Test("IPv6: one REQUESTED-ADDRESS-FAMILY; dual: ADDITIONAL-ADDRESS-FAMILY (IPv6) alone; IPv4: neither",
          .spec("RFC8656-7.1-5", "RFC8656-7.1-7", "RFC8656-7.1-8", "RFC8656-7.1-6", "RFC8656-7.1-9", "RFC8656-7.1-10", "RFC8656-7.1-14"))
    func familyAttributes() throws {
        for family in [TURNAddressFamily.ipv4, .ipv6, .dual] {
            var client = Self.client(family)
            client.allocate(now: .zero)
            let request = try Script.nextRequest(&client)
            let requested = request.attributes.filter { $0.type == STUNAttributeType.requestedAddressFamily }
            let additional = request.attributes.filter { $0.type == STUNAttributeType.additionalAddressFamily }
            switch family {
            case .ipv4: #expect(requested.isEmpty && additional.isEmpty)
            case .ipv6: #expect(requested.map(\.value) == [[0x02, 0, 0, 0]] && additional.isEmpty)
            case .dual: #expect(requested.isEmpty && additional.map(\.value) == [[0x02, 0, 0, 0]])
            }
            // Never a RESERVATION-TOKEN or EVEN-PORT.
            #expect(request.attribute(STUNAttributeType.reservationToken) == nil && request.attribute(STUNAttributeType.evenPort) == nil)
        }
    }

    @Test("a dual allocation: both relayed addresses; peers of either family; one family refused goes on with the other",
          .spec("RFC8656-7.3-1", "RFC8656-7.3-3", "RFC8656-18.12-1", "RFC8656-10.1-3", "RFC8656-12.1-1"))
    func dualAllocation() throws {
        var client = try Self.allocated(.dual, with: [Self.v4, Self.v6])
        #expect(client.state == .allocated && client.relayedAddresses == [Self.v4, Self.v6])
        try client.createPermission(for: STUNTransportAddress(address: [198, 51, 100, 1], port: 1), now: .seconds(1))
        try client.createPermission(for: STUNTransportAddress(address: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [9], port: 1), now: .seconds(1))
        // Only IPv4 was granted: IPv6 peers are refused, and the reason is reported (reserved bits ignored).
        let refusal = STUNAttribute(type: STUNAttributeType.addressErrorCode, value: [0x02, 0xff, 0xf8 | 4, 40] + Array("Address Family not Supported".utf8))
        var partial = try Self.allocated(.dual, with: [Self.v4], extra: [refusal])
        #expect(partial.state == .allocated && partial.relayedAddresses == [Self.v4])
        var events: [TURNClient.Event] = []
        while let event = partial.pollEvent() { events.append(event) }
        #expect(events.contains(.addressFamilyRefused(family: 2, code: 440, reason: "Address Family not Supported")))
        let v6Peer = STUNTransportAddress(address: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [9], port: 1)
        #expect(throws: TURNClientError.addressFamilyMismatch(v6Peer)) { try partial.createPermission(for: v6Peer, now: .seconds(1)) }
        #expect(throws: TURNClientError.addressFamilyMismatch(v6Peer)) { try partial.bindChannel(0x4000, to: v6Peer, now: .seconds(1)) }
    }

    @Test("a relayed address of a family not asked for: the allocation is deleted and not used", .spec("RFC8656-7.3-1", "RFC8656-7.3-2"))
    func unexpectedFamily() throws {
        var client = try Self.allocated(.ipv4, with: [Self.v6])
        #expect(client.state == .failed)
        var events: [TURNClient.Event] = []
        while let event = client.pollEvent() { events.append(event) }
        #expect(events.contains(.failed(.unexpectedAddressFamily(Self.v6))))
        let deletion = try Script.nextRequest(&client)
        let lifetime = try deletion.integer(STUNAttributeType.lifetime)
        #expect(deletion.type.method == .refresh && lifetime == 0)
    }

    @Test("440 is not retried; 437 to a Refresh means the allocation is gone", .spec("RFC8656-7.4-11", "RFC8656-5-7", "RFC8656-7.4-17"))
    func errorCodes() throws {
        var client = Self.client(.ipv6)
        client.allocate(now: .zero)
        let request = try Script.nextRequest(&client)
        client.receive(Script.response(to: request, error: (440, "Address Family not Supported"), nonce: ""), now: .milliseconds(5))
        #expect(client.state == .failed && client.pollDatagram() == nil)
        #expect(client.pollEvent() == .failed(.addressFamilyNotSupported))

        var allocated = try Self.allocated(.ipv4, with: [Self.v4])
        _ = allocated.pollEvent()
        allocated.handleTimeout(now: .seconds(600))   // the refresh is due
        let refresh = try Script.nextRequest(&allocated)
        #expect(refresh.type.method == .refresh)
        allocated.receive(Script.response(to: refresh, error: (437, "Allocation Mismatch"), nonce: ""), now: .seconds(600))
        #expect(allocated.state == .failed && allocated.relayedAddresses.isEmpty)
        #expect(allocated.pollEvent() == .failed(.allocationMismatch))
        // 508 (or anything unknown) to an Allocate fails it with the server's code.
        var full = Self.client(.ipv4)
        full.allocate(now: .zero)
        full.receive(Script.response(to: try Script.nextRequest(&full), error: (508, "Insufficient Capacity"), nonce: ""), now: .milliseconds(5))
        #expect(full.pollEvent() == .failed(.server(code: 508, reason: "Insufficient Capacity")))
    }

    @Test("300 Try Alternate: the Allocate starts again for the alternate server, once", .spec("RFC8489-10-5", "RFC8489-10-9", "RFC8489-5-5"))
    func alternateServer() throws {
        var client = Self.client(.ipv4)
        client.allocate(now: .zero)
        let first = try Script.nextRequest(&client)
        let alternate = STUNTransportAddress(address: [192, 0, 2, 77], port: 3478)
        client.receive(Script.response(to: first, error: (300, "Try Alternate"), nonce: "",
                                       extra: [STUNAttribute(type: STUNAttributeType.alternateServer, value: alternate.encode(xorWith: nil))]), now: .milliseconds(5))
        #expect(client.pollEvent() == .redirected(to: alternate))
        let second = try Script.nextRequest(&client)
        #expect(second.type.method == .allocate && second.transactionID != first.transactionID)
        #expect(second.attribute(STUNAttributeType.messageIntegrity) == nil, "the alternate server challenges afresh")
        // The alternate's challenge is answered with the same credentials.
        client.receive(Script.response(to: second, error: (401, "Unauthorized"), nonce: "alt"), now: .milliseconds(8))
        let third = try Script.nextRequest(&client)
        #expect(try third.text(STUNAttributeType.username) == "bob")
        #expect(third.hasValidMessageIntegrity(key: STUNCredentials.longTermKeyMD5(username: "bob", realm: "realm.test", password: "pw")))
        client.receive(Script.response(to: third, error: (300, "Try Alternate"), nonce: "alt",
                                       extra: [STUNAttribute(type: STUNAttributeType.alternateServer, value: alternate.encode(xorWith: nil))]), now: .milliseconds(10))
        #expect(client.state == .failed, "a second redirection is refused")
    }

    @Test("a channel number stays with its first peer", .spec("RFC8656-12-3"))
    func channelNumberNotMoved() throws {
        var client = try Self.allocated(.ipv4, with: [Self.v4])
        let a = STUNTransportAddress(address: [198, 51, 100, 1], port: 1), b = STUNTransportAddress(address: [198, 51, 100, 2], port: 1)
        try client.bindChannel(0x4000, to: a, now: .seconds(1))
        try client.bindChannel(0x4000, to: a, now: .seconds(2))   // a refresh of the same binding is fine
        #expect(throws: TURNClientError.channelInUse(0x4000)) { try client.bindChannel(0x4000, to: b, now: .seconds(3)) }
    }

    @Test("a Data indication with ICMP reports the error (reserved bits ignored)", .spec("RFC8656-18.13-1"))
    func icmpIndication() throws {
        var client = try Self.allocated(.ipv4, with: [Self.v4])
        while client.pollEvent() != nil {}
        let peer = STUNTransportAddress(address: [198, 51, 100, 1], port: 9)
        let id = Array(repeating: UInt8(7), count: 12)
        let indication = STUNMessage(type: STUNMessageType(method: .data, messageClass: .indication), transactionID: id, attributes: [
            .xorPeerAddress(peer, transactionID: id), STUNAttribute(type: STUNAttributeType.icmp, value: [0xff, 0xff, 3, 4, 0, 0, 0x05, 0xdc]),
        ])
        client.receive(indication.encoded, now: .seconds(1))
        #expect(client.pollEvent() == .icmp(peer: peer, type: 3, code: 4))
    }
}

/// What the client accepts from the server: Data indications and ChannelData only from peers
/// with an active permission, ChannelData as soon as the ChannelBind is sent; SOFTWARE in requests.
@Suite struct TURNReceptionTests {
    typealias Script = TURNClientTests
    static let peer = STUNTransportAddress(address: [198, 51, 100, 1], port: 7)

    static func dataIndication(from peer: STUNTransportAddress, _ bytes: [UInt8]) -> [UInt8] {
        let id = Array(repeating: UInt8(3), count: 12)
        return STUNMessage(type: STUNMessageType(method: .data, messageClass: .indication), transactionID: id,
                           attributes: [.xorPeerAddress(peer, transactionID: id), .data(bytes)]).encoded
    }

    @Test("Data indications only from peers with an active permission", .spec("RFC8656-11.4-1", "RFC8656-11.6-1"))
    func dataNeedsPermission() throws {
        var client = try TURNAddressFamilyTests.allocated(.ipv4, with: [TURNAddressFamilyTests.v4])
        while client.pollEvent() != nil {}
        client.receive(Self.dataIndication(from: Self.peer, [1]), now: .seconds(1))
        #expect(client.pollEvent() == nil, "no permission yet: discarded")
        try client.createPermission(for: Self.peer, now: .seconds(1))
        let request = try Script.nextRequest(&client)
        client.receive(Script.response(to: request, nonce: ""), now: .seconds(1))
        #expect(client.pollEvent() == .permissionCreated(peerAddress: Self.peer.address))
        client.receive(Self.dataIndication(from: Self.peer, [2]), now: .seconds(2))
        #expect(client.pollEvent() == .data(peer: Self.peer, bytes: [2]))
        // Five minutes without a refresh answer: the permission has lapsed.
        client.receive(Self.dataIndication(from: Self.peer, [3]), now: .seconds(400))
        #expect(client.pollEvent() == nil)
    }

    @Test("ChannelData is accepted as soon as the ChannelBind is sent", .spec("RFC8656-12-4", "RFC8656-12.6-1"))
    func channelDataBeforeTheAnswer() throws {
        var client = try TURNAddressFamilyTests.allocated(.ipv4, with: [TURNAddressFamilyTests.v4])
        while client.pollEvent() != nil {}
        client.receive(ChannelData(channel: 0x4005, data: [9]).encoded(padded: false), now: .seconds(1))
        #expect(client.pollEvent() == nil, "an unknown channel")
        try client.bindChannel(0x4005, to: Self.peer, now: .seconds(1))
        client.receive(ChannelData(channel: 0x4005, data: [8]).encoded(padded: false), now: .seconds(1))
        #expect(client.pollEvent() == .data(peer: Self.peer, bytes: [8]))
    }

    @Test("SOFTWARE in Allocate and Refresh requests", .spec("RFC8656-5-8", "RFC8656-5-1"))
    func software() throws {
        var client = TURNAddressFamilyTests.client(.ipv4)
        client.allocate(now: .zero)
        let allocate = try Script.nextRequest(&client)
        #expect(try allocate.text(STUNAttributeType.software) == "SpecRTC")
        client.receive(Script.response(to: allocate, nonce: "", extra: TURNAddressFamilyTests.relayed([TURNAddressFamilyTests.v4], for: allocate)),
                       now: .milliseconds(5))
        client.deallocate(now: .seconds(1))
        let refresh = try Script.nextRequest(&client)
        let software = try refresh.text(STUNAttributeType.software)
        #expect(refresh.type.method == .refresh && software == "SpecRTC")
    }
}
