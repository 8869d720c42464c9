import LibSRTPReference
import RTCCrypto
import SpecTesting
import SRTP
import Testing

/// A libsrtp2 session through the dlopen harness.
final class LibSRTP {
    let handle: OpaquePointer

    /// Whether libsrtp2 can be used, and why not.
    static let availability: (available: Bool, reason: String) = {
        var reason = [CChar](repeating: 0, count: 256)
        let available = specrtc_libsrtp_available(&reason, reason.count) == 1
        return (available, String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }()

    /// A session, or nil when libsrtp2 does not offer the profile (its status in `status`).
    init?(profile: SRTPProfile, outbound: Bool, keys: [SRTPMasterKey], windowSize: Int = 1024, encryptRTCP: Bool = true) {
        let material = keys.flatMap { $0.key + $0.salt }
        let mkis = keys.flatMap(\.mki)
        var status: Int32 = 0
        let created = material.withUnsafeBufferPointer { keyBytes in
            mkis.withUnsafeBufferPointer { mkiBytes in
                specrtc_libsrtp_create(profile.rawValue, outbound ? 1 : 0, keyBytes.baseAddress, profile.masterKeyLength + profile.masterSaltLength,
                                       keys.count, mkiBytes.baseAddress, keys[0].mki.count, UInt(windowSize), encryptRTCP ? 1 : 0, &status)
            }
        }
        guard let created else { return nil }
        handle = created
    }

    deinit { specrtc_libsrtp_destroy(handle) }

    enum Direction { case protectRTP, unprotectRTP, protectRTCP, unprotectRTCP }

    /// Runs libsrtp on `packet`; returns libsrtp's status (0 is success).
    func run(_ direction: Direction, _ packet: inout [UInt8], mkiIndex: UInt32 = 0) -> Int32 {
        var length = Int32(packet.count)
        packet += [UInt8](repeating: 0, count: 64)   // room for libsrtp's trailer
        let status = packet.withUnsafeMutableBufferPointer { buffer -> Int32 in
            switch direction {
            case .protectRTP: return specrtc_libsrtp_protect(handle, buffer.baseAddress, &length, mkiIndex)
            case .unprotectRTP: return specrtc_libsrtp_unprotect(handle, buffer.baseAddress, &length)
            case .protectRTCP: return specrtc_libsrtp_protect_rtcp(handle, buffer.baseAddress, &length, mkiIndex)
            case .unprotectRTCP: return specrtc_libsrtp_unprotect_rtcp(handle, buffer.baseAddress, &length)
            }
        }
        packet.removeLast(packet.count - Int(length))
        return status
    }
}

/// Cross-checks with libsrtp2 (the system library, loaded at run time), for every profile it
/// offers: what we protect, libsrtp unprotects, and the reverse, across the ROC wrap with
/// reordering, with MKIs, and SRTCP encrypted and not.
@Suite(.enabled(if: LibSRTP.availability.available, "libsrtp2 unavailable: \(LibSRTP.availability.reason)"))
struct LibSRTPInteropTests {
    /// Profiles libsrtp2 (as built here) supports; Debian's NSS build lacks some.
    static func supported(_ profile: SRTPProfile) -> Bool {
        LibSRTP(profile: profile, outbound: true, keys: [masterKey(profile, seed: 0)]) != nil
    }

    /// Why libsrtp2 cannot serve as the reference for `profile`, if it cannot: before 2.7 its
    /// AES-192 key derivation runs AES-256 (cisco/libsrtp#763, fixed by #765), which RFC 6188
    /// §7.4's vectors refute; ours passes them (SRTPVectorTests).
    static func knownDefect(_ profile: SRTPProfile) -> String? {
        guard profile == .aes192CmHmacSha1_80 || profile == .aes192CmHmacSha1_32 else { return nil }
        let version = String(cString: specrtc_libsrtp_version()).split(separator: " ").last ?? ""
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2, (parts[0], parts[1]) < (2, 7) else { return nil }
        return "libsrtp2 \(version) derives AES-192 keys with AES-256 (cisco/libsrtp#763)"
    }

    @Test func libraryLoads() {
        // Say which library answered, so a report shows what we were checked against.
        print("libsrtp2: \(String(cString: specrtc_libsrtp_version())); profiles: \(SRTPProfile.allCases.filter(Self.supported).map(\.rawValue))")
        #expect(Self.supported(.aes128CmHmacSha1_80) && Self.supported(.aeadAES128GCM))
    }

    /// Thousands of random RTP and RTCP packets each way; sequence numbers start near 65535
    /// and neighbours are swapped, so the ROC wraps while packets arrive out of order.
    @Test(.spec("RFC3711-3.3.1-2", "RFC3711-3.3.1-6", "RFC3711-3.3.1-7", "RFC3711-4.3.1-1", "RFC3711-3.4-1", "RFC3711-3.4-7",
                "RFC3711-3.4-11", "RFC3711-3.4-12", "RFC7714-11-1", "RFC7714-11-2", "RFC6188-3.1-2"),
          arguments: SRTPProfile.allCases)
    func bothDirections(profile: SRTPProfile) throws {
        guard Self.supported(profile) else {
            print("libsrtp2 here does not offer \(profile): cross-check skipped for it")
            return
        }
        if let defect = Self.knownDefect(profile) {
            print("\(profile): not cross-checked: \(defect)")
            return
        }
        for backend in CryptoBackend.available {
            for encryptRTCP in [true, false] {
                try exchange(profile: profile, backend: backend, keys: [masterKey(profile, seed: 31)], encryptRTCP: encryptRTCP,
                             count: encryptRTCP ? 1500 : 300)
            }
        }
    }

