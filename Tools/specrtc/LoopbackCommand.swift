import ArgumentParser
import Foundation
import PeerConnection
import SpecRTC

/// `specrtc loopback`: two SpecRTC peers on this host set up a WebRTC data call and echo messages.
struct LoopbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loopback",
        abstract: "Two SpecRTC peers on 127.0.0.1 make a data-channel call, echo messages and measure throughput.",
        discussion: """
        Prints each protocol step as it happens (ICE, DTLS, SCTP, DCEP, with the section each \
        follows), then a summary: set-up time, echoed messages, throughput and final states.
        """
    )

    @Option(help: "Messages to echo (mixed sizes: empty, 1 B, 1 KiB, 64 KiB, text and binary).")
    var messages = 1000

    @Option(help: "Megabytes to send one way on a second channel for the throughput figure (0: skip).")
    var megabytes = 32

    @Flag(help: "Use ::1 instead of 127.0.0.1.")
    var ipv6 = false

    @Option(help: "The largest SCTP packet path MTU discovery probes for (1200 or less: none; up to 16384 between SpecRTC peers).")
    var probeCeiling = RTCConfiguration().pathMTUProbeCeiling

    @Option(help: "Write the offerer's datagrams to this pcap file.")
    var pcap: String?

    @Option(help: "Write the offerer's DTLS secrets to this NSS key log file (for Wireshark).")
    var keylog: String?

    @Option(help: "Write the offerer's SCTP packets, decrypted, to this pcap file (SCTP over IP).")
    var plaintextPcap: String?

    @Flag(help: "Print only the summary.")
    var quiet = false

    func run() async throws {
        var configuration = RTCConfiguration()
        configuration.hostAddresses = [ipv6 ? "::1" : "127.0.0.1"]
        configuration.pathMTUProbeCeiling = probeCeiling
        configuration.pcapPath = pcap
        configuration.keyLogPath = keylog
        configuration.plaintextPcapPath = plaintextPcap
        let quiet = self.quiet
        if !quiet { print("time      peer  step") }
        let call = try await LoopbackCall.connect(configuration: configuration) { peer, time, event in
            guard !quiet, let (text, reference) = CallTimeline.describe(event) else { return }
            let milliseconds = String(format: "%8.2f", Double(time.components.attoseconds) / 1e15 + Double(time.components.seconds) * 1000)
            print("\(milliseconds)  \(peer)     \(text)\(reference.isEmpty ? "" : "  [\(reference)]")")
        }
        let setup = call.setupTime
        let echoed = try await call.echoMessages(messages)
        var throughput: Double?
        if megabytes > 0 { throughput = try await call.bulkThroughput(total: megabytes << 20, warmUp: min(16, megabytes) << 20) }
        let states = (await call.offerer.connectionState, await call.answerer.connectionState)
        let sctp = await call.offerer.getStats().first { $0.type == "sctp-transport" }
        await call.close()
        print("""

        Summary
          set-up, createOffer to open channel: \(format(setup))
          echoed: \(messages) messages, \(echoed) bytes each way, all equal and in order
        """)
        if let throughput {
            print(String(format: "  throughput (reliable, ordered, one way, after a warm-up): %.1f MB/s (%.2f Gbit/s)", throughput / 1e6, throughput * 8 / 1e9))
        }
        print("  states before close: offerer \(states.0.rawValue), answerer \(states.1.rawValue)")
        if let sctp {
            print("  offerer's SCTP: packets up to \(sctp["mtu"]?.description ?? "?") bytes (path MTU discovery, RFC 8261 §4), "
                  + "\(sctp["dataChunksRetransmitted"]?.description ?? "?") DATA chunks retransmitted, "
                  + "\(sctp["packetsRetransmittedOnTimeout"]?.description ?? "?") retransmission timeouts")
        }
        if let pcap { print("  capture: \(pcap)\(keylog.map { ", key log: \($0)" } ?? "")") }
        if let plaintextPcap { print("  decrypted SCTP capture: \(plaintextPcap)") }
    }
}

/// Milliseconds with two decimals.
func format(_ duration: Duration) -> String {
    String(format: "%.2f ms", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
}
