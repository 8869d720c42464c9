import RTCCrypto
import Wire

/// Writes a STUN message (RFC 8489 §5) into a buffer the caller owns, attribute by attribute,
/// with MESSAGE-INTEGRITY and FINGERPRINT computed in place: nothing is allocated on the heap.
/// The bytes equal ``STUNMessage/encoded`` for the same attributes (after
/// ``STUNMessage/appendMessageIntegrity(key:)`` and ``STUNMessage/appendFingerprint()``).
///
/// The header's length field always counts the attributes written so far, so ``bytes`` is a
/// whole message after every call.
public struct STUNMessageWriter {
    /// Why an attribute could not be written.
    public enum Error: Swift.Error, Equatable, Sendable {
        /// The buffer has no room for the attribute.
        case bufferTooSmall(needed: Int, available: Int)
        /// FINGERPRINT has been written: nothing may follow it.
        case afterFingerprint
        /// A value does not fit its attribute (an address of neither 4 nor 16 bytes, a value
        /// longer than 65535 bytes).
        case invalidValue(type: UInt16)
    }

    private let buffer: UnsafeMutableRawBufferPointer
    /// The number of bytes written: the whole message so far.
    public private(set) var count: Int
    private var finished = false

    /// Starts a message of `type` with the 12-byte `transactionID` at the start of `buffer`.
    public init(into buffer: UnsafeMutableRawBufferPointer, type: STUNMessageType,
                transactionID: UnsafeRawBufferPointer) throws(Error) {
        precondition(transactionID.count == 12, "a transaction ID is 96 bits")
        guard buffer.count >= 20 else { throw .bufferTooSmall(needed: 20, available: buffer.count) }
        self.buffer = buffer
        // spec: RFC8489-5-1 the two most significant bits are zero (STUNMessageType keeps 14 bits)
        buffer.storeBytes(of: type.rawValue.bigEndian, toByteOffset: 0, as: UInt16.self)
        buffer.storeBytes(of: UInt16(0), toByteOffset: 2, as: UInt16.self)
        // spec: RFC8489-5-3 the magic cookie is 0x2112A442
        buffer.storeBytes(of: STUNMessage.magicCookie.bigEndian, toByteOffset: 4, as: UInt32.self)
        UnsafeMutableRawBufferPointer(rebasing: buffer[8..<20]).copyMemory(from: transactionID)
        count = 20
    }

    /// Starts a message with a transaction ID held in an array (not copied).
    public init(into buffer: UnsafeMutableRawBufferPointer, type: STUNMessageType, transactionID: [UInt8]) throws(Error) {
        self = try transactionID.withUnsafeBytes { id in
            Result { () throws(Error) in try STUNMessageWriter(into: buffer, type: type, transactionID: id) }
        }.get()
    }

    /// The message written so far.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[0..<count]) }

    // MARK: - Attributes

    /// Reserves room for an attribute of `type` with a `length`-byte value, writes its header,
    /// its zero padding and the new message length, and returns the value's offset.
    private mutating func begin(_ type: UInt16, length: Int) throws(Error) -> Int {
        guard !finished else { throw .afterFingerprint }
        guard length <= 0xffff else { throw .invalidValue(type: type) }
        // spec: RFC8489-14-2 each attribute ends on a 32-bit boundary
        let total = 4 + Padding.padded(length)
        guard total <= buffer.count - count, count + total - 20 <= 0xffff else {
            throw .bufferTooSmall(needed: count + total, available: buffer.count)
        }
        // spec: RFC8489-14-1 attributes are TLV: 16-bit type, 16-bit length, value
        buffer.storeBytes(of: type.bigEndian, toByteOffset: count, as: UInt16.self)
        // spec: RFC8489-14-3 the length is that of the value, before padding
        buffer.storeBytes(of: UInt16(length).bigEndian, toByteOffset: count + 2, as: UInt16.self)
        // spec: RFC8489-14-4 padding bits are set to zero on sending
        if total > 4 { buffer.storeBytes(of: UInt32(0), toByteOffset: count + total - 4, as: UInt32.self) }
        let valueOffset = count + 4
        count += total
        // spec: RFC8489-5-7 the length counts the bytes after the 20-byte header
        buffer.storeBytes(of: UInt16(count - 20).bigEndian, toByteOffset: 2, as: UInt16.self)
        return valueOffset
    }

