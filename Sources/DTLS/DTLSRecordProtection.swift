import RTCCrypto

/// AES-GCM record protection for one direction of one epoch (RFC 5288 §3, RFC 6347 §4.1.2.1):
/// nonce = implicit 4-byte salt ‖ explicit 8 bytes (epoch ‖ sequence number here), AAD =
/// epoch ‖ seq ‖ type ‖ version ‖ plaintext length.
struct DTLSRecordProtection: Sendable {
    private let gcm: AESGCM
    private let salt: [UInt8]
    static let overhead = 8 + 16

    init(key: [UInt8], salt: [UInt8]) {
        // Keys come from the key block with the suite's length, which AES accepts.
        gcm = try! AESGCM(key: key)
        self.salt = salt
    }

    /// epoch ‖ seq ‖ type ‖ version ‖ length, as the AEAD additional data.
    private static func aad(epoch: UInt16, sequence: UInt64, type: DTLSContentType, version: UInt16, length: Int) -> (UInt64, UInt32, UInt8) {
        (UInt64(epoch) << 48 | (sequence & 0xffff_ffff_ffff), UInt32(type.rawValue) << 24 | UInt32(version) << 8 | UInt32(length >> 8), UInt8(length & 0xff))
    }

    /// The nonce: the 4-byte implicit salt, then the explicit 8 bytes (epoch ‖ seq).
    private func nonce(_ explicit: UInt64) -> (high: UInt64, low: UInt32) {
        let saltWord = UInt32(salt[0]) << 24 | UInt32(salt[1]) << 16 | UInt32(salt[2]) << 8 | UInt32(salt[3])
        return (UInt64(saltWord) << 32 | explicit >> 32, UInt32(truncatingIfNeeded: explicit))
    }

    /// The protected fragment for a plaintext record: explicit nonce, ciphertext, tag.
    func seal(_ plaintext: [UInt8], epoch: UInt16, sequence: UInt64, type: DTLSContentType, version: UInt16) -> [UInt8] {
        Array(sealRecord(plaintext, epoch: epoch, sequence: sequence, type: type, version: version).dropFirst(DTLSRecord.headerLength))
    }

    /// A whole protected record (header, explicit nonce, ciphertext, tag) built in one buffer
    /// and encrypted in place: the application-data path copies the payload once.
    func sealRecord(_ plaintext: [UInt8], epoch: UInt16, sequence: UInt64, type: DTLSContentType, version: UInt16) -> [UInt8] {
        let (explicit, middle, last) = DTLSRecordProtection.aad(epoch: epoch, sequence: sequence, type: type, version: version, length: plaintext.count)
        let header = DTLSRecord.headerLength
        let fragmentLength = 8 + plaintext.count + 16
        var record = [UInt8](unsafeUninitializedCapacity: header + fragmentLength) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            // Header: type, version, epoch ‖ sequence (the explicit nonce too), length.
            raw[0] = type.rawValue
            raw.storeBytes(of: version.bigEndian, toByteOffset: 1, as: UInt16.self)
            raw.storeBytes(of: explicit.bigEndian, toByteOffset: 3, as: UInt64.self)
            raw.storeBytes(of: UInt16(fragmentLength).bigEndian, toByteOffset: 11, as: UInt16.self)
            raw.storeBytes(of: explicit.bigEndian, toByteOffset: header, as: UInt64.self)
            plaintext.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: raw[(header + 8)..<(header + 8 + plaintext.count)]).copyMemory(from: $0) }
            count = header + fragmentLength
        }
        record.withUnsafeMutableBytes { buffer in
            withUnsafeBytes(of: (explicit.bigEndian, middle.bigEndian, last)) { aadTuple in
                // The tuple's 13 meaningful bytes are contiguous: 8 + 4 + 1.
                let aad = UnsafeRawBufferPointer(rebasing: aadTuple[0..<13])
                let start = header + 8
                try? gcm.seal(inPlace: UnsafeMutableRawBufferPointer(rebasing: buffer[start..<(start + plaintext.count)]), nonce: nonce(explicit),
                              aad: aad, tag: UnsafeMutableRawBufferPointer(rebasing: buffer[(start + plaintext.count)...]))
            }
        }
        return record
    }

    /// The plaintext of a protected fragment, or nil when it does not authenticate.
    func open(_ fragment: [UInt8], epoch: UInt16, sequence: UInt64, type: DTLSContentType, version: UInt16) -> [UInt8]? {
        open(fragment[...], epoch: epoch, sequence: sequence, type: type, version: version)
    }

    /// ``open(_:epoch:sequence:type:version:)`` for a fragment still inside its datagram.
    func open(_ fragment: ArraySlice<UInt8>, epoch: UInt16, sequence: UInt64, type: DTLSContentType, version: UInt16) -> [UInt8]? {
        guard fragment.count >= DTLSRecordProtection.overhead else { return nil }
        let length = fragment.count - DTLSRecordProtection.overhead
        let start = fragment.startIndex
        var explicitNonce: UInt64 = 0
        for i in 0..<8 { explicitNonce = explicitNonce << 8 | UInt64(fragment[start + i]) }
        let (header, middle, last) = DTLSRecordProtection.aad(epoch: epoch, sequence: sequence, type: type, version: version, length: length)
        var plaintext = Array(fragment[(start + 8)..<(start + 8 + length)])
        let authentic = plaintext.withUnsafeMutableBytes { data in
            fragment.withUnsafeBytes { bytes in
                withUnsafeBytes(of: (header.bigEndian, middle.bigEndian, last)) { aadBytes in
                    (try? gcm.open(inPlace: data, nonce: nonce(explicitNonce), aad: UnsafeRawBufferPointer(rebasing: aadBytes[0..<13]),
                                   tag: UnsafeRawBufferPointer(rebasing: bytes[(8 + length)...]))) != nil
                }
            }
        }
        return authentic ? plaintext : nil
    }
}

/// The record replay window of one epoch (RFC 6347 §4.1.2.6): 64 records.
// spec: RFC6347-4.1.2.6-1 the sliding-window check of ESP
struct DTLSReplayWindow: Sendable {
    private var highest: UInt64?
    private var bits: UInt64 = 0   // bit i: highest − i received

    // spec: RFC6347-4.1.2.6-5 a 64-record window, the preferred default
    static let size: UInt64 = 64

    func isFresh(_ sequence: UInt64) -> Bool {
        guard let highest else { return true }
        if sequence > highest { return true }
        let age = highest - sequence
        // spec: RFC6347-4.1.2.6-3 a duplicate or too-old sequence number is rejected
        return age < DTLSReplayWindow.size && bits & (1 << age) == 0
    }

    mutating func accept(_ sequence: UInt64) {
        guard let current = highest else { highest = sequence; bits = 1; return }
        if sequence > current {
            let shift = sequence - current
            bits = shift >= 64 ? 1 : (bits << shift) | 1
            highest = sequence
        } else {
            bits |= 1 << (current - sequence)
        }
    }
}
