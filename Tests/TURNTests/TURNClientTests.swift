import SpecTesting
import STUN
import Testing
import TURN

/// The client's authentication dance against a scripted server: 401 challenge, then a 438
/// stale nonce, then success; and the refresh timer.
@Suite struct TURNClientTests {
    struct Counter: RandomNumberGenerator {
        var state: UInt64 = 1
        mutating func next() -> UInt64 { state &+= 0x9e37_79b9_7f4a_7c15; return state }
    }

    /// The next request the client sent.
    static func nextRequest(_ client: inout TURNClient) throws -> STUNMessage {
        let datagram = client.pollDatagram()
        return try STUNMessage(parsing: try #require(datagram))
    }

    static func response(to request: STUNMessage, error: (Int, String)? = nil, nonce: String, key: [UInt8]? = nil,
                         extra: [STUNAttribute] = []) -> [UInt8] {
        var message = STUNMessage(type: STUNMessageType(method: request.type.method, messageClass: error == nil ? .successResponse : .errorResponse),
                                  transactionID: request.transactionID)
        if let (code, reason) = error {
            message.attributes += [.errorCode(STUNErrorCode(code: code, reason: reason)), .realm("realm.test"), .nonce(nonce)]
        }
        message.attributes += extra
        if let key { message.appendMessageIntegrity(key: key) }
        return message.encoded
    }

    @Test(.spec("RFC8489-9.2.5-3", "RFC8489-9.2.5-6", "RFC8489-9.2.5-7", "RFC8489-9.2.5-12", "RFC8489-9.2.5-13", "RFC8656-8-1",
                "RFC8656-7.1-4"))
    func challengeStaleNonceAndRefresh() throws {
        var client = TURNClient(configuration: TURNClient.Configuration(username: "bob", password: "pw"), random: Counter())
        client.allocate(now: .zero)
        let first = try Self.nextRequest(&client)
        #expect(first.attribute(STUNAttributeType.messageIntegrity) == nil && first.attribute(STUNAttributeType.requestedTransport) != nil)
        client.receive(Self.response(to: first, error: (401, "Unauthorized"), nonce: "n1"), now: .milliseconds(10))

        let second = try Self.nextRequest(&client)
        let key = STUNCredentials.longTermKeyMD5(username: "bob", realm: "realm.test", password: "pw")
        #expect(second.transactionID != first.transactionID)
        #expect(try second.text(STUNAttributeType.nonce) == "n1" && second.hasValidMessageIntegrity(key: key))
        #expect(try second.text(STUNAttributeType.username) == "bob" && second.text(STUNAttributeType.realm) == "realm.test")
        client.receive(Self.response(to: second, error: (438, "Stale Nonce"), nonce: "n2"), now: .milliseconds(20))

        let third = try Self.nextRequest(&client)
        #expect(try third.text(STUNAttributeType.nonce) == "n2" && third.hasValidMessageIntegrity(key: key))
        let relayed = STUNTransportAddress(address: [192, 0, 2, 1], port: 50_000)
        client.receive(Self.response(to: third, nonce: "n2", key: key,
                                     extra: [STUNAttribute(type: STUNAttributeType.xorRelayedAddress, value: relayed.encode(xorWith: third.transactionID)), .lifetime(seconds: 300)]), now: .milliseconds(30))
        #expect(client.state == .allocated && client.relayedAddress == relayed)
        let allocated = client.pollEvent()
        #expect(allocated == .allocated(relayed: relayed, mapped: nil, lifetime: 300))

        // The refresh is due a minute before the lifetime ends.
        let timeout = client.nextTimeout
        let due = try #require(timeout)
        #expect(due <= .milliseconds(30) + .seconds(240))
        client.handleTimeout(now: due)
        let refresh = try Self.nextRequest(&client)
        #expect(refresh.type.method == .refresh && refresh.hasValidMessageIntegrity(key: key))
    }

    /// A second 401 after sending credentials means they are wrong: the client stops.
    @Test func rejectedCredentials() throws {
        var client = TURNClient(configuration: TURNClient.Configuration(username: "bob", password: "wrong"), random: Counter())
        client.allocate(now: .zero)
        let first = try Self.nextRequest(&client)
        client.receive(Self.response(to: first, error: (401, "Unauthorized"), nonce: "n1"), now: .zero)
        let second = try Self.nextRequest(&client)
        client.receive(Self.response(to: second, error: (401, "Unauthorized"), nonce: "n1"), now: .zero)
        #expect(client.state == .failed)
        let failure = client.pollEvent()
        #expect(failure == .failed(.unauthorized(reason: "Unauthorized")))
        let third = client.pollDatagram()
        #expect(third == nil, "no third attempt with the same credentials")
    }
}
