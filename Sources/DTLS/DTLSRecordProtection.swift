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

    private static func aad(epoch: UInt16, sequence: UInt64, type: DTLSContentType, version: UInt16, length: Int) -> [UInt8] {
        var bytes = [UInt8(epoch >> 8), UInt8(epoch & 0xff)]
        for shift in stride(from: 40, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: sequence >> UInt64(shift))) }
        bytes += [type.rawValue, UInt8(version >> 8), UInt8(version & 0xff), UInt8(length >> 8), UInt8(length & 0xff)]
        return bytes
    }

    /// The protected fragment for a plaintext record.
    func seal(_ plaintext: [UInt8], epoch: UInt16, sequence: UInt64, type: DTLSContentType, version: UInt16) -> [UInt8] {
        let explicit = Array(DTLSRecordProtection.aad(epoch: epoch, sequence: sequence, type: type, version: version, length: 0).prefix(8))
        let sealed = try! gcm.seal(plaintext, nonce: salt + explicit,
                                   aad: DTLSRecordProtection.aad(epoch: epoch, sequence: sequence, type: type, version: version, length: plaintext.count))
        return explicit + sealed.ciphertext + sealed.tag
    }

    /// The plaintext of a protected fragment, or nil when it does not authenticate.
    func open(_ fragment: [UInt8], epoch: UInt16, sequence: UInt64, type: DTLSContentType, version: UInt16) -> [UInt8]? {
        guard fragment.count >= DTLSRecordProtection.overhead else { return nil }
        let explicit = Array(fragment[0..<8])
        let ciphertext = Array(fragment[8..<(fragment.count - 16)])
        let tag = Array(fragment[(fragment.count - 16)...])
        let aad = DTLSRecordProtection.aad(epoch: epoch, sequence: sequence, type: type, version: version, length: ciphertext.count)
        return try? gcm.open(ciphertext, tag: tag, nonce: salt + explicit, aad: aad)
    }
}

/// The record replay window of one epoch (RFC 6347 §4.1.2.6): 64 records.
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
