import RTCCrypto

/// The TLS 1.2 key schedule for the negotiated suite: extended master secret (RFC 7627 §4),
/// key block (RFC 5246 §6.3), Finished (RFC 5246 §7.4.9) and exporters (RFC 5705 §4).
struct DTLSKeySchedule: Sendable {
    let suite: DTLSCipherSuite
    let masterSecret: [UInt8]
    let clientRandom: [UInt8]
    let serverRandom: [UInt8]

    static func hash(_ data: [UInt8], suite: DTLSCipherSuite) -> [UInt8] {
        suite.usesSHA384 ? SHA384.hash(data) : SHA256.hash(data)
    }

    // spec: RFC7627-6.2-1 the session hash and PRF use SHA-256 or SHA-384, never MD5 or SHA-1
    static func prf(_ suite: DTLSCipherSuite, secret: [UInt8], label: String, seed: [UInt8], length: Int) -> [UInt8] {
        suite.usesSHA384 ? TLSPRF<SHA384>.derive(secret: secret, label: label, seed: seed, length: length)
            : TLSPRF<SHA256>.derive(secret: secret, label: label, seed: seed, length: length)
    }

    /// master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47],
    /// session_hash the hash of the transcript through ClientKeyExchange.
    init(suite: DTLSCipherSuite, preMasterSecret: [UInt8], transcriptThroughClientKeyExchange: [UInt8],
         clientRandom: [UInt8], serverRandom: [UInt8]) {
        self.suite = suite
        self.clientRandom = clientRandom
        self.serverRandom = serverRandom
        // spec: RFC7627-5.1-1 with the extension agreed, the master secret is the extended one
        let sessionHash = DTLSKeySchedule.hash(transcriptThroughClientKeyExchange, suite: suite)
        masterSecret = DTLSKeySchedule.prf(suite, secret: preMasterSecret, label: "extended master secret", seed: sessionHash, length: 48)
    }

    /// A schedule from a known master secret (tests that play a man in the middle with a key log).
    init(suite: DTLSCipherSuite, masterSecret: [UInt8], clientRandom: [UInt8], serverRandom: [UInt8]) {
        self.suite = suite
        self.masterSecret = masterSecret
        self.clientRandom = clientRandom
        self.serverRandom = serverRandom
    }

    /// Client and server write keys and implicit IVs (4 bytes for AES-GCM, RFC 5288 §3).
    func keyBlock() -> (clientKey: [UInt8], serverKey: [UInt8], clientIV: [UInt8], serverIV: [UInt8]) {
        let k = suite.keyLength
        let block = DTLSKeySchedule.prf(suite, secret: masterSecret, label: "key expansion", seed: serverRandom + clientRandom, length: 2 * k + 8)
        return (Array(block[0..<k]), Array(block[k..<(2 * k)]), Array(block[(2 * k)..<(2 * k + 4)]), Array(block[(2 * k + 4)..<(2 * k + 8)]))
    }

    /// verify_data for the client's or the server's Finished over `transcript`.
    func finished(client: Bool, transcript: [UInt8]) -> [UInt8] {
        // spec: RFC5246-7.4.9-2 the transcript hash is the PRF's hash
        DTLSKeySchedule.prf(suite, secret: masterSecret, label: client ? "client finished" : "server finished",
                            seed: DTLSKeySchedule.hash(transcript, suite: suite), length: 12)
    }

    /// RFC 5705 keying material: PRF(master, label, client_random ‖ server_random [‖ context length ‖ context]).
    func export(label: String, context: [UInt8]?, length: Int) -> [UInt8] {
        var seed = clientRandom + serverRandom
        if let context { seed += [UInt8(context.count >> 8), UInt8(context.count & 0xff)] + context }
        // spec: RFC5705-4-5 the context may be absent (DTLS-SRTP) or empty
        return DTLSKeySchedule.prf(suite, secret: masterSecret, label: label, seed: seed, length: length)
    }

    /// The NSS key log line (`CLIENT_RANDOM <client random> <master secret>`).
    var keyLogLine: String {
        "CLIENT_RANDOM \(clientRandom.map { hexByte($0) }.joined()) \(masterSecret.map { hexByte($0) }.joined())"
    }
}

private func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
}
