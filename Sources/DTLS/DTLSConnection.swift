import RTCCrypto
import Wire

/// A DTLS 1.2 connection, client or server, sans-IO: the owner feeds it datagrams and the
/// time, and takes out datagrams to send and events. Nothing here reads a clock, a socket or
/// global randomness (the random source is injected).
// spec: RFC8827-6.5-2 DTLS and DTLS-SRTP for SRTP keying
public struct DTLSConnection {
    /// Where the handshake is.
    public enum State: Sendable, Equatable {
        case idle, handshaking, connected, closed, failed
    }

    public let configuration: DTLSConfiguration
    public private(set) var state: State = .idle
    /// When ``handleTimeout(now:)`` should next be called, if a retransmission is pending.
    public private(set) var nextTimeout: Duration?

    private var random: any RandomNumberGenerator
    private var outgoing = OutputQueue<[UInt8]>()
    private var events = OutputQueue<DTLSEvent>()

    // Record layer.
    private var writeEpoch: UInt16 = 0
    private var writeSequence: [UInt64] = [0, 0]
    private var writeProtection: DTLSRecordProtection?
    private var readProtection: DTLSRecordProtection?
    private var replay = DTLSReplayWindow()

    // Handshake layer.
    private var nextSendSequence: UInt16 = 0
    private var nextReceiveSequence: UInt16 = 0
    private var reassembly = DTLSReassembler()
    private var transcript: [UInt8] = []
    private var lastFlight: [FlightItem] = []
    private var retransmissions = 0
    private var currentTimeout: Duration
    private var peerRetransmitted = false
    private var expected: Expectation = .clientHello

    // Negotiated.
    private var clientHello: DTLSClientHello?
    private var clientRandom: [UInt8] = []
    private var serverRandom: [UInt8] = []
    private var suite: DTLSCipherSuite = .ecdheECDSAWithAES128GCMSHA256
    private var group: DTLSNamedGroup = .secp256r1
    private var srtpProfile: UInt16?
    private var ephemeralPrivateKey: [UInt8] = []
    private var peerPublicKey: [UInt8] = []
    private var peerCertificate: X509Certificate?
    private var certificateRequested = false
    private var keys: DTLSKeySchedule?

    private enum FlightItem { case handshake(DTLSHandshakeMessage, epoch: UInt16), changeCipherSpec }
    private enum Expectation {
        case clientHello                      // server, before a valid ClientHello
        case serverHello, certificate, serverKeyExchange, certificateRequestOrDone, serverHelloDone   // client
        case clientCertificate, clientKeyExchange, certificateVerify, clientFinished   // server
        case serverFinished                   // client
        case none                             // connected
    }

    public init(configuration: DTLSConfiguration, random: any RandomNumberGenerator) {
        self.configuration = configuration
        self.random = random
        currentTimeout = configuration.initialRetransmissionTimeout
        if configuration.role == .client { expected = .serverHello }
    }

    // MARK: Owner interface

    /// Starts the handshake: a client sends its ClientHello; a server waits for one.
    public mutating func start(now: Duration) {
        guard state == .idle else { return }
        state = .handshaking
        guard configuration.role == .client else { return }
        clientRandom = randomBytes(32)
        let hello = makeClientHello(cookie: [])
        clientHello = hello
        sendFlight([.handshake(DTLSHandshakeMessage(type: .clientHello, messageSequence: takeSequence(), body: hello.encoded), epoch: 0)],
                   now: now, expectsAnswer: true)
    }

    /// The next datagram to send, if any.
    public mutating func pollDatagram() -> [UInt8]? {
        outgoing.popFirst()
    }

    /// The next event, if any.
    public mutating func pollEvent() -> DTLSEvent? {
        events.popFirst()
    }

    /// Bytes a protected record adds to its payload (header, explicit nonce, tag).
    // spec: RFC6347-4.1.1.1-5 the record expansion is discoverable by the upper layer
    public static let recordOverhead = DTLSRecord.headerLength + DTLSRecordProtection.overhead

    /// The largest application payload whose record fits the configured MTU.
    public var maximumApplicationDataSize: Int { min(1 << 14, configuration.maximumTransmissionUnit - DTLSConnection.recordOverhead) }

    /// Sends application data (connected only) as one record; the caller keeps messages
    /// within ``maximumApplicationDataSize`` so that the record fits a datagram.
    public mutating func send(_ data: [UInt8]) throws(DTLSError) {
        // spec: RFC8827-6.5-14 no False Start: nothing is sent before the handshake completes
        guard state == .connected else { throw .notConnected }
        // spec: RFC6347-4.1.1.1-4 no record larger than 2^14 bytes is written
        // spec: RFC8261-5-3 up to that, a message larger than the path MTU is sent as one record (the IP layer fragments it)
        guard data.count <= 1 << 14 else { throw .recordOverflow(data.count) }
        outgoing.append(protectRecord(type: .applicationData, payload: data))
    }

    /// Sends close_notify and closes.
    public mutating func close() {
        guard state == .connected || state == .handshaking else { return }
        sendAlert(level: 1, description: 0)
        state = .closed
        nextTimeout = nil
    }

    /// Keying material from the RFC 5705 exporter (connected only).
    public func exportKeyingMaterial(label: String, context: [UInt8]? = nil, length: Int) throws(DTLSError) -> [UInt8] {
        guard state == .connected, let keys else { throw .notConnected }
        return keys.export(label: label, context: context, length: length)
    }

