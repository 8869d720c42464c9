import DataChannel
import Foundation
import PeerConnection
import SpecRTC
import SpecTesting
import Testing

/// Two SpecRTC peers in this process over real UDP sockets on loopback (no simulated network).
@Suite(.serialized)
struct LoopbackCallTests {
    /// Connects `a` (offering, with one channel "chat") and `b`; returns both ends of "chat".
    static func call(_ a: RTCPeerConnection, _ b: RTCPeerConnection, recorderB: ConnectionRecorder) async throws -> (ChannelRecorder, ChannelRecorder) {
        let chat = ChannelRecorder(try await a.createDataChannel("chat"))
        try await a.setLocalDescription(try await a.createOffer())
        try await b.setRemoteDescription(try #require(await a.localDescription))
        try await b.setLocalDescription(try await b.createAnswer())
        try await a.setRemoteDescription(try #require(await b.localDescription))
        try await chat.waitOpen(seconds: 10)
        let remote = try await recorderB.wait("the peer's channel", seconds: 10) { _ in recorderB.dataChannels.first }
        return (chat, ChannelRecorder(remote))
    }

    @Test(.spec("RFC8835-3.2-1"))
    func aCallOverIPv6Loopback() async throws {
        var configuration = RTCConfiguration()
        configuration.hostAddresses = ["::1"]
        let a = try await RTCPeerConnection.make(configuration: configuration)
        let b = try await RTCPeerConnection.make(configuration: configuration)
        let recorderB = ConnectionRecorder(b)
        defer { recorderB.cancel() }
        let (chat, remote) = try await Self.call(a, b, recorderB: recorderB)
        #expect(try #require(await a.localDescription).sdp.contains("c=IN IP6 ::1"))
        try await chat.channel.send("over IPv6")
        try await remote.waitMessages(1, seconds: 10)
        #expect(remote.messages == [.string("over IPv6")])
        await a.close()
        await b.close()
    }

    @Test func getStatsReportsTheCall() async throws {
        let a = try await RTCPeerConnection.make()
        let b = try await RTCPeerConnection.make()
        let recorderB = ConnectionRecorder(b)
        defer { recorderB.cancel() }
        let (chat, remote) = try await Self.call(a, b, recorderB: recorderB)
        try await chat.channel.send([1, 2, 3, 4])
        try await remote.waitMessages(1, seconds: 10)
        let report = await a.getStats()
        let transport = try #require(report.first { $0.type == "transport" })
        #expect(transport["dtlsState"] == .string("connected"))
        #expect(transport["tlsVersion"] == .string("FEFD"))
        if case .int(let sent)? = transport["bytesSent"] { #expect(sent > 0) } else { Issue.record("no bytesSent") }
        let channel = try #require(report.first { $0.type == "data-channel" })
        #expect(channel["label"] == .string("chat") && channel["messagesSent"] == .int(1) && channel["bytesSent"] == .int(4))
        #expect(await chat.channel.readyState == "open")
        await a.close()
        await b.close()
        #expect(await chat.channel.readyState == "closed")
    }

    /// The capture of what went on the wire, the key log that decrypts it, and the decrypted SCTP
    /// packets: Wireshark (tshark) reads all three.
    @Test(.enabled(if: Self.tshark != nil, "tshark is not installed"), .spec("RFC8841-9.3-1"))
    func capturesAndTheKeyLogDecodeInWireshark() async throws {
        let tshark = try #require(Self.tshark)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("specrtc-capture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = RTCConfiguration()
        configuration.pcapPath = directory.appendingPathComponent("wire.pcap").path
        configuration.keyLogPath = directory.appendingPathComponent("keys.txt").path
        configuration.plaintextPcapPath = directory.appendingPathComponent("sctp.pcap").path
        let a = try await RTCPeerConnection.make(configuration: configuration)
        let b = try await RTCPeerConnection.make()
        let recorderB = ConnectionRecorder(b)
        defer { recorderB.cancel() }
        let (chat, remote) = try await Self.call(a, b, recorderB: recorderB)
        try await chat.channel.send("SpecRTC-capture-marker")
        try await remote.waitMessages(1, seconds: 10)
        await a.close()
        await b.close()

        let keys = try String(contentsOfFile: configuration.keyLogPath!, encoding: .utf8)
        #expect(keys.hasPrefix("CLIENT_RANDOM "))
        let wire = try Self.run(tshark, ["-2", "-r", configuration.pcapPath!, "-o", "tls.keylog_file:\(configuration.keyLogPath!)", "-V", "-x"])
        #expect(wire.contains("STUN") && wire.contains("Client Hello"))
        #expect(wire.contains("Decrypted DTLS"), "tshark did not decrypt the DTLS records")
        let sctp = try Self.run(tshark, ["-r", configuration.plaintextPcapPath!, "-V"])
        // Both ends initiate the association: the offerer's capture shows its INIT and the peer's.
        #expect(sctp.components(separatedBy: "Chunk type: INIT (1)").count - 1 == 2)
        #expect(sctp.contains("COOKIE_ECHO"))
        #expect(sctp.contains("Label: chat"), "DCEP's DATA_CHANNEL_OPEN is dissected")
        #expect(sctp.contains("SpecRTC-capture-marker") || Self.hexContains(sctp, "SpecRTC-capture-marker"))
        #expect(!sctp.contains("Malformed") && !wire.contains("Malformed"))
    }

    static let tshark: String? = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    /// Whether the hex-dump text shows `marker`'s first bytes (dissectors print payloads as hex).
    static func hexContains(_ text: String, _ marker: String) -> Bool {
        let hex = marker.utf8.prefix(8).map { String(format: "%02x", $0) }.joined()
        return text.replacingOccurrences(of: " ", with: "").contains(hex)
    }
}
