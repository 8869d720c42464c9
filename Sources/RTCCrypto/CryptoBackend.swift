#if Accelerated
import RTCCryptoAccelerated
#endif

/// Which implementation of a primitive to use: constant-time portable Swift, or the CPU's
/// instructions for it.
///
/// A hardware path exists only in builds with the `Accelerated` trait, and each one needs its
/// own CPU feature (a CPU can have AES-NI and no SHA-NI), so every primitive resolves the
/// backend it is asked for against its ``Feature``: one the build or the CPU does not offer
/// falls back to `.portable`, and the primitive's `backend` property says which one it uses.
/// Nothing here is mutable: two backends can be used side by side in one process.
public enum CryptoBackend: String, Sendable, CaseIterable {
    /// Constant-time portable Swift: bit-sliced AES, multiplication-based GHASH, FIPS 180-4 SHA.
    case portable
    /// AES-NI and PCLMULQDQ for AES and GHASH, SHA-NI for SHA-1 and SHA-256 (x86-64, with the
    /// `Accelerated` trait).
    case hardware
    /// `.hardware`, with AES counter mode and GHASH on 256-bit registers (VAES, VPCLMULQDQ,
    /// AVX2): two blocks per instruction. Primitives without such a kernel run as `.hardware`.
    case hardwareWide

    /// Whether this backend uses CPU instructions (either hardware backend).
    public var isHardware: Bool { self != .portable }

    /// The CPU features hardware paths need.
    public enum Feature: String, Sendable, CaseIterable {
        /// AES-NI and PCLMULQDQ: AES, CTR, GCM.
        case aes
        /// The SHA extensions: SHA-1, SHA-256, and HMAC over them.
        case sha
        /// VAES and VPCLMULQDQ on 256-bit registers besides AES-NI: CTR and GCM.
        case wideAES
    }

    /// The backends this build and this CPU offer for primitives that need `feature`,
    /// portable first (`.wideAES` offers `.hardwareWide` besides `.hardware`).
    public static func available(for feature: Feature) -> [CryptoBackend] {
        guard offersHardware(for: feature) else { return [.portable] }
        return feature == .wideAES ? [.portable, .hardware, .hardwareWide] : [.portable, .hardware]
    }

    /// The backends this build and this CPU offer for at least one primitive, portable first.
    /// ``available(for:)`` says which primitives have them.
    public static let available: [CryptoBackend] = {
        if offersHardware(for: .wideAES) { return [.portable, .hardware, .hardwareWide] }
        return Feature.allCases.contains(where: offersHardware) ? [.portable, .hardware] : [.portable]
    }()

    /// The fastest available backend; the default for new keys and hashes (each primitive
    /// falls back to `.portable` where its own feature is missing).
    public static var best: CryptoBackend { available.last! }

    /// This backend when this build and this CPU offer it for `feature`, else the next one
    /// down (`.hardwareWide` → `.hardware` → `.portable`). `.hardwareWide` resolves to itself
    /// only for the AES features, when the CPU has the wide instructions.
    public func resolved(for feature: Feature) -> CryptoBackend {
        switch self {
        case .portable:
            return .portable
        case .hardwareWide where (feature == .aes || feature == .wideAES) && CryptoBackend.offersHardware(for: .wideAES):
            return .hardwareWide
        case .hardware, .hardwareWide:
            let narrow: Feature = feature == .wideAES ? .aes : feature
            return CryptoBackend.offersHardware(for: narrow) ? .hardware : .portable
        }
    }

    private static func offersHardware(for feature: Feature) -> Bool {
        #if Accelerated
        switch feature {
        case .aes: return HardwareFeatures.aes
        case .sha: return HardwareFeatures.sha
        case .wideAES: return HardwareFeatures.vectorAES
        }
        #else
        return false
        #endif
    }
}
