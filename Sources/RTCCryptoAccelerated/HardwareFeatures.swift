#if canImport(Glibc)
import Glibc
#endif

/// What the CPU offers, read once from the kernel's CPU description (Linux `/proc/cpuinfo`).
/// The `cpuid` instruction is reachable from Swift only through C macros, so the kernel's
/// report is used instead; where it cannot be read, nothing is assumed.
public enum HardwareFeatures {
    /// AES-NI and PCLMULQDQ are both present.
    public static let aes: Bool = flags.contains("aes") && flags.contains("pclmulqdq")

    /// The SHA extensions (SHA-1 and SHA-256 rounds), with the SSSE3 byte shuffle and SSE4.1
    /// that the SHA kernels also use (every SHA-NI CPU has both; checked anyway).
    public static let sha: Bool = flags.contains("sha_ni") && flags.contains("ssse3") && flags.contains("sse4_1")

    /// VAES and VPCLMULQDQ on 256-bit registers, with AVX2 (the `RTCCryptoVectorAES` kernels),
    /// besides AES-NI and PCLMULQDQ.
    public static let vectorAES: Bool = aes && flags.contains("vaes") && flags.contains("vpclmulqdq") && flags.contains("avx2")

    /// SSE4.2, for the `crc32` instruction (CRC-32C).
    public static let crc32c: Bool = flags.contains("sse4_2")

    /// SSE4.2 and PCLMULQDQ, for CRC-32C in three lanes combined by carry-less products.
    public static let crc32cLanes: Bool = crc32c && flags.contains("pclmulqdq")

    private static let flags: Set<Substring> = {
        #if canImport(Glibc)
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 8192)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("flags") {
                return Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == ":" }))
            }
        }
        #endif
        return []
    }()
}
