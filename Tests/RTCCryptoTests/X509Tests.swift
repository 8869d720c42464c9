import Foundation
import SpecTesting
import Testing
import Wire
@testable import RTCCrypto

@Suite struct X509Tests {
    static func certificate(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Vectors.directory + "/certificates/" + name)))
    }

    static func openSSLFingerprint(_ name: String) throws -> String {
        let line = try Vectors.text("certificates/fingerprints.txt").split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return String(try #require(line).split(separator: " ")[1])
    }

    /// Certificates made by OpenSSL: ECDSA v1 (no version field), ECDSA v3, RSA v3.
    @Test func parsesPeerCertificates() throws {
        let v1 = try X509Certificate(derEncoded: try Self.certificate("ecdsa-v1.der"))
        #expect(v1.version == 1)
        #expect(v1.serialNumber == [7])
        #expect(v1.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(v1.hasValidSelfSignature)
        #expect(v1.notAfter - v1.notBefore == 3650 * 86400)
        let v3 = try X509Certificate(derEncoded: try Self.certificate("ecdsa-v3.der"))
        #expect(v3.version == 3 && v3.hasValidSelfSignature)
        let rsa = try X509Certificate(derEncoded: try Self.certificate("rsa-v3.der"))
        #expect(rsa.signatureAlgorithm == .rsaWithSHA256)
        guard case .rsa(let modulus, let exponent) = rsa.publicKey else { Issue.record("not an RSA key"); return }
        #expect(exponent == [0x01, 0x00, 0x01])
        #expect(Hex.encode(modulus).uppercased() == (try Vectors.text("certificates/rsa-v3.modulus")).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Fingerprints agree with OpenSSL's, and print in the RFC 8122 form.
    @Test(.spec("RFC8122-5-2")) func fingerprints() throws {
        for name in ["ecdsa-v1.der", "ecdsa-v3.der", "rsa-v3.der"] {
            let certificate = try X509Certificate(derEncoded: try Self.certificate(name))
            let fingerprint = certificate.fingerprint()
            #expect(fingerprint.description == "sha-256 " + (try Self.openSSLFingerprint(name)))
            #expect(try Fingerprint(sdpValue: fingerprint.description).matches(certificate))
            #expect(try Fingerprint(sdpValue: fingerprint.description.lowercased()) == fingerprint)
        }
        #expect(throws: Fingerprint.Error.unsupportedAlgorithm("md5")) { try Fingerprint(sdpValue: "md5 00:11") }
        #expect(throws: Fingerprint.Error.unsupportedAlgorithm("md2")) { try Fingerprint(sdpValue: "md2 00:11") }
        #expect(throws: Fingerprint.Error.self) { try Fingerprint(sdpValue: "sha-256 00:11") }
        #expect(throws: Fingerprint.Error.self) { try Fingerprint(sdpValue: "sha-256") }
    }

    /// A self-signed certificate we make parses back, verifies, and carries our key.
    @Test func selfSignedRoundTrip() throws {
        let key = [UInt8](repeating: 0x31, count: 32)
        let notBefore: Int64 = 1_764_000_000   // 2025-11-24
        let certificate = try X509Certificate.selfSigned(privateKey: key, serialNumber: [0x80, 1, 2, 3], commonName: "WebRTC",
                                                         notBefore: notBefore, notAfter: notBefore + 30 * 86400)
        #expect(certificate.version == 3)
        #expect(certificate.serialNumber == [0x80, 1, 2, 3])
        #expect(certificate.notBefore == notBefore && certificate.notAfter == notBefore + 30 * 86400)
        #expect(certificate.publicKey == .p256(try P256KeyAgreement.publicKey(privateKey: key)))
        #expect(certificate.hasValidSelfSignature)
        // Deterministic: same inputs, same bytes (RFC 6979 signatures).
        let again = try X509Certificate.selfSigned(privateKey: key, serialNumber: [0x80, 1, 2, 3], commonName: "WebRTC",
                                                   notBefore: notBefore, notAfter: notBefore + 30 * 86400)
        #expect(again.derEncoded == certificate.derEncoded)
        // After 2049 the validity is a GeneralizedTime.
        let far = try X509Certificate.selfSigned(privateKey: key, serialNumber: [1], notBefore: notBefore,
                                                 notAfter: 2_556_144_000)   // 2051-01-01
        #expect(far.notAfter == 2_556_144_000)
    }

    /// OpenSSL reads our certificate and computes the same fingerprint; its own signature
    /// check passes (`openssl verify` with the certificate as its own trust anchor).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "openssl is not installed"))
    func openSSLAcceptsOurCertificate() throws {
        let certificate = try X509Certificate.selfSigned(privateKey: [UInt8](repeating: 0x44, count: 32), serialNumber: [9],
                                                         notBefore: 1_764_000_000, notAfter: 1_764_000_000 + 86400 * 3650)
        let path = NSTemporaryDirectory() + "specrtc-cert-\(UUID().uuidString).der"
        try Data(certificate.derEncoded).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fingerprint = try run(["x509", "-inform", "DER", "-in", path, "-noout", "-fingerprint", "-sha256"])
        #expect(fingerprint.contains(certificate.fingerprint().description.dropFirst("sha-256 ".count)))
        let pem = path + ".pem"
        _ = try run(["x509", "-inform", "DER", "-in", path, "-out", pem])
        defer { try? FileManager.default.removeItem(atPath: pem) }
        let verified = try run(["verify", "-no_check_time", "-partial_chain", "-CAfile", pem, pem])
        #expect(verified.contains(": OK"))
    }

    @Test func malformedCertificatesAreErrors() throws {
        #expect(throws: X509Certificate.Error.self) { try X509Certificate(derEncoded: []) }
        #expect(throws: X509Certificate.Error.self) { try X509Certificate(derEncoded: [0x30, 0x03, 0x02, 0x01, 0x01]) }
        var cut = try Self.certificate("ecdsa-v3.der")
        cut.removeLast(10)
        #expect(throws: X509Certificate.Error.self) { try X509Certificate(derEncoded: cut) }
        #expect(throws: X509Certificate.Error.invalidPrivateKey) {
            try X509Certificate.selfSigned(privateKey: [UInt8](repeating: 0, count: 32), serialNumber: [1], notBefore: 0, notAfter: 1)
        }
    }

    @Test func civilTimeRoundTrips() {
        for seconds: Int64 in [0, 951_782_400, 1_764_000_000, 2_556_144_000, 253_402_300_799] {
            let t = CivilTime(secondsSinceEpoch: seconds)
            #expect(CivilTime.secondsSinceEpoch(year: t.year, month: t.month, day: t.day, hours: t.hours,
                                                minutes: t.minutes, seconds: t.seconds) == seconds)
        }
        #expect(CivilTime(secondsSinceEpoch: 951_782_400) == CivilTime(year: 2000, month: 2, day: 29, hours: 0, minutes: 0, seconds: 0))
    }

    private func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return output
    }
}
