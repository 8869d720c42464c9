import RTCCrypto

/// libFuzzer entry: random keys, nonces and data through RTCCrypto's paths (both backends), checking the
/// properties that must hold whatever the input: streaming equals one-shot hashing, the portable and
/// hardware paths agree (AES-GCM, SHA-1, SHA-256, HMAC-SHA1), GCM opens what it sealed and refuses a
/// flipped bit, X25519 agreement is symmetric, and parsers of peer input (DER signatures,
/// certificates, public keys, fingerprints) throw instead of trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCrypto(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 64 else {
        _ = try? ECDSASignature(derRepresentation: bytes)
        _ = try? X509Certificate(derEncoded: bytes)
        return 0
    }
    let key = Array(bytes[0..<32]), nonce = Array(bytes[32..<44]), body = Array(bytes[44...])
    let split = Int(bytes[0]) % (body.count + 1)

    var streamed = SHA256()
    streamed.update(body[..<split])
    streamed.update(body[split...])
    precondition(streamed.finalize() == SHA256.hash(body), "streaming SHA-256 differs")

    // Every hash backend (portable, and SHA-NI when built with the trait on a CPU that has it)
    // gives the same SHA-1, SHA-256 and HMAC-SHA1, streamed or in one call.
    let shaBackends = CryptoBackend.available(for: .sha)
    func streamedDigest<H: HashFunction>(_: H.Type, _ backend: CryptoBackend) -> [UInt8] {
        var hasher = H(backend: backend)
        hasher.update(body[..<split])
        hasher.update(body[split...])
        return hasher.finalize()
    }
    let sha1 = SHA1.hash(body, backend: .portable), sha256 = SHA256.hash(body, backend: .portable)
    let mac = HMAC<SHA1>.authenticate(body, key: key, backend: .portable)
    for backend in shaBackends {
        precondition(SHA1.hash(body, backend: backend) == sha1 && streamedDigest(SHA1.self, backend) == sha1, "SHA-1 backends disagree")
        precondition(SHA256.hash(body, backend: backend) == sha256 && streamedDigest(SHA256.self, backend) == sha256, "SHA-256 backends disagree")
        precondition(HMAC<SHA1>.authenticate(body, key: key, backend: backend) == mac, "HMAC-SHA1 backends disagree")
    }

    // Every backend (portable, and AES-NI/PCLMULQDQ when built with the trait) gives the same bytes.
    let sealedByBackend = CryptoBackend.available(for: .aes).map {
        try! AESGCM(key: Array(key[0..<16]), backend: $0).seal(body, nonce: nonce, aad: Array(key[16...]))
    }
    precondition(sealedByBackend.allSatisfy { $0 == sealedByBackend[0] }, "backends disagree")
    let gcm = try! AESGCM(key: Array(key[0..<16]))
    let sealed = try! gcm.seal(body, nonce: nonce, aad: Array(key[16...]))
    precondition((try? gcm.open(sealed.ciphertext, tag: sealed.tag, nonce: nonce, aad: Array(key[16...]))) == body, "GCM round trip")
    if !sealed.ciphertext.isEmpty {
        var tampered = sealed.ciphertext
        tampered[split % tampered.count] ^= 1
        precondition((try? gcm.open(tampered, tag: sealed.tag, nonce: nonce, aad: Array(key[16...]))) == nil, "GCM accepted a flipped bit")
    }

    let other = Array(bytes[(bytes.count - 32)...])
    if let a = try? X25519.publicKey(privateKey: key), let b = try? X25519.publicKey(privateKey: other),
       let ab = try? X25519.sharedSecret(privateKey: key, peerPublicKey: b) {
        precondition((try? X25519.sharedSecret(privateKey: other, peerPublicKey: a)) == ab, "X25519 asymmetric")
    }
    _ = try? P256KeyAgreement.sharedSecret(privateKey: key, peerPublicKey: [0x04] + Array(body.prefix(64)))
    _ = try? ECDSASignature(derRepresentation: body)
    _ = try? X509Certificate(derEncoded: body)
    _ = try? Fingerprint(sdpValue: String(decoding: body, as: UTF8.self))
    if let rsa = try? RSAPublicKey(modulus: body, exponent: [1, 0, 1]) {
        _ = rsa.isValidPKCS1v15Signature(body, for: key, hash: SHA256.self)
        _ = rsa.isValidPSSSignature(body, for: key, hash: SHA256.self)
    }
    return 0
}
