#if Accelerated
import RTCCryptoAccelerated
#endif

/// CRC-32C (Castagnoli), the SCTP checksum (RFC 9260 Appendix A), with the SSE4.2 `crc32`
/// instruction where the build (the `Accelerated` trait) and the CPU offer it, and the
/// portable sliced tables of ``CRC32`` otherwise. With PCLMULQDQ as well, long inputs run as
/// three interleaved chains. All give the same value; `hardware: false` forces the portable
/// path and `lanes: false` the single chain, so tests cover each.
public struct CRC32C: Sendable {
    private var register: UInt32 = 0xffff_ffff
    /// The table-driven CRC, made only when the instruction is not used (making one looks up
    /// shared tables and the CPU's features, which would cost more than a packet's CRC).
    private var portable: CRC32?
    /// Whether this instance uses the `crc32` instruction.
    public let usesHardware: Bool
    /// Whether it runs long inputs as three chains combined with carry-less products.
    public let usesLanes: Bool

    /// Whether this build and this CPU offer the instruction.
    public static var hardwareAvailable: Bool {
        #if Accelerated
        return HardwareFeatures.crc32c
        #else
        return false
        #endif
    }

    public init(hardware: Bool = true, lanes: Bool = true) {
        usesHardware = hardware && CRC32C.hardwareAvailable
        #if Accelerated
        usesLanes = usesHardware && lanes && HardwareFeatures.crc32cLanes
        #else
        usesLanes = false
        #endif
        if !usesHardware { portable = CRC32(.castagnoli) }
    }

    /// Absorbs bytes.
    public mutating func update(bytes: UnsafeRawBufferPointer) {
        #if Accelerated
        if usesLanes {
            register = HardwareCRC32C.updateInLanes(register, bytes)
            return
        }
        if usesHardware {
            register = HardwareCRC32C.update(register, bytes)
            return
        }
        #endif
        portable?.update(bytes: bytes)
    }

    /// The checksum of everything absorbed.
    public var value: UInt32 { usesHardware ? register ^ 0xffff_ffff : portable?.value ?? 0 }

    /// The checksum of `bytes` in one call.
    public static func checksum(_ bytes: [UInt8], hardware: Bool = true, lanes: Bool = true) -> UInt32 {
        var crc = CRC32C(hardware: hardware, lanes: lanes)
        bytes.withUnsafeBytes { crc.update(bytes: $0) }
        return crc.value
    }
}
