/// `a=fingerprint:<hash-func> <fingerprint>` (RFC 8122 §5): a certificate fingerprint as
/// upper-case hex byte pairs joined by colons, e.g. `sha-256 6E:52:...:94`.
public struct SDPFingerprint: SDPAttributeValue, Hashable {
    public static let attributeName = "fingerprint"

    /// The hash function name as written (`sha-256`); RFC 8122 names are case-insensitive.
    public var hashFunction: String
    /// The digest bytes.
    public var bytes: [UInt8]

    /// Creates a fingerprint.
    public init(hashFunction: String = "sha-256", bytes: [UInt8]) {
        self.hashFunction = hashFunction
        self.bytes = bytes
    }

    /// Whether the hash function may be used at all: RFC 8122 forbids MD2 and MD5.
    public var isPermittedHashFunction: Bool {
        let name = hashFunction.lowercased()
        // spec: RFC8122-5-2 MD2 and MD5 fingerprints are not used
        return name != "md2" && name != "md5"
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let fields = SDPSyntax.fields(sdpValue)
        guard fields.count == 2, SDPSyntax.isToken(fields[0]) else { throw Self.malformed(sdpValue, "expected <hash-func> <fingerprint>") }
        let pairs = fields[1].split(separator: ":", omittingEmptySubsequences: false)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pairs.count)
        for pair in pairs {
            let digits = Array(pair.utf8)
            guard digits.count == 2, let high = Self.upperHex(digits[0]), let low = Self.upperHex(digits[1]) else {
                throw Self.malformed(sdpValue, "fingerprint is not 2UHEX *(\":\" 2UHEX) (upper-case hex)")
            }
            bytes.append(high << 4 | low)
        }
        hashFunction = String(fields[0])
        self.bytes = bytes
    }

    /// `UHEX = DIGIT / %x41-46` (RFC 8122 §5): upper case only.
    private static func upperHex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        default: return nil
        }
    }

    /// The colon-separated upper-case hex of ``bytes``.
    public var hexString: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ":")) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var sdpValue: String { hashFunction + " " + hexString }
}
