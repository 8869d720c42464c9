/// Reads big-endian (network order) fields from a byte buffer without copying it.
///
/// Offsets in errors and in ``offset`` count from the start of the buffer the reader was
/// created with, also for readers made by ``subReader(count:field:)``, so that errors deep in
/// a nested structure still point at the right byte of the datagram.
///
/// No method traps on any input: reading past the end throws ``WireError/truncated(field:offset:needed:available:)``.
public struct ByteReader: Sendable {
    /// The bytes this reader covers; indices are those of the original array.
    public let bytes: ArraySlice<UInt8>
    /// The offset of `bytes.startIndex` from the start of the outermost buffer.
    @usableFromInline let base: Int
    /// Absolute index into `bytes` of the next byte to read.
    @usableFromInline var index: Int

    /// A reader over `bytes`, with offset 0 at its first byte.
    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.base = 0
        self.index = bytes.startIndex
    }

    /// A reader over `bytes`, with offset 0 at its first byte.
    public init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    @usableFromInline init(bytes: ArraySlice<UInt8>, base: Int) {
        self.bytes = bytes
        self.base = base
        self.index = bytes.startIndex
    }

    /// How many bytes have been read, plus the offset this reader starts at.
    @inlinable public var offset: Int { base + (index - bytes.startIndex) }
    /// How many bytes remain to be read.
    @inlinable public var remaining: Int { bytes.endIndex - index }
    /// Whether every byte has been read.
    @inlinable public var isAtEnd: Bool { index == bytes.endIndex }

    @inlinable func require(_ count: Int, _ field: String) throws(WireError) {
        guard count >= 0, count <= remaining else {
            throw .truncated(field: field, offset: offset, needed: count, available: remaining)
        }
    }

    /// Reads an unsigned big-endian integer of `byteCount` bytes (1 to 8).
    @inlinable
    public mutating func readUInt(byteCount: Int, field: String) throws(WireError) -> UInt64 {
        precondition((1...8).contains(byteCount), "byteCount must be 1...8")
        try require(byteCount, field)
        var value: UInt64 = 0
        for i in index..<(index + byteCount) {
            value = (value << 8) | UInt64(bytes[i])
        }
        index += byteCount
        return value
    }

    /// Reads one byte.
    @inlinable public mutating func readUInt8(_ field: String = "uint8") throws(WireError) -> UInt8 {
        try require(1, field)
        defer { index += 1 }
        return bytes[index]
    }
    /// Reads a 16-bit big-endian integer.
    @inlinable public mutating func readUInt16(_ field: String = "uint16") throws(WireError) -> UInt16 {
        UInt16(try readUInt(byteCount: 2, field: field))
    }
    /// Reads a 24-bit big-endian integer (TLS handshake lengths, for example).
    @inlinable public mutating func readUInt24(_ field: String = "uint24") throws(WireError) -> UInt32 {
        UInt32(try readUInt(byteCount: 3, field: field))
    }
    /// Reads a 32-bit big-endian integer.
    @inlinable public mutating func readUInt32(_ field: String = "uint32") throws(WireError) -> UInt32 {
        UInt32(try readUInt(byteCount: 4, field: field))
    }
    /// Reads a 48-bit big-endian integer (DTLS record sequence numbers, for example).
    @inlinable public mutating func readUInt48(_ field: String = "uint48") throws(WireError) -> UInt64 {
        try readUInt(byteCount: 6, field: field)
    }
    /// Reads a 64-bit big-endian integer.
    @inlinable public mutating func readUInt64(_ field: String = "uint64") throws(WireError) -> UInt64 {
        try readUInt(byteCount: 8, field: field)
    }

    /// Reads a little-endian integer of `byteCount` bytes (pcap headers use host order).
    @inlinable
    public mutating func readUIntLittleEndian(byteCount: Int, field: String) throws(WireError) -> UInt64 {
        precondition((1...8).contains(byteCount), "byteCount must be 1...8")
        try require(byteCount, field)
        var value: UInt64 = 0
        for i in (index..<(index + byteCount)).reversed() {
            value = (value << 8) | UInt64(bytes[i])
        }
        index += byteCount
        return value
    }

    /// Returns the next byte without consuming it.
    @inlinable public func peekUInt8(_ field: String = "uint8") throws(WireError) -> UInt8 {
        try require(1, field)
        return bytes[index]
    }

    /// Reads `count` bytes as a slice sharing the reader's storage (no copy).
    @inlinable
    public mutating func readBytes(_ count: Int, field: String = "bytes") throws(WireError) -> ArraySlice<UInt8> {
        try require(count, field)
        defer { index += count }
        return bytes[index..<(index + count)]
    }

    /// Reads every remaining byte as a slice (no copy).
    @inlinable public mutating func readRemaining() -> ArraySlice<UInt8> {
        defer { index = bytes.endIndex }
        return bytes[index...]
    }

    /// Skips `count` bytes.
    @inlinable public mutating func skip(_ count: Int, field: String = "bytes") throws(WireError) {
        try require(count, field)
        index += count
    }

    /// Skips the padding that brings `length` up to a multiple of `alignment` (4 by default,
    /// as STUN attributes and SCTP chunks use), without checking the padding's value.
    @inlinable
    public mutating func skipPadding(after length: Int, alignment: Int = 4, field: String = "padding") throws(WireError) {
        try skip(Padding.count(for: length, alignment: alignment), field: field)
    }

    /// A reader over the next `count` bytes, which this reader skips. Its offsets continue
    /// those of this reader, so errors inside a length-delimited structure point at the right byte.
    @inlinable
    public mutating func subReader(count: Int, field: String) throws(WireError) -> ByteReader {
        let start = offset
        let slice = try readBytes(count, field: field)
        return ByteReader(bytes: slice, base: start)
    }

    /// Throws unless every byte has been read.
    @inlinable public func expectEnd(_ field: String = "structure") throws(WireError) {
        guard isAtEnd else { throw .trailingBytes(field: field, offset: offset, count: remaining) }
    }

    /// Throws ``WireError/invalidValue(field:offset:value:reason:)`` for the field that ends at
    /// the current offset and is `width` bytes wide, for validation after reading.
    @inlinable
    public func invalid(_ field: String, value: UInt64, width: Int, reason: String) -> WireError {
        .invalidValue(field: field, offset: offset - width, value: value, reason: reason)
    }
}

/// Padding arithmetic for formats that align fields to a multiple of a boundary.
public enum Padding {
    /// The number of padding bytes after `length` bytes to reach a multiple of `alignment`.
    @inlinable public static func count(for length: Int, alignment: Int = 4) -> Int {
        precondition(alignment > 0, "alignment must be positive")
        let rest = length % alignment
        return rest == 0 ? 0 : alignment - rest
    }

    /// `length` rounded up to a multiple of `alignment`.
    @inlinable public static func padded(_ length: Int, alignment: Int = 4) -> Int {
        length + count(for: length, alignment: alignment)
    }
}
