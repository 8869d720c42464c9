@testable import DataChannel

/// Two endpoints, the DTLS client and the DTLS server, wired back to back: what one sends arrives
/// at the other as an SCTP message, and a stream reset one asks for arrives at the other as an
/// incoming reset (and completes at once on the asking side).
struct BackToBack {
    var client: DataChannelEndpoint
    var server: DataChannelEndpoint
    /// Everything each side handed to SCTP, in order.
    var clientSent: [DataChannelOutgoingMessage] = []
    var serverSent: [DataChannelOutgoingMessage] = []
    var clientEvents: [DataChannelEvent] = []
    var serverEvents: [DataChannelEvent] = []
    var clientResets: [[UInt16]] = []
    var serverResets: [[UInt16]] = []

    init(client: DataChannelEndpoint = DataChannelEndpoint(role: .client),
         server: DataChannelEndpoint = DataChannelEndpoint(role: .server)) {
        self.client = client
        self.server = server
    }

    /// Brings the association up on both sides and moves everything across.
    mutating func establish(streams: Int = 65535) {
        client.handle(.associationEstablished(maxOutboundStreams: streams, maxInboundStreams: streams))
        server.handle(.associationEstablished(maxOutboundStreams: streams, maxInboundStreams: streams))
        pump()
    }

    /// Moves outputs across until neither side has any left.
    mutating func pump() {
        var moved = true
        while moved {
            moved = false
            while let output = client.poll() {
                moved = true
                switch output {
                case .send(let message):
                    clientSent.append(message)
                    server.handle(.message(stream: message.stream, ppid: message.ppid, payload: message.payload))
                case .resetStreams(let streams):
                    clientResets.append(streams)
                    server.handle(.incomingStreamsReset(streams))
                    client.handle(.outgoingStreamsResetDone(streams))
                case .event(let event):
                    clientEvents.append(event)
                }
            }
            while let output = server.poll() {
                moved = true
                switch output {
                case .send(let message):
                    serverSent.append(message)
                    client.handle(.message(stream: message.stream, ppid: message.ppid, payload: message.payload))
                case .resetStreams(let streams):
                    serverResets.append(streams)
                    client.handle(.incomingStreamsReset(streams))
                    server.handle(.outgoingStreamsResetDone(streams))
                case .event(let event):
                    serverEvents.append(event)
                }
            }
        }
    }

    /// Messages delivered to one side's application.
    static func messages(_ events: [DataChannelEvent]) -> [DataChannelMessage] {
        events.compactMap { if case .message(_, let message) = $0 { message } else { nil } }
    }

    /// Error events of one side.
    static func errors(_ events: [DataChannelEvent]) -> [DataChannelProtocolError] {
        events.compactMap { if case .error(_, let error) = $0 { error } else { nil } }
    }
}

extension DataChannelEndpoint {
    /// Drains every output.
    mutating func drain() -> [DataChannelOutput] {
        var outputs: [DataChannelOutput] = []
        while let output = poll() { outputs.append(output) }
        return outputs
    }
}

extension [DataChannelOutput] {
    var sends: [DataChannelOutgoingMessage] { compactMap { if case .send(let m) = $0 { m } else { nil } } }
    var events: [DataChannelEvent] { compactMap { if case .event(let e) = $0 { e } else { nil } } }
    var resets: [[UInt16]] { compactMap { if case .resetStreams(let s) = $0 { s } else { nil } } }
}
