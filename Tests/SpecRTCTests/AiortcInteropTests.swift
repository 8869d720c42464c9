import DataChannel
import Foundation
import PeerConnection
import SpecRTC
import SpecTesting
import Testing

/// SpecRTC's ``RTCPeerConnection`` against aiortc 1.16 (`Tools/Interop/aiortc_peer.py`, a child
/// process driven by JSON lines) over 127.0.0.1, in both offer/answer directions: ICE, DTLS,
/// SCTP (INITs crossing), DCEP, messages of every size class and kind, negotiated channels,
/// closing from either side, and a tampered fingerprint.
@Suite(.enabled(if: AiortcPeer.python != nil, "the interop venv with aiortc is missing (. Tools/lib/environment.sh && ensure_interop_venv makes .build-venv/)"),
       .serialized)
struct AiortcInteropTests {
    // MARK: Set-up

    /// One SpecRTC connection and one aiortc peer; `end()` closes both.
    struct Session {
        let connection: RTCPeerConnection
        let recorder: ConnectionRecorder
        let peer: AiortcPeer

        func end() async {
            peer.stop()
            await connection.close()
            recorder.cancel()
        }
    }

    static func makeConnection(bundlePolicy: BundlePolicy = .balanced) async throws -> (RTCPeerConnection, ConnectionRecorder) {
        var configuration = RTCConfiguration()
        configuration.bundlePolicy = bundlePolicy
        // aiortc has no I-DATA; these tests send messages up to its max-message-size (RFC 8841),
        // so the RFC 8831 §6.6 16 KiB recommendation for non-interleaved peers is lifted.
        configuration.nonInterleavedMessageLimit = 0
        let connection = try await RTCPeerConnection.make(configuration: configuration)
        return (connection, ConnectionRecorder(connection))
    }

    /// Our local description once it has end-of-candidates (aiortc does not trickle).
    static func completeLocalDescription(_ connection: RTCPeerConnection, _ recorder: ConnectionRecorder) async throws -> RTCSessionDescription {
        if let description = await connection.localDescription, InteropSDP.isComplete(description.sdp) { return description }
        try await recorder.wait("end of candidates", seconds: 10) { events in
            events.contains { if case .iceCandidate(nil) = $0 { return true } else { return false } } ? () : nil
        }
        return try #require(await connection.localDescription)
    }

    /// SpecRTC offers (after `prepare` made its channels), aiortc answers.
    static func weOffer(peerArguments: [String] = [], tamperOffer: Bool = false, tamperAnswer: Bool = false,
                        bundlePolicy: BundlePolicy = .balanced,
                        prepare: (RTCPeerConnection) async throws -> Void) async throws -> Session {
        let peer = try AiortcPeer(["--role", "answer", "--timeout", "90"] + peerArguments)
        let (connection, recorder) = try await makeConnection(bundlePolicy: bundlePolicy)
        let session = Session(connection: connection, recorder: recorder, peer: peer)
        do {
            try await prepare(connection)
            let offer = try await connection.createOffer()
            try await connection.setLocalDescription(offer)
            let local = try await completeLocalDescription(connection, recorder)
            peer.send(["type": "offer", "sdp": tamperOffer ? InteropSDP.tamperFingerprints(local.sdp) : local.sdp])
            let answer = try await peer.wait(seconds: 30, "answer") { $0["type"] as? String == "answer" }.line
            let sdp = try #require(answer["sdp"] as? String)
            try await connection.setRemoteDescription(RTCSessionDescription(type: .answer, sdp: tamperAnswer ? InteropSDP.tamperFingerprints(sdp) : sdp))
            return session
        } catch {
            await session.end()
            throw error
        }
    }

