import RTCCrypto
import Wire

/// A TLS 1.2 client over a byte stream (RFC 5246), sans-IO, built from the DTLS 1.2 pieces
/// that TLS shares (messages, key schedule with the extended master secret, AES-GCM record
/// protection): for TURN over TLS (RFC 8656 §3.1) and similar uses. ECDHE with AES-GCM only;
/// no client certificates, no resumption, no renegotiation.
///
/// The server's certificate is accepted when it matches a pinned certificate fingerprint;
/// path validation to a certificate authority and host-name checks are not implemented.
public struct TLSClient {
    /// What the client offers and accepts.
    public struct Configuration: Sendable {
        /// The server certificate's fingerprints; one must match (a pinned certificate).
        public var pinnedFingerprints: [Fingerprint]
        /// The host name for SNI (RFC 6066 §3), if any.
        public var serverName: String?
        public var cipherSuites: [DTLSCipherSuite] = [.ecdheECDSAWithAES128GCMSHA256, .ecdheECDSAWithAES256GCMSHA384, .ecdheRSAWithAES128GCMSHA256]
        public var groups: [DTLSNamedGroup] = [.x25519, .secp256r1]

        public init(pinnedFingerprints: [Fingerprint], serverName: String? = nil) {
            self.pinnedFingerprints = pinnedFingerprints
            self.serverName = serverName
        }
    }

    /// What the client reports.
    public enum Event: Sendable, Equatable {
        case connected(cipherSuite: DTLSCipherSuite, group: DTLSNamedGroup)
        /// Application data from the server.
        case data([UInt8])
        /// The server closed the connection (close_notify).
        case closed
        case failed(DTLSError)
    }

    public enum State: Sendable, Equatable { case idle, handshaking, connected, closed, failed }

    /// TLS 1.2 on the wire (RFC 5246 §6.2.1).
    public static let version12: UInt16 = 0x0303
    /// Largest plaintext fragment (2^14) and the most a protected record may add (RFC 5246 §6.2.3).
    static let maximumFragment = 16_384
    static let maximumRecord = 16_384 + 2_048

    public let configuration: Configuration
    public private(set) var state: State = .idle
    private var random: any RandomNumberGenerator
    private var outgoing = OutputQueue<[UInt8]>()
    private var events = OutputQueue<Event>()
    private var input: [UInt8] = []
    private var handshakeBuffer: [UInt8] = []
    private var transcript: [UInt8] = []
    private var clientRandom: [UInt8] = []
    private var serverRandom: [UInt8] = []
    private var suite: DTLSCipherSuite = .ecdheECDSAWithAES128GCMSHA256
    private var group: DTLSNamedGroup = .x25519
    private var certificate: X509Certificate?
    private var peerPublicKey: [UInt8] = []
    private var keys: DTLSKeySchedule?
    private var writeProtection: DTLSRecordProtection?
    private var readProtection: DTLSRecordProtection?
    private var writeSequence: UInt64 = 0
    private var readSequence: UInt64 = 0
    private var expected: Expected = .serverHello

    private enum Expected { case serverHello, certificate, serverKeyExchange, serverHelloDone, changeCipherSpec, finished, none }

    public init(configuration: Configuration, random: any RandomNumberGenerator) {
        self.configuration = configuration
        self.random = random
    }

