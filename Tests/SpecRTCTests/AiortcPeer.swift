import DataChannel
import Foundation
import PeerConnection
import SpecRTC
#if canImport(Glibc)
import Glibc
#endif

/// Failure of a bounded wait, with what was seen so far.
struct InteropTimeout: Error, CustomStringConvertible {
    let description: String
}

/// `Tools/Interop/aiortc_peer.py` as a child process: JSON lines on stdin, JSON lines parsed as
/// they arrive from stdout (kept apart from stderr, which only goes into failure messages).
/// Waits are bounded and scan from a cursor, so a long session is not re-parsed on every poll.
final class AiortcPeer: @unchecked Sendable {
    /// The venv's Python: SPECRTC_PYTHON, or .build-venv/ at the package root, when it imports aiortc.
    static let python: String? = {
        var candidates: [String] = []
        if let path = ProcessInfo.processInfo.environment["SPECRTC_PYTHON"] { candidates.append(path) }
        candidates.append(packageRoot + "/.build-venv/bin/python")
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: path)
            probe.arguments = ["-c", "import aiortc"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            guard (try? probe.run()) != nil else { continue }
            probe.waitUntilExit()
            if probe.terminationStatus == 0 { return path }
        }
        return nil
    }()

    static let packageRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    let process = Process()
    private let input = Pipe()
    private let lock = NSLock()
    private var pending = Data()
    private var parsed: [[String: Any]] = []
    private var errorText = ""
    private var rawLines = 0

    /// Starts the peer with `arguments` (after the script path).
    init(_ arguments: [String]) throws {
        guard let python = Self.python else { throw InteropTimeout(description: "no Python with aiortc") }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.packageRoot + "/Tools/Interop/aiortc_peer.py"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.consume(data)
        }
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            if self.errorText.utf8.count < 200_000 { self.errorText += String(decoding: data, as: UTF8.self) }
            self.lock.unlock()
        }
        try process.run()
    }

    private func consume(_ data: Data) {
        lock.lock()
        defer { lock.unlock() }
        pending.append(data)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = pending[pending.startIndex..<newline]
            pending = Data(pending[(newline + 1)...])
            rawLines += 1
            if let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] { parsed.append(object) }
        }
    }

    /// Every line parsed so far.
    var lines: [[String: Any]] {
        lock.lock()
        defer { lock.unlock() }
        return parsed
    }

    var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return errorText
    }

    /// The events (`"event"` field) seen so far, for failure messages; messages shortened.
    var summary: String {
        lines.suffix(40).map { line in
            var short = line
            for key in ["text", "binary", "sdp"] { if let value = short[key] as? String, value.count > 40 { short[key] = "\(value.prefix(40))…(\(value.count))" } }
            return "\(short)"
        }.joined(separator: "\n") + "\nstderr: " + String(stderr.suffix(2000))
    }

    /// Sends one JSON object as a line.
    func send(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return }
        // A peer that already exited must not crash the test process (EPIPE): the next wait fails
        // and reports what the peer printed.
        try? input.fileHandleForWriting.write(contentsOf: data + Data("\n".utf8))
    }

    /// Waits for the first line at index >= `from` that `matches`; returns it and its index.
    func wait(from: Int = 0, seconds: Double = 30, _ what: String,
              where matches: ([String: Any]) -> Bool) async throws -> (line: [String: Any], index: Int) {
        let deadline = Date().addingTimeInterval(seconds)
        var cursor = from
        while true {
            let snapshot = lines
            while cursor < snapshot.count {
                if matches(snapshot[cursor]) { return (snapshot[cursor], cursor) }
                cursor += 1
            }
            if Date() >= deadline { throw InteropTimeout(description: "aiortc: no \(what) within \(seconds) s; last lines:\n\(summary)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits for an `event` line named `event`, optionally also matching `matches`.
    @discardableResult
    func waitEvent(_ event: String, from: Int = 0, seconds: Double = 30,
                   where matches: ([String: Any]) -> Bool = { _ in true }) async throws -> [String: Any] {
        try await wait(from: from, seconds: seconds, "\"\(event)\" event") { $0["event"] as? String == event && matches($0) }.line
    }

    /// Lines with `"event": name` seen so far.
    func events(_ name: String) -> [[String: Any]] { lines.filter { $0["event"] as? String == name } }

    /// Ends the process: `stop` command, end of input, then SIGKILL after 3 s.
    func stop() {
        if process.isRunning { send(["cmd": "stop"]) }
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Collects an ``RTCPeerConnection``'s events as they come, for bounded waits.
final class ConnectionRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [RTCPeerConnectionEvent] = []
    private var task: Task<Void, Never>?

    init(_ connection: RTCPeerConnection) {
        task = Task { [weak self] in
            for await event in connection.events {
                guard let self else { return }
                self.lock.withLock { self.recorded.append(event) }
            }
        }
    }

    var events: [RTCPeerConnectionEvent] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// Connection states in order.
    var states: [PeerConnectionState] {
        events.compactMap { if case .connectionStateChange(let state) = $0 { return state } else { return nil } }
    }

    /// `.failed(reason)` traces of the transport.
    var failures: [String] {
        events.compactMap { if case .trace(.failed(let reason), _) = $0 { return reason } else { return nil } }
    }

    /// Channels the peer opened, in order.
    var dataChannels: [RTCDataChannel] {
        events.compactMap { if case .dataChannel(let channel) = $0 { return channel } else { return nil } }
    }

    /// Polls `extract` over the events until it gives a value, for at most `seconds`.
    func wait<T>(_ what: String, seconds: Double = 30, _ extract: ([RTCPeerConnectionEvent]) -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let value = extract(events) { return value }
            if Date() >= deadline { throw InteropTimeout(description: "SpecRTC: no \(what) within \(seconds) s; states \(states), failures \(failures)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func cancel() { task?.cancel() }
}

/// Collects an ``RTCDataChannel``'s events.
final class ChannelRecorder: @unchecked Sendable {
    let channel: RTCDataChannel
    private let lock = NSLock()
    private var recorded: [RTCDataChannelEvent] = []
    private var task: Task<Void, Never>?

    init(_ channel: RTCDataChannel) {
        self.channel = channel
        task = Task { [weak self] in
            for await event in channel.events {
                guard let self else { return }
                self.lock.withLock { self.recorded.append(event) }
            }
        }
    }

    var events: [RTCDataChannelEvent] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    var messages: [DataChannelMessage] {
        events.compactMap { if case .message(let message) = $0 { return message } else { return nil } }
    }

    /// Waits until `condition` holds over the events, for at most `seconds`.
    func wait(_ what: String, seconds: Double = 30, until condition: ([RTCDataChannelEvent]) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if condition(events) { return }
            if Date() >= deadline {
                throw InteropTimeout(description: "channel \(channel.label): no \(what) within \(seconds) s; \(events.count) events, last: \(events.suffix(5).map(Self.short))")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func waitOpen(seconds: Double = 30) async throws { try await wait("open", seconds: seconds) { $0.contains(.open) } }
    func waitClose(seconds: Double = 30) async throws { try await wait("close", seconds: seconds) { $0.contains(.close) } }
    func waitMessages(_ count: Int, seconds: Double = 30) async throws {
        try await wait("\(count) messages", seconds: seconds) { events in
            events.reduce(0) { if case .message = $1 { return $0 + 1 } else { return $0 } } >= count
        }
    }

    static func short(_ event: RTCDataChannelEvent) -> String {
        switch event {
        case .message(.string(let text)): return "text(\(text.utf8.count))"
        case .message(.binary(let bytes)): return "binary(\(bytes.count))"
        default: return "\(event)"
        }
    }
}

/// SDP helpers for the tests.
enum InteropSDP {
    /// Whether the SDP carries end-of-candidates.
    static func isComplete(_ sdp: String) -> Bool { sdp.contains("a=end-of-candidates") }

    /// Every `a=fingerprint:` line with its hex digits changed (the first byte flipped), so no
    /// fingerprint matches the certificate any more.
    static func tamperFingerprints(_ sdp: String) -> String {
        sdp.components(separatedBy: "\r\n").map { line in
            guard line.hasPrefix("a=fingerprint:"), let space = line.firstIndex(of: " ") else { return line }
            let hash = line[..<space]
            var bytes = line[line.index(after: space)...].split(separator: ":").map { String($0) }
            if let first = bytes.first, let value = UInt8(first, radix: 16) { bytes[0] = String(format: "%02X", value ^ 0xFF) }
            return hash + " " + bytes.joined(separator: ":")
        }.joined(separator: "\r\n")
    }
}
