#if Accelerated
import RTCCryptoAccelerated
#endif

/// SHA-256 (FIPS 180-4 §6.2).
///
/// Two compression functions: portable Swift, and SHA-NI (`.hardware`, with the `Accelerated`
/// trait on a CPU that has it); ``backend`` says which one a state uses. Neither has
/// data-dependent branches or table lookups: the round constants are indexed by round number
/// only.
public struct SHA256: HashFunction {
    public static let digestByteCount = 32
    public static let blockByteCount = 64

    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// The chaining value h0…h7.
    typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// H(0) (FIPS 180-4 §5.3.3).
    static let initialState: State =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)

    private var h: State = SHA256.initialState
    private var buffer = BlockBuffer<Room64>()
    /// The compression function this state uses: the one asked for if this build and CPU
    /// offer it, otherwise `.portable`.
    public let backend: CryptoBackend

    /// A fresh state on the fastest backend here.
    public init() { self.init(backend: .best) }

    /// A fresh state on `backend` (`.portable` where SHA-NI is missing; see ``backend``).
    public init(backend: CryptoBackend) { self.backend = SHA256.resolved(backend) }

    /// The backends this build and this CPU offer for SHA-256, portable first.
    public static var availableBackends: [CryptoBackend] { CryptoBackend.available(for: .sha) }

    /// The backend SHA-256 actually uses when `backend` is asked for.
    static func resolved(_ backend: CryptoBackend) -> CryptoBackend { backend.resolved(for: .sha) }

    public mutating func update(bytes: UnsafeRawBufferPointer) {
        var state = h
        let backend = backend
        buffer.absorbInRuns(bytes, compress: { SHA256.compress(&state, $0, backend: backend) })
        h = state
    }

    public consuming func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { digest, count in
            finalize(into: UnsafeMutableRawBufferPointer(digest))
            count = 32
        }
    }

    public consuming func finalize(into digest: UnsafeMutableRawBufferPointer) {
        precondition(digest.count >= 32, "room for the digest")
        var state = h
        let backend = backend
        buffer.pad(lengthFieldBytes: 8) { SHA256.compress(&state, $0, backend: backend) }
        digest.storeBytes(of: state.0.bigEndian, toByteOffset: 0, as: UInt32.self)
        digest.storeBytes(of: state.1.bigEndian, toByteOffset: 4, as: UInt32.self)
        digest.storeBytes(of: state.2.bigEndian, toByteOffset: 8, as: UInt32.self)
        digest.storeBytes(of: state.3.bigEndian, toByteOffset: 12, as: UInt32.self)
        digest.storeBytes(of: state.4.bigEndian, toByteOffset: 16, as: UInt32.self)
        digest.storeBytes(of: state.5.bigEndian, toByteOffset: 20, as: UInt32.self)
        digest.storeBytes(of: state.6.bigEndian, toByteOffset: 24, as: UInt32.self)
        digest.storeBytes(of: state.7.bigEndian, toByteOffset: 28, as: UInt32.self)
    }

    /// Compresses `blocks` (any multiple of 64 bytes, possibly none) into `h`, on `backend`
    /// where this build and CPU offer it (portable otherwise). One call for many blocks keeps
    /// the hardware path's state in registers.
    static func compress(_ h: inout State, _ blocks: UnsafeRawBufferPointer, backend: CryptoBackend) {
        precondition(blocks.count % 64 == 0, "SHA-256 compresses whole 64-byte blocks")
        guard !blocks.isEmpty else { return }
        #if Accelerated
        if resolved(backend) == .hardware {
            HardwareSHA256.compress(state: &h, blocks: blocks.baseAddress!, blockCount: blocks.count / 64)
            return
        }
        #endif
        var offset = 0
        while offset < blocks.count {
            compress(&h, UnsafeRawBufferPointer(rebasing: blocks[offset..<(offset + 64)]))
            offset += 64
        }
    }

    /// The portable compression function (FIPS 180-4 §6.2.2) on one 64-byte block.
    static func compress(_ h: inout State, _ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for t in 0..<16 { w[t] = block.bigEndianUInt32(at: 4 * t) }
            for t in 16..<64 {
                let s0 = rotateRight(w[t - 15], 7) ^ rotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotateRight(w[t - 2], 17) ^ rotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = h
            k.withUnsafeBufferPointer { k in
                for t in 0..<64 {
                    let t1 = hh &+ (rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25))
                        &+ ((e & f) ^ (~e & g)) &+ k[t] &+ w[t]
                    let t2 = (rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                    hh = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
        }
    }
}
