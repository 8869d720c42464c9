import Capture
import DataChannel
import Foundation
import ICE
import NIOCore
import NIOPosix
import PeerConnection
import RTCCrypto
import STUN

/// A WebRTC peer connection over UDP sockets (SwiftNIO), shaped like the W3C
/// `RTCPeerConnection` where that fits Swift: async methods, an `AsyncStream` of events,
/// `Sendable` types. The protocol work is the sans-IO ``PeerConnection``; this class owns its
/// sockets, its clock and its timer, all on one event loop.
public final class RTCPeerConnection: @unchecked Sendable {
    /// Candidates, state changes, channels the peer opened and protocol traces, in order.
    public let events: AsyncStream<RTCPeerConnectionEvent>
    /// The configuration it was made with.
    public let configuration: RTCConfiguration

    let continuation: AsyncStream<RTCPeerConnectionEvent>.Continuation
    let eventLoop: any EventLoop
    // Everything below is confined to `eventLoop`.
    var core: PeerConnection
    var sockets: [STUNTransportAddress: any Channel] = [:]
    var written: Set<STUNTransportAddress> = []
    /// The route of the last datagram sent, and whether its socket is in `written` already.
    var lastRoute: Route?
    var lastRouteWritten = false
    /// Datagrams coalesced for one GSO write, and whether the kernel offers UDP_SEGMENT.
    var pendingBatch: Batch?
    var usesSegmentationOffload = System.supportsUDPSegmentationOffload
    let startUptime = NIODeadline.now().uptimeNanoseconds
    var timer: Scheduled<Void>?
    var timerDeadline: Duration?
    var wantedDeadline: Duration?
    var channels: [DataChannelHandle: RTCDataChannel] = [:]
    var capture: PcapWriter?
    var plaintextCapture: PcapWriter?
    var keyLog: [String] = []
    var socketAddresses: [STUNTransportAddress: SocketAddress] = [:]
    var transportAddresses: [SocketAddress: STUNTransportAddress] = [:]
    var lastAddresses: (STUNTransportAddress, STUNTransportAddress)?
    var closed = false

