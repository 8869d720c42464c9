import STUN

extension ICEAgent {
    /// How an agent behaves; the defaults are the RFCs' recommended values.
    public struct Configuration: Sendable {
        /// The role to start with (the side that starts ICE is controlling, RFC 8445 §6.1.1).
        public var role: ICERole
        /// Ta: the pacing of new transactions (RFC 8445 §14.2), 50 ms by default.
        public var pacing: Duration = .milliseconds(50)
        /// STUN servers for server-reflexive candidates.
        public var stunServers: [STUNTransportAddress] = []
        /// Most candidate pairs in the checklist (RFC 8445 §6.1.2.5), 100 by default.
        public var maximumPairs: Int = 100
        /// Most remote candidates kept (signalled and peer-reflexive); more are ignored and counted.
        public var maximumRemoteCandidates: Int = 500
        /// Accept loopback host addresses (tests on 127.0.0.1 need it; RFC 8445 excludes them).
        public var allowsLoopback = false
        /// Transmissions of a connectivity check before the pair fails (Rc).
        public var checkTransmissions = 7
        /// The smallest retransmission timeout (RFC 8445 §14.3: not below 500 ms).
        public var minimumRTO: Duration = .milliseconds(500)
        /// The mean interval of consent checks (RFC 7675 §5.1: 5 s, randomised ±20 %).
        public var consentInterval: Duration = .seconds(5)
        /// Consent expires after this long without a response (RFC 7675 §5.1: 30 s).
        public var consentTimeout: Duration = .seconds(30)
        /// How long a controlling agent waits for better pairs after the first valid one
        /// before it nominates the best valid pair (regular nomination).
        public var nominationDelay: Duration = .milliseconds(500)
        /// The peer is an ICE-lite agent (it answers checks but sends none).
        public var remoteIsLite = false
        /// SOFTWARE in our requests and responses, if any.
        public var software: String? = nil

        public init(role: ICERole) {
            self.role = role
        }
    }
}
