import RTCCrypto
import SpecTesting
import Testing
import Wire
@testable import STUN

@Suite struct STUNTransactionTests {
    static let transactionID: [UInt8] = Array(20..<32)
    static var request: STUNMessage {
        STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: transactionID)
    }

    /// Drives a transaction with no answer and records when it transmits and when it fails.
    static func schedule(_ transport: STUNClientTransaction.Transport,
                         _ configuration: STUNClientTransaction.Configuration = .init()) -> (sends: [Int64], end: Int64) {
        var transaction = STUNClientTransaction(request: request, transport: transport, configuration: configuration, now: .zero)
        var now = Duration.zero
        var sends: [Int64] = []
        for _ in 0..<100 {
            switch transaction.poll(at: now) {
            case .transmit: sends.append(now.milliseconds)
            case .timeout(let next): now = next
            case .completed(let outcome):
                #expect(outcome == .timedOut)
                return (sends, now.milliseconds)
            }
        }
        Issue.record("the transaction never ended")
        return (sends, -1)
    }

    /// RFC 8489 §6.2.1's example: with RTO 500 ms, sends at 0, 500, 1500, 3500, 7500, 15500 and
    /// 31500 ms, and failure at 39500 ms.
    @Test(.spec("RFC8489-6.2.1-1", "RFC8489-6.2.1-2", "RFC8489-6.2.1-3", "RFC8489-6.2.1-10", "RFC8489-6.2.1-11", "RFC8489-6.2.1-12"))
    func unreliableSchedule() {
        let (sends, end) = Self.schedule(.unreliable)
        #expect(sends == [0, 500, 1500, 3500, 7500, 15500, 31500])
        #expect(end == 39500)
        let (fewer, fewerEnd) = Self.schedule(.unreliable, .init(rto: .milliseconds(100), maximumTransmissions: 3, finalWaitMultiplier: 4))
        #expect(fewer == [0, 100, 300] && fewerEnd == 700)
    }

    @Test(.spec("RFC8489-6.2.2-2")) func reliableSchedule() {
        let (sends, end) = Self.schedule(.reliable)
        #expect(sends == [0] && end == 39500)
    }

    @Test func responseCompletesAndStrangersAreIgnored() throws {
        var transaction = STUNClientTransaction(request: Self.request, transport: .unreliable, now: .zero)
        guard case .transmit(let bytes) = transaction.poll(at: .zero) else { Issue.record("no first send"); return }
        let stranger = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .successResponse), transactionID: Array(0..<12))
        let acceptedStranger = transaction.handle(response: stranger, at: .milliseconds(10))
        #expect(!acceptedStranger)
        let response = try #require(STUNBindingResponder().respond(to: bytes, from: STUNTransportAddress(address: [10, 0, 0, 1], port: 9)))
        let accepted = transaction.handle(response: try STUNMessage(parsing: response), at: .milliseconds(20))
        #expect(accepted)
        guard case .completed(.response(let message)) = transaction.poll(at: .milliseconds(20)) else { Issue.record("not completed"); return }
        #expect(try message.xorMappedAddress()?.description == "10.0.0.1:9")
        #expect(transaction.isFinished)
    }
}

@Suite struct STUNBindingResponderTests {
    static let source = STUNTransportAddress(address: [192, 0, 2, 7], port: 40000)
    static let responder = STUNBindingResponder(software: "SpecRTC test", password: { $0 == "local:remote" ? "pass" : nil })

    static func request(username: String?, key: [UInt8]?, sha256: Bool = false, extra: [STUNAttribute] = []) -> [UInt8] {
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Array(1...12))
        if let username { message.attributes.append(.username(username)) }
        message.attributes += extra
        if let key { sha256 ? message.appendMessageIntegritySHA256(key: key) : message.appendMessageIntegrity(key: key) }
        message.appendFingerprint()
        return message.encoded
    }

    static func response(_ bytes: [UInt8]) throws -> STUNMessage {
        try STUNMessage(parsing: try #require(responder.respond(to: bytes, from: source)))
    }

    @Test(.spec("RFC8489-5-6", "RFC8489-6.3.1.1-5", "RFC8489-9.1.3-11", "RFC8489-9.1.3-12"))
    func authenticatedSuccess() throws {
        let key = STUNCredentials.shortTermKey(password: "pass")
        let response = try Self.response(Self.request(username: "local:remote", key: key))
        #expect(response.type == STUNMessageType(method: .binding, messageClass: .successResponse))
        #expect(response.transactionID == Array(1...12))
        #expect(try response.xorMappedAddress() == Self.source)
        #expect(try response.text(STUNAttributeType.software) == "SpecRTC test")
        #expect(response.attribute(STUNAttributeType.username) == nil)
        #expect(response.hasValidMessageIntegrity(key: key) && response.hasValidFingerprint)
    }

    @Test(.spec("RFC8489-9.1.3-10")) func sha256IntegrityIsAnsweredInKind() throws {
        let key = STUNCredentials.shortTermKey(password: "pass")
        let response = try Self.response(Self.request(username: "local:remote", key: key, sha256: true))
        #expect(response.hasValidMessageIntegritySHA256(key: key))
        #expect(response.attribute(STUNAttributeType.messageIntegrity) == nil)
    }

    @Test(.spec("RFC8489-9.1.3-1", "RFC8489-9.1.3-2", "RFC8489-9.1.3-4", "RFC8489-9.1.3-5", "RFC8489-9.1.3-7", "RFC8489-9.1.3-8",
                "RFC8489-9.1.3-13", "RFC8489-6.3.1.1-1"))
    func authenticationFailures() throws {
        let good = STUNCredentials.shortTermKey(password: "pass")
        let cases: [([UInt8], Int)] = [
            (Self.request(username: nil, key: good), 400),
            (Self.request(username: "local:remote", key: nil), 400),
            (Self.request(username: "someone:else", key: good), 401),
            (Self.request(username: "local:remote", key: STUNCredentials.shortTermKey(password: "wrong")), 401),
        ]
        for (request, code) in cases {
            let response = try Self.response(request)
            #expect(response.type.messageClass == .errorResponse)
            #expect(try response.errorCode()?.code == code)
            #expect(response.attribute(STUNAttributeType.messageIntegrity) == nil)
            #expect(response.attribute(STUNAttributeType.messageIntegritySHA256) == nil)
            #expect(response.attribute(STUNAttributeType.username) == nil)
        }
    }

    @Test(.spec("RFC8489-14.8-10", "RFC8489-6.3.1.1-3")) func unknownComprehensionRequiredAttributes() throws {
        let request = Self.request(username: "local:remote", key: nil, extra: [STUNAttribute(type: 0x0031, value: [1, 2]),
                                                                              STUNAttribute(type: 0xc0de, value: [3])])
        let response = try Self.response(request)
        #expect(try response.errorCode()?.code == 420)
        #expect(response.attribute(STUNAttributeType.unknownAttributes)?.value == [0x00, 0x31])
    }

    @Test func discardsWhatNeedsNoAnswer() {
        let unauthenticated = STUNBindingResponder()
        var indication = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .indication), transactionID: Array(1...12))
        indication.appendFingerprint()
        #expect(unauthenticated.respond(to: indication.encoded, from: Self.source) == nil)
        #expect(unauthenticated.respond(to: [0x16, 0xfe, 0xfd, 0, 0], from: Self.source) == nil)
        let plain = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: Array(1...12))
        #expect(unauthenticated.respond(to: plain.encoded, from: Self.source) != nil)
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