    /// The SRTP master keys and salts (RFC 5764 §4.2), when use_srtp was agreed.
    public func srtpKeyingMaterial() throws(DTLSError) -> DTLSSRTPKeyingMaterial? {
        guard let profile = srtpProfile else { return nil }
        let (keyLength, saltLength) = DTLSConnection.srtpLengths(profile)
        // spec: RFC5764-4.2-1 the exporter label EXTRACTOR-dtls_srtp gives both sides' keys and salts
        // spec: RFC3711-3.2.1-3 so the SRTP master keys are random (from the ECDHE secret) and secret
        // spec: RFC3711-4.3.1-13 and so are the master salts
        let material = try exportKeyingMaterial(label: "EXTRACTOR-dtls_srtp", length: 2 * (keyLength + saltLength))
        let clientKey = Array(material[0..<keyLength]), serverKey = Array(material[keyLength..<(2 * keyLength)])
        let clientSalt = Array(material[(2 * keyLength)..<(2 * keyLength + saltLength)])
        let serverSalt = Array(material[(2 * keyLength + saltLength)...])
        let client = configuration.role == .client
        // spec: RFC5764-4.2-2 the client's inbound keys are the server's write keys, and the reverse
        return DTLSSRTPKeyingMaterial(profile: profile, localKey: client ? clientKey : serverKey, localSalt: client ? clientSalt : serverSalt,
                                      remoteKey: client ? serverKey : clientKey, remoteSalt: client ? serverSalt : clientSalt)
    }

    /// Key and salt lengths of a DTLS-SRTP profile (RFC 5764 §4.1.2, RFC 7714 §12).
    static func srtpLengths(_ profile: UInt16) -> (Int, Int) {
        switch profile {
        case 0x0007: return (16, 12)
        case 0x0008: return (32, 12)
        default: return (16, 14)
        }
    }

    /// Retransmits the last flight when its timer has expired (RFC 6347 §4.2.4).
    public mutating func handleTimeout(now: Duration) {
        guard let deadline = nextTimeout, now >= deadline, state == .handshaking else { return }
        retransmissions += 1
        guard retransmissions <= configuration.maximumRetransmissions else {
            fail(.timeout, alert: nil)
            return
        }
        // spec: RFC6347-4.2.4.1-1 the timer doubles at each retransmission, up to 60 s
        currentTimeout = min(currentTimeout * 2, .seconds(60))
        transmit(lastFlight)
        nextTimeout = now + currentTimeout
    }

    /// Processes one received datagram.
    public mutating func receive(_ datagram: [UInt8], now: Duration) {
        guard state == .handshaking || state == .connected else { return }
        if receiveApplicationData(datagram) { return }
        let (records, _) = DTLSRecord.parseDatagram(datagram)
        // A malformed tail is dropped silently; the records before it still count.
        for record in records {
            guard state == .handshaking || state == .connected else { break }
            handleRecord(record, now: now)
        }
        if peerRetransmitted {
            peerRetransmitted = false
            // The peer did not get our last flight: send it again (RFC 6347 §4.2.4).
            if !lastFlight.isEmpty { transmit(lastFlight) }
        }
    }

    /// The data path: a datagram that is exactly one protected application-data record of
    /// epoch 1 (every SCTP packet) is opened where it lies, without the record list and the
    /// fragment copy of ``DTLSRecord/parseDatagram(_:)``. The checks are those of that parse
    /// and of ``handleRecord(_:now:)``; false leaves the datagram to the general path.
    private mutating func receiveApplicationData(_ datagram: [UInt8]) -> Bool {
        let header = DTLSRecord.headerLength
        guard state == .connected, datagram.count > header, datagram[0] == DTLSContentType.applicationData.rawValue,
              datagram[1] == 0xfe, datagram[3] == 0, datagram[4] == 1,
              Int(datagram[11]) << 8 | Int(datagram[12]) == datagram.count - header, datagram.count - header <= 16_384 + 2_048,
              let readProtection else { return false }
        let version = UInt16(datagram[1]) << 8 | UInt16(datagram[2])
        var sequence: UInt64 = 0
        for i in 5..<11 { sequence = sequence << 8 | UInt64(datagram[i]) }
        // spec: RFC6347-4.1.2.6-4 the replay check comes first
        guard replay.isFresh(sequence) else { return true }
        // spec: RFC6347-4.1.2.7-1 a record that does not authenticate is discarded silently
        guard let plaintext = readProtection.open(datagram[header...], epoch: 1, sequence: sequence, type: .applicationData,
                                                  version: version) else { return true }
        // spec: RFC6347-4.1.2.6-3 accepted sequence numbers enter the window
        replay.accept(sequence)
        events.append(.applicationData(plaintext))
        return true
    }

    // MARK: Records

