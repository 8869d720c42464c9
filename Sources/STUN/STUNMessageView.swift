import RTCCrypto
import Wire

/// A STUN message (RFC 8489 §5) read in place: the header is validated and the attributes are
/// walked once without copying anything, and MESSAGE-INTEGRITY and FINGERPRINT are checked
/// over the buffer itself. Nothing here allocates on the heap while reading or verifying an
/// acceptable message (only the error thrown for an unacceptable one builds its description).
///
/// It accepts and rejects exactly what ``STUNMessage/init(parsing:)`` does, with the same
/// errors, and its verifications agree with ``STUNMessage``'s; it is the form for the hot path
/// (an ICE agent's connectivity checks), ``STUNMessage`` the form for building and editing.
///
/// The view borrows `bytes`: it must not outlive the memory they point to.
public struct STUNMessageView {
    /// Where one attribute lies in the message.
    public struct Attribute: Sendable, Equatable {
        /// The attribute type.
        public let type: UInt16
        let storedLength: UInt16
        let storedOffset: UInt32

        init(type: UInt16, offset: Int, length: Int) {
            self.type = type
            storedOffset = UInt32(truncatingIfNeeded: offset)
            storedLength = UInt16(truncatingIfNeeded: length)
        }

        /// The offset of the attribute's 4-byte type-length header from the message's start.
        public var offset: Int { Int(storedOffset) }
        /// The length of the value, before padding.
        public var length: Int { Int(storedLength) }
        /// The offset of the value.
        public var valueOffset: Int { Int(storedOffset) + 4 }
        /// The offset just past the attribute and its padding.
        public var end: Int { Int(storedOffset) + 4 + Padding.padded(Int(storedLength)) }
    }

    /// The whole message: the 20-byte header and the attributes.
    public let bytes: UnsafeRawBufferPointer
    /// The 16-bit message type field (method and class).
    public let rawType: UInt16
    /// How many attributes the message has.
    public private(set) var attributeCount = 0

    // The attributes an ICE agent reads on every check: the first occurrence of each that
    // precedes MESSAGE-INTEGRITY(-SHA256); after those, only the integrity attributes and
    // FINGERPRINT are taken (RFC 8489 §9).
    /// USERNAME.
    public private(set) var username: Attribute?
    /// The first MESSAGE-INTEGRITY.
    public private(set) var messageIntegrity: Attribute?
    /// The first MESSAGE-INTEGRITY-SHA256.
    public private(set) var messageIntegritySHA256: Attribute?
    /// FINGERPRINT, which is always the last attribute when present.
    public private(set) var fingerprint: Attribute?
    /// PRIORITY (RFC 8445 §7.1.1).
    public private(set) var priority: Attribute?
    /// USE-CANDIDATE (RFC 8445 §7.1.2).
    public private(set) var useCandidate: Attribute?
    /// ICE-CONTROLLING (RFC 8445 §7.1.3).
    public private(set) var iceControlling: Attribute?
    /// ICE-CONTROLLED (RFC 8445 §7.1.3).
    public private(set) var iceControlled: Attribute?
    /// XOR-MAPPED-ADDRESS.
    public private(set) var xorMappedAddress: Attribute?
    /// ERROR-CODE.
    public private(set) var errorCode: Attribute?

