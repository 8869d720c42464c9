import ArgumentParser
import Capture
import Foundation
import STUN
import DTLS
import Wire

/// `specrtc explain`: decode a packet (hex) or a capture file (pcap/pcapng) field by field.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Decode hex bytes or a pcap/pcapng file, each field with the section that defines it.",
        discussion: """
        INPUT is a pcap or pcapng file, a file holding hex text, or hex text itself. Hex is taken \
        as an application payload (a UDP datagram's data) unless --link says it starts with a \
        link-layer or IP header. Payloads are classified by their first byte as RFC 5764 §5.1.2 \
        and RFC 7983 demultiplex them.
        """
    )

    @Argument(help: "A pcap/pcapng file, a file with hex text, or hex text.")
    var input: String

    @Option(name: .long, help: "For hex input: what the bytes start with (payload, raw, ethernet).")
    var link: HexStart = .payload

    @Option(name: .long, help: "Only the packets with these numbers (repeatable).")
    var packet: [Int] = []

    @Flag(name: .long, help: "Also print a hex dump of each payload.")
    var dump = false

    enum HexStart: String, ExpressibleByArgument, CaseIterable {
        case payload, raw, ethernet
    }

    func run() throws {
        let packets = try loadPackets()
        let selected = packet.isEmpty ? packets : packets.filter { packet.contains($0.number) }
        guard !selected.isEmpty else {
            throw ValidationError("no packet numbered \(packet.map(String.init).joined(separator: ", ")) (the input has \(packets.count))")
        }
        var byKind: [PayloadKind: Int] = [:]
        for captured in selected {
            print(explain(captured, byKind: &byKind))
            print("")
        }
        if selected.count > 1 {
            print("\(selected.count) packets: " + byKind.sorted { $0.value > $1.value }
                .map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", "))
        }
    }

    /// Whether the packets came from a capture file (which carries its own link type).
    private var fromCapture: Bool {
        guard let data = FileManager.default.contents(atPath: input) else { return false }
        return CaptureFile.isCapture(Array(data.prefix(4)))
    }

    private func loadPackets() throws -> [CapturedPacket] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw ValidationError("\(input) is a directory, not a capture or hex file") }
            guard let data = FileManager.default.contents(atPath: input) else {
                throw ValidationError("cannot read \(input)")
            }
            let bytes = Array(data)
            if CaptureFile.isCapture(bytes) {
                do {
                    return try CaptureFile.read(bytes)
                } catch {
                    throw ValidationError("\(input): \(error)")
                }
            }
            return try hexPacket(String(decoding: bytes, as: UTF8.self), source: input)
        }
        if input.contains("/") || input.hasSuffix(".pcap") || input.hasSuffix(".pcapng") {
            throw ValidationError("no such file: \(input)")
        }
        return try hexPacket(input, source: "argument")
    }

    private func hexPacket(_ text: String, source: String) throws -> [CapturedPacket] {
        let bytes: [UInt8]
        do {
            bytes = try Hex.decode(text)
        } catch {
            throw ValidationError("\(source) is neither a capture file nor hex: \(error)")
        }
        guard !bytes.isEmpty else { throw ValidationError("\(source): no bytes to explain") }
        let linkType: LinkType = link == .ethernet ? .ethernet : .raw
        return [CapturedPacket(number: 1, seconds: 0, nanoseconds: 0, linkType: linkType, data: bytes, originalLength: bytes.count)]
    }

    private func explain(_ captured: CapturedPacket, byKind: inout [PayloadKind: Int]) -> String {
        var lines: [String] = []
        // Hex given without --link is an application payload: no headers to decode.
        let isPayloadOnly = link == .payload && !fromCapture
        var header = "Packet \(captured.number): \(captured.data.count) bytes"
        if !isPayloadOnly {
            header += ", \(captured.linkType)"
            if captured.seconds > 0 { header += String(format: ", t=%llu.%09u", captured.seconds, captured.nanoseconds) }
        }
        lines.append(header)
        var payload = captured.data[...]
        var payloadOffset = 0
        if !isPayloadOnly {
            let decoded = PacketDecoder.decode(captured.data, linkType: captured.linkType)
            for layer in decoded.layers { lines.append(layer.rendered(indent: 1)) }
            if let transport = decoded.transport { lines.append("  " + transport.description) }
            if let problem = decoded.problem {
                lines.append("  ! \(problem)")
                return lines.joined(separator: "\n")
            }
            payload = decoded.payload
            payloadOffset = decoded.payloadOffset
        }
        let kind = PayloadKind.classify(payload)
        byKind[kind, default: 0] += 1
        var node = Dissection("Payload", value: "\(payload.count) bytes, \(kind.rawValue)", reference: kind.reference,
                              offset: payloadOffset, length: payload.count)
        switch kind {
        case .stun:
            do {
                node.children.append(try STUNMessage(parsing: Array(payload)).explanation(at: payloadOffset))
            } catch {
                node.notes.append("not a valid STUN message: \(error)")
            }
        case .dtls:
            node.children += DTLSExplanation.explain(Array(payload), at: payloadOffset)
        case .unknown:
            break
        default:
            node.notes.append("no field decoder for \(kind.rawValue) in this build yet; the protocol modules add theirs")
        }
        lines.append(node.rendered(indent: 1))
        if dump || kind == .unknown || isPayloadOnly {
            lines.append(Hex.dump(payload, startOffset: payloadOffset).split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }
}