    private mutating func handleRecord(_ record: DTLSRecord, now: Duration) {
        var plaintext = record.fragment
        if record.epoch == 1 {
            // spec: RFC6347-4.1-5 (records of the new epoch before its keys exist are dropped)
            guard let readProtection else { return }
            // spec: RFC6347-4.1.2.6-4 the replay check comes first
            guard replay.isFresh(record.sequenceNumber) else { return }
            guard let opened = readProtection.open(record.fragment, epoch: 1, sequence: record.sequenceNumber,
                                                   type: record.contentType, version: record.version) else {
                // spec: RFC6347-4.1.2.7-1 invalid records are discarded silently
                // spec: RFC6347-4.1.2.1-2 including those with a bad MAC, without an alert
                // spec: RFC6347-4.1.2.1-1 and the connection goes on
                // spec: RFC6347-5-3 an invalid record does not end the connection
                // spec: RFC6347-4.1.2.6-7 a record whose MAC fails is discarded
                return
            }
            // spec: RFC6347-4.1.2.6-3 accepted sequence numbers enter the window
            replay.accept(record.sequenceNumber)
            plaintext = opened
        } else if record.epoch != 0 {
            return
        // spec: RFC6347-4.1-3 epoch 0 records are still accepted (retransmitted handshake flights)
        } else if readProtection != nil, record.contentType != .handshake {
            // Once the peer's keys are in use, unprotected alerts and data are forgeries
            // (anyone could kill the connection with a plaintext fatal alert); plaintext
            // handshake records still matter, as retransmissions of the peer's last flight.
            return
        }
        switch record.contentType {
        case .handshake:
            do {
                for fragment in try DTLSHandshakeFragment.parse(plaintext) {
                    try handleFragment(fragment, epoch: record.epoch, recordSequence: record.sequenceNumber, now: now)
                    guard state == .handshaking || state == .connected else { return }
                }
            } catch {
                fail(error, alert: DTLSConnection.alertFor(error))
            }
        case .changeCipherSpec:
            handleChangeCipherSpec(plaintext)
        case .alert:
            handleAlert(plaintext)
        case .applicationData:
            // spec: RFC6347-4.2.4-2 application data of the new epoch waits for Finished
            guard state == .connected, record.epoch == 1 else { return }
            events.append(.applicationData(plaintext))
        }
    }

    private mutating func handleChangeCipherSpec(_ body: [UInt8]) {
        guard body == [1], readProtection == nil, let keys else { return }
        // The peer's CCS is only meaningful right before its Finished.
        guard expected == .serverFinished || expected == .clientFinished else { return }
        let block = keys.keyBlock()
        let client = configuration.role == .client
        readProtection = DTLSRecordProtection(key: client ? block.serverKey : block.clientKey, salt: client ? block.serverIV : block.clientIV)
    }

    private mutating func handleAlert(_ body: [UInt8]) {
        guard body.count == 2 else { return }
        let (level, description) = (body[0], body[1])
        if description == 0 {
            // spec: RFC5246-7.2.1-1 close_notify is answered with close_notify
            if state == .connected { sendAlert(level: 1, description: 0) }
            state = .closed
            nextTimeout = nil
            events.append(.closed)
        } else if level == 2 {
            state = .failed
            nextTimeout = nil
            events.append(.failed(.alertReceived(level: level, description: description)))
        }
    }

    // MARK: Handshake messages

    private mutating func handleFragment(_ fragment: DTLSHandshakeFragment, epoch: UInt16, recordSequence: UInt64, now: Duration) throws(DTLSError) {
        // A server waiting for a ClientHello answers each without state (HelloVerifyRequest).
        if expected == .clientHello {
            guard fragment.type == DTLSHandshakeType.clientHello.rawValue, fragment.fragmentOffset == 0,
                  fragment.body.count == fragment.length else {
                // A fragmented first ClientHello (browsers' DTLS 1.3 offers) is reassembled.
                try reassembleAndDispatch(fragment, now: now, recordSequence: recordSequence)
                return
            }
            let message = DTLSHandshakeMessage(rawType: fragment.type, messageSequence: fragment.messageSequence, body: Array(fragment.body))
            try handleClientHello(message, recordSequence: recordSequence, now: now)
            return
        }
        if state == .connected, epoch == 1,
           fragment.type == DTLSHandshakeType.clientHello.rawValue || fragment.type == DTLSHandshakeType.helloRequest.rawValue {
            // spec: RFC8827-6.5-13 renegotiation is refused with a no_renegotiation alert
            sendAlert(level: 1, description: 100)
            return
        }
        if fragment.messageSequence < nextReceiveSequence {
            // spec: RFC6347-4.2.2-1 an old message is discarded; its arrival means our flight was lost
            peerRetransmitted = true
            return
        }
        try reassembleAndDispatch(fragment, now: now, recordSequence: recordSequence)
    }

    private mutating func reassembleAndDispatch(_ fragment: DTLSHandshakeFragment, now: Duration, recordSequence: UInt64) throws(DTLSError) {
        // spec: RFC6347-4.2.2-2 messages ahead of the next expected one are queued (a few)
        guard fragment.messageSequence < nextReceiveSequence &+ 8 else { return }
        // spec: RFC6347-4.2.3-4 fragments are buffered until the whole message is there
        try reassembly.add(fragment)
        while let message = reassembly.take(sequence: nextReceiveSequence) {
            nextReceiveSequence &+= 1
            if expected == .clientHello {
                guard message.type == DTLSHandshakeType.clientHello.rawValue else { throw .unexpectedMessage("type \(message.type) before ClientHello") }
                nextReceiveSequence = message.messageSequence   // handled statelessly below
                try handleClientHello(message, recordSequence: recordSequence, now: now)
            } else {
                try dispatch(message, now: now)
            }
            guard state == .handshaking || state == .connected else { return }
        }
    }

