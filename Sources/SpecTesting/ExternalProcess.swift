import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A peer program a test starts (openssl, turnserver, …), with its output collected as it
/// arrives, bounded waits, and an end that only touches the process the test started.
public final class ExternalProcess: @unchecked Sendable {
    public let process = Process()
    private let input = Pipe()
    private let lock = NSLock()
    private var collected = ""

    /// Starts `arguments[0]` (found on PATH) with the rest as its arguments.
    public init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = input
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.collected += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
    }

    /// Everything the process printed so far.
    public var output: String {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }

    /// Waits (bounded) until the output contains `text`.
    public func wait(for text: String, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if output.contains(text) { return true }
            usleep(10_000)
        }
        return output.contains(text)
    }

    /// Writes to the process's standard input.
    public func write(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }

    /// Ends the process (by its PID) and waits for it: end of input first (openssl quits on
    /// it), then SIGKILL, since a child may inherit a signal mask that blocks SIGTERM.
    public func stop() {
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Whether `program` runs here (`program version` or `--version` exits 0).
    public static func available(_ program: String, arguments: [String] = ["version"]) -> Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = [program] + arguments
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    /// Runs a program to completion; throws when it fails.
    public static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    }
}

/// A UDP socket on 127.0.0.1 with a bounded receive, for interop tests.
public final class UDPSocket {
    public let descriptor: Int32
    /// Where ``send(_:)`` goes; set by ``setPeer(port:)`` or by the last ``receive(milliseconds:)``.
    public private(set) var peer = sockaddr_in()

    public init() throws {
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit { close(descriptor) }

    /// The local port the kernel picked.
    public var port: UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Sends to 127.0.0.1:`port` from now on.
    public func setPeer(port: UInt16) {
        peer.sin_family = sa_family_t(AF_INET)
        peer.sin_addr.s_addr = inet_addr("127.0.0.1")
        peer.sin_port = port.bigEndian
    }

    /// The port of the current peer.
    public var peerPort: UInt16 { UInt16(bigEndian: peer.sin_port) }

    public func send(_ bytes: [UInt8]) {
        var target = peer
        _ = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            } }
        }
    }

    /// One datagram, or nil after `milliseconds`; remembers the sender as the peer.
    public func receive(milliseconds: Int32) -> [UInt8]? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, milliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var from = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(descriptor, raw.baseAddress, raw.count, 0, $0, &length)
            } }
        }
        guard count >= 0 else { return nil }
        peer = from
        return Array(buffer.prefix(count))
    }

    /// Sends to 127.0.0.1:`port` without changing the current peer.
    public func send(_ bytes: [UInt8], toPort port: UInt16) {
        let saved = peer
        setPeer(port: port)
        send(bytes)
        peer = saved
    }

    /// One datagram and the 127.0.0.1 port it came from, or nil after `milliseconds`.
    public func receiveWithSource(milliseconds: Int32) -> (bytes: [UInt8], port: UInt16)? {
        let saved = peer
        defer { peer = saved }
        guard let bytes = receive(milliseconds: milliseconds) else { return nil }
        return (bytes, peerPort)
    }

    /// A port nothing listens on right now (bound and released).
    public static func freePort() throws -> UInt16 { try UDPSocket().port }
}

/// A TCP connection to 127.0.0.1 with a bounded receive, for interop tests over streams.
public final class TCPConnection {
    public let descriptor: Int32

    /// Connects to 127.0.0.1:`port`, retrying for up to `seconds` while the server starts.
    public init(port: UInt16, seconds: Double = 5) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let candidate = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard candidate >= 0 else { throw POSIXError(.EIO) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = port.bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(candidate, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if connected == 0 {
                descriptor = candidate
                return
            }
            close(candidate)
            guard Date() < deadline else { throw POSIXError(.ECONNREFUSED) }
            usleep(50_000)
        }
    }

    deinit { close(descriptor) }

    public func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Whatever bytes arrive within `milliseconds` (possibly none).
    public func receive(milliseconds: Int32) -> [UInt8] {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, milliseconds) > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer.prefix(count)) : []
    }
}

/// A UDP socket on ::1 with a bounded receive, for IPv6 interop tests.
public final class UDP6Socket {
    public let descriptor: Int32
    /// The port of the last sender.
    public private(set) var lastSenderPort: UInt16 = 0

    public init() throws {
        descriptor = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EAFNOSUPPORT) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        address.sin6_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        guard bound == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
    }

    deinit { close(descriptor) }

    /// The local port the kernel picked.
    public var port: UInt16 {
        var address = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return UInt16(bigEndian: address.sin6_port)
    }

    /// Sends to [::1]:`port`.
    public func send(_ bytes: [UInt8], toPort port: UInt16) {
        var target = sockaddr_in6()
        target.sin6_family = sa_family_t(AF_INET6)
        target.sin6_addr = in6addr_loopback
        target.sin6_port = port.bigEndian
        _ = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            } }
        }
    }

    /// One datagram, or nil after `milliseconds`.
    public func receive(milliseconds: Int32) -> [UInt8]? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, milliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var from = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        let count = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(descriptor, raw.baseAddress, raw.count, 0, $0, &length)
            } }
        }
        guard count >= 0 else { return nil }
        lastSenderPort = UInt16(bigEndian: from.sin6_port)
        return Array(buffer.prefix(count))
    }
}
