import SpecTesting
import STUN
import Testing
import TURN

/// Long-term credentials as RFC 8489 §9.2 has them with a server that implements it: the nonce
/// cookie, PASSWORD-ALGORITHMS (SHA-256 preferred), USERHASH, and answers that fail integrity.
@Suite struct TURNPasswordAlgorithmTests {
    typealias Script = TURNClientTests
    static let relayed = STUNTransportAddress(address: [192, 0, 2, 1], port: 50_000)

    static func challenge(_ request: STUNMessage, cookie: STUNNonceCookie?, algorithms: [STUNPasswordAlgorithm]?) -> [UInt8] {
        var message = STUNMessage(type: STUNMessageType(method: request.type.method, messageClass: .errorResponse), transactionID: request.transactionID)
        message.attributes += [.errorCode(STUNErrorCode(code: 401, reason: "Unauthenticated")), .realm("realm.test"),
                               .nonce((cookie?.text ?? "") + "abcdef")]
        if let algorithms { message.attributes.append(.passwordAlgorithms(algorithms)) }
        return message.encoded
    }

    @Test("MD5 and SHA-256 offered: SHA-256 chosen, both attributes sent, MESSAGE-INTEGRITY-SHA256 only",
          .spec("RFC8656-6-3", "RFC8489-9.2.5-1", "RFC8489-9.2.5-8", "RFC8489-9.2.5-9", "RFC8489-9.2.5-19", "RFC8489-9.2.3.1-1",
                "RFC8489-9.2.3.2-1", "RFC8489-9.2.3.2-2", "RFC8489-9.2.3.2-3"))
    func sha256() throws {
        var client = TURNClient(configuration: .init(username: "bob", password: "pw"), random: Script.Counter())
        client.allocate(now: .zero)
        let first = try Script.nextRequest(&client)
        for type in [STUNAttributeType.username, STUNAttributeType.userhash, STUNAttributeType.messageIntegrity, STUNAttributeType.messageIntegritySHA256,
                     STUNAttributeType.realm, STUNAttributeType.nonce, STUNAttributeType.passwordAlgorithms, STUNAttributeType.passwordAlgorithm] {
            #expect(first.attribute(type) == nil)
        }
        let offered = [STUNPasswordAlgorithm.md5, .sha256]
        client.receive(Self.challenge(first, cookie: STUNNonceCookie(passwordAlgorithms: true, usernameAnonymity: false), algorithms: offered), now: .milliseconds(5))
        let second = try Script.nextRequest(&client)
        let key = STUNCredentials.longTermKeySHA256(username: "bob", realm: "realm.test", password: "pw")
        #expect(second.attribute(STUNAttributeType.passwordAlgorithms)?.value == STUNAttribute.passwordAlgorithms(offered).value)
        #expect(second.attribute(STUNAttributeType.passwordAlgorithm)?.value == STUNAttribute.passwordAlgorithm(.sha256).value)
        #expect(second.attribute(STUNAttributeType.messageIntegrity) == nil)
        #expect(second.hasValidMessageIntegritySHA256(key: key))
        #expect(try second.text(STUNAttributeType.username) == "bob")
        // The success answer is signed the same way.
        var answer = STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .successResponse), transactionID: second.transactionID)
        answer.attributes.append(STUNAttribute(type: STUNAttributeType.xorRelayedAddress, value: Self.relayed.encode(xorWith: second.transactionID)))
        answer.appendMessageIntegritySHA256(key: key)
        client.receive(answer.encoded, now: .milliseconds(10))
        #expect(client.state == .allocated)
        // Later requests keep the cached realm, nonce, algorithms and key.
        client.deallocate(now: .seconds(1))
        let refresh = try Script.nextRequest(&client)
        #expect(try refresh.text(STUNAttributeType.nonce)?.hasSuffix("abcdef") == true && refresh.hasValidMessageIntegritySHA256(key: key))
        #expect(refresh.attribute(STUNAttributeType.passwordAlgorithm) != nil)
    }

    @Test("the cookie promises PASSWORD-ALGORITHMS that are missing, or none is supported: no retry",
          .spec("RFC8489-9.2.5-2", "RFC8489-9.2.5-10"))
    func noRetry() throws {
        for algorithms in [nil, [STUNPasswordAlgorithm(number: 0x7777, parameters: [])]] as [[STUNPasswordAlgorithm]?] {
            var client = TURNClient(configuration: .init(username: "bob", password: "pw"), random: Script.Counter())
            client.allocate(now: .zero)
            let first = try Script.nextRequest(&client)
            client.receive(Self.challenge(first, cookie: STUNNonceCookie(passwordAlgorithms: true, usernameAnonymity: false), algorithms: algorithms), now: .milliseconds(5))
            #expect(client.state == .failed && client.pollDatagram() == nil)
        }
    }

    @Test("username anonymity in the cookie: USERHASH instead of USERNAME", .spec("RFC8489-9.2.5-5", "RFC8656-21.1.6-1"))
    func userhash() throws {
        var client = TURNClient(configuration: .init(username: "bob", password: "pw"), random: Script.Counter())
        client.allocate(now: .zero)
        let first = try Script.nextRequest(&client)
        client.receive(Self.challenge(first, cookie: STUNNonceCookie(passwordAlgorithms: true, usernameAnonymity: true), algorithms: [.sha256]), now: .milliseconds(5))
        let second = try Script.nextRequest(&client)
        #expect(second.attribute(STUNAttributeType.username) == nil)
        #expect(second.attribute(STUNAttributeType.userhash)?.value == STUNAttribute.userhash(username: "bob", realm: "realm.test").value)
    }

    /// An allocated client whose key is the MD5 one for bob/pw in realm.test.
    static func signedIn(reliable: Bool) throws -> (TURNClient, [UInt8]) {
        var configuration = TURNClient.Configuration(username: "bob", password: "pw")
        if reliable { configuration.transport = .reliable }
        var client = TURNClient(configuration: configuration, random: Script.Counter())
        client.allocate(now: .zero)
        let first = try Script.nextRequest(&client)
        client.receive(Script.response(to: first, error: (401, "Unauthorized"), nonce: "n1"), now: .milliseconds(1))
        let key = STUNCredentials.longTermKeyMD5(username: "bob", realm: "realm.test", password: "pw")
        let second = try Script.nextRequest(&client)
        client.receive(Script.response(to: second, nonce: "n1", key: key,
                                       extra: [STUNAttribute(type: STUNAttributeType.xorRelayedAddress, value: relayed.encode(xorWith: second.transactionID))]),
                       now: .milliseconds(2))
        while client.pollEvent() != nil {}
        return (client, key)
    }

    @Test("answers that fail integrity: dropped over UDP (then an integrity failure, not a timeout); fatal at once over a stream; unsigned 400s discarded",
          .spec("RFC8489-9.2.5-15", "RFC8489-9.2.5-16", "RFC8489-9.2.5-17", "RFC8489-9.2.5-18", "RFC8489-9.2.5-11"))
    func integrityFailures() throws {
        var (client, _) = try Self.signedIn(reliable: false)
        client.deallocate(now: .seconds(1))
        let refresh = try Script.nextRequest(&client)
        client.receive(Script.response(to: refresh, nonce: "n1", key: Array("not the key".utf8)), now: .seconds(1))
        client.receive(Script.response(to: refresh, error: (400, "Bad Request"), nonce: "n1"), now: .seconds(1))
        #expect(client.state == .allocated, "both answers are ignored")
        var now = Duration.seconds(1)
        while now < .seconds(60), client.state == .allocated {
            now += .seconds(1)
            client.handleTimeout(now: now)
            while client.pollDatagram() != nil {}
        }
        var events: [TURNClient.Event] = []
        while let event = client.pollEvent() { events.append(event) }
        #expect(events.contains { if case .failed(.integrityViolation) = $0 { true } else { false } }, "\(events)")

        var (stream, _) = try Self.signedIn(reliable: true)
        stream.deallocate(now: .seconds(1))
        let overStream = try Script.nextRequest(&stream)
        stream.receive(Script.response(to: overStream, nonce: "n1", key: Array("not the key".utf8)), now: .seconds(1))
        #expect(stream.state == .failed)
        #expect(stream.pollEvent().map { if case .failed(.integrityViolation) = $0 { true } else { false } } == true)

        // A second 401 with the same credentials is not retried again.
        var (again, _) = try Self.signedIn(reliable: false)
        again.deallocate(now: .seconds(1))
        let request = try Script.nextRequest(&again)
        again.receive(Script.response(to: request, error: (401, "Unauthorized"), nonce: "n2"), now: .seconds(1))
        let retry = try Script.nextRequest(&again)
        again.receive(Script.response(to: retry, error: (401, "Unauthorized"), nonce: "n3"), now: .seconds(1))
        #expect(again.pollDatagram() == nil)
    }
}
