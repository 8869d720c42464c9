/// The operating system's CSPRNG (getrandom(2) on Linux, through the standard library), as an
/// injectable generator.
///
/// This is the one source of randomness SpecRTC's sans-IO cores may be handed: they never call
/// it themselves, they take a `RandomNumberGenerator` parameter, and tests pass a seeded one.
/// Only the `SpecRTC` layer (and tools) construct a `SecureRandom`.
public struct SecureRandom: RandomNumberGenerator, Sendable {
    private var system = SystemRandomNumberGenerator()

    /// A generator over the OS CSPRNG.
    public init() {}

    public mutating func next() -> UInt64 { system.next() }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        while out.count < count {
            var word = next()
            for _ in 0..<8 {
                out.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return Array(out.prefix(count))
    }

    /// A uniformly random P-256 private key (rejection sampling into [1, n − 1]).
    public mutating func p256PrivateKey() -> [UInt8] {
        while true {
            let candidate = bytes(32)
            if P256.isValidScalar(UInt256(bigEndian: candidate)) { return candidate }
        }
    }
}
