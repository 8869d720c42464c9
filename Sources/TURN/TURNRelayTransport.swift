import STUN

/// A TURN allocation used like a socket, as an ICE agent's relayed candidate needs it: data to
/// a peer creates the permission first and waits for it (bounded), a channel can be bound for
/// the peer ICE selects, and what peers send through the relay comes out as datagrams.
public struct TURNRelayTransport {
    /// The allocation's client.
    public private(set) var client: TURNClient
    /// Data waiting for a permission, per peer IP (at most `maximumQueued` datagrams in all).
    private var waiting: [[UInt8]: [(peer: STUNTransportAddress, bytes: [UInt8])]] = [:]
    private var waitingCount = 0
    private var requested: Set<[UInt8]> = []
    private var nextChannel: UInt16 = 0x4000
    /// Datagrams from peers, and the allocation's own events, in arrival order.
    private var received: [Delivery] = []
    /// Most datagrams held while permissions are being created.
    public var maximumQueued = 256
    /// Datagrams dropped because the queue was full.
    public private(set) var droppedWhileWaiting = 0

    /// What the relay hands its owner.
    public enum Delivery: Sendable, Equatable {
        /// A datagram a peer sent to the relayed address.
        case datagram([UInt8], from: STUNTransportAddress)
        /// An event of the allocation (allocated, refreshed, failed, …).
        case event(TURNClient.Event)
    }

    public init(client: TURNClient) {
        self.client = client
    }

    /// Starts the allocation.
    public mutating func allocate(now: Duration) { client.allocate(now: now) }

    /// Sends `bytes` to `peer` through the relay, creating the permission first if needed.
    public mutating func send(_ bytes: [UInt8], to peer: STUNTransportAddress, now: Duration) {
        if (try? client.send(bytes, to: peer)) != nil { return }
        guard client.state == .allocated else { return }
        // spec: RFC8445-7.2.1-1 a check from a relayed candidate needs a permission first…
        // spec: RFC8445-7.2.1-2 …towards the remote candidate's IP address
        if requested.insert(peer.address).inserted {
            guard (try? client.createPermission(for: peer, now: now)) != nil else { return }
        }
        guard waitingCount < maximumQueued else { droppedWhileWaiting += 1; return }
        waiting[peer.address, default: []].append((peer, bytes))
        waitingCount += 1
    }

    /// Binds a channel to `peer` (for the pair ICE selected: RFC 8445 §12.1 recommends it).
    public mutating func bindChannel(to peer: STUNTransportAddress, now: Duration) {
        guard client.state == .allocated, nextChannel <= 0x4fff else { return }
        // spec: RFC8445-12.1-3 a channel towards the selected remote candidate
        try? client.bindChannel(nextChannel, to: peer, now: now)
        nextChannel += 1
    }

    /// What arrived from the server (a datagram, or one frame of a stream).
    public mutating func receive(_ bytes: [UInt8], now: Duration) {
        client.receive(bytes, now: now)
        drainEvents()
    }

    /// Retransmissions and refreshes.
    public mutating func handleTimeout(now: Duration) {
        client.handleTimeout(now: now)
        drainEvents()
    }

    public var nextTimeout: Duration? { client.nextTimeout }

    /// The next datagram for the server.
    public mutating func pollDatagram() -> [UInt8]? { client.pollDatagram() }

    /// The next delivery for the owner.
    public mutating func pollDelivery() -> Delivery? { received.isEmpty ? nil : received.removeFirst() }

    private mutating func drainEvents() {
        while let event = client.pollEvent() {
            switch event {
            case .data(let peer, let bytes):
                received.append(.datagram(bytes, from: peer))
            case .permissionCreated(let address):
                for (peer, bytes) in waiting.removeValue(forKey: address) ?? [] {
                    waitingCount -= 1
                    try? client.send(bytes, to: peer)
                }
                received.append(.event(event))
            default:
                received.append(.event(event))
            }
        }
    }
}