    /// Sends the ClientHello.
    public mutating func start() {
        // spec: RFC8656-3.1-1 RFC 7525's guidance: TLS 1.2 only, ECDHE with AEAD suites, no
        // compression, no renegotiation, the extended master secret required
        // spec: RFC8489-6.2.3-4 forward-secret (ECDHE) suites only
        // spec: RFC8489-6.2.3-5 no DES or RC4 suites
        // spec: RFC8489-6.2.3-6 no TLS-level compression (null only)
        guard state == .idle else { return }
        state = .handshaking
        clientRandom = randomBytes(32)
        var extensions: [DTLSExtension] = [
            DTLSExtension.supportedGroups(configuration.groups),
            DTLSExtension(type: DTLSExtensionType.ecPointFormats, data: [1, 0]),
            DTLSExtension.signatureAlgorithms([.ecdsaSecp256r1SHA256, .rsaPSSRSAESHA256, .rsaPKCS1SHA256]),
            // spec: RFC7627-5.2-1 the client always sends extended_master_secret
            DTLSExtension(type: DTLSExtensionType.extendedMasterSecret, data: []),
            DTLSExtension(type: DTLSExtensionType.renegotiationInfo, data: [0]),
        ]
        if let name = configuration.serverName {
            // server_name (RFC 6066 §3): one host_name entry.
            let bytes = Array(name.utf8)
            let entry = [0] + [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xff)] + bytes
            extensions.insert(DTLSExtension(type: 0, data: [UInt8(entry.count >> 8), UInt8(entry.count & 0xff)] + entry), at: 0)
        }
        var writer = ByteWriter()
        writer.writeUInt16(Self.version12)
        writer.writeBytes(clientRandom)
        writer.writeUInt8(0)                                   // no session ID: no resumption
        writer.writeUInt16(UInt16(2 * configuration.cipherSuites.count))
        for suite in configuration.cipherSuites { writer.writeUInt16(suite.rawValue) }
        // spec: RFC5246-7.4.1.2-7 CompressionMethod.null is offered
        writer.writeUInt8(1); writer.writeUInt8(0)
        DTLSExtension.write(extensions, to: &writer)
        sendHandshake(.clientHello, writer.bytes)
    }

    /// Bytes for the stream to the server.
    public mutating func pollOutput() -> [UInt8]? { outgoing.popFirst() }
    public mutating func pollEvent() -> Event? { events.popFirst() }

    /// Sends application data (in records of at most 2^14 bytes).
    public mutating func send(_ data: [UInt8]) throws(DTLSError) {
        guard state == .connected else { throw .notConnected }
        var offset = 0
        repeat {
            // spec: RFC5246-6.2.1-2 no fragment longer than 2^14
            let end = min(offset + Self.maximumFragment, data.count)
            writeRecord(.applicationData, Array(data[offset..<end]))
            offset = end
        } while offset < data.count
    }

    /// Sends close_notify.
    public mutating func close() {
        guard state == .connected else { return }
        writeRecord(.alert, [1, 0])
        state = .closed
    }

    /// Bytes read from the stream (any piece of it).
    public mutating func receive(_ bytes: [UInt8]) {
        guard state == .handshaking || state == .connected else { return }
        input += bytes
        while input.count >= 5 {
            let length = Int(input[3]) << 8 | Int(input[4])
            // spec: RFC5246-6.2.3-1 a protected record is at most 2^14 + 2048 bytes
            guard length <= Self.maximumRecord else { return fail(.recordOverflow(length)) }
            guard input.count >= 5 + length else { break }
            let type = input[0], version = UInt16(input[1]) << 8 | UInt16(input[2])
            let fragment = Array(input[5..<5 + length])
            input.removeFirst(5 + length)
            do {
                try handleRecord(type: type, version: version, fragment: fragment)
            } catch {
                return fail(error)
            }
            guard state == .handshaking || state == .connected else { return }
        }
    }

    // MARK: Records

    private mutating func handleRecord(type rawType: UInt8, version: UInt16, fragment: [UInt8]) throws(DTLSError) {
        guard let type = DTLSContentType(rawValue: rawType) else { throw .unexpectedContentType(rawType) }
        guard version >> 8 == 0x03 else { throw .unsupportedVersion(version) }
        var plaintext = fragment
        if let readProtection {
            guard let opened = readProtection.open(fragment, epoch: 0, sequence: readSequence, type: type, version: version) else {
                throw .handshakeFailure("a record did not authenticate (bad_record_mac)")
            }
            readSequence += 1
            plaintext = opened
        }
        switch type {
        case .handshake:
            handshakeBuffer += plaintext
            while handshakeBuffer.count >= 4 {
                let length = Int(handshakeBuffer[1]) << 16 | Int(handshakeBuffer[2]) << 8 | Int(handshakeBuffer[3])
                guard length <= 65_536 else { throw .recordOverflow(length) }
                guard handshakeBuffer.count >= 4 + length else { break }
                let message = Array(handshakeBuffer[..<(4 + length)])
                handshakeBuffer.removeFirst(4 + length)
                try handleHandshake(type: message[0], message: message)
            }
        case .changeCipherSpec:
            guard expected == .changeCipherSpec, plaintext == [1], let keys else { throw .unexpectedMessage("ChangeCipherSpec") }
            let block = keys.keyBlock()
            readProtection = DTLSRecordProtection(key: block.serverKey, salt: block.serverIV)
            readSequence = 0
            expected = .finished
        case .alert:
            guard plaintext.count == 2 else { throw .unexpectedMessage("alert of \(plaintext.count) bytes") }
            if plaintext[1] == 0 {
                // spec: RFC5246-7.2.1-1 a close_notify is answered with our own
                if state == .connected { writeRecord(.alert, [1, 0]) }
                state = .closed
                events.append(.closed)
                return
            }
            throw .alertReceived(level: plaintext[0], description: plaintext[1])
        case .applicationData:
            guard state == .connected else { throw .unexpectedMessage("application data before the handshake completed") }
            events.append(.data(plaintext))
        }
    }

    private mutating func writeRecord(_ type: DTLSContentType, _ plaintext: [UInt8]) {
        var fragment = plaintext
        if let writeProtection {
            fragment = writeProtection.seal(plaintext, epoch: 0, sequence: writeSequence, type: type, version: Self.version12)
            writeSequence += 1
        }
        outgoing.append([type.rawValue, UInt8(Self.version12 >> 8), UInt8(Self.version12 & 0xff),
                         UInt8(fragment.count >> 8), UInt8(fragment.count & 0xff)] + fragment)
    }

    private mutating func sendHandshake(_ type: DTLSHandshakeType, _ body: [UInt8]) {
        let message = [type.rawValue, UInt8(body.count >> 16), UInt8(body.count >> 8 & 0xff), UInt8(body.count & 0xff)] + body
        transcript += message
        writeRecord(.handshake, message)
    }

    // MARK: Handshake

    private mutating func handleHandshake(type: UInt8, message: [UInt8]) throws(DTLSError) {
        let body = Array(message[4...])
        switch (expected, DTLSHandshakeType(rawValue: type)) {
        case (.serverHello, .serverHello?):
            let hello = try DTLSServerHello(parsing: body)
            guard hello.version == Self.version12 else { throw .handshakeFailure("server chose version 0x\(String(hello.version, radix: 16))") }
            guard let chosen = DTLSCipherSuite(rawValue: hello.cipherSuite), configuration.cipherSuites.contains(chosen) else {
                throw .handshakeFailure("server chose cipher suite 0x\(String(hello.cipherSuite, radix: 16)), which was not offered")
            }
            guard hello.compressionMethod == 0 else { throw .handshakeFailure("compression method \(hello.compressionMethod)") }
            let offered: Set<UInt16> = [0, DTLSExtensionType.ecPointFormats, DTLSExtensionType.extendedMasterSecret, DTLSExtensionType.renegotiationInfo]
            for item in hello.extensions where !offered.contains(item.type) {
                // spec: RFC5246-7.4.1.4-2 an extension we did not offer aborts the handshake
                throw .handshakeFailure("unsolicited extension \(item.type) in ServerHello")
            }
            guard hello.extensions.first(DTLSExtensionType.extendedMasterSecret) != nil else {
                // spec: RFC7627-5.2-5 a server without the extended master secret is refused
                throw .handshakeFailure("server does not use Extended Master Secret (RFC 7627)")
            }
            suite = chosen
            serverRandom = hello.random
            expected = .certificate
        case (.certificate, .certificate?):
            let chain = try DTLSCertificateMessage(parsing: body).chain
            guard let first = chain.first else { throw .badCertificate("the server sent no certificate") }
            let leaf: X509Certificate
            do { leaf = try X509Certificate(derEncoded: first) } catch { throw .badCertificate("\(error)") }
            // spec: RFC8489-6.2.3-10 the server's identity: its certificate must be the pinned one
            guard configuration.pinnedFingerprints.contains(where: { $0.matches(leaf) }) else {
                let algorithm = configuration.pinnedFingerprints.first?.algorithm ?? .sha256
                throw .fingerprintMismatch(expected: configuration.pinnedFingerprints, actual: leaf.fingerprint(algorithm))
            }
            certificate = leaf
            expected = .serverKeyExchange
        case (.serverKeyExchange, .serverKeyExchange?):
            let exchange = try DTLSServerKeyExchange(parsing: body)
            guard let chosen = DTLSNamedGroup(rawValue: exchange.group), configuration.groups.contains(chosen) else {
                throw .handshakeFailure("server chose group 0x\(String(exchange.group, radix: 16))")
            }
            // spec: RFC5246-7.4.3-4 the signature scheme must fit the certificate's key (checked in verify)
            try verify(signature: exchange.signature, scheme: exchange.signatureScheme, message: clientRandom + serverRandom + exchange.parameters)
            group = chosen
            peerPublicKey = exchange.publicKey
            expected = .serverHelloDone
        case (.serverHelloDone, .certificateRequest?):
            throw .handshakeFailure("the server asks for a client certificate, which this client does not have")
        case (.serverHelloDone, .serverHelloDone?):
            transcript += message
            try sendClientFlight()
            return
        case (.finished, .finished?):
            guard let keys else { throw .unexpectedMessage("Finished before the keys") }
            // spec: RFC5246-7.4.9-1 the Finished contents are verified
            guard ConstantTime.equals(keys.finished(client: false, transcript: transcript), body) else { throw .badFinished }
            transcript += message
            expected = .none
            state = .connected
            events.append(.connected(cipherSuite: suite, group: group))
            return
        case (.none, .helloRequest?):
            // Renegotiation is refused with a warning no_renegotiation (RFC 5246 §7.2.2).
            writeRecord(.alert, [1, 100])
            return
        default:
            throw .unexpectedMessage("handshake message \(type) while expecting \(expected)")
        }
        transcript += message
    }

    private mutating func sendClientFlight() throws(DTLSError) {
        var privateKey: [UInt8] = []
        var publicKey: [UInt8] = []
        let shared: [UInt8]
        do {
            switch group {
            case .x25519:
                privateKey = randomBytes(32)
                publicKey = try X25519.publicKey(privateKey: privateKey)
                shared = try X25519.sharedSecret(privateKey: privateKey, peerPublicKey: peerPublicKey)
            case .secp256r1:
                repeat {
                    privateKey = randomBytes(32)
                } while (try? P256KeyAgreement.publicKey(privateKey: privateKey)) == nil
                publicKey = try P256KeyAgreement.publicKey(privateKey: privateKey)
                shared = try P256KeyAgreement.sharedSecret(privateKey: privateKey, peerPublicKey: peerPublicKey)
            }
        } catch {
            throw .handshakeFailure("invalid server key share: \(error)")
        }
        sendHandshake(.clientKeyExchange, DTLSClientKeyExchange.encode(publicKey))
        // spec: RFC7627-4-1 the master secret from the session hash (the transcript through ClientKeyExchange)
        let schedule = DTLSKeySchedule(suite: suite, preMasterSecret: shared, transcriptThroughClientKeyExchange: transcript,
                                       clientRandom: clientRandom, serverRandom: serverRandom)
        keys = schedule
        writeRecord(.changeCipherSpec, [1])
        let block = schedule.keyBlock()
        writeProtection = DTLSRecordProtection(key: block.clientKey, salt: block.clientIV)
        writeSequence = 0
        sendHandshake(.finished, schedule.finished(client: true, transcript: transcript))
        expected = .changeCipherSpec
    }

    private func verify(signature: [UInt8], scheme: UInt16, message: [UInt8]) throws(DTLSError) {
        guard let certificate else { throw .unexpectedMessage("ServerKeyExchange before Certificate") }
        let valid: Bool
        switch (certificate.publicKey, DTLSSignatureScheme(rawValue: scheme)) {
        case let (.p256(key), .ecdsaSecp256r1SHA256?):
            valid = (try? ECDSASignature(derRepresentation: signature)).map { P256Signing.isValid($0, for: message, publicKey: key) } ?? false
        case let (.rsa(modulus, exponent), .rsaPKCS1SHA256?):
            valid = (try? RSAPublicKey(modulus: modulus, exponent: exponent))?.isValidPKCS1v15Signature(signature, for: message, hash: SHA256.self) ?? false
        case let (.rsa(modulus, exponent), .rsaPSSRSAESHA256?):
            valid = (try? RSAPublicKey(modulus: modulus, exponent: exponent))?.isValidPSSSignature(signature, for: message, hash: SHA256.self, saltLength: 32) ?? false
        default:
            throw .badSignature("ServerKeyExchange: scheme 0x\(String(scheme, radix: 16)) does not fit the server's key")
        }
        guard valid else { throw .badSignature("ServerKeyExchange") }
    }

    private mutating func fail(_ error: DTLSError) {
        guard state == .handshaking || state == .connected else { return }
        if let alert = DTLSConnection.alertFor(error) { writeRecord(.alert, [2, alert]) }
        state = .failed
        events.append(.failed(error))
    }

    private mutating func randomBytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            var value = random.next()
            for _ in 0..<8 where bytes.count < count {
                bytes.append(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }
        return bytes
    }
}
