/// An ECDSA signature (r, s) on P-256, in the two wire forms peers use: DER (X.509, TLS 1.2
/// CertificateVerify and ServerKeyExchange) and raw r ‖ s (IEEE P1363, WebCrypto).
public struct ECDSASignature: Sendable, Equatable {
    /// Why a signature encoding was refused.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// Not strict DER: wrong tags, lengths in a non-minimal or long form, negative or
        /// zero-padded integers, or trailing bytes.
        case malformedDER(reason: String)
        /// Raw signatures are exactly 64 bytes.
        case wrongRawLength(Int)
    }

    let r: UInt256
    let s: UInt256

    init(r: UInt256, s: UInt256) {
        self.r = r
        self.s = s
    }

    /// From raw r ‖ s (32 + 32 bytes, big-endian).
    public init(rawRepresentation raw: [UInt8]) throws(Error) {
        guard raw.count == 64 else { throw .wrongRawLength(raw.count) }
        r = UInt256(bigEndian: raw[0..<32])
        s = UInt256(bigEndian: raw[32..<64])
    }

    /// From strict DER: SEQUENCE { INTEGER r, INTEGER s }.
    public init(derRepresentation der: [UInt8]) throws(Error) {
        var index = 0
        func header(_ tag: UInt8, _ what: String) throws(Error) -> Int {
            guard index < der.count, der[index] == tag else { throw .malformedDER(reason: "expected \(what)") }
            index += 1
            guard index < der.count else { throw .malformedDER(reason: "\(what) has no length") }
            let length = Int(der[index])
            index += 1
            // Everything here is shorter than 128 bytes, so only the short form is DER.
            guard length < 0x80 else { throw .malformedDER(reason: "\(what) length is not in the short form") }
            guard index + length <= der.count else { throw .malformedDER(reason: "\(what) runs past the end") }
            return length
        }
        func integer(_ name: String) throws(Error) -> UInt256 {
            let length = try header(0x02, "INTEGER \(name)")
            guard length > 0 else { throw .malformedDER(reason: "\(name) is empty") }
            var bytes = Array(der[index..<(index + length)])
            index += length
            guard bytes[0] & 0x80 == 0 else { throw .malformedDER(reason: "\(name) is negative") }
            if bytes.count > 1, bytes[0] == 0 {
                guard bytes[1] & 0x80 != 0 else { throw .malformedDER(reason: "\(name) has a needless leading zero") }
                bytes.removeFirst()
            }
            guard bytes.count <= 32 else { throw .malformedDER(reason: "\(name) is longer than 256 bits") }
            return UInt256(bigEndian: [UInt8](repeating: 0, count: 32 - bytes.count) + bytes)
        }
        let sequenceLength = try header(0x30, "SEQUENCE")
        guard index + sequenceLength == der.count else { throw .malformedDER(reason: "trailing bytes after the SEQUENCE") }
        r = try integer("r")
        s = try integer("s")
        guard index == der.count else { throw .malformedDER(reason: "trailing bytes inside the SEQUENCE") }
    }

    /// r ‖ s, 64 bytes.
    public var rawRepresentation: [UInt8] { r.bigEndianBytes + s.bigEndianBytes }

    /// Minimal DER.
    public var derRepresentation: [UInt8] {
        func integer(_ value: UInt256) -> [UInt8] {
            var bytes = Array(value.bigEndianBytes.drop { $0 == 0 })
            if bytes.isEmpty || bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
            return [0x02, UInt8(bytes.count)] + bytes
        }
        let body = integer(r) + integer(s)
        return [0x30, UInt8(body.count)] + body
    }
}