    /// Makes a connection: a fresh P-256 certificate and one UDP socket per host address.
    public static func make(configuration: RTCConfiguration = RTCConfiguration(),
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> RTCPeerConnection {
        if let dscp = configuration.dscp, dscp > 63 {
            throw RTCError.invalidConfiguration("dscp \(dscp) is not a 6-bit code point (0...63)")
        }
        let eventLoop = group.next()
        var random = SecureRandom()
        let privateKey = random.p256PrivateKey()
        let now = Int64(Date().timeIntervalSince1970)
        // spec: RFC8827-6.5-1 a fresh self-signed certificate per connection, its fingerprint in SDP
        let certificate = try X509Certificate.selfSigned(privateKey: privateKey, serialNumber: random.bytes(16), commonName: "SpecRTC",
                                                         notBefore: now - 86_400, notAfter: now + 30 * 86_400)
        var ice = ICEAgent.Configuration(role: .controlling)
        ice.allowsLoopback = configuration.hostAddresses.contains { $0 == "127.0.0.1" || $0 == "::1" || $0.hasPrefix("127.") }
        var transport = PeerTransportConfiguration(certificate: certificate, privateKey: privateKey, ice: ice, sctp: configuration.sctp)
        transport.keyLog = configuration.keyLogPath != nil
        transport.tapsSCTP = configuration.plaintextPcapPath != nil
        transport.pathMTUProbeCeiling = configuration.pathMTUProbeCeiling
        transport.nonInterleavedMessageLimit = configuration.nonInterleavedMessageLimit
        var core = PeerConnectionConfiguration(transport: transport)
        core.bundlePolicy = configuration.bundlePolicy
        core.maxMessageSize = configuration.maxMessageSize
        let connection = RTCPeerConnection(core: PeerConnection(configuration: core, random: random), configuration: configuration,
                                           eventLoop: eventLoop)
        do {
            for host in configuration.hostAddresses { try await connection.bind(host) }
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    init(core: PeerConnection, configuration: RTCConfiguration, eventLoop: any EventLoop) {
        self.core = core
        self.configuration = configuration
        self.eventLoop = eventLoop
        if configuration.pcapPath != nil { capture = PcapWriter(linkType: .raw) }
        if configuration.plaintextPcapPath != nil { plaintextCapture = PcapWriter(linkType: .raw) }
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    // MARK: Signaling (W3C names)

    /// createOffer; `iceRestart` asks for new ICE credentials.
    public func createOffer(iceRestart: Bool = false) async throws -> RTCSessionDescription {
        try await onLoop { try self.core.createOffer(iceRestart: iceRestart, at: self.now) }
    }

    public func createAnswer() async throws -> RTCSessionDescription {
        try await onLoop { try self.core.createAnswer(at: self.now) }
    }

    public func setLocalDescription(_ description: RTCSessionDescription) async throws {
        try await onLoop {
            try self.core.setLocalDescription(description, at: self.now)
            self.drain()
        }
    }

    public func setRemoteDescription(_ description: RTCSessionDescription) async throws {
        try await onLoop {
            try self.core.setRemoteDescription(description, at: self.now)
            self.drain()
        }
    }

    /// Adds a trickled candidate; an empty `candidate` is end-of-candidates.
    public func addIceCandidate(_ candidate: ICECandidateInit) async throws {
        try await onLoop {
            try self.core.addICECandidate(candidate, at: self.now)
            self.drain()
        }
    }

    /// The local description with the candidates gathered so far.
    public var localDescription: RTCSessionDescription? { get async { try? await onLoop { self.core.localDescription } } }

    public var connectionState: PeerConnectionState { get async { (try? await onLoop { self.core.transport.state }) ?? .closed } }
    public var signalingState: SignalingState { get async { (try? await onLoop { self.core.signalingState }) ?? .closed } }
    public var iceConnectionState: ICEConnectionState { get async { (try? await onLoop { self.core.transport.ice.connectionState }) ?? .closed } }

    /// Creates a data channel (W3C `createDataChannel`).
    public func createDataChannel(_ label: String, options: DataChannelOptions = DataChannelOptions()) async throws -> RTCDataChannel {
        try await onLoop {
            let handle = try self.core.createDataChannel(label: label, options: options)
            let channel = RTCDataChannel(handle: handle, label: label, protocol: options.protocol, options: options, connection: self)
            self.channels[handle] = channel
            self.drain()
            return channel
        }
    }

    /// The statistics report (W3C `getStats()`): peer-connection, transport, candidate pairs and
    /// candidates, certificates, data channels, with the webrtc-stats member names.
    public func getStats() async -> [RTCStats] {
        (try? await onLoop { self.core.statistics(timestamp: Date().timeIntervalSince1970 * 1000) }) ?? []
    }

    /// Adds an audio or video transceiver (W3C `addTransceiver`); media over it lands with the
    /// media issues, its negotiation works now (it needs the max-bundle policy).
    public func addTransceiver(_ kind: MediaKind, direction: RTPTransceiverDirection = .sendrecv) async throws -> TransceiverHandle {
        try await onLoop {
            let handle = try self.core.addTransceiver(kind, direction: direction)
            self.drain()
            return handle
        }
    }

    /// The transceivers, with their mids and negotiated directions.
    public var transceivers: [RTPTransceiver] { get async { (try? await onLoop { self.core.transceivers }) ?? [] } }

    /// Closes the connection and its sockets; writes the pcap and key log when asked for.
    public func close() async {
        try? await onLoop { self.closeOnLoop() }
    }

    // MARK: The event loop side

    /// Runs `body` on the connection's event loop.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await eventLoop.submit(body).get()
    }

    var now: Duration { .nanoseconds(Int64(NIODeadline.now().uptimeNanoseconds - startUptime)) }

    // spec: RFC8835-3.2-1 IPv4 and IPv6 host addresses alike
    func bind(_ host: String) async throws {
        // UDP GRO: the kernel hands a train of equal datagrams from one sender over as one
        // buffer with their size (the handler cuts it up again), so one recvmsg into a 64 KiB
        // buffer takes a whole train. Without GRO, recvmmsg takes up to 16 datagrams in
        // 2048-byte slots. (Sixteen 64 KiB slots would hold a megabyte per idle socket.)
        let receiveOffload = System.supportsUDPReceiveOffload
        var bootstrap = DatagramBootstrap(group: eventLoop)
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(ChannelOptions.socketOption(.so_sndbuf), value: 4 << 20)
            .channelOption(ChannelOptions.maxMessagesPerRead, value: 32)
            .channelOption(ChannelOptions.recvAllocator,
                           value: FixedSizeRecvByteBufferAllocator(capacity: receiveOffload ? 65_536 : Self.datagramsPerRead * 2048))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramHandler(connection: self))
                }
            }
        if receiveOffload {
            bootstrap = bootstrap.channelOption(ChannelOptions.datagramReceiveOffload, value: true)
                .channelOption(ChannelOptions.datagramReceiveSegmentSize, value: true)
        } else {
            bootstrap = bootstrap.channelOption(ChannelOptions.datagramVectorReadMessageCount, value: Self.datagramsPerRead)
        }
        let channel = try await bootstrap.bind(host: host, port: 0).get()
        try await SocketMarking.apply(to: channel, dscp: configuration.dscp)
        try await onLoop {
            guard let address = channel.localAddress, let local = self.transportAddress(address) else {
                throw RTCError.socket("cannot read the local address of the socket bound to \(host)")
            }
            self.sockets[local] = channel
            try self.core.addHostCandidate(local)
            self.drain()
        }
    }