    /// The same with two master keys and a 4-byte MKI, switching keys half way.
    @Test(.spec("RFC3711-3.1-5", "RFC3711-3.1-7"), arguments: [SRTPProfile.aes128CmHmacSha1_80, .aes128CmHmacSha1_32, .aeadAES128GCM, .aeadAES256GCM])
    func withMKI(profile: SRTPProfile) throws {
        guard Self.supported(profile) else { return }
        try exchange(profile: profile, backend: .best,
                     keys: [masterKey(profile, seed: 41, mki: [1, 2, 3, 4]), masterKey(profile, seed: 42, mki: [5, 6, 7, 8])],
                     encryptRTCP: true, count: 600)
    }

    private func exchange(profile: SRTPProfile, backend: CryptoBackend, keys: [SRTPMasterKey], encryptRTCP: Bool, count: Int) throws {
        var configuration = SRTPConfiguration(profile: profile, masterKeys: keys)
        configuration.backend = backend
        configuration.encryptRTCP = encryptRTCP
        var ours = try SRTPSession(configuration)
        var oursIn = try SRTPSession(configuration)
        let theirsOut = try #require(LibSRTP(profile: profile, outbound: true, keys: keys, encryptRTCP: encryptRTCP))
        // libsrtp's receiver refuses unencrypted SRTCP when its policy says "encrypt" (cant_check).
        let theirsIn = try #require(LibSRTP(profile: profile, outbound: false, keys: keys, encryptRTCP: encryptRTCP))
        var random = SeededGenerator(seed: UInt64(profile.rawValue.utf8.count) &* 1_000_003)
        let context = "\(profile) \(backend) E=\(encryptRTCP) MKI=\(keys[0].mki.count)"

        // Build the packets, protect them on both sides, deliver with neighbours swapped.
        var ourPackets: [(plain: [UInt8], protected: [UInt8])] = []
        var theirPackets: [(plain: [UInt8], protected: [UInt8])] = []
        var sequence: UInt16 = 65_535 &- UInt16(count / 2)
        for n in 0..<count {
            if n == count / 2, keys.count > 1 { try ours.activate(mki: keys[1].mki) }
            let mkiIndex: UInt32 = keys.count > 1 && n >= count / 2 ? 1 : 0
            let payload = random.bytes(Int.random(in: 0...1200, using: &random))
            let plain = rtpPacket(sequence: sequence, ssrc: 0x1234_5678, payload: payload, csrcs: n % 3,
                                  extensionWords: n % 5 == 0 ? 1 : nil, marker: n % 7 == 0)
            var mine = plain, theirs = plain
            try ours.protectRTP(&mine)
            #expect(theirsOut.run(.protectRTP, &theirs, mkiIndex: mkiIndex) == 0, "\(context)")
            #expect(mine == theirs, "\(context): same bytes as libsrtp for sequence \(sequence)")
            ourPackets.append((plain, mine))
            theirPackets.append((plain, theirs))
            sequence &+= 1
        }
        var order = Array(0..<count)
        for i in stride(from: 1, to: count - 1, by: 3) { order.swapAt(i, i + 1) }
        for i in order {
            var intoTheirs = ourPackets[i].protected
            #expect(theirsIn.run(.unprotectRTP, &intoTheirs) == 0, "\(context): libsrtp unprotects our packet \(i)")
            #expect(intoTheirs == ourPackets[i].plain, "\(context)")
            var intoOurs = theirPackets[i].protected
            try oursIn.unprotectRTP(&intoOurs)
            #expect(intoOurs == theirPackets[i].plain, "\(context)")
        }

        // SRTCP: fewer packets; the index and E flag are read from each packet.
        for n in 0..<(count / 3) {
            let mkiIndex: UInt32 = keys.count > 1 ? 1 : 0
            let plain = rtcpPacket(ssrc: 0x1234_5678, extra: random.bytes(4 * Int.random(in: 0...60, using: &random)))
            var mine = plain, theirs = plain
            try ours.protectRTCP(&mine)
            #expect(theirsOut.run(.protectRTCP, &theirs, mkiIndex: mkiIndex) == 0, "\(context)")
            // libsrtp numbers SRTCP from 1 where RFC 3711 §3.4 says 0, so the bytes differ by
            // the index; each side must still accept the other's.
            var intoTheirs = mine
            let status = theirsIn.run(.unprotectRTCP, &intoTheirs)
            if !keys[0].mki.isEmpty && profile.srtpTagLength != profile.srtcpTagLength {
                // libsrtp before 2.7 looks for an SRTCP MKI one RTP tag length from the end
                // (cisco/libsrtp#733), so with _32 profiles it cannot find ours (which sits
                // where RFC 3711 §3.4 puts it, as its own sender's does: we read those below).
                #expect(status == 0 || status == 25, "\(context): status \(status)")
            } else {
                #expect(status == 0, "\(context): libsrtp unprotects our SRTCP \(n)")
                #expect(intoTheirs == plain)
            }
            try oursIn.unprotectRTCP(&theirs)
            #expect(theirs == plain)
        }
    }
}

