/// A certificate fingerprint as SDP carries it (RFC 8122 §5): `sha-256 AB:CD:…`.
public struct Fingerprint: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The hash functions a fingerprint may use. MD2 and MD5 are not among them.
    public enum Algorithm: String, Sendable, CaseIterable, Hashable {
        // spec: RFC8122-5-2 MD2 and MD5 are neither offered nor accepted for fingerprints
        case sha1 = "sha-1"
        case sha256 = "sha-256"
        case sha384 = "sha-384"
        case sha512 = "sha-512"

        func digest(_ data: [UInt8]) -> [UInt8] {
            switch self {
            case .sha1: return SHA1.hash(data)
            case .sha256: return SHA256.hash(data)
            case .sha384: return SHA384.hash(data)
            case .sha512: return SHA512.hash(data)
            }
        }
    }

    /// Why a fingerprint attribute value was refused.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// The hash function is unknown or forbidden (md5, md2).
        case unsupportedAlgorithm(String)
        /// The value is not colon-separated hex pairs of the hash's length.
        case malformedValue(String)
    }

    public let algorithm: Algorithm
    public let digest: [UInt8]

    /// A fingerprint from its parts.
    public init(algorithm: Algorithm, digest: [UInt8]) {
        self.algorithm = algorithm
        self.digest = digest
    }

    /// Parses the value of an `a=fingerprint:` attribute: `hash-func SP fingerprint`. The hash
    /// name is matched case-insensitively; hex digits in either case are accepted.
    public init(sdpValue: String) throws(Error) {
        let parts = sdpValue.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { throw .malformedValue(sdpValue) }
        guard let algorithm = Algorithm(rawValue: parts[0].lowercased()) else {
            throw .unsupportedAlgorithm(String(parts[0]))
        }
        var digest: [UInt8] = []
        for pair in parts[1].split(separator: ":", omittingEmptySubsequences: false) {
            guard pair.count == 2, let byte = UInt8(pair, radix: 16) else { throw .malformedValue(sdpValue) }
            digest.append(byte)
        }
        guard digest.count == algorithm.digest([]).count else { throw .malformedValue(sdpValue) }
        self.init(algorithm: algorithm, digest: digest)
    }

    /// `sha-256 AB:CD:…`, upper-case hex as RFC 8122's grammar writes it.
    public var description: String {
        let digits = Array("0123456789ABCDEF")
        let hex = digest.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0xf)]]) }.joined(separator: ":")
        return algorithm.rawValue + " " + hex
    }

    /// Whether `certificate` has this fingerprint.
    public func matches(_ certificate: X509Certificate) -> Bool {
        certificate.fingerprint(algorithm) == self
    }
}
