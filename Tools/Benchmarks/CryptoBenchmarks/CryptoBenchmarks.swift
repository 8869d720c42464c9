import Foundation
import RTCCrypto

/// Release-mode throughput of RTCCrypto beside `openssl speed` measured in the same run.
///
///     swift run -c release CryptoBenchmarks [filter]
///
/// With a filter, only the rows whose name contains it (case-insensitively) are measured, with
/// only the OpenSSL figures they need: `CryptoBenchmarks P-256` runs the three P-256 rows.
///
/// Every figure is for 1200-byte messages (a typical RTP/DTLS payload), as bytes per second,
/// or operations per second for the public-key operations.
@main
struct CryptoBenchmarks {
    static func main() throws {
        let message = [UInt8](repeating: 0xa5, count: 1200)
        let key16 = [UInt8](repeating: 0x11, count: 16)
        var sink: UInt8 = 0
        var rows: [(name: String, ours: Double, unit: String, openssl: Double?)] = []
        let filter = CommandLine.arguments.dropFirst().first?.lowercased()
        /// Measures and records the row `name` unless the filter leaves it out; the OpenSSL
        /// figure is only computed for rows that run (each `openssl speed` takes seconds).
        func row(_ name: String, _ unit: String, openssl: @autoclosure () -> Double?, _ ours: () throws -> Double) rethrows {
            guard filter.map({ name.lowercased().contains($0) }) ?? true else { return }
            rows.append((name, try ours(), unit, openssl()))
        }
        // One `openssl speed` run per algorithm, shared by the backends' rows.
        var opensslFigures: [[String]: Double?] = [:]
        func opensslOnce(_ arguments: [String]) -> Double? {
            if let figure = opensslFigures[arguments] { return figure }
            let figure = openssl(arguments)
            opensslFigures[arguments] = figure
            return figure
        }
        // One `openssl speed` run for the three P-256 rows, made on first use.
        var p256Figures: [String: Double]?
        func opensslP256(_ key: String) -> Double? {
            if p256Figures == nil { p256Figures = opensslPublicKey(["ecdhp256", "ecdsap256"]) }
            return p256Figures?[key]
        }

        // The in-place APIs SRTP and DTLS use (no allocation per message), as `openssl speed
        // -evp` works on a buffer it allocated once.
        for backend in CryptoBackend.available(for: .wideAES) {
            let aes = try AES(key: key16, backend: backend)
            let gcm = try AESGCM(key: key16, backend: backend)
            row("AES-128-CTR (\(backend.rawValue))", "B/s", openssl: opensslOnce(["-evp", "aes-128-ctr"])) {
                measure { iterations in
                    var data = message
                    data.withUnsafeMutableBytes { buffer in
                        for _ in 0..<iterations {
                            var stream = AESCTR(aes: aes, counter: (high: 0x2222_2222_2222_2222, low: 0x2222_2222_0000_0001))
                            stream.apply(to: buffer)
                        }
                    }
                    sink ^= data[0]
                } * 1200
            }
            row("AES-128-GCM seal (\(backend.rawValue))", "B/s", openssl: opensslOnce(["-evp", "aes-128-gcm"])) {
                measure { iterations in
                    var data = message
                    var tag = [UInt8](repeating: 0, count: 16)
                    data.withUnsafeMutableBytes { buffer in
                        tag.withUnsafeMutableBytes { tagBuffer in
                            for _ in 0..<iterations {
                                try! gcm.seal(inPlace: buffer, nonce: (high: 0x2222_2222_2222_2222, low: 0x2222_2222),
                                              aad: UnsafeRawBufferPointer(start: nil, count: 0), tag: tagBuffer)
                            }
                        }
                    }
                    sink ^= tag[0]
                } * 1200
            }
        }

        for backend in CryptoBackend.available(for: .sha) {
            row("SHA-1 (\(backend.rawValue))", "B/s", openssl: openssl(["-evp", "sha1"])) {
                measure { iterations in
                    for _ in 0..<iterations { sink ^= SHA1.hash(message, backend: backend)[0] }
                } * 1200
            }
            row("HMAC-SHA1 keyed once (\(backend.rawValue))", "B/s", openssl: openssl(["-hmac", "sha1"])) {
                measure { iterations in
                    let keyed = HMAC<SHA1>(key: key16, backend: backend)
                    for _ in 0..<iterations {
                        var mac = keyed
                        mac.update(message)
                        sink ^= mac.finalize()[0]
                    }
                } * 1200
            }
            row("SHA-256 (\(backend.rawValue))", "B/s", openssl: openssl(["-evp", "sha256"])) {
                measure { iterations in
                    for _ in 0..<iterations { sink ^= SHA256.hash(message, backend: backend)[0] }
                } * 1200
            }
        }

        // CRC-32C, the SCTP checksum (no OpenSSL counterpart): portable tables, one `crc32`
        // chain, and three chains combined with carry-less products.
        for (label, hardware, lanes) in [("portable", false, false), ("crc32, one chain", true, false), ("crc32, three lanes", true, true)]
            where hardware == false || CRC32C.hardwareAvailable {
            row("CRC-32C (\(label))", "B/s", openssl: nil) {
                measure { iterations in
                    message.withUnsafeBytes { bytes in
                        for _ in 0..<iterations {
                            var crc = CRC32C(hardware: hardware, lanes: lanes)
                            crc.update(bytes: bytes)
                            sink ^= UInt8(truncatingIfNeeded: crc.value)
                        }
                    }
                } * 1200
            }
        }

        let privateKey = [UInt8](repeating: 0x42, count: 32)
        let peer = try X25519.publicKey(privateKey: [UInt8](repeating: 0x24, count: 32))
        row("X25519 shared secret", "op/s", openssl: opensslOperations("ecdhx25519")) {
            measure(minimumSeconds: 0.5) { iterations in
                for _ in 0..<iterations { sink ^= (try! X25519.sharedSecret(privateKey: privateKey, peerPublicKey: peer))[0] }
            }
        }

        let p256Key = [UInt8](repeating: 0x42, count: 32)
        let p256Peer = try P256KeyAgreement.publicKey(privateKey: [UInt8](repeating: 0x24, count: 32))
        row("P-256 ECDH shared secret", "op/s", openssl: opensslP256("ecdh")) {
            measure(minimumSeconds: 0.5) { iterations in
                for _ in 0..<iterations { sink ^= (try! P256KeyAgreement.sharedSecret(privateKey: p256Key, peerPublicKey: p256Peer))[0] }
            }
        }
        row("P-256 ECDSA sign (SHA-256)", "op/s", openssl: opensslP256("sign")) {
            measure(minimumSeconds: 0.5) { iterations in
                for _ in 0..<iterations { sink ^= (try! P256Signing.signature(for: message, privateKey: p256Key)).rawRepresentation[0] }
            }
        }
        let signature = try P256Signing.signature(for: message, privateKey: p256Key)
        let p256Public = try P256KeyAgreement.publicKey(privateKey: p256Key)
        row("P-256 ECDSA verify (SHA-256)", "op/s", openssl: opensslP256("verify")) {
            measure(minimumSeconds: 0.5) { iterations in
                for _ in 0..<iterations { sink ^= P256Signing.isValid(signature, for: message, publicKey: p256Public) ? 1 : 0 }
            }
        }

        print("RTCCrypto benchmark (release, 1200-byte messages; OpenSSL measured in the same run)")
        print(pad("", 38) + pad("SpecRTC", 26) + pad("OpenSSL", 26) + "ratio")
        for row in rows {
            let ratio = row.openssl.map { String(format: "%.2f×", row.ours / $0) } ?? "—"
            print(pad(row.name, 38) + pad(format(row.ours, row.unit), 26) + pad(row.openssl.map { format($0, row.unit) } ?? "n/a", 26) + ratio)
        }
        if sink == 0x5a { print("") }   // keep the work observable
    }

