import RTCCrypto
import Wire

/// A password algorithm of PASSWORD-ALGORITHM(S) (RFC 8489 §14.11, §14.12, §18.5).
public struct STUNPasswordAlgorithm: Sendable, Equatable, Hashable {
    /// 0x0001 MD5, 0x0002 SHA-256.
    public var number: UInt16
    public var parameters: [UInt8]

    public static let md5 = STUNPasswordAlgorithm(number: 0x0001, parameters: [])
    public static let sha256 = STUNPasswordAlgorithm(number: 0x0002, parameters: [])

    public init(number: UInt16, parameters: [UInt8]) {
        self.number = number
        self.parameters = parameters
    }

    /// The HMAC key for long-term credentials with this algorithm (RFC 8489 §9.2.2), or nil
    /// for an algorithm this build does not know.
    public func key(username: String, realm: String, password: String) -> [UInt8]? {
        switch number {
        case 0x0001: return STUNCredentials.longTermKeyMD5(username: username, realm: realm, password: password)
        case 0x0002: return STUNCredentials.longTermKeySHA256(username: username, realm: realm, password: password)
        default: return nil
        }
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeUInt16(number)
        writer.writeUInt16(UInt16(parameters.count))
        writer.writeBytes(parameters)
        // spec: RFC8489-14.12-1 parameter padding is zero on sending
        writer.pad()
    }

    static func decodeList(_ value: [UInt8], type: UInt16) throws(STUNError) -> [STUNPasswordAlgorithm] {
        var reader = ByteReader(value)
        var algorithms: [STUNPasswordAlgorithm] = []
        do {
            while !reader.isAtEnd {
                let number = try reader.readUInt16("algorithm")
                let length = Int(try reader.readUInt16("parameters length"))
                let parameters = Array(try reader.readBytes(length, field: "parameters"))
                // spec: RFC8489-14.12-1 parameter padding is ignored by the receiver
                try reader.skipPadding(after: length)
                algorithms.append(STUNPasswordAlgorithm(number: number, parameters: parameters))
            }
        } catch {
            throw .invalidAttribute(type: type, offset: error.offset, reason: error.description)
        }
        return algorithms
    }
}

/// The "nonce cookie" a server that implements RFC 8489 puts in front of its NONCE (§9.2):
/// "obMatJos2" and the base64 of the 24 STUN Security Feature bits (bit 0 = the most
/// significant bit of the first byte).
public struct STUNNonceCookie: Sendable, Equatable {
    public static let prefix = "obMatJos2"

    /// Security Feature bit 0: the server supports PASSWORD-ALGORITHMS.
    public var passwordAlgorithms: Bool
    /// Security Feature bit 1: the server supports USERHASH.
    public var usernameAnonymity: Bool

    public init(passwordAlgorithms: Bool, usernameAnonymity: Bool) {
        self.passwordAlgorithms = passwordAlgorithms
        self.usernameAnonymity = usernameAnonymity
    }

    /// The 13-character cookie.
    public var text: String {
        // spec: RFC8489-9.2-1 "obMatJos2" and the base64 of the 24 feature bits
        // spec: RFC8489-9.2-2 with no feature used, 24 zero bits are encoded
        let first: UInt8 = (passwordAlgorithms ? 0x80 : 0) | (usernameAnonymity ? 0x40 : 0)
        return STUNNonceCookie.prefix + Base64.encode3([first, 0, 0])
    }

    /// A NONCE value: the cookie, then the server's own nonce.
    public func nonce(_ opaque: String) -> String { text + opaque }

    /// The cookie at the start of a NONCE value, or nil when the server did not send one
    /// (an RFC 5389 server).
    public init?(nonce: String) {
        guard nonce.hasPrefix(STUNNonceCookie.prefix), nonce.utf8.count >= 13,
              let bytes = Base64.decode4(Array(nonce.utf8.dropFirst(9).prefix(4))) else { return nil }
        passwordAlgorithms = bytes[0] & 0x80 != 0
        usernameAnonymity = bytes[0] & 0x40 != 0
    }
}

/// Base64 (RFC 4648 §4) for the four characters of a nonce cookie.
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode3(_ bytes: [UInt8]) -> String {
        let value = UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2])
        return String(decoding: (0..<4).map { alphabet[Int((value >> UInt32(18 - 6 * $0)) & 0x3f)] }, as: UTF8.self)
    }

    static func decode4(_ characters: [UInt8]) -> [UInt8]? {
        guard characters.count == 4 else { return nil }
        var value: UInt32 = 0
        for character in characters {
            guard let index = alphabet.firstIndex(of: character) else { return nil }
            value = value << 6 | UInt32(index)
        }
        return [UInt8(value >> 16), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }
}

extension STUNAttribute {
    /// PASSWORD-ALGORITHMS: the algorithms a server offers, in preference order.
    public static func passwordAlgorithms(_ algorithms: [STUNPasswordAlgorithm]) -> STUNAttribute {
        var writer = ByteWriter()
        for algorithm in algorithms { algorithm.encode(into: &writer) }
        return STUNAttribute(type: STUNAttributeType.passwordAlgorithms, value: writer.bytes)
    }

    /// PASSWORD-ALGORITHM: the one a client chose.
    public static func passwordAlgorithm(_ algorithm: STUNPasswordAlgorithm) -> STUNAttribute {
        var writer = ByteWriter()
        algorithm.encode(into: &writer)
        // The value ends with the parameters' own padding; the attribute adds none beyond it.
        return STUNAttribute(type: STUNAttributeType.passwordAlgorithm, value: writer.bytes)
    }

    /// USERHASH (RFC 8489 §14.4): SHA-256 of "username:realm" (both already OpaqueString-prepared).
    public static func userhash(username: String, realm: String) -> STUNAttribute {
        STUNAttribute(type: STUNAttributeType.userhash, value: SHA256.hash(Array("\(username):\(realm)".utf8)))
    }

    /// ALTERNATE-SERVER (RFC 8489 §14.15), a plain (not XORed) address.
    public static func alternateServer(_ address: STUNTransportAddress) -> STUNAttribute {
        STUNAttribute(type: STUNAttributeType.alternateServer, value: address.encode(xorWith: nil))
    }

    /// ALTERNATE-DOMAIN (RFC 8489 §14.16), or nil for a name longer than 255 or not ASCII.
    public static func alternateDomain(_ name: String) -> STUNAttribute? {
        // spec: RFC8489-14.16-1 a DNS name of 255 or fewer ASCII characters
        guard name.utf8.count <= 255, name.utf8.allSatisfy({ $0 < 0x80 }), !name.isEmpty else { return nil }
        return STUNAttribute(type: STUNAttributeType.alternateDomain, value: Array(name.utf8))
    }
}

extension STUNMessage {
    /// PASSWORD-ALGORITHMS (or PASSWORD-ALGORITHM as a one-element list), decoded.
    public func passwordAlgorithms() throws(STUNError) -> [STUNPasswordAlgorithm]? {
        for type in [STUNAttributeType.passwordAlgorithms, STUNAttributeType.passwordAlgorithm] {
            if let attribute = attribute(type) { return try STUNPasswordAlgorithm.decodeList(attribute.value, type: type) }
        }
        return nil
    }

    /// ALTERNATE-SERVER, decoded.
    public func alternateServer() throws(STUNError) -> STUNTransportAddress? {
        guard let attribute = attribute(STUNAttributeType.alternateServer) else { return nil }
        return try STUNTransportAddress.decode(attribute.value, type: attribute.type, xorWith: nil)
    }
}
