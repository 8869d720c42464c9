import AllocationCounter
import Foundation
import RTCCrypto
import STUN

/// Release-mode cost of an ICE connectivity check's STUN work: decoding a binding request and
/// verifying its MESSAGE-INTEGRITY and FINGERPRINT, and encoding one, in nanoseconds per
/// message, with the heap allocations per message counted in the measured loop. The in-place
/// ``STUNMessageView`` and ``STUNMessageWriter`` beside the allocating ``STUNMessage``.
///
///     Tools/bench.sh stun    (or: swift build -c release --traits Accelerated --product STUNBenchmarks)
///
/// Arguments keep only the rows whose names contain them all: `STUNBenchmarks decode hardware`.
@main
struct STUNBenchmarks {
    /// A browser-like check (Chrome's shape): USERNAME remote:local, GOOG-NETWORK-INFO,
    /// ICE-CONTROLLING, USE-CANDIDATE, PRIORITY, MESSAGE-INTEGRITY, FINGERPRINT.
    static let username = "3gXkz7QpR:Uv2mN8cWt"
    static let password = Array("Tq8bX2mV9kLp4wZs7nR1cYd6".utf8)
    static let transactionID: [UInt8] = [0x4a, 0x31, 0x6f, 0x7d, 0x52, 0x23, 0x12, 0x65, 0x71, 0x2e, 0x39, 0x0b]
    static let networkInfo: [UInt8] = [0x00, 0x01, 0x00, 0x0a]
    static let iterations = 200_000
    static let runs = 9

    static func main() throws {
        let counterWorks = calibrateAllocationCounter()
        let reference = referenceRequest()
        precondition(reference.count == 108, "the request is 108 bytes")
        print("STUN benchmark (release; a \(reference.count)-byte ICE binding request: USERNAME of \(username.utf8.count) bytes, "
              + "GOOG-NETWORK-INFO, ICE-CONTROLLING, USE-CANDIDATE, PRIORITY, MESSAGE-INTEGRITY, FINGERPRINT)")
        print("ns per message: best and median of \(runs) runs of \(iterations); heap allocations per message in the measured loops"
              + (counterWorks ? "" : " (allocation counter UNAVAILABLE on this platform: n/a)"))
        print(pad("", 58) + pad("best", 10) + pad("median", 10) + "allocations")

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 16)
        defer { buffer.deallocate() }
        let message = UnsafeMutableRawBufferPointer.allocate(byteCount: reference.count, alignment: 16)
        defer { message.deallocate() }
        message.copyBytes(from: reference)
        let request = UnsafeRawBufferPointer(message)