    /// Validates the header and walks the attributes of the message that fills `bytes`,
    /// throwing what ``STUNMessage/init(parsing:)`` throws for the same bytes.
    public init(_ bytes: UnsafeRawBufferPointer) throws(STUNError) {
        let count = bytes.count
        guard count >= 2 else { throw STUNMessageView.truncated("message type", at: 0, needed: 2, in: count) }
        let typeField = bytes.bigEndianUInt16(at: 0)
        // spec: RFC8489-5-1 the two most significant bits must be zero
        guard typeField & 0xc000 == 0 else { throw .notSTUN(reason: "the first two bits are not zero") }
        guard count >= 4 else { throw STUNMessageView.truncated("message length", at: 2, needed: 2, in: count) }
        let length = Int(bytes.bigEndianUInt16(at: 2))
        guard count >= 8 else { throw STUNMessageView.truncated("magic cookie", at: 4, needed: 4, in: count) }
        let cookie = bytes.bigEndianUInt32(at: 4)
        // spec: RFC8489-5-3 the magic cookie is 0x2112A442
        guard cookie == STUNMessage.magicCookie else {
            throw .notSTUN(reason: "magic cookie 0x\(String(cookie, radix: 16)), expected 0x2112a442")
        }
        guard count >= 20 else { throw STUNMessageView.truncated("transaction ID", at: 8, needed: 12, in: count) }
        // spec: RFC8489-5-7 the length counts the bytes after the 20-byte header
        guard length == count - 20, length % 4 == 0 else { throw .badLength(declared: length, available: count - 20) }

        self.bytes = bytes
        rawType = typeField
        // The attributes found are stored straight into `self` (the loop's registers are for
        // the walk itself). Every offset here is a multiple of 4, as is `count`: an
        // attribute's 4-byte header always fits, a value that fits leaves room for its
        // padding, and nothing can overflow (count < 2^17), hence the wrapping arithmetic.
        var beforeIntegrity = true
        var offset = 20
        while offset < count {
            // spec: RFC8489-14.7-2 FINGERPRINT is the last attribute
            guard fingerprint == nil else { throw .attributeAfterFingerprint(offset: offset) }
            // spec: RFC8489-14-1 attributes are TLV: 16-bit type, 16-bit length, value
            let type = bytes.bigEndianUInt16(at: offset)
            // spec: RFC8489-14-3 the length is that of the value, before padding
            let valueLength = Int(bytes.bigEndianUInt16(at: offset &+ 2))
            guard valueLength <= count &- offset &- 4 else {
                throw STUNMessageView.truncated("\(STUNAttributeType.name(of: type)) value", at: offset + 4,
                                                needed: valueLength, in: count)
            }
            let attribute = Attribute(type: type, offset: offset, length: valueLength)
            attributeCount &+= 1
            switch type {
            case STUNAttributeType.messageIntegrity:
                if messageIntegrity == nil { messageIntegrity = attribute }
                beforeIntegrity = false
            case STUNAttributeType.messageIntegritySHA256:
                if messageIntegritySHA256 == nil { messageIntegritySHA256 = attribute }
                beforeIntegrity = false
            case STUNAttributeType.fingerprint:
                fingerprint = attribute
            // spec: RFC8489-9-1 attributes after MESSAGE-INTEGRITY are ignored, except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
            case _ where !beforeIntegrity:
                break
            // spec: RFC8489-14-6 only the first occurrence of a type is processed
            case STUNAttributeType.username: if username == nil { username = attribute }
            case STUNAttributeType.priority: if priority == nil { priority = attribute }
            case STUNAttributeType.useCandidate: if useCandidate == nil { useCandidate = attribute }
            case STUNAttributeType.iceControlling: if iceControlling == nil { iceControlling = attribute }
            case STUNAttributeType.iceControlled: if iceControlled == nil { iceControlled = attribute }
            case STUNAttributeType.xorMappedAddress: if xorMappedAddress == nil { xorMappedAddress = attribute }
            case STUNAttributeType.errorCode: if errorCode == nil { errorCode = attribute }
            default:
                // spec: RFC8489-6.3-1 unknown comprehension-optional attributes are ignored
                break
            }
            // spec: RFC8489-14-2 each attribute ends on a 32-bit boundary
            // spec: RFC8489-14-4 padding is ignored by the receiver
            offset = offset &+ 4 &+ ((valueLength &+ 3) & ~3)
        }
    }

    private static func truncated(_ field: String, at offset: Int, needed: Int, in count: Int) -> STUNError {
        .malformed(.truncated(field: field, offset: offset, needed: needed, available: count - offset))
    }

    // MARK: - Header and values

    /// Method and class.
    public var type: STUNMessageType { STUNMessageType(rawValue: rawType) }

