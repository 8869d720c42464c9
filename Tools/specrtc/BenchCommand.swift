import ArgumentParser
import Foundation
import SpecRTC

/// `specrtc bench`: set-up time, throughput and memory of SpecRTC ↔ SpecRTC over loopback UDP
/// with DTLS, beside aiortc ↔ aiortc measured the same way in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure SpecRTC ↔ SpecRTC on 127.0.0.1 (set-up, throughput, memory) beside aiortc ↔ aiortc.",
        discussion: """
        Build in release mode for meaningful figures (Tools/bench.sh peerconnection does). aiortc \
        runs from the interop venv (.build-venv/, made by Tools/test.sh); without it only \
        SpecRTC's figures are printed.
        """
    )

    @Option(help: "Connection set-ups to time (the median is printed).")
    var runs = 5

    @Option(help: "Megabytes for the throughput figure.")
    var megabytes = 64

    @Option(help: "Idle connections (with one open channel each) for the memory figure.")
    var connections = 1000

    @Flag(help: "Skip aiortc.")
    var noAiortc = false

    func run() async throws {
        var setups: [Double] = []
        for _ in 0..<runs {
            let call = try await LoopbackCall.connect()
            setups.append(milliseconds(call.setupTime))
            await call.close()
        }
        let setup = median(setups)
        func measure(probingUpTo ceiling: Int) async throws -> Double {
            var configuration = RTCConfiguration()
            configuration.pathMTUProbeCeiling = ceiling
            let call = try await LoopbackCall.connect(configuration: configuration)
            defer { Task { await call.close() } }
            return try await call.bulkThroughput(total: megabytes << 20, warmUp: 16 << 20) / 1e6
        }
        let throughput = try await measure(probingUpTo: RTCConfiguration().pathMTUProbeCeiling)
        let fixedThroughput = try await measure(probingUpTo: 0)
        let largeThroughput = try await measure(probingUpTo: 1 << 14)
        let memory = try await idleMemory(connections: connections)

        print("SpecRTC ↔ SpecRTC, loopback UDP, DTLS 1.2 (AES-128-GCM), SCTP, one data channel")
        print(String(format: "  set-up, createOffer to open channel: %.2f ms median of %d (goal ≤ 20 ms)", setup, runs))
        print(String(format: "  throughput, reliable ordered, 64 KiB messages, after 16 MB of warm-up: %.1f MB/s (goal ≥ 125 MB/s)", throughput))
        print("    with the default path MTU search (SCTP packets up to 1500 bytes)")
        print(String(format: "  the same with every SCTP packet at 1200 bytes (no probing): %.1f MB/s", fixedThroughput))
        print(String(format: "  the same probing up to 16 KiB DTLS records (SpecRTC peers only): %.1f MB/s", largeThroughput))
        print(String(format: "  memory per idle connection with one open channel: %.0f KiB over %d connections (goal ≤ 256 KiB)",
                     memory / 1024, connections))
        guard !noAiortc else { return }
        guard let aiortc = runAiortc() else {
            print("aiortc ↔ aiortc: not measured (no interop venv with aiortc: run Tools/test.sh once)")
            return
        }
        print("aiortc ↔ aiortc, the same path (Tools/Interop/aiortc_bench.py)")
        let aiortcSetup = (aiortc["setupMs"] as? [String: Any])?["median"] as? Double
        let aiortcThroughput = (aiortc["throughput"] as? [String: Any])?["MBps"] as? Double
        let aiortcMemory = (aiortc["memory"] as? [String: Any])?["bytesPerConnection"] as? Double
        if let aiortcSetup { print(String(format: "  set-up: %.2f ms; SpecRTC is %.1f× faster", aiortcSetup, aiortcSetup / setup)) }
        if let aiortcThroughput {
            print(String(format: "  throughput: %.1f MB/s; SpecRTC moves %.1f× as much (%.1f× at 1200 bytes)", aiortcThroughput,
                         throughput / aiortcThroughput, fixedThroughput / aiortcThroughput))
        }
        if let aiortcMemory { print(String(format: "  memory per connection: %.0f KiB; ratio SpecRTC/aiortc %.2f", aiortcMemory / 1024, memory / aiortcMemory)) }
    }

    /// Resident memory growth per connection over `connections` idle connections (half offering,
    /// half answering), each pair with one open channel.
    func idleMemory(connections: Int) async throws -> Double {
        let warmUp = try await LoopbackCall.connect()
        let before = residentBytes()
        var calls: [LoopbackCall] = []
        for _ in 0..<(connections / 2) { calls.append(try await LoopbackCall.connect()) }
        let after = residentBytes()
        for call in calls { await call.close() }
        await warmUp.close()
        return Double(after - before) / Double(max(1, calls.count * 2))
    }

    /// VmRSS from /proc/self/status, in bytes.
    func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) else { return 0 }
        return kilobytes * 1024
    }

    /// Runs the aiortc benchmark from the interop venv and returns its JSON object.
    func runAiortc() -> [String: Any]? {
        let root = FileManager.default.currentDirectoryPath
        let python = ProcessInfo.processInfo.environment["SPECRTC_PYTHON"] ?? root + "/.build-venv/bin/python"
        let script = root + "/Tools/Interop/aiortc_bench.py"
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: script) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--megabytes", "32", "--runs", String(runs)]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
