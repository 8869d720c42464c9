import STUN

/// A TURN client for one allocation (RFC 8656), sans-IO: the owner feeds it what arrives from
/// the server and the time, and sends what it produces to the server. Long-term credentials
/// (401 challenge, 438 stale nonce), Allocate, Refresh, CreatePermission, ChannelBind, Send and
/// Data indications and ChannelData, with the refresh timers of the RFC.
public struct TURNClient {
    /// Credentials and options.
    public struct Configuration: Sendable {
        public var username: String
        public var password: String
        /// Requested allocation lifetime in seconds (the server may shorten it).
        public var lifetime: UInt32 = 600
        /// UDP to the server (retransmissions) or a stream (TCP, TLS: no retransmissions).
        public var transport: STUNClientTransaction.Transport = .unreliable
        public var software: String? = "SpecRTC"

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// What the client reports.
    public enum Event: Sendable, Equatable {
        case allocated(relayed: STUNTransportAddress, mapped: STUNTransportAddress?, lifetime: UInt32)
        case permissionCreated(peerAddress: [UInt8])
        case channelBound(channel: UInt16, peer: STUNTransportAddress)
        /// Data a peer sent through the relay.
        case data(peer: STUNTransportAddress, bytes: [UInt8])
        case refreshed(lifetime: UInt32)
        case deallocated
        case failed(TURNClientError)
    }

    public enum State: Sendable, Equatable { case idle, allocating, allocated, closed, failed }

    public let configuration: Configuration
    public private(set) var state: State = .idle
    /// The relayed transport address, once allocated.
    public private(set) var relayedAddress: STUNTransportAddress?

    private var random: any RandomNumberGenerator
    private var outgoing: [[UInt8]] = []
    private var events: [Event] = []
    private var realm: String?
    private var nonce: String?
    private var key: [UInt8]?
    private var pending: [[UInt8]: Pending] = [:]
    private var allocationExpiry: Duration?
    private var permissions: [[UInt8]: Duration] = [:]          // peer IP → refresh at
    private var channels: [UInt16: (peer: STUNTransportAddress, refreshAt: Duration)] = [:]
    private var channelByPeer: [STUNTransportAddress: UInt16] = [:]

    /// What a transaction is for, to rebuild it with fresh credentials and act on its answer.
    private enum Purpose: Equatable {
        case allocate, refresh(lifetime: UInt32), permission(peer: STUNTransportAddress), channelBind(channel: UInt16, peer: STUNTransportAddress)
    }

    private struct Pending {
        var transaction: STUNClientTransaction
        var purpose: Purpose
        var retriedAuthentication: Bool
    }

    public init(configuration: Configuration, random: any RandomNumberGenerator) {
        self.configuration = configuration
        self.random = random
    }

    // MARK: Owner interface

    /// Sends the first Allocate (without credentials: the server's 401 supplies realm and nonce).
    public mutating func allocate(now: Duration) {
        guard state == .idle else { return }
        state = .allocating
        start(.allocate, now: now, retriedAuthentication: false)
    }

    /// Installs (or refreshes) a permission for the peer's IP address (RFC 8656 §10).
    public mutating func createPermission(for peer: STUNTransportAddress, now: Duration) {
        guard state == .allocated else { return }
        start(.permission(peer: peer), now: now, retriedAuthentication: false)
    }

    /// Binds `channel` (0x4000–0x4fff) to `peer` (RFC 8656 §12), which also installs a permission.
    public mutating func bindChannel(_ channel: UInt16, to peer: STUNTransportAddress, now: Duration) throws(TURNClientError) {
        guard state == .allocated else { throw .notAllocated }
        guard ChannelData.channelRange.contains(channel) else { throw .invalidChannel(channel) }
        start(.channelBind(channel: channel, peer: peer), now: now, retriedAuthentication: false)
    }

    /// Sends data to a peer: as ChannelData when a channel is bound, else in a Send indication.
    public mutating func send(_ data: [UInt8], to peer: STUNTransportAddress) throws(TURNClientError) {
        guard state == .allocated else { throw .notAllocated }
        // spec: RFC8656-11.1-1 data goes only to peers with a permission
        guard permissions[peer.address] != nil || channelByPeer[peer] != nil else { throw .noPermission(peer) }
        if let channel = channelByPeer[peer] {
            // spec: RFC8656-12.5-2 over streams ChannelData is padded to four bytes
            outgoing.append(ChannelData(channel: channel, data: data).encoded(padded: configuration.transport == .reliable))
            return
        }
        let transactionID = randomBytes(12)
        // spec: RFC8656-11.1-2 a Send indication carries XOR-PEER-ADDRESS and DATA
        let indication = STUNMessage(type: STUNMessageType(method: .send, messageClass: .indication), transactionID: transactionID,
                                     attributes: [.xorPeerAddress(peer, transactionID: transactionID), .data(data)])
        outgoing.append(indication.encoded)
    }

    /// Deletes the allocation (a Refresh with lifetime 0).
    public mutating func deallocate(now: Duration) {
        guard state == .allocated else { return }
        // spec: RFC8656-8-2 an allocation no longer wanted is deleted explicitly
        start(.refresh(lifetime: 0), now: now, retriedAuthentication: false)
    }