    static let datagramsPerRead = 16

    /// One datagram from a socket (on the loop). What it makes is written but flushed only when
    /// the socket's read burst ends (``flushWritten()``), so one sendmmsg carries the answers
    /// to many datagrams.
    func receive(_ bytes: [UInt8], from: STUNTransportAddress, to: STUNTransportAddress) {
        guard !closed else { return }
        record(bytes, from: from, to: to)
        // One clock reading for the datagram and the drain after it.
        let time = now
        core.handle(.datagram(bytes, from: from, to: to), at: time)
        drain(flush: false, at: time)
    }

    /// Flushes the sockets written since the last flush.
    func flushWritten() {
        writePendingBatch()
        guard !written.isEmpty else { return }
        for local in written { sockets[local]?.flush() }
        written.removeAll(keepingCapacity: true)
        lastRouteWritten = false
    }

    /// Drains the core: datagrams to sockets, events to streams, the next timeout to the timer.
    func drain(flush: Bool = true, at time: Duration? = nil) {
        let time = time ?? now
        loop: while true {
            switch core.poll(at: time) {
            case .transmit(let transmit):
                send(transmit)
            case .event(let event):
                dispatch(event, at: time)
            case .timeout(let deadline):
                schedule(deadline)
                break loop
            }
        }
        if flush { flushWritten() }
    }

    func send(_ transmit: ICETransmit) {
        // Every datagram of a call takes the same route: look it up once, not per datagram.
        let route: Route
        if let last = lastRoute, last.source == transmit.source, last.destination == transmit.destination {
            route = last
        } else {
            guard let channel = sockets[transmit.source], let destination = socketAddress(transmit.destination) else { return }
            route = Route(source: transmit.source, destination: transmit.destination, channel: channel, address: destination)
            lastRoute = route
            lastRouteWritten = false
        }
        record(transmit.bytes, from: transmit.source, to: transmit.destination)
        if plaintextCapture != nil { lastAddresses = (transmit.source, transmit.destination) }
        if !lastRouteWritten {
            written.insert(transmit.source)
            lastRouteWritten = true
        }
        let count = transmit.bytes.count
        if usesSegmentationOffload, var batch = pendingBatch, batch.source == route.source, batch.destination == route.destination,
           batch.segmentSize >= count, !batch.ended, batch.count < Self.maximumSegments,
           batch.buffer.readableBytes + count <= Self.maximumBatchBytes {
            // The same size again (or a last, shorter one): one more segment of the batch.
            pendingBatch = nil   // keeps the buffer uniquely referenced while it grows
            batch.buffer.writeBytes(transmit.bytes)
            batch.count += 1
            batch.ended = count < batch.segmentSize
            pendingBatch = batch
            return
        }
        writePendingBatch()
        var buffer = route.channel.allocator.buffer(capacity: usesSegmentationOffload ? max(count, 8 * count) : count)
        buffer.writeBytes(transmit.bytes)
        pendingBatch = Batch(source: route.source, destination: route.destination, channel: route.channel, address: route.address,
                             buffer: buffer, segmentSize: count)
    }

    /// Datagrams of one route waiting for the flush: equal sizes (the last may be shorter) go
    /// to the kernel as one UDP GSO write (UDP_SEGMENT), which cuts them into datagrams of
    /// `segmentSize` bytes, exactly the datagrams we made. The stack is traversed once per
    /// batch instead of once per datagram.
    struct Batch {
        var source: STUNTransportAddress
        var destination: STUNTransportAddress
        var channel: any Channel
        var address: SocketAddress
        var buffer: ByteBuffer
        var segmentSize: Int
        var count = 1
        /// A shorter datagram ended it: GSO allows only the last segment to be short.
        var ended = false
    }

