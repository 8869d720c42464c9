import RTCCrypto
import Wire

/// A STUN message (RFC 8489 §5) read in place: the header is validated and the attributes are
/// walked once without copying anything, and MESSAGE-INTEGRITY and FINGERPRINT are checked
/// over the buffer itself. Nothing here allocates on the heap while reading or verifying an
/// acceptable message (only the error thrown for an unacceptable one builds its description,
/// and the first FINGERPRINT check of the process builds the CRC tables once).
///
/// It accepts and rejects exactly what ``STUNMessage/init(parsing:)`` does, with the same
/// errors, and its verifications agree with ``STUNMessage``'s; it is the form for the hot path
/// (an ICE agent's connectivity checks), ``STUNMessage`` the form for building and editing.
///
/// The view borrows `bytes`: it must not outlive the memory they point to.
public struct STUNMessageView {
    /// Where one attribute lies in the message.
    public struct Attribute: Sendable, Equatable {
        /// Type, length and offset in one word: type in bits 0–15, length in 16–31, offset in
        /// 32–63. Never zero (an attribute's offset is at least 20).
        let packed: UInt64

        init(type: UInt16, offset: Int, length: Int) {
            packed = UInt64(type) | UInt64(truncatingIfNeeded: length) << 16 | UInt64(truncatingIfNeeded: offset) << 32
        }

        /// The attribute a slot holds, or nil for an empty slot.
        init?(slot: UInt64) {
            guard slot != 0 else { return nil }
            packed = slot
        }

        /// The attribute type.
        public var type: UInt16 { UInt16(truncatingIfNeeded: packed) }
        /// The offset of the attribute's 4-byte type-length header from the message's start.
        public var offset: Int { Int(truncatingIfNeeded: packed >> 32) }
        /// The length of the value, before padding.
        public var length: Int { Int(truncatingIfNeeded: (packed >> 16) & 0xffff) }
        /// The offset of the value.
        public var valueOffset: Int { offset + 4 }
        /// The offset just past the attribute and its padding.
        public var end: Int { offset + 4 + Padding.padded(length) }
    }

    /// The whole message: the 20-byte header and the attributes.
    public let bytes: UnsafeRawBufferPointer
    /// The 16-bit message type field (method and class).
    public let rawType: UInt16
    /// How many attributes the message has.
    public let attributeCount: Int

    /// The attributes an ICE agent reads on every check, one packed ``Attribute`` per slot
    /// (zero when absent): the first occurrence of each that precedes
    /// MESSAGE-INTEGRITY(-SHA256); after those, only the integrity attributes and FINGERPRINT
    /// are taken (RFC 8489 §9).
    private let slots: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// USERNAME.
    public var username: Attribute? { Attribute(slot: slots.0) }
    /// The first MESSAGE-INTEGRITY.
    public var messageIntegrity: Attribute? { Attribute(slot: slots.1) }
    /// The first MESSAGE-INTEGRITY-SHA256.
    public var messageIntegritySHA256: Attribute? { Attribute(slot: slots.2) }
    /// FINGERPRINT, which is always the last attribute when present.
    public var fingerprint: Attribute? { Attribute(slot: slots.3) }
    /// PRIORITY (RFC 8445 §7.1.1).
    public var priority: Attribute? { Attribute(slot: slots.4) }
    /// USE-CANDIDATE (RFC 8445 §7.1.2).
    public var useCandidate: Attribute? { Attribute(slot: slots.5) }
    /// ICE-CONTROLLING (RFC 8445 §7.1.3).
    public var iceControlling: Attribute? { Attribute(slot: slots.6) }
    /// ICE-CONTROLLED (RFC 8445 §7.1.3).
    public var iceControlled: Attribute? { Attribute(slot: slots.7) }
    /// XOR-MAPPED-ADDRESS.
    public var xorMappedAddress: Attribute? { Attribute(slot: slots.8) }
    /// ERROR-CODE.
    public var errorCode: Attribute? { Attribute(slot: slots.9) }

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

        var slots: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var attributeCount = 0
        // The walk keeps only its position in registers; what it finds goes to memory.
        let failure: STUNError? = withUnsafeMutableBytes(of: &slots) { raw in
            let found = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            // Every offset here is a multiple of 4, as is `count`: an attribute's 4-byte
            // header always fits, a value that fits leaves room for its padding, and nothing
            // can overflow (count < 2^17), hence the wrapping arithmetic.
            var beforeIntegrity = true, sawFingerprint = false
            var offset = 20
            while offset < count {
                // spec: RFC8489-14.7-2 FINGERPRINT is the last attribute
                if sawFingerprint { return .attributeAfterFingerprint(offset: offset) }
                // spec: RFC8489-14-1 attributes are TLV: 16-bit type, 16-bit length, value
                let type = bytes.bigEndianUInt16(at: offset)
                // spec: RFC8489-14-3 the length is that of the value, before padding
                let valueLength = Int(bytes.bigEndianUInt16(at: offset &+ 2))
                guard valueLength <= count &- offset &- 4 else {
                    return STUNMessageView.truncated("\(STUNAttributeType.name(of: type)) value", at: offset + 4,
                                                     needed: valueLength, in: count)
                }
                attributeCount &+= 1
                let slot: Int
                switch type {
                case STUNAttributeType.messageIntegrity: slot = 1; beforeIntegrity = false
                case STUNAttributeType.messageIntegritySHA256: slot = 2; beforeIntegrity = false
                case STUNAttributeType.fingerprint: slot = 3; sawFingerprint = true
                // spec: RFC8489-9-1 attributes after MESSAGE-INTEGRITY are ignored, except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
                case _ where !beforeIntegrity: slot = -1
                case STUNAttributeType.username: slot = 0
                case STUNAttributeType.priority: slot = 4
                case STUNAttributeType.useCandidate: slot = 5
                case STUNAttributeType.iceControlling: slot = 6
                case STUNAttributeType.iceControlled: slot = 7
                case STUNAttributeType.xorMappedAddress: slot = 8
                case STUNAttributeType.errorCode: slot = 9
                // spec: RFC8489-6.3-1 unknown comprehension-optional attributes are ignored
                default: slot = -1
                }
                // spec: RFC8489-14-6 only the first occurrence of a type is processed
                if slot >= 0 && found[slot] == 0 {
                    found[slot] = Attribute(type: type, offset: offset, length: valueLength).packed
                }
                // spec: RFC8489-14-2 each attribute ends on a 32-bit boundary
                // spec: RFC8489-14-4 padding is ignored by the receiver
                offset = offset &+ 4 &+ ((valueLength &+ 3) & ~3)
            }
            return nil
        }
        if let failure { throw failure }
        self.bytes = bytes
        rawType = typeField
        self.attributeCount = attributeCount
        self.slots = slots
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