    public mutating func pollDatagram() -> [UInt8]? { outgoing.isEmpty ? nil : outgoing.removeFirst() }
    public mutating func pollEvent() -> Event? { events.isEmpty ? nil : events.removeFirst() }

    /// The earliest transaction retransmission or refresh the owner must wake up for.
    public var nextTimeout: Duration? {
        var times = pending.values.compactMap { entry -> Duration? in
            var copy = entry.transaction
            if case .timeout(let at) = copy.poll(at: .zero) { return at }
            return nil
        }
        if state == .allocated {
            if let expiry = allocationExpiry { times.append(expiry) }
            times += permissions.values
            times += channels.values.map(\.refreshAt)
        }
        return times.min()
    }

    /// Retransmits and refreshes what is due.
    public mutating func handleTimeout(now: Duration) {
        for id in Array(pending.keys) { drive(id, now: now) }
        guard state == .allocated else { return }
        if let refreshAt = allocationExpiry, now >= refreshAt {
            allocationExpiry = nil
            // spec: RFC8656-8-1 the allocation is refreshed before it expires
            start(.refresh(lifetime: configuration.lifetime), now: now, retriedAuthentication: false)
        }
        for (address, refreshAt) in permissions where now >= refreshAt {
            permissions[address] = now + .seconds(240)   // until the answer sets it again
            let port = channelByPeer.keys.first { $0.address == address }?.port ?? 0
            start(.permission(peer: STUNTransportAddress(address: address, port: port)), now: now, retriedAuthentication: false)
        }
        for (channel, binding) in channels where now >= binding.refreshAt {
            channels[channel] = (binding.peer, now + .seconds(540))
            start(.channelBind(channel: channel, peer: binding.peer), now: now, retriedAuthentication: false)
        }
    }

    /// Processes one datagram (or stream frame) from the server.
    public mutating func receive(_ bytes: [UInt8], now: Duration) {
        if let first = bytes.first, first & 0xc0 == 0x40 {
            // spec: RFC8656-12-2 ChannelData is told from STUN by its first two bits
            guard let message = try? ChannelData(datagram: bytes), let binding = channels[message.channel] else { return }
            events.append(.data(peer: binding.peer, bytes: message.data))
            return
        }
        guard let message = try? STUNMessage(parsing: bytes) else { return }
        if message.type.messageClass == .indication {
            guard message.type.method == .data,
                  // spec: RFC8656-11.3-1 a Data indication carries XOR-PEER-ADDRESS and DATA
                  let peer = try? message.xorPeerAddress(), let data = message.attribute(STUNAttributeType.data) else { return }
            events.append(.data(peer: peer, bytes: data.value))
            return
        }
        guard var entry = pending[message.transactionID] else { return }
        guard entry.transaction.handle(response: message, at: now) else { return }
        pending[message.transactionID] = nil
        if let key, message.attribute(STUNAttributeType.messageIntegrity) != nil, !message.hasValidMessageIntegrity(key: key) {
            return   // a forged answer: wait for the real one, or time out
        }
        if message.type.messageClass == .errorResponse {
            handleError(message, entry: &entry, now: now)
        } else {
            handleSuccess(message, purpose: entry.purpose, now: now)
        }
    }

    // MARK: Transactions

    private mutating func start(_ purpose: Purpose, now: Duration, retriedAuthentication: Bool) {
        let transactionID = randomBytes(12)
        var attributes: [STUNAttribute] = []
        let method: STUNMethod
        switch purpose {
        case .allocate:
            method = .allocate
            // spec: RFC8656-7.1-4 REQUESTED-TRANSPORT (UDP) is always included
            attributes.append(.requestedTransport(protocolNumber: 17))
            // spec: RFC8656-7.1-11 the wanted lifetime goes in LIFETIME
            attributes.append(.lifetime(seconds: configuration.lifetime))
        case .refresh(let lifetime):
            method = .refresh
            attributes.append(.lifetime(seconds: lifetime))
        case .permission(let peer):
            method = .createPermission
            // spec: RFC8656-10.1-1 CreatePermission carries at least one XOR-PEER-ADDRESS
            attributes.append(.xorPeerAddress(peer, transactionID: transactionID))
        case let .channelBind(channel, peer):
            method = .channelBind
            attributes.append(.channelNumber(channel))
            attributes.append(.xorPeerAddress(peer, transactionID: transactionID))
        }
        if let software = configuration.software { attributes.append(.software(software)) }
        var message = STUNMessage(type: STUNMessageType(method: method, messageClass: .request), transactionID: transactionID, attributes: attributes)
        if let realm, let nonce, let key {
            // spec: RFC8489-9.2.5-4 the retry carries USERNAME
            // spec: RFC8489-9.2.5-13 and every later request USERNAME, REALM, NONCE and MESSAGE-INTEGRITY
            message.attributes += [.username(configuration.username), .realm(realm), .nonce(nonce)]
            message.appendMessageIntegrity(key: key)
        }
        var transaction = STUNClientTransaction(request: message, transport: configuration.transport, now: now)
        pending[transactionID] = Pending(transaction: transaction, purpose: purpose, retriedAuthentication: retriedAuthentication)
        if case .transmit(let bytes) = transaction.poll(at: now) { outgoing.append(bytes) }
        pending[transactionID]?.transaction = transaction
    }

