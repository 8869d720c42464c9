import DataChannel
import NIOCore
import PeerConnection

/// A data channel of an ``RTCPeerConnection`` (W3C `RTCDataChannel`). Its state lives on the
/// connection's event loop; the properties read it there.
public final class RTCDataChannel: @unchecked Sendable {
    /// The channel's label and subprotocol, as created or as the peer's DATA_CHANNEL_OPEN said.
    public let label: String
    public let `protocol`: String
    /// Ordered delivery, partial reliability and negotiation, as created.
    public let options: DataChannelOptions
    /// Messages, state changes and errors, in order.
    public let events: AsyncStream<RTCDataChannelEvent>

    let handle: DataChannelHandle
    let continuation: AsyncStream<RTCDataChannelEvent>.Continuation
    unowned let connection: RTCPeerConnection
    // Event-loop confined.
    var streamIdentifier: UInt16?

    init(handle: DataChannelHandle, label: String, protocol: String, options: DataChannelOptions, connection: RTCPeerConnection) {
        self.handle = handle
        self.label = label
        self.protocol = `protocol`
        self.options = options
        self.connection = connection
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// The SCTP stream identifier (W3C `id`), once the DTLS role is known.
    public var id: UInt16? { get async { try? await connection.onLoop { self.streamIdentifier } } }

    /// Sends a text message.
    public func send(_ text: String) async throws { try await send(.string(text)) }
    /// Sends a binary message.
    public func send(_ bytes: [UInt8]) async throws { try await send(.binary(bytes)) }

    /// Sends one message; throws when the channel is not open or the message is too large.
    public func send(_ message: DataChannelMessage) async throws {
        try await connection.onLoop {
            try self.connection.core.send(message, on: self.handle)
            self.connection.drain()
        }
    }

    /// Bytes queued and not yet sent (W3C `bufferedAmount`).
    public var bufferedAmount: Int { get async { (try? await connection.onLoop { self.connection.core.bufferedAmount(of: self.handle) }) ?? 0 } }

    /// Sets the threshold under which `.bufferedAmountLow` is reported.
    public func setBufferedAmountLowThreshold(_ threshold: Int) async throws {
        try await connection.onLoop { try self.connection.core.setBufferedAmountLowThreshold(threshold, for: self.handle) }
    }

    /// Starts closing the channel (its streams are reset).
    public func close() async {
        try? await connection.onLoop {
            try? self.connection.core.closeDataChannel(self.handle)
            self.connection.drain()
        }
    }

    /// W3C `readyState`: connecting, open, closing or closed.
    public var readyState: String {
        get async {
            (try? await connection.onLoop {
                self.connection.core.transport.state(of: self.handle).map(PeerConnection.channelState) ?? "closed"
            }) ?? "closed"
        }
    }

    /// Delivers one event (on the loop).
    func deliver(_ event: RTCDataChannelEvent) {
        continuation.yield(event)
        if case .close = event { continuation.finish() }
    }
}