    /// At most this many datagrams, and bytes, per GSO write (the kernel takes up to 64
    /// segments and 64 KiB).
    static let maximumSegments = 32
    static let maximumBatchBytes = 60_000

    /// Writes the pending batch (not flushed: ``flushWritten()`` does that).
    func writePendingBatch() {
        guard let batch = pendingBatch else { return }
        pendingBatch = nil
        guard batch.count > 1 else {
            batch.channel.write(AddressedEnvelope(remoteAddress: batch.address, data: batch.buffer), promise: nil)
            return
        }
        let promise = batch.channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenFailure { [self] _ in
            // A kernel or path that refuses UDP_SEGMENT: send datagram by datagram from now on
            // (SCTP retransmits what this write lost).
            usesSegmentationOffload = false
        }
        let metadata = AddressedEnvelope<ByteBuffer>.Metadata(ecnState: .transportNotCapable, packetInfo: nil, segmentSize: batch.segmentSize)
        batch.channel.write(AddressedEnvelope(remoteAddress: batch.address, data: batch.buffer, metadata: metadata), promise: promise)
    }

    /// A socket and the peer's address in NIO's form, for one (source, destination) pair.
    struct Route {
        var source: STUNTransportAddress
        var destination: STUNTransportAddress
        var channel: any Channel
        var address: SocketAddress
    }

    /// Keeps the timer at or before the core's next deadline. A deadline that moves later (the
    /// SCTP T3-rtx timer restarts with every SACK) leaves the armed timer alone: it fires, finds
    /// nothing due and re-arms, instead of a cancel and a new task per datagram.
    func schedule(_ deadline: Duration?) {
        wantedDeadline = deadline
        guard let deadline, !closed else { return }
        if timer != nil, let armed = timerDeadline, armed <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        let (seconds, attoseconds) = deadline.components
        let nanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds / 1_000_000_000))
        timer = eventLoop.scheduleTask(deadline: .uptimeNanoseconds(startUptime + nanoseconds)) { [self] in
            timer = nil
            timerDeadline = nil
            guard !closed, let wanted = wantedDeadline else { return }
            if wanted <= now {
                core.handle(.timeout, at: now)
                drain()
            } else {
                schedule(wanted)
            }
        }
    }

    func dispatch(_ event: PeerConnectionEvent, at time: Duration) {
        switch event {
        case .transport(.sctpPacket(let packet, let sent)):
            recordPlaintext(packet, sent: sent)
        case .transport(let event):
            continuation.yield(.trace(event, at: time))
            dispatchTransport(event)
        case .localCandidate(let candidate): continuation.yield(.iceCandidate(candidate))
        case .endOfLocalCandidates: continuation.yield(.iceCandidate(nil))
        case .signalingStateChanged(let state): continuation.yield(.signalingStateChange(state))
        case .negotiationNeeded: continuation.yield(.negotiationNeeded)
        }
    }

    func dispatchTransport(_ event: PeerTransportEvent) {
        switch event {
        case .connectionStateChanged(let state): continuation.yield(.connectionStateChange(state))
        case .iceStateChanged(let state): continuation.yield(.iceConnectionStateChange(state))
        case let .dataChannelCreated(handle, label, protocolName, options):
            let channel = RTCDataChannel(handle: handle, label: label, protocol: protocolName, options: options, connection: self)
            channels[handle] = channel
            continuation.yield(.dataChannel(channel))
        case let .dataChannelOpened(handle, id):
            channels[handle]?.streamIdentifier = id
            channels[handle]?.deliver(.open)
        case let .dataChannelMessage(handle, message): channels[handle]?.deliver(.message(message))
        case .bufferedAmountLow(let handle): channels[handle]?.deliver(.bufferedAmountLow)
        case .dataChannelClosing(let handle): channels[handle]?.deliver(.closing)
        case .dataChannelClosed(let handle):
            channels.removeValue(forKey: handle)?.deliver(.close)
        case let .dataChannelError(handle, error):
            if let handle { channels[handle]?.deliver(.error("\(error)")) }
        case let .dataChannelFailed(handle, error): channels[handle]?.deliver(.error("\(error)"))
        case let .sendFailed(handle, reason): if let handle { channels[handle]?.deliver(.error(reason)) }
        case .keyLog(let line): keyLog.append(line)
        default: break
        }
    }

    func closeOnLoop() {
        guard !closed else { return }
        core.close(at: now)
        drain()
        closed = true
        timer?.cancel()
        for channel in channels.values { channel.deliver(.close) }
        channels.removeAll()
        for socket in sockets.values { socket.close(promise: nil) }
        sockets.removeAll()
        lastRoute = nil
        if let path = configuration.pcapPath, let capture {
            FileManager.default.createFile(atPath: path, contents: Data(capture.bytes))
        }
        if let path = configuration.plaintextPcapPath, let plaintextCapture {
            FileManager.default.createFile(atPath: path, contents: Data(plaintextCapture.bytes))
        }
        if let path = configuration.keyLogPath {
            FileManager.default.createFile(atPath: path, contents: Data(keyLog.map { $0 + "\n" }.joined().utf8))
        }
        continuation.finish()
    }

    func record(_ bytes: [UInt8], from source: STUNTransportAddress, to destination: STUNTransportAddress) {
        guard capture != nil else { return }
        let time = Date().timeIntervalSince1970
        let seconds = UInt32(time), nanoseconds = UInt32((time - Double(seconds)) * 1e9)
        capture!.appendUDP(bytes, source: (source.address, source.port), destination: (destination.address, destination.port),
                           seconds: seconds, nanoseconds: nanoseconds)
    }

    /// Records a plaintext SCTP packet as SCTP over IP between the selected pair's addresses.
    func recordPlaintext(_ packet: [UInt8], sent: Bool) {
        // Before nomination there is no selected pair: the addresses of the last datagram sent do.
        let pair = core.transport.ice.selectedPair.map { ($0.source, $0.destination) } ?? lastAddresses
        guard plaintextCapture != nil, let (local, remote) = pair else { return }
        let time = Date().timeIntervalSince1970
        let seconds = UInt32(time), nanoseconds = UInt32((time - Double(seconds)) * 1e9)
        let (source, destination) = sent ? (local.address, remote.address) : (remote.address, local.address)
        plaintextCapture!.appendIP(packet, protocol: 132, source: source, destination: destination, seconds: seconds, nanoseconds: nanoseconds)
    }

    // MARK: Addresses

    func transportAddress(_ address: SocketAddress) -> STUNTransportAddress? {
        if let known = transportAddresses[address] { return known }
        guard let port = address.port else { return nil }
        var bytes: [UInt8]
        switch address {
        case .v4(let v4): bytes = withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6): bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default: return nil
        }
        let result = STUNTransportAddress(address: bytes, port: UInt16(port))
        if transportAddresses.count < 1024 { transportAddresses[address] = result }
        return result
    }

    func socketAddress(_ address: STUNTransportAddress) -> SocketAddress? {
        if let known = socketAddresses[address] { return known }
        guard let result = try? SocketAddress(ipAddress: IPAddressText.format(address.address), port: Int(address.port)) else { return nil }
        if socketAddresses.count < 1024 { socketAddresses[address] = result }
        return result
    }
}

