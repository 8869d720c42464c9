import ArgumentParser
import Foundation
import PeerConnection
import SpecRTC

/// `specrtc offer` and `specrtc answer`: one SpecRTC peer whose SDP goes through files or
/// stdin/stdout, so a person can connect it to any other WebRTC stack by hand.
struct ManualPeerOptions: ParsableArguments {
    @Option(help: "Read the remote description from this file, waiting for it to appear (default: stdin, up to an empty line or EOF).")
    var remote: String?

    @Option(help: "Write the local description to this file (default: stdout).")
    var local: String?

    @Option(help: "Local address to bind (127.0.0.1, ::1 or an interface address).")
    var bind = "127.0.0.1"

    @Option(help: "Seconds to wait for the connection before giving up.")
    var timeout = 30

    @Option(help: "Write a pcap of every datagram to this file.")
    var pcap: String?

    @Option(help: "Write the DTLS key log to this file.")
    var keylog: String?

    @Option(help: "Write the SCTP packets, decrypted, to this pcap file.")
    var plaintextPcap: String?
}

struct OfferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offer",
        abstract: "Offer a data channel \"chat\"; print the offer, read the answer, then echo and print messages.")
    @OptionGroup var options: ManualPeerOptions
    func run() async throws { try await ManualPeer(options: options).run(offering: true) }
}

struct AnswerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer",
        abstract: "Read an offer, print the answer, then echo and print messages on the peer's channels.")
    @OptionGroup var options: ManualPeerOptions
    func run() async throws { try await ManualPeer(options: options).run(offering: false) }
}

/// The work of `offer` and `answer`.
struct ManualPeer {
    let options: ManualPeerOptions

    func run(offering: Bool) async throws {
        var configuration = RTCConfiguration()
        configuration.hostAddresses = [options.bind]
        configuration.pcapPath = options.pcap
        configuration.keyLogPath = options.keylog
        configuration.plaintextPcapPath = options.plaintextPcap
        let peer = try await RTCPeerConnection.make(configuration: configuration)
        let done = AsyncStream<String>.makeStream()
        Task {
            for await event in peer.events {
                switch event {
                case .connectionStateChange(let state):
                    log("connection \(state.rawValue)")
                    if state == .failed || state == .closed { done.continuation.yield("connection \(state.rawValue)") }
                case .trace(.failed(let reason), _): log("failed: \(reason)")
                case .dataChannel(let channel): serve(channel, done: done.continuation)
                default: break
                }
            }
        }
        if offering {
            serve(try await peer.createDataChannel("chat"), done: done.continuation)
            try await peer.setLocalDescription(try await peer.createOffer())
            try write(await peer.localDescription!.sdp)
            try await peer.setRemoteDescription(RTCSessionDescription(type: .answer, sdp: try readRemote()))
        } else {
            try await peer.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: try readRemote()))
            try await peer.setLocalDescription(try await peer.createAnswer())
            try write(await peer.localDescription!.sdp)
        }
        let timeout = options.timeout
        let connected = Task {
            try await Task.sleep(for: .seconds(timeout))
            if await peer.connectionState != .connected { done.continuation.yield("not connected after \(timeout) s") }
        }
        var reasons = done.stream.makeAsyncIterator()
        let reason = await reasons.next() ?? "stopped"
        connected.cancel()
        log("ending: \(reason)")
        await peer.close()
    }

    /// Prints and echoes every message on `channel`.
    func serve(_ channel: RTCDataChannel, done: AsyncStream<String>.Continuation) {
        Task {
            for await event in channel.events {
                switch event {
                case .open: log("channel \"\(channel.label)\" open")
                case .message(.string(let text)):
                    log("\(channel.label) < \(text.prefix(200))")
                    try? await channel.send(text)
                case .message(.binary(let bytes)):
                    log("\(channel.label) < \(bytes.count) bytes")
                    try? await channel.send(bytes)
                case .close: log("channel \"\(channel.label)\" closed")
                case .error(let why): log("channel \"\(channel.label)\": \(why)")
                default: break
                }
            }
        }
    }

    func readRemote() throws -> String {
        if let path = options.remote {
            // The other side may write the file after reading ours: wait for it, bounded.
            let deadline = Date().addingTimeInterval(Double(options.timeout))
            while !FileManager.default.fileExists(atPath: path), Date() < deadline { usleep(50_000) }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("no remote description in \(path) after \(options.timeout) s")
            }
            return text
        }
        log("paste the remote description, then an empty line:")
        var lines: [String] = []
        while let line = readLine() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { if lines.isEmpty { continue } else { break } }
            lines.append(line)
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    func write(_ sdp: String) throws {
        if let path = options.local {
            try sdp.write(toFile: path, atomically: true, encoding: .utf8)
        } else {
            FileHandle.standardOutput.write(Data((sdp + "\n").utf8))
        }
    }

    func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