    private mutating func dispatch(_ message: DTLSHandshakeMessage, now: Duration) throws(DTLSError) {
        // The retransmission timer keeps running until our next flight replaces it: if the
        // rest of the peer's flight is lost, our retransmission makes the peer resend it.
        let type = DTLSHandshakeType(rawValue: message.type)
        switch (expected, type) {
        case (.serverHello, .helloVerifyRequest):
            try handleHelloVerifyRequest(message, now: now)
        case (.serverHello, .serverHello):
            try handleServerHello(message)
        case (.certificate, .certificate), (.clientCertificate, .certificate):
            try handleCertificate(message)
        case (.serverKeyExchange, .serverKeyExchange):
            try handleServerKeyExchange(message)
        case (.certificateRequestOrDone, .certificateRequest):
            certificateRequested = true
            _ = try DTLSCertificateRequest(parsing: message.body)
            transcript += message.transcriptBytes
            expected = .serverHelloDone
        case (.certificateRequestOrDone, .serverHelloDone), (.serverHelloDone, .serverHelloDone):
            transcript += message.transcriptBytes
            try sendClientFlight(now: now)
        case (.clientKeyExchange, .clientKeyExchange):
            try handleClientKeyExchange(message)
        case (.certificateVerify, .certificateVerify):
            try handleCertificateVerify(message)
        case (.clientFinished, .finished), (.serverFinished, .finished):
            try handleFinished(message, now: now)
        default:
            throw .unexpectedMessage("handshake type \(message.type) while expecting \(expected)")
        }
    }

    // MARK: Client side

    private mutating func makeClientHello(cookie: [UInt8]) -> DTLSClientHello {
        var extensions: [DTLSExtension] = [
            DTLSExtension.supportedGroups(configuration.groups),
            DTLSExtension(type: DTLSExtensionType.ecPointFormats, data: [1, 0]),   // uncompressed only
            DTLSExtension.signatureAlgorithms([.ecdsaSecp256r1SHA256, .rsaPSSRSAESHA256, .rsaPKCS1SHA256]),
            // spec: RFC7627-5.2-1 the client always sends extended_master_secret
            DTLSExtension(type: DTLSExtensionType.extendedMasterSecret, data: []),
            // RFC 5746: an empty renegotiated_connection on the initial handshake.
            DTLSExtension(type: DTLSExtensionType.renegotiationInfo, data: [0]),
        ]
        if !configuration.srtpProfiles.isEmpty {
            // spec: RFC5764-4.1.1-1 use_srtp carries UseSRTPData: the profiles and an MKI
            extensions.append(DTLSExtension.useSRTP(configuration.srtpProfiles))
        }
        // spec: RFC5246-7.4.1.2-7 CompressionMethod.null is offered
        return DTLSClientHello(random: clientRandom, cookie: cookie, cipherSuites: configuration.cipherSuites.map(\.rawValue), extensions: extensions)
    }

    private mutating func handleHelloVerifyRequest(_ message: DTLSHandshakeMessage, now: Duration) throws(DTLSError) {
        let request = try DTLSHelloVerifyRequest(parsing: message.body)
        guard var hello = clientHello else { throw .unexpectedMessage("HelloVerifyRequest without a ClientHello") }
        // spec: RFC6347-4.2.1-2 the ClientHello is sent again with the cookie
        // spec: RFC6347-4.2.1-6 with the same parameters as the first (same random)
        // spec: RFC6347-4.2.1-18 every handshake may need a cookie exchange
        // spec: RFC6347-5-2 (the client is always prepared for one)
        hello.cookie = request.cookie
        clientHello = hello
        // spec: RFC6347-4.2.6-2 the first ClientHello and the HelloVerifyRequest stay out of the transcript
        transcript = []
        sendFlight([.handshake(DTLSHandshakeMessage(type: .clientHello, messageSequence: takeSequence(), body: hello.encoded), epoch: 0)],
                   now: now, expectsAnswer: true)
    }

    private mutating func handleServerHello(_ message: DTLSHandshakeMessage) throws(DTLSError) {
        let hello = try DTLSServerHello(parsing: message.body)
        // spec: RFC6347-4.2.1-9 the server's version must be the one we speak
        guard hello.version == DTLSRecord.version12 else { throw .handshakeFailure("server chose version 0x\(String(hello.version, radix: 16))") }
        guard let chosen = DTLSCipherSuite(rawValue: hello.cipherSuite), configuration.cipherSuites.contains(chosen) else {
            throw .handshakeFailure("server chose cipher suite 0x\(String(hello.cipherSuite, radix: 16)), which was not offered")
        }
        // spec: RFC8261-5-2 no compression: a server that picks any is refused
        guard hello.compressionMethod == 0 else { throw .handshakeFailure("compression method \(hello.compressionMethod)") }
        let offered: Set<UInt16> = [DTLSExtensionType.supportedGroups, DTLSExtensionType.ecPointFormats, DTLSExtensionType.signatureAlgorithms,
                                    DTLSExtensionType.extendedMasterSecret, DTLSExtensionType.renegotiationInfo, DTLSExtensionType.useSRTP]
        for item in hello.extensions where !offered.contains(item.type) {
            // spec: RFC5246-7.4.1.4-2 an extension we did not offer aborts the handshake
            throw .handshakeFailure("unsolicited extension \(item.type) in ServerHello")
        }
        // spec: RFC5246-7.4.1.4-4 an extension type appears once
        guard Set(hello.extensions.map(\.type)).count == hello.extensions.count else { throw .handshakeFailure("repeated extension in ServerHello") }
        if hello.extensions.first(DTLSExtensionType.extendedMasterSecret) == nil {
            // spec: RFC7627-5.2-5 a server without the extension is refused (configurable)
            guard !configuration.requireExtendedMasterSecret else { throw .handshakeFailure("server does not use Extended Master Secret (RFC 7627)") }
            throw .handshakeFailure("servers without Extended Master Secret are not supported")
        }
        if let renegotiation = hello.extensions.first(DTLSExtensionType.renegotiationInfo), renegotiation.data != [0] {
            throw .handshakeFailure("renegotiation_info not empty on the initial handshake")
        }
        if let srtp = hello.extensions.first(DTLSExtensionType.useSRTP) {
            let (profiles, mki) = (try? DTLSExtension.srtpProfiles(srtp.data)) ?? ([], [])
            // spec: RFC5764-4.1.1-4 the server's single profile must be one we offered
            guard profiles.count == 1, configuration.srtpProfiles.contains(profiles[0]) else {
                throw .handshakeFailure("server chose SRTP profiles \(profiles), not one of ours")
            }
            // spec: RFC5764-4.1.3-5 an MKI we did not offer is refused
            guard mki.isEmpty else { throw .handshakeFailure("server sent an SRTP MKI we did not offer") }
            srtpProfile = profiles[0]
        }
        suite = chosen
        serverRandom = hello.random
        transcript += (clientHello.map { DTLSHandshakeMessage(type: .clientHello, messageSequence: lastClientHelloSequence, body: $0.encoded).transcriptBytes } ?? [])
        transcript += message.transcriptBytes
        expected = .certificate
    }