    /// Appends an attribute with `value` as it is.
    public mutating func append(type: UInt16, value: UnsafeRawBufferPointer) throws(Error) {
        let offset = try begin(type, length: value.count)
        if !value.isEmpty { UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + value.count)]).copyMemory(from: value) }
    }

    /// Appends USERNAME, cut to 508 bytes as ``STUNAttribute/username(_:)`` does.
    public mutating func appendUsername(_ username: UnsafeRawBufferPointer) throws(Error) {
        // spec: RFC8489-14.3-1 fewer than 509 bytes of UTF-8
        try append(type: STUNAttributeType.username, value: UnsafeRawBufferPointer(rebasing: username.prefix(508)))
    }

    /// Appends USERNAME from a string, cut to 508 bytes (a native string's UTF-8 is copied
    /// from where it lies).
    public mutating func appendUsername(_ username: String) throws(Error) {
        let utf8 = username.utf8
        // spec: RFC8489-14.3-1 fewer than 509 bytes of UTF-8
        let length = min(utf8.count, 508)
        let offset = try begin(STUNAttributeType.username, length: length)
        let destination = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + length)])
        let copied: Void? = utf8.withContiguousStorageIfAvailable {
            destination.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0[0..<length])))
        }
        if copied == nil {
            for (index, byte) in utf8.prefix(length).enumerated() { destination[index] = byte }
        }
    }

    /// Appends PRIORITY (RFC 8445 §7.1.1).
    public mutating func appendPriority(_ priority: UInt32) throws(Error) {
        let offset = try begin(STUNAttributeType.priority, length: 4)
        buffer.storeBytes(of: priority.bigEndian, toByteOffset: offset, as: UInt32.self)
    }

    /// Appends ICE-CONTROLLING or ICE-CONTROLLED with the agent's tiebreaker (RFC 8445 §7.1.3).
    public mutating func appendICERole(controlling: Bool, tiebreaker: UInt64) throws(Error) {
        let offset = try begin(controlling ? STUNAttributeType.iceControlling : STUNAttributeType.iceControlled, length: 8)
        buffer.storeBytes(of: tiebreaker.bigEndian, toByteOffset: offset, as: UInt64.self)
    }

    /// Appends USE-CANDIDATE (RFC 8445 §7.1.2), which has no value.
    public mutating func appendUseCandidate() throws(Error) {
        _ = try begin(STUNAttributeType.useCandidate, length: 0)
    }

    /// Appends XOR-MAPPED-ADDRESS (RFC 8489 §14.2): `address` (4 or 16 bytes, network order)
    /// and `port`, XORed with the magic cookie and, for IPv6, the transaction ID.
    public mutating func appendXORMappedAddress(address: UnsafeRawBufferPointer, port: UInt16) throws(Error) {
        guard address.count == 4 || address.count == 16 else { throw .invalidValue(type: STUNAttributeType.xorMappedAddress) }
        let offset = try begin(STUNAttributeType.xorMappedAddress, length: 4 + address.count)
        writeXORAddress(at: offset, port: port, count: address.count) { address[$0] }
    }

    @inline(__always)
    private func writeXORAddress(at offset: Int, port: UInt16, count: Int, byte: (Int) -> UInt8) {
        // spec: RFC8489-14.1-3 the first 8 bits are sent as zero
        buffer[offset] = 0
        buffer[offset + 1] = count == 4 ? 0x01 : 0x02
        buffer.storeBytes(of: (port ^ 0x2112).bigEndian, toByteOffset: offset + 2, as: UInt16.self)
        // The key is the magic cookie and then the transaction ID: the header's bytes 4 to 20.
        for i in 0..<count { buffer[offset + 4 + i] = byte(i) ^ buffer[4 + i] }
    }

    /// Appends XOR-MAPPED-ADDRESS for `address`.
    public mutating func appendXORMappedAddress(_ address: STUNTransportAddress) throws(Error) {
        guard address.address.count == 4 || address.address.count == 16 else { throw .invalidValue(type: STUNAttributeType.xorMappedAddress) }
        let offset = try begin(STUNAttributeType.xorMappedAddress, length: 4 + address.address.count)
        writeXORAddress(at: offset, port: address.port, count: address.address.count) { address.address[$0] }
    }

    // MARK: - Integrity and fingerprint

    /// Appends MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 with `key` over the message so far,
    /// the length field already counting through this attribute.
    public mutating func appendMessageIntegrity(key: HMACSHA1Key) throws(Error) {
        let start = count
        let offset = try begin(STUNAttributeType.messageIntegrity, length: 20)
        key.authenticate(UnsafeRawBufferPointer(rebasing: buffer[0..<start]),
                         tag: UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + 20)]))
    }

    /// Appends FINGERPRINT (RFC 8489 §14.7): the CRC-32 of the message so far, with the length
    /// counting through this attribute, XOR 0x5354554e, computed on `backend` where this build
    /// and CPU offer it. Nothing may be appended after it.
    // spec: RFC8489-14.7-1 any message, of any method and class, may carry FINGERPRINT
    public mutating func appendFingerprint(backend: CryptoBackend = .best) throws(Error) {
        let start = count
        let offset = try begin(STUNAttributeType.fingerprint, length: 4)
        var crc = CRC32(.ieee, backend: backend)
        crc.update(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<start]))
        buffer.storeBytes(of: (crc.value ^ STUNMessage.fingerprintXOR).bigEndian, toByteOffset: offset, as: UInt32.self)
        // spec: RFC8489-14.7-2 FINGERPRINT is the last attribute
        finished = true
    }
}
