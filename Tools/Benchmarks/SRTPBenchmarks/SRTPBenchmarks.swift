import Foundation
import LibSRTPReference
import RTCCrypto
import SRTP

/// Release-mode SRTP throughput beside libsrtp2 (the system library, measured in the same run),
/// in packets per second for 1200-byte payloads, protect and unprotect, per profile and backend.
///
///     Tools/bench.sh            (or: swift run -c release --traits Accelerated SRTPBenchmarks)
@main
struct SRTPBenchmarks {
    static let payloadSize = 1200
    static let batch = 4096

    static func main() throws {
        if let index = CommandLine.arguments.firstIndex(of: "--allocation-probe"), index + 1 < CommandLine.arguments.count,
           let count = Int(CommandLine.arguments[index + 1]) {
            try allocationProbe(packets: count)
            return
        }
        var reason = [CChar](repeating: 0, count: 256)
        let haveLibSRTP = specrtc_libsrtp_available(&reason, reason.count) == 1
        let reasonText = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let libsrtp = haveLibSRTP ? String(cString: specrtc_libsrtp_version()) : "libsrtp2 unavailable (\(reasonText))"
        print("SRTP benchmark (release, \(payloadSize)-byte payloads, packets per second; \(libsrtp) in the same run)")
        print(pad("", 44) + pad("SpecRTC", 16) + pad("libsrtp2", 16) + "ratio")
        // Arguments name the profiles to run (all of these by default); --ours-only measures
        // just SpecRTC's best backend (for profiling).
        let oursOnly = CommandLine.arguments.contains("--ours-only")
        let requested = CommandLine.arguments.dropFirst().compactMap(SRTPProfile.init(rawValue:))
        let profiles: [SRTPProfile] = requested.isEmpty
            ? [.aes128CmHmacSha1_80, .aeadAES128GCM, .aes256CmHmacSha1_80, .aeadAES256GCM, .nullHmacSha1_80] : requested
        for profile in profiles {
            let key = SRTPMasterKey(key: [UInt8](repeating: 0x3c, count: profile.masterKeyLength),
                                    salt: [UInt8](repeating: 0x5a, count: profile.masterSaltLength))
            let theirs = haveLibSRTP && !oursOnly ? libSRTPRates(profile: profile, key: key) : nil
            for backend in CryptoBackend.available where !oursOnly || backend == .best {
                let ours = try ourRates(profile: profile, key: key, backend: backend)
                var rows = [("protect", ours.protect, theirs?.protect), ("unprotect", ours.unprotect, theirs?.unprotect)]
                // The batch calls (tags two at a time) where they differ: HMAC profiles, SHA-NI.
                if profile.cipher != .aesGCM, backend.isHardware {
                    let batched = try ourRates(profile: profile, key: key, backend: backend, batched: true)
                    rows += [("protect batch", batched.protect, theirs?.protect), ("unprotect batch", batched.unprotect, theirs?.unprotect)]
                }
                for (label, value, reference) in rows {
                    let ratio = reference.map { String(format: "%.2f×", value / $0) } ?? "—"
                    print(pad("\(profile) \(label) (\(backend.rawValue))", 44) + pad(rate(value), 16)
                          + pad(reference.map(rate) ?? "n/a", 16) + ratio)
                }
            }
        }
    }