    private var lastClientHelloSequence: UInt16 { nextSendSequence &- 1 }

    private mutating func handleCertificate(_ message: DTLSHandshakeMessage) throws(DTLSError) {
        let chain = try DTLSCertificateMessage(parsing: message.body).chain
        guard let first = chain.first else {
            throw .badCertificate("the peer sent no certificate")
        }
        let certificate: X509Certificate
        do { certificate = try X509Certificate(derEncoded: first) } catch { throw .badCertificate("\(error)") }
        if !configuration.remoteFingerprints.isEmpty {
            // spec: RFC8122-5-1 the certificate must match a fingerprint from signalling
            // spec: RFC8122-5.1-6 and without a match the connection is not established
            guard configuration.remoteFingerprints.contains(where: { $0.matches(certificate) }) else {
                let algorithm = configuration.remoteFingerprints[0].algorithm
                throw .fingerprintMismatch(expected: configuration.remoteFingerprints, actual: certificate.fingerprint(algorithm))
            }
        }
        peerCertificate = certificate
        transcript += message.transcriptBytes
        expected = configuration.role == .client ? .serverKeyExchange : .clientKeyExchange
    }

    private mutating func handleServerKeyExchange(_ message: DTLSHandshakeMessage) throws(DTLSError) {
        let exchange = try DTLSServerKeyExchange(parsing: message.body)
        guard let chosenGroup = DTLSNamedGroup(rawValue: exchange.group), configuration.groups.contains(chosenGroup) else {
            throw .handshakeFailure("server chose group 0x\(String(exchange.group, radix: 16))")
        }
        let signed = clientRandom + serverRandom + exchange.parameters
        try verify(signature: exchange.signature, scheme: exchange.signatureScheme, message: signed, what: "ServerKeyExchange")
        group = chosenGroup
        peerPublicKey = exchange.publicKey
        transcript += message.transcriptBytes
        expected = .certificateRequestOrDone
    }

    private mutating func sendClientFlight(now: Duration) throws(DTLSError) {
        let (publicKey, shared) = try agree(peer: peerPublicKey)
        var flight: [FlightItem] = []
        if certificateRequested {
            let certificate = DTLSHandshakeMessage(type: .certificate, messageSequence: takeSequence(),
                                                   body: DTLSCertificateMessage(chain: [configuration.certificate.derEncoded]).encoded)
            transcript += certificate.transcriptBytes
            flight.append(.handshake(certificate, epoch: 0))
        }
        let keyExchange = DTLSHandshakeMessage(type: .clientKeyExchange, messageSequence: takeSequence(), body: DTLSClientKeyExchange.encode(publicKey))
        transcript += keyExchange.transcriptBytes
        flight.append(.handshake(keyExchange, epoch: 0))
        deriveKeys(preMasterSecret: shared)
        if certificateRequested {
            let verify = DTLSHandshakeMessage(type: .certificateVerify, messageSequence: takeSequence(),
                                              body: try sign(transcript).encoded)
            transcript += verify.transcriptBytes
            flight.append(.handshake(verify, epoch: 0))
        }
        // spec: RFC6347-4.2.5-1 ChangeCipherSpec travels in the same flight as Finished
        flight.append(.changeCipherSpec)
        installWriteKeys()
        let finished = DTLSHandshakeMessage(type: .finished, messageSequence: takeSequence(),
                                            body: keys!.finished(client: true, transcript: transcript))
        transcript += finished.transcriptBytes
        flight.append(.handshake(finished, epoch: 1))
        expected = .serverFinished
        sendFlight(flight, now: now, expectsAnswer: true)
    }

    // MARK: Server side