    private mutating func drive(_ id: [UInt8], now: Duration) {
        guard var entry = pending[id] else { return }
        switch entry.transaction.poll(at: now) {
        case .transmit(let bytes):
            outgoing.append(bytes)
            pending[id] = entry
        case .timeout:
            pending[id] = entry
        case .completed(.timedOut):
            pending[id] = nil
            fail(.timeout(String(describing: entry.purpose)))
        case .completed(.response):
            pending[id] = nil
        }
    }

    private mutating func handleError(_ message: STUNMessage, entry: inout Pending, now: Duration) {
        let code = (try? message.errorCode())?.code ?? 0
        switch code {
        case 401 where !entry.retriedAuthentication,
             438:
            // spec: RFC8489-9.2.5-3 a 401 is retried (once) with credentials
            // spec: RFC8489-9.2.5-6 carrying the REALM of the error response
            // spec: RFC8489-9.2.5-7 and its NONCE
            // spec: RFC8489-9.2.5-12 a 438 (stale nonce) is retried with the new NONCE
            guard let realm = try? message.text(STUNAttributeType.realm), let nonce = try? message.text(STUNAttributeType.nonce) else {
                fail(.server(code: code, reason: "challenge without REALM or NONCE"))
                return
            }
            self.realm = realm
            self.nonce = nonce
            key = STUNCredentials.longTermKeyMD5(username: configuration.username, realm: realm, password: configuration.password)
            start(entry.purpose, now: now, retriedAuthentication: code == 401)
        default:
            let reason = (try? message.errorCode())?.reason ?? ""
            if code == 401 { fail(.unauthorized(reason: reason)); return }
            switch entry.purpose {
            case .allocate, .refresh: fail(.server(code: code, reason: reason))
            case .permission, .channelBind: events.append(.failed(.server(code: code, reason: reason)))
            }
        }
    }

    private mutating func handleSuccess(_ message: STUNMessage, purpose: Purpose, now: Duration) {
        switch purpose {
        case .allocate:
            guard let relayed = try? message.xorRelayedAddress() else {
                fail(.server(code: 0, reason: "Allocate success without XOR-RELAYED-ADDRESS"))
                return
            }
            let lifetime = UInt32((try? message.integer(STUNAttributeType.lifetime)) ?? 600)
            relayedAddress = relayed
            state = .allocated
            allocationExpiry = now + .seconds(Int(max(lifetime, 120)) - 60)
            events.append(.allocated(relayed: relayed, mapped: try? message.xorMappedAddress(), lifetime: lifetime))
        case .refresh(let requested):
            if requested == 0 {
                state = .closed
                allocationExpiry = nil
                events.append(.deallocated)
            } else {
                let lifetime = UInt32((try? message.integer(STUNAttributeType.lifetime)) ?? UInt64(requested))
                allocationExpiry = now + .seconds(Int(max(lifetime, 120)) - 60)
                events.append(.refreshed(lifetime: lifetime))
            }
        case .permission(let peer):
            // spec: RFC8656-9-1 permissions last 300 s: refreshed a minute early
            permissions[peer.address] = now + .seconds(240)
            events.append(.permissionCreated(peerAddress: peer.address))
        case let .channelBind(channel, peer):
            // Channel bindings last 10 minutes; they also install the permission.
            channels[channel] = (peer, now + .seconds(540))
            channelByPeer[peer] = channel
            permissions[peer.address] = now + .seconds(240)
            events.append(.channelBound(channel: channel, peer: peer))
        }
    }

    private mutating func fail(_ error: TURNClientError) {
        state = .failed
        events.append(.failed(error))
    }

    private mutating func randomBytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            let word = random.next()
            for shift in stride(from: 0, to: 64, by: 8) where bytes.count < count { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return bytes
    }
}

/// Why a TURN operation failed.
public enum TURNClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The credentials were refused (401 after a retry with them).
    case unauthorized(reason: String)
    /// The server answered with an error.
    case server(code: Int, reason: String)
    /// A transaction got no answer.
    case timeout(String)
    case notAllocated
    case invalidChannel(UInt16)
    /// Data for a peer without a permission or channel.
    case noPermission(STUNTransportAddress)

    public var description: String {
        switch self {
        case .unauthorized(let reason): return "TURN server refused the credentials (401 \(reason))"
        case let .server(code, reason): return "TURN server error \(code) \(reason)"
        case .timeout(let what): return "no answer from the TURN server (\(what))"
        case .notAllocated: return "no allocation"
        case .invalidChannel(let channel): return "channel 0x\(String(channel, radix: 16)) is outside 0x4000-0x4fff"
        case .noPermission(let peer): return "no permission for \(peer)"
        }
    }
}
