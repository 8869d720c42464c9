import Wire

/// libFuzzer entry: the first bytes choose reads (width, bit fields, slices, sub-readers,
/// padding) applied to the rest; the whole input is also parsed as hex text. Every call must
/// either succeed or throw a `WireError`, never trap, and offsets must stay in bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let opCount = bytes.first else { return 0 }
    let ops = bytes.dropFirst().prefix(Int(opCount % 16))
    var reader = ByteReader(bytes.dropFirst(1 + ops.count))
    let total = reader.remaining
    for op in ops {
        do {
            switch op % 9 {
            case 0: _ = try reader.readUInt(byteCount: Int(op / 9 % 8) + 1, field: "uint")
            case 1: _ = try reader.readBytes(Int(op / 9), field: "bytes")
            case 2:
                var sub = try reader.subReader(count: Int(op / 9 % 32), field: "sub")
                _ = try sub.readUInt16("inner")
                try sub.expectEnd("inner")
            case 3: try reader.skipPadding(after: Int(op / 9))
            case 4:
                var bits = BitReader(try reader.readBytes(Int(op / 9 % 9), field: "bit bytes"))
                _ = try bits.read(bits: Int(op % 70), field: "bits")
            case 5: _ = try reader.readUIntLittleEndian(byteCount: Int(op / 9 % 8) + 1, field: "le")
            case 6: _ = reader.readRemaining()
            case 7: try reader.skip(Int(op) - 128, field: "skip")  // negative counts must throw
            default: _ = try reader.peekUInt8()
            }
        } catch {
            _ = error.description
        }
        precondition(reader.offset >= 0 && reader.offset <= total, "offset out of bounds")
    }
    _ = try? Hex.decode(String(decoding: bytes, as: UTF8.self))
    _ = Hex.dump(bytes.prefix(64))
    return 0
}
