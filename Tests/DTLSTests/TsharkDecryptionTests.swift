import Capture
import DTLS
import Foundation
import SpecTesting
import Testing

/// Where tshark is, if installed.
enum Tshark {
    static let path: String? = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// tshark (Wireshark) reads a capture of our handshake: with our NSS key log it decrypts the
/// application data, and it reports no malformed packets.
@Suite(.enabled(if: Tshark.path != nil, "tshark is not installed"))
struct TsharkDecryptionTests {
    @Test func tsharkDecryptsOurHandshake() throws {
        let tshark = try #require(Tshark.path)
        let (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Identity(seed: 50), server: Identity(seed: 60))
        var client = DTLSConnection(configuration: clientConfiguration, random: SeededGenerator(seed: 7))
        var server = DTLSConnection(configuration: serverConfiguration, random: SeededGenerator(seed: 8))
        var capture = PcapWriter(linkType: .raw)
        var keyLog: [String] = []
        var clock: UInt32 = 0
        client.start(now: .zero)
        server.start(now: .zero)
        var sentData = false
        for _ in 0..<50 {
            var moved = false
            while let datagram = client.pollDatagram() {
                clock += 1
                capture.appendUDP(datagram, source: ([10, 0, 0, 1], 50_000), destination: ([10, 0, 0, 2], 5_000), seconds: 1_700_000_000, nanoseconds: clock * 1_000)
                server.receive(datagram, now: .zero)
                moved = true
            }
            while let datagram = server.pollDatagram() {
                clock += 1
                capture.appendUDP(datagram, source: ([10, 0, 0, 2], 5_000), destination: ([10, 0, 0, 1], 50_000), seconds: 1_700_000_000, nanoseconds: clock * 1_000)
                client.receive(datagram, now: .zero)
                moved = true
            }
            while let event = client.pollEvent() { if case .keyLog(let line) = event { keyLog.append(line) } }
            while server.pollEvent() != nil {}
            if client.state == .connected, server.state == .connected, !sentData {
                try client.send(Array("SpecRTC-plaintext-marker".utf8))
                sentData = true
                moved = true
            }
            if !moved { break }
        }
        #expect(client.state == .connected && server.state == .connected && keyLog.count == 1)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("specrtc-tshark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let capturePath = directory.appendingPathComponent("dtls.pcap").path
        let keyLogPath = directory.appendingPathComponent("keylog.txt").path
        try Data(capture.bytes).write(to: URL(fileURLWithPath: capturePath))
        try Data((keyLog.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: keyLogPath))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tshark)
        process.arguments = ["-r", capturePath, "-d", "udp.port==5000,dtls", "-o", "tls.keylog_file:\(keyLogPath)", "-V", "-x"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("Decrypted DTLS") && text.contains("SpecRTC-plaintex"), "tshark did not decrypt: \(text.suffix(3000))")
        #expect(text.contains("Finished"), "the encrypted Finished messages are decrypted and dissected")
        #expect(!text.contains("Malformed") && !text.contains("[Expert Info (Error"), "tshark reports malformed packets: \(text)")
    }
}
