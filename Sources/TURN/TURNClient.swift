import STUN
import Wire

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
        /// The relayed address family (or both) to ask for.
        public var addressFamily: TURNAddressFamily = .ipv4

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// What the client reports.
    public enum Event: Sendable, Equatable {
        case allocated(relayed: STUNTransportAddress, mapped: STUNTransportAddress?, lifetime: UInt32)
        /// A dual allocation got only one family: the server's reason for the other (ADDRESS-ERROR-CODE).
        case addressFamilyRefused(family: UInt8, code: Int, reason: String)
        /// 300 Try Alternate: send to this server from now on (the Allocate starts again there).
        case redirected(to: STUNTransportAddress)
        /// The server relayed an ICMP error about the path to a peer (RFC 8656 §11.6).
        case icmp(peer: STUNTransportAddress, type: UInt8, code: UInt8)
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
    /// The relayed transport address, once allocated (the first of `relayedAddresses`).
    public var relayedAddress: STUNTransportAddress? { relayedAddresses.first }
    /// The relayed addresses: one, or an IPv4 and an IPv6 one for a dual allocation.
    public private(set) var relayedAddresses: [STUNTransportAddress] = []
    /// Channel numbers ever bound in this allocation, and to which peer.
    private var channelHistory: [UInt16: STUNTransportAddress] = [:]
    private var redirections = 0

    private var random: any RandomNumberGenerator
    private var outgoing = OutputQueue<[UInt8]>()
    private var events = OutputQueue<Event>()
    private var realm: String?
    private var nonce: String?
    private var key: [UInt8]?
    /// PASSWORD-ALGORITHMS as the server sent it, and the one chosen from it (RFC 8489 §9.2.5).
    private var offeredAlgorithms: [STUNPasswordAlgorithm]?
    private var chosenAlgorithm: STUNPasswordAlgorithm?
    /// The nonce cookie asked for anonymity: USERHASH instead of USERNAME.
    private var useUserhash = false
    private var pending: [[UInt8]: Pending] = [:]
    private var allocationExpiry: Duration?
    private var permissions: [[UInt8]: Duration] = [:]          // peer IP → refresh at
    private var channels: [UInt16: (peer: STUNTransportAddress, refreshAt: Duration)] = [:]
    private var channelByPeer: [STUNTransportAddress: UInt16] = [:]
    /// ChannelBind requests sent and not yet answered: data may already come on them (RFC 8656 §12).
    private var pendingChannels: [UInt16: STUNTransportAddress] = [:]

    /// What a transaction is for, to rebuild it with fresh credentials and act on its answer.
    private enum Purpose: Equatable {
        case allocate, refresh(lifetime: UInt32), permission(peer: STUNTransportAddress), channelBind(channel: UInt16, peer: STUNTransportAddress)
    }

    private struct Pending {
        var transaction: STUNClientTransaction
        var purpose: Purpose
        var retriedAuthentication: Bool
        /// An answer arrived but failed its integrity check.
        var discardedForIntegrity = false
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
    public mutating func createPermission(for peer: STUNTransportAddress, now: Duration) throws(TURNClientError) {
        guard state == .allocated else { throw .notAllocated }
        // spec: RFC8656-10.1-3 XOR-PEER-ADDRESS only of a family the allocation relays
        guard relayedAddresses.contains(where: { $0.isIPv6 == peer.isIPv6 }) else { throw .addressFamilyMismatch(peer) }
        start(.permission(peer: peer), now: now, retriedAuthentication: false)
    }

    /// Binds `channel` (0x4000–0x4fff) to `peer` (RFC 8656 §12), which also installs a permission.
    public mutating func bindChannel(_ channel: UInt16, to peer: STUNTransportAddress, now: Duration) throws(TURNClientError) {
        guard state == .allocated else { throw .notAllocated }
        guard ChannelData.channelRange.contains(channel) else { throw .invalidChannel(channel) }
        // spec: RFC8656-12.1-1 the peer's family must be one the allocation relays
        guard relayedAddresses.contains(where: { $0.isIPv6 == peer.isIPv6 }) else { throw .addressFamilyMismatch(peer) }
        // spec: RFC8656-12-3 a channel number is never moved to another peer (no 5-minute wait needed)
        if let previous = channelHistory[channel], previous != peer { throw .channelInUse(channel) }
        channelHistory[channel] = peer
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

    /// Whether a permission towards `peer`'s IP is installed and not expired (five minutes after
    /// it was last confirmed; the client refreshes it a minute before that).
    private func hasPermission(_ peer: STUNTransportAddress, now: Duration) -> Bool {
        guard let refreshAt = permissions[peer.address] else { return false }
        return now < refreshAt + .seconds(60)
    }

    /// Deletes the allocation (a Refresh with lifetime 0).
    public mutating func deallocate(now: Duration) {
        guard state == .allocated else { return }
        // spec: RFC8656-8-2 an allocation no longer wanted is deleted explicitly
        start(.refresh(lifetime: 0), now: now, retriedAuthentication: false)
    }

    public mutating func pollDatagram() -> [UInt8]? { outgoing.popFirst() }
    public mutating func pollEvent() -> Event? { events.popFirst() }

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
            guard let message = try? ChannelData(datagram: bytes) else { return }
            // spec: RFC8656-12-4 ChannelData is accepted as soon as the ChannelBind is sent
            guard let peer = channels[message.channel]?.peer ?? pendingChannels[message.channel] else { return }
            // spec: RFC8656-12.6-1 no active permission towards the peer: the ChannelData is discarded
            guard hasPermission(peer, now: now) || pendingChannels[message.channel] != nil else { return }
            events.append(.data(peer: peer, bytes: message.data))
            return
        }
        guard let message = try? STUNMessage(parsing: bytes) else { return }
        if message.type.messageClass == .indication {
            guard message.type.method == .data, let peer = try? message.xorPeerAddress() else { return }
            if let icmp = try? message.icmp() {
                events.append(.icmp(peer: peer, type: icmp.type, code: icmp.code))
                return
            }
            // spec: RFC8656-11.3-1 a Data indication carries XOR-PEER-ADDRESS and DATA
            guard let data = message.attribute(STUNAttributeType.data) else { return }
            // spec: RFC8656-11.4-1 only from a peer with an active permission…
            // spec: RFC8656-11.6-1 …others are discarded
            guard hasPermission(peer, now: now) else { return }
            events.append(.data(peer: peer, bytes: data.value))
            return
        }
        guard var entry = pending[message.transactionID] else { return }
        if !isAuthentic(message) {
            // spec: RFC8489-9.2.5-16 over UDP a response that fails its integrity check is dropped…
            // spec: RFC8489-9.2.5-17 …and if every answer was dropped, the failure says integrity, not timeout
            // spec: RFC8489-9.2.5-18 over a stream the transaction ends at once with that failure
            pending[message.transactionID]?.discardedForIntegrity = true
            if configuration.transport == .reliable {
                pending[message.transactionID] = nil
                fail(.integrityViolation(String(describing: entry.purpose)))
            }
            return
        }
        guard entry.transaction.handle(response: message, at: now) else { return }
        pending[message.transactionID] = nil
        if message.type.messageClass == .errorResponse {
            handleError(message, entry: &entry, now: now)
        } else {
            handleSuccess(message, purpose: entry.purpose, now: now)
        }
    }

    // MARK: Transactions

    private mutating func start(_ purpose: Purpose, now: Duration, retriedAuthentication: Bool) {
        // spec: RFC8489-5-5 every new transaction has a new transaction ID
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
            // No RESERVATION-TOKEN or EVEN-PORT is ever sent, so the family attributes may be:
            // spec: RFC8656-7.1-6 (no REQUESTED-ADDRESS-FAMILY beside a RESERVATION-TOKEN)
            // spec: RFC8656-7.1-9 (no ADDITIONAL-ADDRESS-FAMILY beside a RESERVATION-TOKEN)
            // spec: RFC8656-7.1-10 (no ADDITIONAL-ADDRESS-FAMILY beside EVEN-PORT with R set)
            // spec: RFC8656-7.1-14 (no EVEN-PORT beside a RESERVATION-TOKEN)
            switch configuration.addressFamily {
            case .ipv4:
                break   // IPv4 is what a server allocates by default
            case .ipv6:
                // spec: RFC8656-7.1-5 one REQUESTED-ADDRESS-FAMILY at most
                attributes.append(.requestedAddressFamily(ipv6: true))
            case .dual:
                // spec: RFC8656-7.1-7 ADDITIONAL-ADDRESS-FAMILY asks for IPv6 (0x02)…
                // spec: RFC8656-7.1-8 …and never beside REQUESTED-ADDRESS-FAMILY
                attributes.append(.additionalAddressFamilyIPv6)
            }
        case .refresh(let lifetime):
            method = .refresh
            attributes.append(.lifetime(seconds: lifetime))
        case .permission(let peer):
            method = .createPermission
            // spec: RFC8656-10.1-1 CreatePermission carries at least one XOR-PEER-ADDRESS
            attributes.append(.xorPeerAddress(peer, transactionID: transactionID))
        case let .channelBind(channel, peer):
            method = .channelBind
            pendingChannels[channel] = peer
            attributes.append(.channelNumber(channel))
            attributes.append(.xorPeerAddress(peer, transactionID: transactionID))
        }
        // spec: RFC8656-5-8 SOFTWARE in every request (Allocate and Refresh among them)
        if let software = configuration.software { attributes.append(.software(software)) }
        var message = STUNMessage(type: STUNMessageType(method: method, messageClass: .request), transactionID: transactionID, attributes: attributes)
        // spec: RFC8489-9.2.3.1-1 before the first challenge no credential attributes are sent
        if let realm, let nonce, let key {
            // spec: RFC8489-9.2.5-4 the retry carries USERNAME or USERHASH…
            // spec: RFC8489-9.2.5-5 …USERHASH when the nonce cookie asks for anonymity
            // spec: RFC8656-21.1.6-1 (a server offering anonymity never sees the username)
            message.attributes.append(useUserhash ? .userhash(username: configuration.username, realm: realm) : .username(configuration.username))
            // spec: RFC8489-9.2.5-13 and every later request REALM, NONCE and the integrity attribute
            // spec: RFC8489-9.2.3.2-1 the realm, nonce and key are cached…
            // spec: RFC8489-9.2.3.2-2 …and sent again in every later request
            message.attributes += [.realm(realm), .nonce(nonce)]
            if let offeredAlgorithms, let chosenAlgorithm {
                // spec: RFC8489-9.2.5-8 PASSWORD-ALGORITHMS echoed with the same content
                message.attributes.append(.passwordAlgorithms(offeredAlgorithms))
                // spec: RFC8489-9.2.5-9 PASSWORD-ALGORITHM: the chosen one
                message.attributes.append(.passwordAlgorithm(chosenAlgorithm))
                // spec: RFC8489-9.2.5-19 after PASSWORD-ALGORITHMS, MESSAGE-INTEGRITY-SHA256 only
                message.appendMessageIntegritySHA256(key: key)
            } else {
                // spec: RFC8489-9.2.3.2-3 MESSAGE-INTEGRITY with the cached key
                message.appendMessageIntegrity(key: key)
            }
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
            fail(entry.discardedForIntegrity ? .integrityViolation(String(describing: entry.purpose)) : .timeout(String(describing: entry.purpose)))
        case .completed(.response):
            pending[id] = nil
        }
    }

    private mutating func handleError(_ message: STUNMessage, entry: inout Pending, now: Duration) {
        let code = (try? message.errorCode())?.code ?? 0
        switch code {
        case 401 where !entry.retriedAuthentication,
             438:
            // spec: RFC8656-5-1 the long-term credential mechanism authenticates every request
            // spec: RFC8489-9.2.5-3 a 401 is retried (once) with credentials
            // spec: RFC8489-9.2.5-6 carrying the REALM of the error response
            // spec: RFC8489-9.2.5-7 and its NONCE
            // spec: RFC8489-9.2.5-12 a 438 (stale nonce) is retried with the new NONCE
            guard let realm = try? message.text(STUNAttributeType.realm), let nonce = try? message.text(STUNAttributeType.nonce) else {
                fail(.server(code: code, reason: "challenge without REALM or NONCE"))
                return
            }
            // spec: RFC8489-9.2.5-1 the NONCE is tested for the nonce cookie
            let cookie = STUNNonceCookie(nonce: nonce)
            let offered = (try? message.passwordAlgorithms()) ?? nil
            if cookie?.passwordAlgorithms == true, offered == nil {
                // spec: RFC8489-9.2.5-2 the cookie promises PASSWORD-ALGORITHMS that are missing: no retry
                fail(.server(code: code, reason: "nonce cookie announces PASSWORD-ALGORITHMS, but none were sent"))
                return
            }
            var algorithm = STUNPasswordAlgorithm.md5
            if let offered {
                let supported = offered.filter { $0 == .md5 || $0 == .sha256 }
                guard let first = supported.first else {
                    // spec: RFC8489-9.2.5-10 no algorithm we support: no retry
                    fail(.server(code: code, reason: "no supported password algorithm offered"))
                    return
                }
                // spec: RFC8656-6-3 with both MD5 and SHA-256 offered, SHA-256 is used
                algorithm = supported.contains(.sha256) ? .sha256 : first
            }
            self.realm = realm
            self.nonce = nonce
            offeredAlgorithms = offered
            chosenAlgorithm = offered == nil ? nil : algorithm
            useUserhash = cookie?.usernameAnonymity == true
            key = algorithm.key(username: configuration.username, realm: realm, password: configuration.password)
            // spec: RFC8489-9.2.5-11 a 401 is retried once: the next would not change the credentials
            start(entry.purpose, now: now, retriedAuthentication: code == 401)
        case 300 where entry.purpose == .allocate:
            // ALTERNATE-SERVER (RFC 8489 §10): the Allocate goes to the other server, which
            // challenges afresh; a second redirection in a row is refused (no loops).
            // spec: RFC8489-10-5 the same credentials (username and password) go to the alternate
            // spec: RFC8489-10-9 a redirection back to a server already tried is ignored (any second one is)
            guard redirections < 1, let alternate = try? message.alternateServer() else {
                fail(.server(code: 300, reason: "Try Alternate without a usable ALTERNATE-SERVER"))
                return
            }
            redirections += 1
            realm = nil
            nonce = nil
            key = nil
            events.append(.redirected(to: alternate))
            start(.allocate, now: now, retriedAuthentication: false)
        case 437 where entry.purpose != .allocate:
            // spec: RFC8656-5-7 a 437 to anything but Allocate: the allocation is gone
            state = .failed
            relayedAddresses = []
            allocationExpiry = nil
            events.append(.failed(.allocationMismatch))
        case 440 where entry.purpose == .allocate:
            // spec: RFC8656-7.4-11 a 440 is not retried
            fail(.addressFamilyNotSupported)
        default:
            // spec: RFC8656-7.4-17 other errors as RFC 8489 says: the request failed
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
            let relayed = (try? message.xorRelayedAddresses()) ?? []
            guard !relayed.isEmpty else {
                fail(.server(code: 0, reason: "Allocate success without XOR-RELAYED-ADDRESS"))
                return
            }
            let lifetime = UInt32((try? message.integer(STUNAttributeType.lifetime)) ?? 600)
            // spec: RFC8656-7.3-1 the relayed addresses must be of the families asked for…
            if let unexpected = relayed.first(where: { !configuration.addressFamily.accepts($0) }) {
                // spec: RFC8656-7.3-2 …else the allocation is deleted and not used
                relayedAddresses = relayed
                state = .allocated
                start(.refresh(lifetime: 0), now: now, retriedAuthentication: false)
                state = .failed
                events.append(.failed(.unexpectedAddressFamily(unexpected)))
                return
            }
            if let refused = try? message.addressErrorCode() {
                // spec: RFC8656-7.3-3 a dual allocation that got one family goes on with it
                events.append(.addressFamilyRefused(family: refused.family, code: refused.code, reason: refused.reason))
            }
            relayedAddresses = relayed
            state = .allocated
            allocationExpiry = now + .seconds(Int(max(lifetime, 120)) - 60)
            events.append(.allocated(relayed: relayed[0], mapped: try? message.xorMappedAddress(), lifetime: lifetime))
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
            pendingChannels[channel] = nil
            permissions[peer.address] = now + .seconds(240)
            events.append(.channelBound(channel: channel, peer: peer))
        }
    }

    /// Whether an answer passes the integrity rules of RFC 8489 §9.2.5 with the current key.
    private func isAuthentic(_ message: STUNMessage) -> Bool {
        if let nonceText = try? message.text(STUNAttributeType.nonce), STUNNonceCookie(nonce: nonceText)?.passwordAlgorithms == true,
           message.attribute(STUNAttributeType.passwordAlgorithms) == nil,
           message.type.messageClass == .successResponse || ![401, 438].contains((try? message.errorCode())?.code ?? 0) {
            // spec: RFC8489-9.2.5-14 a cookie that promises PASSWORD-ALGORITHMS without them: ignored
            return false
        }
        let code = (try? message.errorCode())?.code
        let hasIntegrity = message.attribute(STUNAttributeType.messageIntegrity) != nil
            || message.attribute(STUNAttributeType.messageIntegritySHA256) != nil
        if code == 400, !hasIntegrity, key != nil {
            // spec: RFC8489-9.2.5-15 an unsigned 400 to a signed request is discarded
            return false
        }
        guard let key, hasIntegrity else { return true }
        if message.attribute(STUNAttributeType.messageIntegritySHA256) != nil { return message.hasValidMessageIntegritySHA256(key: key) }
        return message.hasValidMessageIntegrity(key: key)
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
