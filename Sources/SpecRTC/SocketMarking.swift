import NIOCore

/// The IP-level marks on every datagram a connection sends: Don't Fragment, and the DSCP its
/// user chose (RFC 8261 §5: the DTLS user may ask for both).
enum SocketMarking {
    // Linux socket options (linux/in.h, linux/in6.h).
    static let ipMTUDiscover: Int32 = 10, ipv6MTUDiscover: Int32 = 23
    /// IP_PMTUDISC_PROBE: DF set, the kernel's own path MTU estimate ignored.
    static let pmtuDiscoveryProbe = 3
    static let ipTypeOfService: Int32 = 1, ipv6TrafficClass: Int32 = 67

    /// Sets DF on `channel`'s socket and, when `dscp` is given, the DSCP (in the upper six bits
    /// of the IPv4 TOS / IPv6 Traffic Class byte; the ECN bits stay 0).
    static func apply(to channel: any Channel, dscp: UInt8?) async throws {
        let isIPv6 = channel.localAddress?.protocol == .inet6
        let level: NIOBSDSocket.OptionLevel = isIPv6 ? .ipv6 : .ip
        // spec: RFC8261-5-6 every datagram leaves with DF set, so SCTP's path MTU probes learn the path's size
        // A datagram larger than the path is lost rather than fragmented; larger than the
        // interface, it fails at once.
        try await channel.setOption(ChannelOptions.Types.SocketOption(level: level, name: .init(rawValue: isIPv6 ? ipv6MTUDiscover : ipMTUDiscover)),
                                    value: pmtuDiscoveryProbe).get()
        if let dscp {
            // spec: RFC8261-5-8 the user sets the DSCP of the IP packets sent
            try await channel.setOption(ChannelOptions.Types.SocketOption(level: level, name: .init(rawValue: isIPv6 ? ipv6TrafficClass : ipTypeOfService)),
                                        value: Int(dscp) << 2).get()
        }
    }
}