    /// The 96-bit transaction ID, in place.
    public var transactionID: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[8..<20]) }

    /// The value of `attribute`, in place, without its padding.
    public func value(of attribute: Attribute) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[attribute.valueOffset..<(attribute.valueOffset + attribute.length)])
    }

    /// The first attribute of `type` anywhere in the message (as ``STUNMessage/attribute(_:)``),
    /// found by walking the attributes again.
    public func attribute(_ type: UInt16) -> Attribute? {
        // spec: RFC8489-14-6 only the first occurrence of a type is processed
        for attribute in attributes where attribute.type == type { return attribute }
        return nil
    }

    /// PRIORITY's 32-bit value, if present.
    public func priorityValue() throws(STUNError) -> UInt32? {
        guard let priority else { return nil }
        guard priority.length == 4 else { throw .invalidAttribute(type: priority.type, offset: priority.offset, reason: "\(priority.length) bytes, expected 4") }
        return bytes.bigEndianUInt32(at: priority.valueOffset)
    }

    /// The tiebreaker of ICE-CONTROLLING or ICE-CONTROLLED (whichever `attribute` is), if present.
    public func tiebreaker(_ attribute: Attribute?) throws(STUNError) -> UInt64? {
        guard let attribute else { return nil }
        guard attribute.length == 8 else { throw .invalidAttribute(type: attribute.type, offset: attribute.offset, reason: "\(attribute.length) bytes, expected 8") }
        return UInt64(bytes.bigEndianUInt32(at: attribute.valueOffset)) << 32 | UInt64(bytes.bigEndianUInt32(at: attribute.valueOffset + 4))
    }

    /// Every attribute in wire order, walked in place.
    public var attributes: Attributes { Attributes(bytes: bytes) }

    /// The attributes of a validated message, in wire order.
    public struct Attributes: Sequence {
        let bytes: UnsafeRawBufferPointer

        public struct Iterator: IteratorProtocol {
            let bytes: UnsafeRawBufferPointer
            var offset = 20

            public mutating func next() -> Attribute? {
                guard offset < bytes.count else { return nil }
                let length = Int(bytes.bigEndianUInt16(at: offset + 2))
                let attribute = Attribute(type: bytes.bigEndianUInt16(at: offset), offset: offset, length: length)
                offset = attribute.end
                return attribute
            }
        }

        public func makeIterator() -> Iterator { Iterator(bytes: bytes) }
    }

    // MARK: - Integrity and fingerprint

    /// Whether FINGERPRINT is present and correct: the CRC-32 of the message before it, XOR
    /// 0x5354554e (RFC 8489 §14.7). It is the last attribute, so the header's length already
    /// counts through it and the checksum runs over the bytes as they are.
    public var hasValidFingerprint: Bool { hasValidFingerprint(backend: .best) }

    /// ``hasValidFingerprint`` with the CRC-32 on `backend` (where this build and CPU offer it).
    public func hasValidFingerprint(backend: CryptoBackend) -> Bool {
        guard let fingerprint, fingerprint.length == 4 else { return false }
        var crc = CRC32(.ieee, backend: backend)
        crc.update(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<fingerprint.offset]))
        return crc.value ^ STUNMessage.fingerprintXOR == bytes.bigEndianUInt32(at: fingerprint.valueOffset)
    }

    /// Whether the first MESSAGE-INTEGRITY verifies with `key` (RFC 8489 §14.5): HMAC-SHA1
    /// over the header, with the length field counting through MESSAGE-INTEGRITY, and the
    /// attributes before it; the tag is compared in constant time. Attributes after it do not
    /// count (RFC 8489 §9), and nothing is copied but the 20-byte header.
    public func hasValidMessageIntegrity(key: HMACSHA1Key) -> Bool {
        guard let integrity = messageIntegrity, integrity.length == 20 else { return false }
        var header: (UInt64, UInt64, UInt32) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &header) { head in
            head.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<20]))
            // spec: RFC8489-9-1 attributes after MESSAGE-INTEGRITY are not covered: the length stops at its end
            head.storeBytes(of: UInt16(truncatingIfNeeded: integrity.end - 20).bigEndian, toByteOffset: 2, as: UInt16.self)
            return key.verify(UnsafeRawBufferPointer(rebasing: bytes[integrity.valueOffset..<(integrity.valueOffset + 20)]),
                              head: UnsafeRawBufferPointer(head),
                              UnsafeRawBufferPointer(rebasing: bytes[20..<integrity.offset]))
        }
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always) func bigEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always) func bigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