    private mutating func handleClientHello(_ message: DTLSHandshakeMessage, recordSequence: UInt64, now: Duration) throws(DTLSError) {
        let hello = try DTLSClientHello(parsing: message.body)
        if configuration.requireCookie, hello.cookie != cookie(for: hello) {
            // spec: RFC6347-4.2.1-1 the server answers with a HelloVerifyRequest
            // spec: RFC6347-4.2.1-14 whenever a new handshake starts
            // spec: RFC6347-4.2.1-19 an invalid cookie is treated like no cookie
            // spec: RFC6347-4.2.1-3 the HelloVerifyRequest says DTLS 1.0 in the record and the message
            let request = DTLSHelloVerifyRequest(version: DTLSRecord.version10, cookie: cookie(for: hello))
            let body = DTLSHandshakeMessage(type: .helloVerifyRequest, messageSequence: message.messageSequence, body: request.encoded)
            // spec: RFC6347-4.2.1-10 the record sequence number is the ClientHello's
            // spec: RFC6347-4.2.1-12 for every cookie exchange
            let record = DTLSRecord(contentType: .handshake, version: DTLSRecord.version10, epoch: 0,
                                    sequenceNumber: recordSequence, fragment: body.fragments(maximum: .max)[0].encoded)
            outgoing.append(record.encoded)
            nextReceiveSequence = message.messageSequence &+ 1
            reassembly = DTLSReassembler()
            return
        }
        // spec: RFC6347-4.2.1-13 from here the server keeps state; its message_seq follows the ClientHello's
        nextSendSequence = message.messageSequence
        nextReceiveSequence = message.messageSequence &+ 1
        clientHello = hello
        clientRandom = hello.random
        // spec: RFC5246-7.4.1.2-3 suites we do not know or want are ignored; we pick by our preference
        let ecdsaSuites = configuration.cipherSuites.filter(\.isECDSA)   // our certificate is ECDSA
        guard let chosen = ecdsaSuites.first(where: { hello.cipherSuites.contains($0.rawValue) }) else {
            throw .handshakeFailure("no cipher suite in common (offered \(hello.cipherSuites.map { String($0, radix: 16) }))")
        }
        // spec: RFC8261-5-2 the server always answers with the null compression method
        guard hello.compressionMethods.contains(0) else { throw .handshakeFailure("null compression not offered") }
        let offeredGroups = (hello.extensions.first(DTLSExtensionType.supportedGroups).flatMap { try? DTLSExtension.uint16List($0.data, field: "named group") })
            ?? [DTLSNamedGroup.secp256r1.rawValue]
        guard let chosenGroup = configuration.groups.first(where: { offeredGroups.contains($0.rawValue) }) else {
            throw .handshakeFailure("no group in common (offered \(offeredGroups))")
        }
        if let algorithms = hello.extensions.first(DTLSExtensionType.signatureAlgorithms),
           let schemes = try? DTLSExtension.uint16List(algorithms.data, field: "signature scheme"),
           !schemes.contains(DTLSSignatureScheme.ecdsaSecp256r1SHA256.rawValue) {
            throw .handshakeFailure("client does not accept ecdsa_secp256r1_sha256 signatures")
        }
        let extendedMasterSecret = hello.extensions.first(DTLSExtensionType.extendedMasterSecret) != nil
        // spec: RFC7627-5.2-3 a client without Extended Master Secret is refused (configurable, refusing by default)
        // spec: RFC7627-4-1 handshakes without the extended master secret are not accepted
        guard extendedMasterSecret || !configuration.requireExtendedMasterSecret else {
            throw .handshakeFailure("client does not offer Extended Master Secret (RFC 7627)")
        }
        guard extendedMasterSecret else { throw .handshakeFailure("handshakes without Extended Master Secret are not supported") }
        var extensions: [DTLSExtension] = [
            // spec: RFC7627-5.2-2 the server echoes extended_master_secret
            DTLSExtension(type: DTLSExtensionType.extendedMasterSecret, data: []),
            DTLSExtension(type: DTLSExtensionType.renegotiationInfo, data: [0]),
        ]
        if hello.extensions.first(DTLSExtensionType.ecPointFormats) != nil {
            extensions.append(DTLSExtension(type: DTLSExtensionType.ecPointFormats, data: [1, 0]))
        }
        if let srtp = hello.extensions.first(DTLSExtensionType.useSRTP), let offer = try? DTLSExtension.srtpProfiles(srtp.data) {
            // spec: RFC5764-4.1.1-4 only a profile the client offered is chosen
            // spec: RFC5764-4.1.1-5 without a shared profile, use_srtp is left out
            if let profile = configuration.srtpProfiles.first(where: { offer.profiles.contains($0) }) {
                // spec: RFC5764-4.1.1-2 the server answers with its own use_srtp
                // spec: RFC5764-4.1.1-3 holding the single chosen profile
                extensions.append(DTLSExtension.useSRTP([profile]))
                srtpProfile = profile
            }
        }
        suite = chosen
        group = chosenGroup
        // spec: RFC5246-7.4.1.3-1 the server random is generated independently
        serverRandom = randomBytes(32)
        transcript = message.transcriptBytes

        var flight: [FlightItem] = []
        let serverHello = DTLSServerHello(random: serverRandom, sessionID: [], cipherSuite: suite.rawValue, extensions: extensions)
        flight.append(.handshake(DTLSHandshakeMessage(type: .serverHello, messageSequence: takeSequence(), body: serverHello.encoded), epoch: 0))
        flight.append(.handshake(DTLSHandshakeMessage(type: .certificate, messageSequence: takeSequence(),
                                                      body: DTLSCertificateMessage(chain: [configuration.certificate.derEncoded]).encoded), epoch: 0))
        let publicKey = makeEphemeralKey()
        var exchange = DTLSServerKeyExchange(group: group.rawValue, publicKey: publicKey, signatureScheme: DTLSSignatureScheme.ecdsaSecp256r1SHA256.rawValue, signature: [])
        exchange.signature = try sign(clientRandom + serverRandom + exchange.parameters).signature
        flight.append(.handshake(DTLSHandshakeMessage(type: .serverKeyExchange, messageSequence: takeSequence(), body: exchange.encoded), epoch: 0))
        if configuration.requireClientCertificate {
            let request = DTLSCertificateRequest(certificateTypes: [64, 1],   // ecdsa_sign, rsa_sign
                                                 signatureSchemes: [DTLSSignatureScheme.ecdsaSecp256r1SHA256.rawValue, DTLSSignatureScheme.rsaPSSRSAESHA256.rawValue,
                                                                    DTLSSignatureScheme.rsaPKCS1SHA256.rawValue])
            flight.append(.handshake(DTLSHandshakeMessage(type: .certificateRequest, messageSequence: takeSequence(), body: request.encoded), epoch: 0))
        }
        flight.append(.handshake(DTLSHandshakeMessage(type: .serverHelloDone, messageSequence: takeSequence(), body: []), epoch: 0))
        for case let .handshake(item, _) in flight { transcript += item.transcriptBytes }
        expected = configuration.requireClientCertificate ? .clientCertificate : .clientKeyExchange
        sendFlight(flight, now: now, expectsAnswer: true)
    }

