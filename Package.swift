// swift-tools-version:6.1
// SpecRTC: a WebRTC stack in Swift that is also its own conformance proof.
import PackageDescription

/// Fuzz targets: built only with `--sanitize fuzzer` by `Tools/fuzz.sh`.
let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("FuzzWire", ["Wire"]),
    ("FuzzRFCText", ["SpecTrace"]),
    ("FuzzCapture", ["Capture"]),
    ("FuzzCrypto", ["RTCCrypto"]),
    ("FuzzSTUN", ["STUN", "RTCCrypto"]),
    ("FuzzTURN", ["TURN"]),
    ("FuzzICE", ["ICE", "STUN"]),
    ("FuzzSRTP", ["SRTP"]),
    ("FuzzDTLS", ["DTLS", "RTCCrypto"]),
    ("FuzzSCTP", ["SCTP"]),
    ("FuzzDataChannel", ["DataChannel"]),
    ("FuzzSDP", ["SDP"]),
    ("FuzzJSEP", ["PeerConnection", "ICE", "STUN", "RTCCrypto"]),
]

let package = Package(
    name: "SpecRTC",
    products: [
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "RTCCrypto", targets: ["RTCCrypto"]),
        .library(name: "STUN", targets: ["STUN"]),
        .library(name: "TURN", targets: ["TURN"]),
        .library(name: "ICE", targets: ["ICE"]),
        .library(name: "SRTP", targets: ["SRTP"]),
        .library(name: "DTLS", targets: ["DTLS"]),
        .library(name: "SCTP", targets: ["SCTP"]),
        .library(name: "DataChannel", targets: ["DataChannel"]),
        .library(name: "SDP", targets: ["SDP"]),
        .library(name: "PeerConnection", targets: ["PeerConnection"]),
        .library(name: "SpecRTC", targets: ["SpecRTC"]),
        .library(name: "Capture", targets: ["Capture"]),
        .library(name: "SpecTrace", targets: ["SpecTrace"]),
        .library(name: "SpecTesting", targets: ["SpecTesting"]),
        .executable(name: "specrtc", targets: ["specrtc"]),
        .executable(name: "CryptoBenchmarks", targets: ["CryptoBenchmarks"]),
        .executable(name: "SRTPBenchmarks", targets: ["SRTPBenchmarks"]),
        .executable(name: "DTLSBenchmarks", targets: ["DTLSBenchmarks"]),
        .executable(name: "SCTPBenchmarks", targets: ["SCTPBenchmarks"]),
        .executable(name: "STUNBenchmarks", targets: ["STUNBenchmarks"]),
    ] + fuzzTargets.map { .executable(name: $0.name, targets: [$0.name]) },
    traits: [
        .trait(name: "Accelerated", description: """
            x86-64 AES-NI and PCLMULQDQ paths for AES and GHASH, SHA-NI paths for SHA-1 and \
            SHA-256, the SSE4.2 crc32 instruction for CRC-32C. The kernels need compiler flags that SwiftPM only allows in root packages, \
            so the trait is off for packages that depend on SpecRTC by version (they get the \
            constant-time portable code); SpecRTC's own scripts build with --traits Accelerated.
            """),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // X.509 DER for the DTLS certificates.
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // UDP sockets for the SpecRTC module only; protocol modules never see a socket.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Test-only oracle for differential tests of RTCCrypto; no library target depends on it.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Protocol-free byte layer: readers, writers, bit fields, hex, dissection trees.
        .target(name: "Wire"),
        // Cryptography in Swift (so far: SHA-256, which the catalogs need).
        .target(name: "RTCCrypto", dependencies: [
            "Wire", .product(name: "SwiftASN1", package: "swift-asn1"),
            .target(name: "RTCCryptoAccelerated", condition: .when(traits: ["Accelerated"])),
            .target(name: "RTCCryptoVectorAES", condition: .when(traits: ["Accelerated"])),
        ]),
        // Hardware kernels (AES-NI, PCLMULQDQ, SHA-NI), only with the Accelerated trait.
        .target(
            name: "RTCCryptoAccelerated",
            swiftSettings: [
                .enableExperimentalFeature("BuiltinModule"),
                // -disable-cmo: cross-module optimisation would inline a kernel into a caller compiled
                // without these flags, which crashes the compiler ("Cannot select: x86.pclmulqdq").
                .unsafeFlags(["-Xcc", "-maes", "-Xcc", "-mpclmul", "-Xcc", "-msha", "-Xcc", "-mssse3", "-Xcc", "-msse4.1", "-Xcc", "-msse4.2", "-disable-cmo"]),
            ]
        ),
        // 256-bit kernels (VAES, VPCLMULQDQ), only with the Accelerated trait. A target of their
        // own: -mavx2 lets the compiler use AVX anywhere in a target, and the AES-NI kernels
        // above must still run on CPUs without AVX.
        .target(
            name: "RTCCryptoVectorAES",
            dependencies: ["RTCCryptoAccelerated"],
            swiftSettings: [
                .enableExperimentalFeature("BuiltinModule"),
                .unsafeFlags(["-Xcc", "-maes", "-Xcc", "-mpclmul", "-Xcc", "-mssse3", "-Xcc", "-msse4.1", "-Xcc", "-mavx2",
                              "-Xcc", "-mvaes", "-Xcc", "-mvpclmulqdq", "-disable-cmo"]),
            ]
        ),
        // STUN messages, attributes, integrity and fingerprint (RFC 8489, RFC 5389).
        .target(name: "STUN", dependencies: ["Wire", "RTCCrypto"]),
        // A full ICE agent (RFC 8445) with Trickle ICE (RFC 8838) and consent freshness (RFC 7675).
        .target(name: "ICE", dependencies: ["Wire", "STUN"]),
        // TURN client pieces (RFC 8656): ChannelData framing and the TURN attributes.
        .target(name: "TURN", dependencies: ["Wire", "STUN"]),
        // SRTP and SRTCP (RFC 3711, 6188, 7714): contexts, key derivation, in-place protection.
        .target(name: "SRTP", dependencies: ["RTCCrypto"]),
        // DTLS 1.2 with DTLS-SRTP (RFC 6347, 5764, 7627, 5705), sans-IO client and server.
        .target(name: "DTLS", dependencies: ["Wire", "RTCCrypto"]),
        // SCTP over DTLS (RFC 9260, 8261, 3758, 6525, 8260): packets, chunks and a sans-IO association.
        .target(name: "SCTP", dependencies: ["Wire", "RTCCrypto"]),
        // WebRTC data channels (RFC 8831) and DCEP (RFC 8832), sans-IO over an abstract SCTP association.
        .target(name: "DataChannel", dependencies: ["Wire"]),
        // SDP (RFC 8866) parser and serializer with typed accessors for the WebRTC attributes.
        .target(name: "SDP", dependencies: ["Wire"]),
        // ICE → DTLS → SCTP → data channels on one 5-tuple, and JSEP over them, sans-IO.
        .target(name: "PeerConnection", dependencies: ["Wire", "RTCCrypto", "STUN", "ICE", "DTLS", "SCTP", "DataChannel", "SDP"]),
        // The RTCPeerConnection-shaped API over UDP sockets (SwiftNIO): the only module with I/O.
        .target(name: "SpecRTC", dependencies: [
            "PeerConnection", "DataChannel", "ICE", "STUN", "RTCCrypto", "Capture",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // pcap/pcapng and the link, IP and UDP/TCP layers under what `explain` decodes.
        .target(name: "Capture", dependencies: ["Wire"]),
        // Requirement catalogs, citation scanner, conformance matrix and its writers.
        .target(name: "SpecTrace", dependencies: ["Wire", "RTCCrypto"]),
        // The `.spec("RFC…")` trait that tests use to cite requirements.
        .target(name: "SpecTesting"),
        .executableTarget(
            name: "specrtc",
            dependencies: [
                "SpecTrace", "Capture", "Wire", "STUN", "DTLS", "ICE", "PeerConnection", "DataChannel", "SpecRTC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/specrtc"
        ),
        // libsrtp2 loaded at run time (dlopen), as the reference for SRTP tests and benchmarks only.
        .target(name: "LibSRTPReference", path: "Tools/LibSRTPReference"),
        // Release-mode throughput beside `openssl speed` (swift run -c release CryptoBenchmarks).
        .executableTarget(name: "CryptoBenchmarks", dependencies: ["RTCCrypto"], path: "Tools/Benchmarks/CryptoBenchmarks"),
        // SRTP packets per second beside libsrtp2 (Tools/bench.sh).
        .executableTarget(name: "SRTPBenchmarks", dependencies: ["SRTP", "RTCCrypto", "LibSRTPReference"], path: "Tools/Benchmarks/SRTPBenchmarks"),
        // DTLS handshake CPU per side and record protection throughput (Tools/bench.sh dtls).
        .executableTarget(name: "DTLSBenchmarks", dependencies: ["DTLS", "RTCCrypto"], path: "Tools/Benchmarks/DTLSBenchmarks"),
        // Two SCTP associations in memory and over a lossy simulated path (Tools/bench.sh sctp).
        .executableTarget(name: "SCTPBenchmarks", dependencies: ["SCTP"], path: "Tools/Benchmarks/SCTPBenchmarks"),
        // Counting wrappers around glibc's malloc, linked into benchmarks that report allocations.
        .target(name: "AllocationCounter", path: "Tools/Benchmarks/AllocationCounter"),
        // STUN decode + verify and encode per message, in place and allocating (Tools/bench.sh stun).
        .executableTarget(name: "STUNBenchmarks", dependencies: ["STUN", "RTCCrypto", "AllocationCounter"], path: "Tools/Benchmarks/STUNBenchmarks"),
        .testTarget(name: "WireTests", dependencies: ["Wire", "SpecTesting"]),
        .testTarget(name: "RTCCryptoTests", dependencies: [
            "RTCCrypto", "SpecTesting", "Wire",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "STUNTests", dependencies: ["STUN", "Wire", "RTCCrypto", "SpecTesting"]),
        .testTarget(name: "ICETests", dependencies: ["ICE", "STUN", "SpecTesting"]),
        .testTarget(name: "TURNTests", dependencies: ["TURN", "ICE", "DTLS", "STUN", "Wire", "RTCCrypto", "SpecTesting"]),
        .testTarget(name: "SRTPTests", dependencies: ["SRTP", "RTCCrypto", "Wire", "SpecTesting", "LibSRTPReference"]),
        .testTarget(name: "DTLSTests", dependencies: ["DTLS", "SRTP", "RTCCrypto", "Wire", "Capture", "SpecTesting"]),
        .testTarget(name: "SCTPTests", dependencies: ["SCTP", "Wire", "RTCCrypto", "SpecTesting"]),
        .testTarget(name: "DataChannelTests", dependencies: ["DataChannel", "SCTP", "Wire", "SpecTesting"]),
        .testTarget(name: "SDPTests", dependencies: ["SDP", "SpecTesting"]),
        .testTarget(name: "PeerConnectionTests", dependencies: ["PeerConnection", "SDP", "ICE", "STUN", "DTLS", "SCTP", "DataChannel", "RTCCrypto", "SpecTesting"]),
        .testTarget(name: "SpecRTCTests", dependencies: ["SpecRTC", "PeerConnection", "DataChannel", "SpecTesting",
                                                         .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "Wire", "SpecTesting"]),
        .testTarget(name: "SpecTraceTests", dependencies: ["SpecTrace", "SpecTesting"]),
    ] + fuzzTargets.map {
        .executableTarget(name: $0.name, dependencies: $0.dependencies, path: "Tools/Fuzz/\($0.name)")
    },
    swiftLanguageModes: [.v6]
)