    /// Protects and unprotects `packets` packets per profile in one reused buffer, after a
    /// warm-up, and nothing else: run it under a malloc counter (Tools/srtp-allocations.sh)
    /// with two counts, and the difference divided by the extra packets is the allocations
    /// per packet in steady state.
    static func allocationProbe(packets: Int) throws {
        for profile in [SRTPProfile.aes128CmHmacSha1_80, .aeadAES128GCM] {
            let key = SRTPMasterKey(key: [UInt8](repeating: 0x3c, count: profile.masterKeyLength),
                                    salt: [UInt8](repeating: 0x5a, count: profile.masterSaltLength))
            var sender = try SRTPSession(SRTPConfiguration(profile: profile, masterKeys: [key]))
            var receiver = try SRTPSession(SRTPConfiguration(profile: profile, masterKeys: [key]))
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1400, alignment: 16)
            defer { buffer.deallocate() }
            for n in 0..<(packets + 16) {
                let sequence = UInt16(truncatingIfNeeded: n)
                buffer.initializeMemory(as: UInt8.self, repeating: 0xa5)
                buffer.storeBytes(of: UInt32(0x8060_0000 | UInt32(sequence)).bigEndian, toByteOffset: 0, as: UInt32.self)
                buffer.storeBytes(of: UInt32(0xdead_beef).bigEndian, toByteOffset: 8, as: UInt32.self)
                let length = try sender.protectRTP(buffer, length: 12 + payloadSize)
                _ = try receiver.unprotectRTP(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]))
            }
        }
    }

    /// A batch of RTP packets with consecutive sequence numbers, each in a buffer with room.
    static func plainPackets(start: Int) -> [[UInt8]] {
        (0..<batch).map { n in
            let sequence = UInt16(truncatingIfNeeded: start + n)
            var packet: [UInt8] = [0x80, 96, UInt8(sequence >> 8), UInt8(sequence & 0xff), 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef]
            packet += [UInt8](repeating: 0xa5, count: payloadSize)
            packet.reserveCapacity(packet.count + 64)
            return packet
        }
    }

    /// Our rates; `batched` protects and unprotects through the batch calls, 16 packets (a
    /// video frame's worth) per call.
    static func ourRates(profile: SRTPProfile, key: SRTPMasterKey, backend: CryptoBackend,
                         batched: Bool = false) throws -> (protect: Double, unprotect: Double) {
        var configuration = SRTPConfiguration(profile: profile, masterKeys: [key])
        configuration.backend = backend
        configuration.replayWindowSize = batch
        var sender = try SRTPSession(configuration)
        var start = 0
        var protectedBatch: [[UInt8]] = []
        let protect = measure { rounds in
            for _ in 0..<rounds {
                // A fresh sender before SEQ wraps keeps every batch at ROC 0, which a fresh
                // receiver assumes.
                if start + batch > 65_536 { sender = try! SRTPSession(configuration); start = 0 }
                var packets = plainPackets(start: start)
                let begin = DispatchTime.now().uptimeNanoseconds
                if batched {
                    inFrames(&packets) { frame in try! sender.protectRTP(batch: &frame) }
                } else {
                    for i in packets.indices { try! sender.protectRTP(&packets[i]) }
                }
                let elapsed = DispatchTime.now().uptimeNanoseconds - begin
                start += batch
                protectedBatch = packets
                recordElapsed(elapsed)
            }
        }
        let unprotect = measure { rounds in
            for _ in 0..<rounds {
                var receiver = try! SRTPSession(configuration)
                var packets = unshared(protectedBatch)
                let begin = DispatchTime.now().uptimeNanoseconds
                if batched {
                    inFrames(&packets) { frame in
                        let accepted = receiver.unprotectRTP(batch: &frame)
                        precondition(accepted == frame.count, "a batch was refused: the figure would mean nothing")
                    }
                } else {
                    for i in packets.indices { try! receiver.unprotectRTP(&packets[i]) }
                }
                recordElapsed(DispatchTime.now().uptimeNanoseconds - begin)
            }
        }
        return (protect, unprotect)
    }

    /// Hands `packets` to `body` sixteen at a time (a video frame's worth), moved out and back
    /// so that nothing is copied.
    static func inFrames(_ packets: inout [[UInt8]], _ body: (inout [[UInt8]]) -> Void) {
        var frame: [[UInt8]] = []
        frame.reserveCapacity(16)
        for start in stride(from: 0, to: packets.count, by: 16) {
            frame.removeAll(keepingCapacity: true)
            for i in start..<min(start + 16, packets.count) { frame.append(packets[i]); packets[i] = [] }
            body(&frame)
            for (offset, packet) in frame.enumerated() { packets[start + offset] = packet }
        }
    }

    static func libSRTPRates(profile: SRTPProfile, key: SRTPMasterKey) -> (protect: Double, unprotect: Double)? {
        let material = key.key + key.salt
        func session(outbound: Bool) -> OpaquePointer? {
            var status: Int32 = 0
            return material.withUnsafeBufferPointer {
                specrtc_libsrtp_create(profile.rawValue, outbound ? 1 : 0, $0.baseAddress, material.count, 1, nil, 0, UInt(batch), 1, &status)
            }
        }
        guard var sender = session(outbound: true) else { return nil }
        defer { specrtc_libsrtp_destroy(sender) }
        var start = 0
        var failures = 0
        var protectedBatch: [[UInt8]] = []
        let protect = measure { rounds in
            for _ in 0..<rounds {
                if start + batch > 65_536 {
                    specrtc_libsrtp_destroy(sender)
                    sender = session(outbound: true)!
                    start = 0
                }
                var packets = plainPackets(start: start).map { $0 + [UInt8](repeating: 0, count: 64) }
                var lengths = [Int32](repeating: Int32(12 + payloadSize), count: batch)
                let begin = DispatchTime.now().uptimeNanoseconds
                for i in packets.indices where specrtc_libsrtp_protect(sender, &packets[i], &lengths[i], 0) != 0 { failures += 1 }
                recordElapsed(DispatchTime.now().uptimeNanoseconds - begin)
                start += batch
                protectedBatch = zip(packets, lengths).map { Array($0.prefix(Int($1))) + [UInt8](repeating: 0, count: 16) }
            }
        }
        let unprotect = measure { rounds in
            for _ in 0..<rounds {
                guard let receiver = session(outbound: false) else { return }
                var packets = unshared(protectedBatch)
                var lengths = packets.map { Int32($0.count - 16) }
                let begin = DispatchTime.now().uptimeNanoseconds
                for i in packets.indices where specrtc_libsrtp_unprotect(receiver, &packets[i], &lengths[i]) != 0 { failures += 1 }
                recordElapsed(DispatchTime.now().uptimeNanoseconds - begin)
                specrtc_libsrtp_destroy(receiver)
            }
        }
        precondition(failures == 0, "libsrtp2 refused \(failures) packets: its figures would mean nothing")
        return (protect, unprotect)
    }

    /// Copies of the packets that share no storage, so the timed loop copies nothing.
    static func unshared(_ packets: [[UInt8]]) -> [[UInt8]] {
        packets.map { packet in
            var copy = [UInt8](unsafeUninitializedCapacity: packet.count + 64) { buffer, count in
                _ = buffer.initialize(from: packet)
                count = packet.count
            }
            copy.reserveCapacity(packet.count + 64)
            return copy
        }
    }

    // Only the packet loops are timed (not making or copying the batches).
    nonisolated(unsafe) static var timed: UInt64 = 0
    static func recordElapsed(_ nanoseconds: UInt64) { timed += nanoseconds }

    /// Packets per second: rounds of `batch` packets until 0.3 s of timed work, best of three.
    static func measure(_ body: (Int) -> Void) -> Double {
        var rounds = 1
        while true {
            timed = 0
            body(rounds)
            if timed >= 300_000_000 {
                var best = Double(rounds * batch) / (Double(timed) / 1e9)
                for _ in 0..<2 {
                    timed = 0
                    body(rounds)
                    best = max(best, Double(rounds * batch) / (Double(timed) / 1e9))
                }
                return best
            }
            rounds *= 2
        }
    }

    static func rate(_ value: Double) -> String { String(format: "%.0fk/s", value / 1000) }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