    private mutating func handleClientKeyExchange(_ message: DTLSHandshakeMessage) throws(DTLSError) {
        let point = try DTLSClientKeyExchange.parse(message.body)
        let shared = try sharedSecret(peer: point)
        transcript += message.transcriptBytes
        deriveKeys(preMasterSecret: shared)
        expected = configuration.requireClientCertificate ? .certificateVerify : .clientFinished
    }

    private mutating func handleCertificateVerify(_ message: DTLSHandshakeMessage) throws(DTLSError) {
        let signed = try DTLSSignedData(parsing: message.body)
        try verify(signature: signed.signature, scheme: signed.scheme, message: transcript, what: "CertificateVerify")
        transcript += message.transcriptBytes
        expected = .clientFinished
    }

    // MARK: Finished

    private mutating func handleFinished(_ message: DTLSHandshakeMessage, now: Duration) throws(DTLSError) {
        guard let keys, readProtection != nil else { throw .unexpectedMessage("Finished before ChangeCipherSpec") }
        let peerIsClient = configuration.role == .server
        let expectedData = keys.finished(client: peerIsClient, transcript: transcript)
        // spec: RFC5246-7.4.9-1 the Finished contents are verified
        // spec: RFC6347-4.2.6-1 over the messages as if each were one fragment
        guard ConstantTime.equals(expectedData, message.body) else { throw .badFinished }
        transcript += message.transcriptBytes
        if configuration.role == .server {
            installWriteKeys()
            let finished = DTLSHandshakeMessage(type: .finished, messageSequence: takeSequence(),
                                                body: keys.finished(client: false, transcript: transcript))
            transcript += finished.transcriptBytes
            // The server's last flight is resent only when the client's arrives again.
            sendFlight([.changeCipherSpec, .handshake(finished, epoch: 1)], now: now, expectsAnswer: false)
        }
        nextTimeout = nil
        expected = .none
        state = .connected
        events.append(.connected(DTLSConnectionInfo(cipherSuite: suite, group: group, srtpProfile: srtpProfile, peerCertificate: peerCertificate)))
    }

    // MARK: Keys and signatures

    private mutating func makeEphemeralKey() -> [UInt8] {
        switch group {
        case .x25519:
            ephemeralPrivateKey = randomBytes(32)
            return (try? X25519.publicKey(privateKey: ephemeralPrivateKey)) ?? []
        case .secp256r1:
            while true {
                ephemeralPrivateKey = randomBytes(32)
                if let key = try? P256KeyAgreement.publicKey(privateKey: ephemeralPrivateKey) { return key }
            }
        }
    }

    private func sharedSecret(peer: [UInt8]) throws(DTLSError) -> [UInt8] {
        do {
            switch group {
            case .x25519: return try X25519.sharedSecret(privateKey: ephemeralPrivateKey, peerPublicKey: peer)
            case .secp256r1: return try P256KeyAgreement.sharedSecret(privateKey: ephemeralPrivateKey, peerPublicKey: peer)
            }
        } catch {
            throw .handshakeFailure("invalid peer key share: \(error)")
        }
    }

    private mutating func agree(peer: [UInt8]) throws(DTLSError) -> (publicKey: [UInt8], shared: [UInt8]) {
        let publicKey = makeEphemeralKey()
        return (publicKey, try sharedSecret(peer: peer))
    }

    private mutating func deriveKeys(preMasterSecret: [UInt8]) {
        let schedule = DTLSKeySchedule(suite: suite, preMasterSecret: preMasterSecret, transcriptThroughClientKeyExchange: transcript,
                                       clientRandom: clientRandom, serverRandom: serverRandom)
        keys = schedule
        if configuration.keyLog { events.append(.keyLog(schedule.keyLogLine)) }
    }

    private mutating func installWriteKeys() {
        guard let keys else { return }
        let block = keys.keyBlock()
        let client = configuration.role == .client
        writeProtection = DTLSRecordProtection(key: client ? block.clientKey : block.serverKey, salt: client ? block.clientIV : block.serverIV)
    }

    /// An ECDSA P-256 / SHA-256 signature with our key (DER, as TLS carries it).
    private func sign(_ message: [UInt8]) throws(DTLSError) -> DTLSSignedData {
        do {
            let signature = try P256Signing.signature(for: message, privateKey: configuration.privateKey)
            return DTLSSignedData(scheme: DTLSSignatureScheme.ecdsaSecp256r1SHA256.rawValue, signature: signature.derRepresentation)
        } catch {
            throw .handshakeFailure("cannot sign with the configured key: \(error)")
        }
    }