        // `.portable`: SHA-1 and CRC-32 in portable Swift; `.hardware`: SHA-NI for the HMAC and
        // PCLMULQDQ folding for the CRC, each where the CPU has it.
        for backend in CryptoBackend.available {
            let key = HMACSHA1Key(key: password, backend: backend)
            // Both sides agree with each other and with STUNMessage before anything is timed.
            let written = try encode(into: buffer, key: key, backend: backend)
            precondition(Array(written) == reference, "the writer's bytes differ from STUNMessage's")
            precondition(decodeAndVerify(request, key: key, backend: backend), "the request does not verify")

            report("decode + verify MI + FINGERPRINT, in place (\(backend.rawValue))", counterWorks: counterWorks) { n in
                var accepted = 0
                for _ in 0..<n where decodeAndVerify(opaque(request), key: key, backend: backend) { accepted += 1 }
                precondition(accepted == n)
            }
            report("encode with MI + FINGERPRINT, in place (\(backend.rawValue))", counterWorks: counterWorks) { n in
                var sink: UInt8 = 0
                for _ in 0..<n { sink ^= try! encode(into: opaque(buffer), key: key, backend: backend).last! }
                blackhole(sink)
            }
        }
        // STUNMessage's integrity check keys HMAC<SHA1> on the fastest backend only.
        let best = CryptoBackend.best.resolved(for: .sha).rawValue
        report("decode + verify MI + FINGERPRINT, STUNMessage (\(best))", counterWorks: counterWorks) { n in
            var accepted = 0
            for _ in 0..<n {
                let parsed = try! STUNMessage(parsing: opaque(reference))
                if parsed.hasValidFingerprint && parsed.hasValidMessageIntegrity(key: password) { accepted += 1 }
            }
            precondition(accepted == n)
        }
        report("encode with MI + FINGERPRINT, STUNMessage (\(best))", counterWorks: counterWorks) { n in
            var sink: UInt8 = 0
            for _ in 0..<n { sink ^= referenceRequest().last! }
            blackhole(sink)
        }
        print("For scale: pion/stun publishes 1053 ns/op for MESSAGE-INTEGRITY alone (on its machine, not measured here); "
              + "the goal (issue #9) is at most 300 ns for each in-place row with no allocation.")
    }

    /// What an ICE agent does with an incoming check: parse, check FINGERPRINT and
    /// MESSAGE-INTEGRITY, read USERNAME, PRIORITY, the role and USE-CANDIDATE.
    @inline(__always)
    static func decodeAndVerify(_ bytes: UnsafeRawBufferPointer, key: HMACSHA1Key, backend: CryptoBackend) -> Bool {
        guard let view = try? STUNMessageView(bytes) else { return false }
        guard view.hasValidFingerprint(backend: backend), view.hasValidMessageIntegrity(key: key), view.username != nil,
              (try? view.priorityValue()) != nil, (try? view.tiebreaker(view.iceControlling)) != nil, view.useCandidate != nil
        else { return false }
        return true
    }

    @inline(__always)
    static func encode(into buffer: UnsafeMutableRawBufferPointer, key: HMACSHA1Key, backend: CryptoBackend) throws -> UnsafeRawBufferPointer {
        var writer = try STUNMessageWriter(into: buffer, type: STUNMessageType(method: .binding, messageClass: .request),
                                           transactionID: transactionID)
        try writer.appendUsername(username)
        try networkInfo.withUnsafeBytes { try writer.append(type: 0xc057, value: $0) }
        try writer.appendICERole(controlling: true, tiebreaker: 0x1234_5678_9abc_def0)
        try writer.appendUseCandidate()
        try writer.appendPriority(0x6e00_1eff)
        try writer.appendMessageIntegrity(key: key)
        try writer.appendFingerprint(backend: backend)
        return writer.bytes
    }

    /// The same request through the allocating STUNMessage.
    static func referenceRequest() -> [UInt8] {
        var message = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request), transactionID: transactionID)
        message.attributes = [
            .username(username), STUNAttribute(type: 0xc057, value: networkInfo),
            .iceRole(controlling: true, tiebreaker: 0x1234_5678_9abc_def0), .useCandidate, .priority(0x6e00_1eff),
        ]
        message.appendMessageIntegrity(key: password)
        message.appendFingerprint()
        return message.encoded
    }

    // MARK: - Measuring

    /// Times `body(iterations)` `runs` times after a warm-up and prints ns per message, and
    /// the allocations per message over all the timed runs.
    static func report(_ name: String, counterWorks: Bool, _ body: (Int) -> Void) {
        // Arguments keep only the rows whose names contain all of them (for profiling one).
        guard CommandLine.arguments.dropFirst().allSatisfy(name.contains) else { return }
        body(iterations / 10)
        var samples: [Double] = []
        samples.reserveCapacity(runs)
        var allocations: Int64 = 0
        for _ in 0..<runs {
            let before = specrtc_allocation_count()
            let start = ContinuousClock.now
            body(iterations)
            let elapsed = ContinuousClock.now - start
            allocations += Int64(specrtc_allocation_count() - before)
            let (seconds, attoseconds) = elapsed.components
            samples.append((Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations))
        }
        samples.sort()
        let perMessage = Double(allocations) / Double(runs * iterations)
        let allocationText = counterWorks ? (allocations == 0 ? "0" : String(format: "%.2f", perMessage)) : "n/a"
        print(pad(name, 58) + pad(String(format: "%.0f", samples[0]), 10) + pad(String(format: "%.0f", samples[runs / 2]), 10) + allocationText)
    }

    /// Whether the counter sees allocations at all (the malloc replacement is linked in).
    static func calibrateAllocationCounter() -> Bool {
        let before = specrtc_allocation_count()
        guard before >= 0 else { return false }
        let array = opaque([UInt8](repeating: 7, count: 1000 + Int(before % 2)))
        blackhole(array[999])
        return specrtc_allocation_count() > before
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

/// Hides a value from the optimiser, so a loop over the same input is not folded (one
/// non-generic form per type, so the call itself costs next to nothing).
@inline(never) @_optimize(none)
func opaque(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer { value }
@inline(never) @_optimize(none)
func opaque(_ value: UnsafeMutableRawBufferPointer) -> UnsafeMutableRawBufferPointer { value }
@inline(never) @_optimize(none)
func opaque(_ value: [UInt8]) -> [UInt8] { value }

/// Keeps a result alive.
@inline(never) @_optimize(none)
func blackhole<T>(_ value: T) {}
