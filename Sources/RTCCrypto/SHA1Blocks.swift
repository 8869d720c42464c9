// Temporary: multi-block SHA-1 entry points until the SHA-NI work lands (branch sha-ni), which
// provides these in SHA1.swift with a hardware path.
extension SHA1 {
    static let initialState: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0)

    static func resolved(_ backend: CryptoBackend) -> CryptoBackend { .portable }

    static func compress(_ h: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ blocks: UnsafeRawBufferPointer, backend: CryptoBackend) {
        var offset = 0
        while offset + 64 <= blocks.count {
            compress(&h, UnsafeRawBufferPointer(rebasing: blocks[offset..<(offset + 64)]))
            offset += 64
        }
    }
}