    private func verify(signature: [UInt8], scheme: UInt16, message: [UInt8], what: String) throws(DTLSError) {
        guard let certificate = peerCertificate else { throw .unexpectedMessage("\(what) before Certificate") }
        let valid: Bool
        switch (certificate.publicKey, DTLSSignatureScheme(rawValue: scheme)) {
        case let (.p256(key), .ecdsaSecp256r1SHA256?):
            valid = (try? ECDSASignature(derRepresentation: signature)).map { P256Signing.isValid($0, for: message, publicKey: key) } ?? false
        case let (.rsa(modulus, exponent), .rsaPKCS1SHA256?):
            valid = (try? RSAPublicKey(modulus: modulus, exponent: exponent))?.isValidPKCS1v15Signature(signature, for: message, hash: SHA256.self) ?? false
        case let (.rsa(modulus, exponent), .rsaPSSRSAESHA256?):
            valid = (try? RSAPublicKey(modulus: modulus, exponent: exponent))?.isValidPSSSignature(signature, for: message, hash: SHA256.self, saltLength: 32) ?? false
        default:
            throw .badSignature("\(what): scheme 0x\(String(scheme, radix: 16)) does not fit the peer's key")
        }
        guard valid else { throw .badSignature(what) }
    }

    // MARK: Sending

    private mutating func takeSequence() -> UInt16 {
        defer { nextSendSequence &+= 1 }
        return nextSendSequence
    }

    private mutating func sendFlight(_ flight: [FlightItem], now: Duration, expectsAnswer: Bool) {
        lastFlight = flight
        retransmissions = 0
        currentTimeout = configuration.initialRetransmissionTimeout
        transmit(flight)
        // spec: RFC6347-4.2.4.1-1 the retransmission timer starts at 1 s by default
        nextTimeout = expectsAnswer ? now + currentTimeout : nil
    }

    /// Records for the flight, packed into datagrams of at most the MTU.
    private mutating func transmit(_ flight: [FlightItem]) {
        var records: [[UInt8]] = []
        for item in flight {
            switch item {
            case .changeCipherSpec:
                records.append(record(type: .changeCipherSpec, payload: [1], epoch: 0))
            case let .handshake(message, epoch):
                // spec: RFC6347-4.2.3-1 fragments sized so each record fits one datagram
                let overhead = DTLSRecord.headerLength + (epoch == 1 ? DTLSRecordProtection.overhead : 0)
                for fragment in message.fragments(maximum: configuration.maximumTransmissionUnit - overhead) {
                    records.append(record(type: .handshake, payload: fragment.encoded, epoch: epoch))
                }
            }
        }
        var datagram: [UInt8] = []
        for record in records {
            // spec: RFC6347-4.1.1-1 records never straddle datagrams
            if !datagram.isEmpty, datagram.count + record.count > configuration.maximumTransmissionUnit {
                outgoing.append(datagram)
                datagram = []
            }
            datagram += record
        }
        if !datagram.isEmpty { outgoing.append(datagram) }
    }

    private mutating func record(type: DTLSContentType, payload: [UInt8], epoch: UInt16) -> [UInt8] {
        let sequence = writeSequence[Int(epoch)]
        // spec: RFC6347-4.1-6 the sequence number never wraps (2^48 records is far beyond a session)
        writeSequence[Int(epoch)] = sequence + 1
        if epoch == 1, let writeProtection {
            return writeProtection.sealRecord(payload, epoch: 1, sequence: sequence, type: type, version: DTLSRecord.version12)
        }
        return DTLSRecord(contentType: type, epoch: epoch, sequenceNumber: sequence, fragment: payload).encoded
    }

    private mutating func protectRecord(type: DTLSContentType, payload: [UInt8]) -> [UInt8] {
        record(type: type, payload: payload, epoch: writeProtection == nil ? 0 : 1)
    }

    private mutating func sendAlert(level: UInt8, description: UInt8) {
        outgoing.append(protectRecord(type: .alert, payload: [level, description]))
    }

    private mutating func fail(_ error: DTLSError, alert: UInt8?) {
        // spec: RFC5246-7.2.2-3 a fatal condition sends its alert before closing
        if let alert { sendAlert(level: 2, description: alert) }
        state = .failed
        nextTimeout = nil
        events.append(.failed(error))
    }

    static func alertFor(_ error: DTLSError) -> UInt8? {
        switch error {
        case .malformed, .recordOverflow: return 50              // decode_error
        case .unexpectedMessage: return 10                       // unexpected_message
        case .handshakeFailure: return 40                        // handshake_failure
        case .fingerprintMismatch, .badCertificate: return 42    // bad_certificate
        case .badSignature: return 51                            // decrypt_error
        case .badFinished: return 51                             // decrypt_error
        default: return nil
        }
    }

    private mutating func randomBytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let word = random.next()
            for shift in stride(from: 0, to: 64, by: 8) where bytes.count < count { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return bytes
    }

    /// The stateless cookie for a ClientHello: an HMAC over the fields the client must repeat.
    private func cookie(for hello: DTLSClientHello) -> [UInt8] {
        // spec: RFC6347-4.2.1-7 the cookie covers the ClientHello's parameters
        // spec: RFC6347-4.2.1-11 and is checked without per-client state
        var material = hello.random + hello.sessionID + [UInt8(hello.version >> 8), UInt8(hello.version & 0xff)]
        for suite in hello.cipherSuites { material += [UInt8(suite >> 8), UInt8(suite & 0xff)] }
        return Array(HMAC<SHA256>.authenticate(material, key: configuration.cookieSecret.isEmpty ? [0x5e] : configuration.cookieSecret).prefix(20))
    }
}