    /// aiortc offers (with `--channel` for each of `channels`), SpecRTC answers.
    static func theyOffer(channels: [String], transceivers: [String] = []) async throws -> Session {
        let peer = try AiortcPeer(["--role", "offer", "--timeout", "90"] + channels.flatMap { ["--channel", $0] }
                                  + transceivers.flatMap { ["--transceiver", $0] })
        let (connection, recorder) = try await makeConnection()
        let session = Session(connection: connection, recorder: recorder, peer: peer)
        do {
            let offer = try await peer.wait(seconds: 30, "offer") { $0["type"] as? String == "offer" }.line
            try await connection.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: try #require(offer["sdp"] as? String)))
            let answer = try await connection.createAnswer()
            try await connection.setLocalDescription(answer)
            let local = try await completeLocalDescription(connection, recorder)
            peer.send(["type": "answer", "sdp": local.sdp])
            return session
        } catch {
            await session.end()
            throw error
        }
    }

    static func waitConnected(_ session: Session) async throws {
        try await session.recorder.wait("connected", seconds: 30) { events in
            events.contains { if case .connectionStateChange(.connected) = $0 { return true } else { return false } } ? () : nil
        }
        try await session.peer.waitEvent("state", seconds: 30) { $0["connectionState"] as? String == "connected" }
    }

    // MARK: Messages