    /// Runs `body` with growing iteration counts until it takes at least `minimumSeconds`,
    /// and returns iterations per second of the best of three runs.
    static func measure(minimumSeconds: Double = 0.3, _ body: (Int) -> Void) -> Double {
        var iterations = 16
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            body(iterations)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if seconds >= minimumSeconds {
                var best = Double(iterations) / seconds
                for _ in 0..<2 {
                    let again = DispatchTime.now().uptimeNanoseconds
                    body(iterations)
                    best = max(best, Double(iterations) / (Double(DispatchTime.now().uptimeNanoseconds - again) / 1e9))
                }
                return best
            }
            iterations *= 2
        }
    }

    /// Bytes per second from `openssl speed … -bytes 1200 -seconds 1`, or nil without openssl.
    static func openssl(_ arguments: [String]) -> Double? {
        guard let output = run(["speed"] + arguments + ["-bytes", "1200", "-seconds", "1"]),
              let last = output.split(separator: "\n").last,
              let value = last.split(separator: " ").last, value.hasSuffix("k"),
              let thousands = Double(value.dropLast()) else { return nil }
        return thousands * 1000
    }

    /// Operations per second of the first public-key row of `openssl speed ALG -seconds 1`.
    static func opensslOperations(_ algorithm: String) -> Double? {
        guard let output = run(["speed", "-seconds", "1", algorithm]),
              let last = output.split(separator: "\n").last,
              let value = last.split(separator: " ").last else { return nil }
        return Double(value)
    }

    /// ECDH op/s and ECDSA sign/s, verify/s from `openssl speed -seconds 1 ecdhp256 ecdsap256`.
    static func opensslPublicKey(_ algorithms: [String]) -> [String: Double] {
        guard let output = run(["speed", "-seconds", "1"] + algorithms) else { return [:] }
        var figures: [String: Double] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if line.contains("ecdsa (nistp256)"), fields.count >= 2 {
                figures["sign"] = Double(fields[fields.count - 2])
                figures["verify"] = Double(fields[fields.count - 1])
            } else if line.contains("ecdh (nistp256)") {
                figures["ecdh"] = fields.last.flatMap { Double($0) }
            }
        }
        return figures
    }

    static func run(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    static func format(_ value: Double, _ unit: String) -> String {
        unit == "B/s" ? String(format: "%.1f MB/s", value / 1e6)
            : String(format: "%.0f op/s (%.0f µs)", value, 1e6 / value)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
