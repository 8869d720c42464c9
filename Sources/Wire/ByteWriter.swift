/// Writes big-endian (network order) fields into a growable byte buffer.
///
/// Length fields that precede their content are written with ``reserveUInt16(_:)`` (or the
/// other widths) and patched with ``patch(_:value:)`` once the content is known.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8] { storage }
    @usableFromInline var storage: [UInt8]

    /// An empty writer, with room for `capacity` bytes before it grows.
    @inlinable public init(capacity: Int = 0) {
        // reserveCapacity measured cheaper than Array(unsafeUninitializedCapacity:), which
        // looks up the storage class's generic metadata on every call.
        storage = []
        storage.reserveCapacity(capacity)
    }

    /// How many bytes have been written.
    @inlinable public var count: Int { storage.count }

    /// Writes the low `byteCount` bytes of `value`, most significant first.
    /// Traps if the value does not fit: that is a bug in the caller, not bad input.
    @inlinable
    public mutating func writeUInt(_ value: UInt64, byteCount: Int) {
        precondition((1...8).contains(byteCount), "byteCount must be 1...8")
        precondition(byteCount == 8 || value >> (8 * UInt64(byteCount)) == 0,
                     "value \(value) does not fit in \(byteCount) bytes")
        for shift in stride(from: 8 * (byteCount - 1), through: 0, by: -8) {
            storage.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// Writes one byte.
    @inlinable public mutating func writeUInt8(_ value: UInt8) { storage.append(value) }
    /// Writes a 16-bit big-endian integer.
    @inlinable public mutating func writeUInt16(_ value: UInt16) {
        // Byte appends inline to a few instructions; append(contentsOf:) of a raw buffer is a
        // generic call that costs a hundred, and packet builders write many small fields.
        storage.append(UInt8(truncatingIfNeeded: value >> 8))
        storage.append(UInt8(truncatingIfNeeded: value))
    }
    /// Writes a 24-bit big-endian integer.
    @inlinable public mutating func writeUInt24(_ value: UInt32) { writeUInt(UInt64(value), byteCount: 3) }
    /// Writes a 32-bit big-endian integer.
    @inlinable public mutating func writeUInt32(_ value: UInt32) {
        storage.append(UInt8(truncatingIfNeeded: value >> 24))
        storage.append(UInt8(truncatingIfNeeded: value >> 16))
        storage.append(UInt8(truncatingIfNeeded: value >> 8))
        storage.append(UInt8(truncatingIfNeeded: value))
    }
    /// Writes a 48-bit big-endian integer.
    @inlinable public mutating func writeUInt48(_ value: UInt64) { writeUInt(value, byteCount: 6) }
    /// Writes a 64-bit big-endian integer.
    @inlinable public mutating func writeUInt64(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { storage.append(contentsOf: $0) }
    }

    /// Writes the low `byteCount` bytes of `value`, least significant first.
    @inlinable
    public mutating func writeUIntLittleEndian(_ value: UInt64, byteCount: Int) {
        precondition((1...8).contains(byteCount), "byteCount must be 1...8")
        for i in 0..<byteCount {
            storage.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * i)))
        }
    }

    /// Appends storage.
    @inlinable
    public mutating func writeBytes<S: Sequence>(_ source: S) where S.Element == UInt8 {
        storage.append(contentsOf: source)
    }

    /// Drops what was written after the first `count` bytes (a chunk that did not fit).
    @inlinable public mutating func truncate(to count: Int) {
        precondition(count <= storage.count, "cannot truncate \(storage.count) bytes to \(count)")
        storage.removeLast(storage.count - count)
    }

    /// Hands over the bytes written and leaves the writer empty, so the caller holds the only
    /// reference and can patch them in place without a copy.
    @inlinable public mutating func takeBytes() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &storage)
        return taken
    }

    /// Appends zero bytes until the length is a multiple of `alignment`.
    @inlinable public mutating func pad(alignment: Int = 4, with byte: UInt8 = 0) {
        for _ in 0..<Padding.count(for: storage.count, alignment: alignment) { storage.append(byte) }
    }

    /// Writes a placeholder of `byteCount` zero bytes and returns where it is, for ``patch(_:value:)``.
    @inlinable
    public mutating func reserve(byteCount: Int) -> Placeholder {
        let placeholder = Placeholder(offset: storage.count, byteCount: byteCount)
        storage.append(contentsOf: repeatElement(0, count: byteCount))
        return placeholder
    }

    /// Reserves a 16-bit field (typically a length) to patch later.
    @inlinable public mutating func reserveUInt16() -> Placeholder { reserve(byteCount: 2) }

    /// Overwrites a reserved field with `value`, big-endian. Traps if the value does not fit.
    @inlinable
    public mutating func patch(_ placeholder: Placeholder, value: UInt64) {
        precondition(placeholder.byteCount == 8 || value >> (8 * UInt64(placeholder.byteCount)) == 0,
                     "value \(value) does not fit in \(placeholder.byteCount) bytes")
        for i in 0..<placeholder.byteCount {
            let shift = 8 * (placeholder.byteCount - 1 - i)
            storage[placeholder.offset + i] = UInt8(truncatingIfNeeded: value >> UInt64(shift))
        }
    }

    /// The number of bytes written since `placeholder` ended: the usual value of a length field.
    @inlinable public func count(after placeholder: Placeholder) -> Int {
        storage.count - placeholder.offset - placeholder.byteCount
    }

    /// Where a reserved field lies in the output.
    public struct Placeholder: Sendable, Equatable {
        /// Offset of the field's first byte.
        public let offset: Int
        /// Width of the field in storage.
        public let byteCount: Int
        @inlinable init(offset: Int, byteCount: Int) {
            self.offset = offset
            self.byteCount = byteCount
        }
    }
}
