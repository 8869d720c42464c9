import NIOCore
@testable import SpecRTC
import SpecTesting
import Testing

/// The IP-level marks of the connection's sockets (RFC 8261 §5), read back from the kernel.
@Suite struct SocketMarkingTests {
    /// The IP_MTU_DISCOVER (or IPv6) and IP_TOS (or IPV6_TCLASS) values of every socket of `connection`.
    static func marks(of connection: RTCPeerConnection) async throws -> [(discovery: Int, typeOfService: Int)] {
        let channels = try await connection.onLoop { Array(connection.sockets.values) }
        var marks: [(Int, Int)] = []
        for channel in channels {
            let isIPv6 = channel.localAddress?.protocol == .inet6
            let level: NIOBSDSocket.OptionLevel = isIPv6 ? .ipv6 : .ip
            let discovery = try await channel.getOption(ChannelOptions.Types.SocketOption(
                level: level, name: .init(rawValue: isIPv6 ? SocketMarking.ipv6MTUDiscover : SocketMarking.ipMTUDiscover))).get()
            let typeOfService = try await channel.getOption(ChannelOptions.Types.SocketOption(
                level: level, name: .init(rawValue: isIPv6 ? SocketMarking.ipv6TrafficClass : SocketMarking.ipTypeOfService))).get()
            marks.append((Int(discovery), Int(typeOfService)))
        }
        return marks
    }

    @Test("Every socket, IPv4 and IPv6, sends with DF set (IP_PMTUDISC_PROBE) and the configured DSCP",
          .spec("RFC8261-5-6"), .spec("RFC8261-5-8"))
    func dontFragmentAndTheChosenDSCP() async throws {
        var configuration = RTCConfiguration()
        configuration.hostAddresses = ["127.0.0.1", "::1"]
        configuration.dscp = 46   // EF, what browsers use for interactive audio (RFC 8837)
        let connection = try await RTCPeerConnection.make(configuration: configuration)
        let marks = try await Self.marks(of: connection)
        await connection.close()
        #expect(marks.count == 2)
        for mark in marks {
            #expect(mark.discovery == SocketMarking.pmtuDiscoveryProbe)
            #expect(mark.typeOfService == 46 << 2)
        }
    }

    @Test("Without a DSCP the sockets keep the default (0), still with DF set", .spec("RFC8261-5-6"))
    func noDSCPLeavesTheDefault() async throws {
        let connection = try await RTCPeerConnection.make(configuration: RTCConfiguration())
        let marks = try await Self.marks(of: connection)
        await connection.close()
        #expect(marks.count == 1)
        #expect(marks.allSatisfy { $0.discovery == SocketMarking.pmtuDiscoveryProbe && $0.typeOfService == 0 })
    }

    @Test("A DSCP beyond six bits is refused with a typed error before any socket is bound")
    func anOutOfRangeDSCPIsRefused() async throws {
        var configuration = RTCConfiguration()
        configuration.dscp = 64
        await #expect(throws: RTCError.self) { _ = try await RTCPeerConnection.make(configuration: configuration) }
    }
}