    /// Message `index` of the mixed stream: sizes 0, 1, 1 KiB cycling, 64 KiB every 20th; text
    /// or binary by `index % 7` parity; the content depends on `index`, so reordering shows.
    static func message(_ index: Int) -> DataChannelMessage {
        let size = index % 20 == 0 ? 65_536 : [0, 1, 1024][index % 3]
        if (index % 7) % 2 == 0 {
            return .string(String(decoding: (0..<size).map { UInt8(ascii: "a") + UInt8((index + $0) % 26) }, as: UTF8.self))
        }
        return .binary((0..<size).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0) })
    }

    static func describe(_ message: DataChannelMessage) -> String {
        switch message {
        case .string(let text): return "text(\(text.utf8.count))"
        case .binary(let bytes): return "binary(\(bytes.count))"
        }
    }

    static func aiortcMessage(_ line: [String: Any]) -> DataChannelMessage? {
        if let text = line["text"] as? String { return .string(text) }
        if let base64 = line["binary"] as? String, let data = Data(base64Encoded: base64) { return .binary(Array(data)) }
        return nil
    }

    // MARK: 1. SpecRTC offers, aiortc answers and echoes 1000 messages

    @Test("SpecRTC offers, aiortc answers: 1000 mixed messages (empty, 1 B, 1 KiB, 64 KiB; text and binary) echoed in order",
          .spec("RFC8835-3.5-2"), .spec("RFC8832-6-5"), .spec("RFC8831-6.6-5"), .spec("RFC8841-6.1-1"))
    func weOfferEcho() async throws {
        let started = ContinuousClock.now
        var chat: RTCDataChannel!
        let session = try await Self.weOffer { chat = try await $0.createDataChannel("chat") }
        let channel = ChannelRecorder(chat)
        do {
            try await Self.waitConnected(session)
            try await channel.waitOpen()
            let opened = ContinuousClock.now - started
            let state = try await session.peer.waitEvent("state") { $0["connectionState"] as? String == "connected" }
            let remote = try await session.peer.waitEvent("datachannel")
            let id = try #require(await chat.id)
            // aiortc always answers a=setup:active, so we are the DTLS server: odd stream ids.
            #expect(state["dtlsRole"] as? String == "client")
            #expect(id % 2 == 1, "we are the DTLS server, our in-band channel must be odd, got \(id)")
            #expect(remote["id"] as? Int == Int(id))
            #expect(remote["label"] as? String == "chat")

            let count = 1000
            let sendStart = ContinuousClock.now
            var totalBytes = 0
            var peakBuffered = 0
            for index in 0..<count {
                let message = Self.message(index)
                totalBytes += message.byteCount
                try await chat.send(message)
                if index % 50 == 49 { peakBuffered = max(peakBuffered, await chat.bufferedAmount) }
            }
            try await channel.waitMessages(count, seconds: 120)
            let elapsed = ContinuousClock.now - sendStart
            let echoes = channel.messages
            #expect(echoes.count == count, "exactly \(count) echoes, got \(echoes.count)")
            var mismatches: [String] = []
            for index in 0..<min(count, echoes.count) where echoes[index] != Self.message(index) {
                mismatches.append("#\(index): sent \(Self.describe(Self.message(index))), got \(Self.describe(echoes[index]))")
            }
            #expect(mismatches.isEmpty, "\(mismatches.count) echoes differ: \(mismatches.prefix(10))")
            // aiortc saw the same 1000, in order, and echoed each.
            let seen = session.peer.events("message")
            #expect(seen.count == count)
            #expect(seen.allSatisfy { $0["echoed"] as? Bool == true })
            var aiortcMismatches = 0
            for (index, line) in seen.enumerated() where Self.aiortcMessage(line) != Self.message(index) { aiortcMismatches += 1 }
            #expect(aiortcMismatches == 0)

            // RFC 8841 §6.1: aiortc said a=max-message-size:262144; one byte more is refused here.
            await #expect(throws: (any Error).self) { try await chat.send([UInt8](repeating: 7, count: 262_145)) }
            try await chat.send([UInt8](repeating: 9, count: 262_144))
            try await channel.waitMessages(count + 1, seconds: 30)
            #expect(channel.messages.last == .binary([UInt8](repeating: 9, count: 262_144)))
            print("aiortc interop (we offer): open after \(opened); \(count) messages, \(totalBytes) bytes each way, echoed in \(elapsed) (peak bufferedAmount \(peakBuffered))")
        } catch {
            Issue.record("\(error)")
        }
        await session.end()
    }

    // MARK: 2. aiortc offers with a channel, SpecRTC answers

    @Test("aiortc offers with channel \"chat\", SpecRTC answers: the channel arrives, messages both ways, our own in-band channel",
          .spec("RFC8835-3.5-2"), .spec("RFC8832-6-5"))
    func theyOfferChannel() async throws {
        let session = try await Self.theyOffer(channels: ["chat"])
        do {
            try await Self.waitConnected(session)
            let chat = try await session.recorder.wait("remote channel") { _ in session.recorder.dataChannels.first }
            let channel = ChannelRecorder(chat)
            #expect(chat.label == "chat")
            try await channel.waitOpen()
            let state = try await session.peer.waitEvent("state") { $0["connectionState"] as? String == "connected" }
            let open = try await session.peer.waitEvent("open") { $0["label"] as? String == "chat" }
            let theirID = try #require(open["id"] as? Int)
            #expect(await chat.id.map(Int.init) == theirID)

            // aiortc → us.
            session.peer.send(["cmd": "send", "label": "chat", "text": "hello from aiortc"])
            session.peer.send(["cmd": "send", "label": "chat", "binary": Data([1, 2, 3]).base64EncodedString()])
            try await channel.waitMessages(2)
            #expect(channel.messages == [.string("hello from aiortc"), .binary([1, 2, 3])])
            // us → aiortc (it echoes).
            try await chat.send("hello from SpecRTC")
            try await chat.send([4, 5, 6, 7])
            try await channel.waitMessages(4)
            #expect(channel.messages.suffix(2) == [.string("hello from SpecRTC"), .binary([4, 5, 6, 7])])
            let seen = try await session.peer.waitEvent("message") { $0["size"] as? Int == 4 }
            #expect(seen["binary"] as? String == Data([4, 5, 6, 7]).base64EncodedString())

            // Our own in-band channel, opened on the running association: its id has our DTLS parity.
            let reply = try await session.connection.createDataChannel("reply")
            let replyEvents = ChannelRecorder(reply)
            try await replyEvents.waitOpen()
            let ourID = try #require(await reply.id)
            let theirRole = try #require(state["dtlsRole"] as? String)
            #expect(ourID % 2 == (theirRole == "server" ? 0 : 1), "aiortc is DTLS \(theirRole), our id \(ourID)")
            #expect(theirID % 2 == (theirRole == "server" ? 1 : 0), "aiortc is DTLS \(theirRole), its id \(theirID)")
            let remote = try await session.peer.waitEvent("datachannel") { $0["label"] as? String == "reply" }
            #expect(remote["id"] as? Int == Int(ourID))
            try await reply.send("on reply")
            try await replyEvents.waitMessages(1)
            #expect(replyEvents.messages == [.string("on reply")])
            print("aiortc interop (they offer): aiortc is DTLS \(theirRole); its channel id \(theirID), ours \(ourID)")
        } catch {
            Issue.record("\(error)")
        }
        await session.end()
    }

    // MARK: 2b. Media sections

    @Test("aiortc offers audio and video beside its channel; SpecRTC answers them recvonly on the one bundle",
          .spec("RFC8829-5.3.1-11", "RFC8843-7.3.1-2"))
    func theyOfferMedia() async throws {
        let session = try await Self.theyOffer(channels: ["chat"], transceivers: ["audio", "video"])
        do {
            try await Self.waitConnected(session)
            let chat = try await session.recorder.wait("remote channel") { _ in session.recorder.dataChannels.first }
            try await ChannelRecorder(chat).waitOpen()
            let ours = await session.connection.transceivers
            #expect(ours.map(\.kind) == [.audio, .video])
            #expect(ours.map(\.currentDirection) == [.recvonly, .recvonly])
            #expect(ours.allSatisfy { !$0.negotiatedCodecs.isEmpty })
            session.peer.send(["cmd": "status"])
            let status = try await session.peer.waitEvent("status") { $0["transceivers"] != nil }
            let theirs = try #require(status["transceivers"] as? [[String: Any]])
            #expect(theirs.compactMap { $0["currentDirection"] as? String } == ["sendonly", "sendonly"], "\(theirs)")
            print("aiortc interop (they offer media): ours \(ours.map { "\($0.kind.rawValue) \($0.currentDirection?.rawValue ?? "-") \($0.negotiatedCodecs.map(\.name))" }), theirs \(theirs)")
        } catch {
            Issue.record("\(error)")
        }
        await session.end()
    }

    @Test("SpecRTC offers audio, video and a channel (max-bundle); aiortc answers and the channel opens")
    func weOfferMedia() async throws {
        let session = try await Self.weOffer(bundlePolicy: .maxBundle) { connection in
            _ = try await connection.addTransceiver(.audio)
            _ = try await connection.addTransceiver(.video, direction: .recvonly)
            _ = try await connection.createDataChannel("chat")
        }
        do {
            try await Self.waitConnected(session)
            let open = try await session.peer.waitEvent("open") { $0["label"] as? String == "chat" }
            #expect(open["id"] != nil)
            let ours = await session.connection.transceivers
            print("aiortc interop (we offer media): ours \(ours.map { "\($0.kind.rawValue) mid \($0.mid ?? "-") \($0.currentDirection?.rawValue ?? "-") \($0.negotiatedCodecs.map(\.name))" })")
            #expect(ours.allSatisfy { $0.currentDirection != nil } || ours.allSatisfy(\.stopped), "\(ours)")
        } catch {
            Issue.record("\(error)")
        }
        await session.end()
    }

    // MARK: 3. Negotiated channel

    @Test("A negotiated channel (id 42) beside an in-band one carries messages both ways, in both offer directions",
          arguments: [true, false])
    func negotiatedChannel(weAreOfferer: Bool) async throws {
        let negotiated = DataChannelOptions(negotiated: true, id: 42)
        var ours: RTCDataChannel?
        let session: Session
        if weAreOfferer {
            session = try await Self.weOffer { connection in
                _ = try await connection.createDataChannel("chat")
                ours = try await connection.createDataChannel("side", options: negotiated)
            }
        } else {
            session = try await Self.theyOffer(channels: ["chat"])
            ours = try await session.connection.createDataChannel("side", options: negotiated)
        }
        do {
            let side = try #require(ours)
            let events = ChannelRecorder(side)
            session.peer.send(["cmd": "create", "label": "side", "negotiated": true, "id": 42])
            try await Self.waitConnected(session)
            try await events.waitOpen()
            try await session.peer.waitEvent("open") { $0["label"] as? String == "side" && $0["id"] as? Int == 42 }
            #expect(await side.id == 42)
            // No DCEP for it: aiortc reports no "datachannel" for stream 42, we no `.dataChannel`.
            #expect(!session.peer.events("datachannel").contains { $0["id"] as? Int == 42 })
            #expect(!session.recorder.dataChannels.contains { $0.label == "side" })

            session.peer.send(["cmd": "send", "id": 42, "text": "negotiated from aiortc"])
            try await events.waitMessages(1)
            try await side.send("negotiated from SpecRTC")
            try await side.send([UInt8](repeating: 0xAB, count: 5000))
            try await events.waitMessages(3)
            #expect(events.messages == [.string("negotiated from aiortc"), .string("negotiated from SpecRTC"),
                                        .binary([UInt8](repeating: 0xAB, count: 5000))])
            let seen = session.peer.events("message").filter { $0["id"] as? Int == 42 }
            #expect(seen.map { $0["size"] as? Int } == [23, 5000])
        } catch {
            Issue.record("\(error)")
        }
        await session.end()
    }

    // MARK: 4. Closing

    @Test("Close from either side: aiortc closes one channel, we close another (stream resets), then aiortc stops the connection",
          .spec("RFC8831-6.7-1"))
    func closing() async throws {
        var made: [RTCDataChannel] = []
        let session = try await Self.weOffer { connection in
            for label in ["a", "b", "c"] { made.append(try await connection.createDataChannel(label)) }
        }
        do {
            let recorders = made.map(ChannelRecorder.init)
            try await Self.waitConnected(session)
            for recorder in recorders { try await recorder.waitOpen() }
            for label in ["a", "b", "c"] { try await session.peer.waitEvent("open") { $0["label"] as? String == label } }

            // aiortc closes "a": its stream reset reaches us, ours goes back, both report close.
            session.peer.send(["cmd": "close", "label": "a"])
            try await recorders[0].waitClose()
            try await session.peer.waitEvent("close") { $0["label"] as? String == "a" }
            // We close "b": aiortc reports close only when its incoming stream was reset by us.
            await made[1].close()
            try await session.peer.waitEvent("close") { $0["label"] as? String == "b" }
            try await recorders[1].waitClose()
            // "c" still works.
            try await made[2].send("still here")
            try await recorders[2].waitMessages(1)
            do {
                try await made[1].send("after close")
                Issue.record("send on a closed channel succeeded")
            } catch {}

            // aiortc stops the whole connection.
            let stopped = ContinuousClock.now
            session.peer.send(["cmd": "stop"])
            try await session.peer.waitEvent("closed") { $0["reason"] as? String == "stop" }
            try await recorders[2].waitClose(seconds: 30)
            let channelClosed = ContinuousClock.now - stopped
            let ended: PeerConnectionState = try await session.recorder.wait("closed or failed", seconds: 45) { _ in
                session.recorder.states.last.flatMap { [PeerConnectionState.closed, .failed, .disconnected].contains($0) ? $0 : nil }
            }
            let stateAfter = ContinuousClock.now - stopped
            print("aiortc interop (close): after aiortc's stop our channel closed in \(channelClosed), connection \(ended) in \(stateAfter); states \(session.recorder.states); failures \(session.recorder.failures)")
            #expect(recorders[2].events.last == .close)
            // What happens: aiortc's stop sends close_notify; our DTLS transport goes `closed` and
            // the connection state straight to `closed` (no `failed`, no failure reason). Note that
            // W3C keeps `closed` for a local close() only; this pins today's behaviour.
            #expect(ended == .closed)
            #expect(session.recorder.failures.isEmpty)
            #expect(session.recorder.events.contains { if case .trace(.dtlsStateChanged(.closed), _) = $0 { return true } else { return false } })
        } catch {
            Issue.record("\(error)")
        }
        await session.end()
    }

    // MARK: 5. Wrong fingerprint

    @Test("aiortc's answer with a tampered a=fingerprint: SpecRTC refuses the DTLS connection and fails",
          .spec("RFC8122-5.1-6"))
    func wrongFingerprintWeCheck() async throws {
        var chat: RTCDataChannel!
        let session = try await Self.weOffer(tamperAnswer: true) { chat = try await $0.createDataChannel("chat") }
        let channel = ChannelRecorder(chat)
        do {
            let reason = try await session.recorder.wait("failure", seconds: 30) { _ in session.recorder.failures.first }
            _ = try await session.recorder.wait("failed state", seconds: 10) { _ in session.recorder.states.contains(.failed) ? () : nil }
            #expect(reason.lowercased().contains("fingerprint"), "failure reason should name the fingerprint: \(reason)")
            #expect(!session.recorder.states.contains(.connected))
            #expect(!channel.events.contains(.open))
            #expect(await session.connection.connectionState == .failed)
            // aiortc sees the handshake end (our alert) or times out; it never reports connected.
            let end = try await session.peer.wait(seconds: 40, "failed") { $0["event"] as? String == "failed" }.line
            #expect(!session.peer.events("state").contains { $0["connectionState"] as? String == "connected" })
            print("aiortc interop (tampered answer): we failed with \"\(reason)\"; aiortc: \(end["error"] ?? "")")
        } catch {
            Issue.record("\(error)")
        }
        await session.end()
    }

    /// aiortc checks the remote fingerprint only after its DTLS handshake has completed
    /// (`RTCDtlsTransport._validate_peer_identity` after `_do_handshake`), then goes to `failed`
    /// without an alert or close_notify (its `stop()` sends close_notify only when `connecting` or
    /// `connected`). We are the DTLS server: the handshake completed on our side, so we do reach
    /// `connected`; no SCTP association and no channel ever comes up, and we find out that the
    /// peer is gone only when consent expires (RFC 7675 §5.1: 30 s without a response).
    @Test("Our offer with a tampered a=fingerprint given to aiortc: aiortc fails (fingerprint mismatch), no channel opens, our consent expires")
    func wrongFingerprintTheyCheck() async throws {
        var chat: RTCDataChannel!
        let session = try await Self.weOffer(peerArguments: ["--debug"], tamperOffer: true) { chat = try await $0.createDataChannel("chat") }
        let channel = ChannelRecorder(chat)
        do {
            let started = ContinuousClock.now
            let failed = try await session.peer.waitEvent("failed", seconds: 40)
            #expect(!session.peer.events("state").contains { $0["connectionState"] as? String == "connected" })
            #expect(session.peer.stderr.contains("fingerprint mismatch"), "aiortc's debug log names the mismatch")
            #expect(session.peer.events("open").isEmpty)
            // Our side: the handshake completed, then nothing; consent expires within 30 s (+ one check).
            let ended: PeerConnectionState = try await session.recorder.wait("failed after consent expiry", seconds: 45) { _ in
                session.recorder.states.last.flatMap { [PeerConnectionState.failed, .disconnected, .closed].contains($0) ? $0 : nil }
            }
            let after = ContinuousClock.now - started
            #expect(ended == .failed)
            #expect(!channel.events.contains(.open), "no channel may open over a connection the peer refused")
            print("aiortc interop (tampered offer): aiortc failed with \"\(failed["error"] ?? "")\" (fingerprint mismatch in its log); our states \(session.recorder.states) after \(after), failures \(session.recorder.failures)")
        } catch {
            Issue.record("\(error)")
        }
        await session.end()
    }
}
