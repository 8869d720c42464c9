import DataChannel
import Foundation
import ICE
import PeerConnection
import SpecRTC

/// Two SpecRTC peers on one host making a call: the code `loopback` and `bench` share.
struct LoopbackCall {
    let offerer: RTCPeerConnection
    let answerer: RTCPeerConnection
    let echo: RTCDataChannel
    /// The answerer's side of `echo`.
    let echoed: RTCDataChannel
    /// Time from createOffer to the channel being open on both sides.
    let setupTime: Duration
    /// Channels the answerer sees the offerer open, after `echo`.
    let remoteChannels: AsyncStream<RTCDataChannel>

    /// Sets up the call; `log` gets each protocol event of each side (A offers, B answers).
    static func connect(configuration: RTCConfiguration = RTCConfiguration(),
                        log: (@Sendable (String, Duration, PeerTransportEvent) -> Void)? = nil) async throws -> LoopbackCall {
        let a = try await RTCPeerConnection.make(configuration: configuration)
        var answererConfiguration = configuration
        answererConfiguration.pcapPath = nil
        answererConfiguration.keyLogPath = nil
        answererConfiguration.plaintextPcapPath = nil
        let b = try await RTCPeerConnection.make(configuration: answererConfiguration)
        let clock = ContinuousClock()
        let start = clock.now
        let (remoteChannels, remoteContinuation) = AsyncStream.makeStream(of: RTCDataChannel.self)
        for (name, peer) in [("A", a), ("B", b)] {
            Task {
                for await event in peer.events {
                    switch event {
                    case let .trace(event, at: time): log?(name, time, event)
                    case .dataChannel(let channel): remoteContinuation.yield(channel)
                    default: break
                    }
                }
            }
        }
        let channel = try await a.createDataChannel("echo")
        let offer = try await a.createOffer()
        try await a.setLocalDescription(offer)
        guard let fullOffer = await a.localDescription else { throw LoopbackError.noDescription("offer") }
        try await b.setRemoteDescription(fullOffer)
        let answer = try await b.createAnswer()
        try await b.setLocalDescription(answer)
        guard let fullAnswer = await b.localDescription else { throw LoopbackError.noDescription("answer") }
        try await a.setRemoteDescription(fullAnswer)

        let opened = try await withTimeout(.seconds(10), what: "the data channel to open") {
            var events = channel.events.makeAsyncIterator()
            while let event = await events.next() {
                if event == .open { break }
                if case .error(let why) = event { throw LoopbackError.channel(why) }
            }
            var remotes = remoteChannels.makeAsyncIterator()
            guard let remote = await remotes.next() else { throw LoopbackError.channel("the answerer saw no channel") }
            return remote
        }
        return LoopbackCall(offerer: a, answerer: b, echo: channel, echoed: opened, setupTime: clock.now - start, remoteChannels: remoteChannels)
    }

    /// Echoes every message that arrives on `channel` back on it, until it closes.
    static func echoEverything(on channel: RTCDataChannel) {
        Task {
            for await event in channel.events {
                if case .message(let message) = event { try? await channel.send(message) }
            }
        }
    }

    /// Sends `count` messages of mixed sizes on `echo` and checks that each comes back equal
    /// and in order; returns the bytes sent.
    func echoMessages(_ count: Int) async throws -> Int {
        guard count > 0 else { return 0 }
        LoopbackCall.echoEverything(on: echoed)
        let sizes = [0, 1, 1024, 65_536, 17, 1200]
        var sent: [DataChannelMessage] = []
        var bytes = 0
        for index in 0..<count {
            let size = sizes[index % sizes.count]
            let message: DataChannelMessage = index % 2 == 0
                ? .binary((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) })
                : .string(String(repeating: "ü", count: size / 2))
            sent.append(message)
            bytes += message.byteCount
        }
        let channel = echo
        let expected = sent
        let total = bytes
        return try await withTimeout(.seconds(60), what: "\(count) echoes") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var index = 0
                    for await event in channel.events {
                        guard case .message(let message) = event else { continue }
                        guard message == expected[index] else {
                            throw LoopbackError.mismatch("message \(index) came back as \(message.byteCount) bytes, not \(expected[index].byteCount)")
                        }
                        index += 1
                        if index == expected.count { return }
                    }
                    throw LoopbackError.channel("closed after \(index) echoes")
                }
                for message in expected { try await channel.send(message) }
                try await group.waitForAll()
            }
            return total
        }
    }

    /// Sends `total` bytes in `messageSize` messages on a new reliable ordered channel, keeping
    /// at most `highWater` bytes buffered; returns the goodput in bytes per second. `warmUp` bytes
    /// go first, untimed, so the figure is the connection's steady state (allocators, buffers and
    /// windows grown), as throughput benchmarks measure.
    func bulkThroughput(total: Int, warmUp: Int = 0, messageSize: Int = 65_536, highWater: Int = 8 << 20) async throws -> Double {
        let bulk = try await offerer.createDataChannel("bulk")
        try await bulk.setBufferedAmountLowThreshold(highWater / 2)
        var remotes = remoteChannels.makeAsyncIterator()
        var events = bulk.events.makeAsyncIterator()
        while let event = await events.next(), event != .open {}
        guard let sink = await remotes.next() else { throw LoopbackError.channel("the answerer saw no bulk channel") }
        // The receiving side reports the bytes it has seen so far.
        let (progress, reporter) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let receiving = Task {
            var count = 0
            for await event in sink.events {
                if case .message(let message) = event {
                    count += message.byteCount
                    reporter.yield(count)
                }
            }
            reporter.finish()
        }
        defer { receiving.cancel() }
        var seen = progress.makeAsyncIterator()
        let payload = [UInt8](repeating: 0xA5, count: messageSize)
        var sent = 0
        var received = 0
        func transfer(_ bytes: Int) async throws {
            let target = sent + bytes
            while sent < target {
                if await bulk.bufferedAmount > highWater {
                    while let event = await events.next(), event != .bufferedAmountLow {}
                }
                try await bulk.send(payload)
                sent += messageSize
            }
            while received < sent {
                guard let count = await seen.next() else { throw LoopbackError.channel("only \(received) of \(sent) bytes arrived") }
                received = count
            }
        }
        // Bounded: after two minutes the connections close, which ends every wait above.
        let watchdog = Task { [self] in
            try await Task.sleep(for: .seconds(120))
            await close()
        }
        defer { watchdog.cancel() }
        if warmUp > 0 { try await transfer(warmUp) }
        let clock = ContinuousClock()
        let start = clock.now
        try await transfer(total)
        let elapsed = clock.now - start
        return Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    func close() async {
        await offerer.close()
        await answerer.close()
    }
}

enum LoopbackError: Error, CustomStringConvertible {
    case noDescription(String)
    case channel(String)
    case timeout(String)
    case mismatch(String)

    var description: String {
        switch self {
        case .noDescription(let what): return "no local \(what) description"
        case .channel(let why): return "data channel: \(why)"
        case .timeout(let what): return "timed out waiting for \(what)"
        case .mismatch(let what): return "echo mismatch: \(what)"
        }
    }
}

/// Runs `body`, failing with a timeout error after `limit`.
func withTimeout<T: Sendable>(_ limit: Duration, what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw LoopbackError.timeout(what)
        }
        let result = try await group.next()!
        group.cancelAll()
        return result
    }
}