/// Why the socket layer failed, or which configuration value it refused.
public enum RTCError: Error, Sendable, CustomStringConvertible {
    case socket(String)
    /// An `RTCConfiguration` value out of its range.
    case invalidConfiguration(String)
    public var description: String {
        switch self {
        case .socket(let why): return "socket: \(why)"
        case .invalidConfiguration(let why): return "invalid configuration: \(why)"
        }
    }
}

/// Reads datagrams from one UDP socket into the connection (on its event loop).
final class DatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let connection: RTCPeerConnection
    /// This socket's address, and the last sender's, converted once rather than per datagram.
    var local: STUNTransportAddress?
    var lastSource: (socket: SocketAddress, transport: STUNTransportAddress)?

    init(connection: RTCPeerConnection) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        if local == nil, let address = context.channel.localAddress { local = connection.transportAddress(address) }
        if lastSource?.socket != envelope.remoteAddress {
            lastSource = connection.transportAddress(envelope.remoteAddress).map { (envelope.remoteAddress, $0) }
        }
        guard let local, let from = lastSource?.transport else { return }
        let bytes = envelope.data.readableBytesView
        guard let size = envelope.metadata?.segmentSize, size > 0, size < bytes.count else {
            connection.receive(Array(bytes), from: from, to: local)
            return
        }
        // A GRO train: datagrams of `size` bytes, the last possibly shorter, one after another.
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = min(start + size, bytes.endIndex)
            connection.receive(Array(bytes[start..<end]), from: from, to: local)
            start = end
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        connection.flushWritten()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like surface here; ICE's timers handle a dead path.
    }
}
