import Foundation
import ICE
import SpecTesting
import STUN
import Testing

/// Our agent against aioice (the ICE library of aiortc, from PyPI, in the interop venv) over
/// 127.0.0.1, in both roles: connectivity checks, nomination and data both ways.
/// aioice nominates aggressively when controlling; as controlled it waits for our USE-CANDIDATE.
@Suite(.enabled(if: AioicePeer.python != nil, "the interop venv with aioice is missing (Tools/test.sh makes .build-venv/)"), .serialized)
struct AioiceInteropTests {
    /// The JSON lines the peer printed so far (its stderr logs are mixed into the same output).
    static func jsonLines(_ process: ExternalProcess) -> [[String: Any]] {
        process.output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("{"), let data = line.data(using: .utf8) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
    }

    static func waitForLine(_ process: ExternalProcess, seconds: Double, where matches: ([String: Any]) -> Bool) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if let line = jsonLines(process).first(where: matches) { return line }
            usleep(10_000)
        } while Date() < deadline
        return nil
    }

    @Test("SpecRTC controlling, aioice controlled: regular nomination, data both ways",
          .spec("RFC8445-7.1.2-1"), .spec("RFC8445-8.1.1-2"), .spec("RFC8445-7.2.2-1"), .spec("RFC8445-7.3-2"))
    func weControl() throws { try session(ours: .controlling) }

    @Test("SpecRTC controlled, aioice controlling (aggressive nomination): data both ways",
          .spec("RFC8445-7.3.1.4-2"), .spec("RFC8445-8.1.1-4"))
    func theyControl() throws { try session(ours: .controlled) }

    func session(ours role: ICERole) throws {
        let python = try #require(AioicePeer.python)
        let script = AioicePeer.packageRoot + "/Tools/Interop/aioice_peer.py"
        let peer = try ExternalProcess(arguments: [python, script, "--role", role == .controlling ? "controlled" : "controlling", "--timeout", "10"])
        defer { peer.stop() }
        let socket = try UDPSocket()
        let local = STUNTransportAddress(address: [127, 0, 0, 1], port: socket.port)
        var configuration = ICEAgent.Configuration(role: role)
        configuration.allowsLoopback = true
        var agent = ICEAgent(configuration: configuration, random: SeededGenerator(seed: 11))
        try agent.addHostCandidate(local)

        let description = try #require(Self.waitForLine(peer, seconds: 15) { $0["ufrag"] != nil }, "aioice printed no description: \(peer.output)")
        let remoteCandidates = try #require(description["candidates"] as? [String])
        agent.setRemoteCredentials(ICECredentials(usernameFragment: try #require(description["ufrag"] as? String),
                                                  password: try #require(description["pwd"] as? String)), at: .zero)
        for line in remoteCandidates { agent.addRemoteCandidate(try ICECandidate(sdpAttribute: line)) }
        agent.endOfRemoteCandidates(at: .zero)
        let ours: [String: Any] = [
            "ufrag": agent.localCredentials.usernameFragment, "pwd": agent.localCredentials.password,
            "candidates": agent.localCandidates.map(\.sdpAttribute),
        ]
        peer.write(String(decoding: try JSONSerialization.data(withJSONObject: ours), as: UTF8.self) + "\n")

        let start = ContinuousClock.now
        let deadline = start + .seconds(15)
        var received: [[UInt8]] = []
        var sentHello = false
        var completedAfter: Duration?
        while ContinuousClock.now < deadline {
            let now = ContinuousClock.now - start
            var wait: Duration = .milliseconds(20)
            drain: while true {
                switch agent.poll(at: now) {
                case .transmit(let transmit):
                    #expect(transmit.destination.address == [127, 0, 0, 1])
                    socket.send(transmit.bytes, toPort: transmit.destination.port)
                case .event(let event):
                    if case .received(let bytes, _, _) = event { received.append(bytes) }
                    if case .stateChanged(.completed) = event { completedAfter = now }
                case .timeout(let next):
                    if let next { wait = min(wait, max(next - now, .milliseconds(1))) }
                    break drain
                }
            }
            if agent.connectionState == .completed, !sentHello {
                try agent.send(Array("hello from specrtc".utf8))
                sentHello = true
                continue
            }
            if received.contains(Array("hello from aioice".utf8)), received.contains(Array("echo:hello from specrtc".utf8)) { break }
            #expect(agent.connectionState != .failed, "agent failed: \(agent.statistics)")
            if agent.connectionState == .failed { break }
            let milliseconds = Int32(wait.components.attoseconds / 1_000_000_000_000_000 + wait.components.seconds * 1000)
            if let (bytes, port) = socket.receiveWithSource(milliseconds: max(milliseconds, 1)) {
                agent.handle(.datagram(bytes, from: STUNTransportAddress(address: [127, 0, 0, 1], port: port), to: local), at: ContinuousClock.now - start)
            }
        }
        print("aioice interop (we are \(role)): completed after \(completedAfter.map { "\($0)" } ?? "never"); selected \(agent.selectedPair.map { "\($0.source) → \($0.destination)" } ?? "none")")
        #expect(agent.connectionState == .completed)
        #expect(received.contains(Array("hello from aioice".utf8)), "aioice output: \(peer.output)")
        #expect(received.contains(Array("echo:hello from specrtc".utf8)))
        let connected = Self.waitForLine(peer, seconds: 2) { $0["event"] as? String == "connected" }
        #expect(connected?["remote"] as? String == "127.0.0.1:\(socket.port)")
        let echoed = Self.waitForLine(peer, seconds: 2) { $0["event"] as? String == "received" }
        #expect(echoed?["hex"] as? String == Array("hello from specrtc".utf8).map { String(format: "%02x", $0) }.joined())
    }
}

/// Where the aioice peer and its Python are.
enum AioicePeer {
    /// The venv's Python: SPECRTC_PYTHON, or .build-venv/ at the package root.
    static let python: String? = {
        if let path = ProcessInfo.processInfo.environment["SPECRTC_PYTHON"], FileManager.default.isExecutableFile(atPath: path) { return path }
        let local = packageRoot + "/.build-venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: local) ? local : nil
    }()

    static let packageRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
