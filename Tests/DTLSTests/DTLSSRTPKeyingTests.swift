import DTLS
import SpecTesting
import SRTP
import Testing

/// DTLS-SRTP end to end: the keys a handshake exports become SRTP contexts, each side
/// protecting with its own write key and unprotecting with the peer's.
@Suite struct DTLSSRTPKeyingTests {
    @Test(.spec("RFC5764-4.2-1", "RFC5764-4.2-2", "RFC8827-6.5-11", "RFC3711-3.2.1-3", "RFC3711-4.3.1-13", "RFC8827-6.5-1", "RFC8827-6.5-2"), arguments: [0x0001, 0x0002, 0x0007, 0x0008] as [UInt16])
    func exportedKeysProtectMedia(profileID: UInt16) throws {
        var (clientConfiguration, serverConfiguration) = DTLSPair.configurations(client: Identity(seed: 70), server: Identity(seed: 80))
        clientConfiguration.srtpProfiles = [profileID]
        serverConfiguration.srtpProfiles = [profileID]
        var pair = DTLSPair(client: clientConfiguration, server: serverConfiguration)
        pair.client.start(now: .zero)
        pair.server.start(now: .zero)
        pair.run()
        #expect(pair.bothConnected)
        let clientKeys = try #require(try pair.client.srtpKeyingMaterial())
        let serverKeys = try #require(try pair.server.srtpKeyingMaterial())
        let profile = try #require(SRTPProfile(dtlsSRTPIdentifier: clientKeys.profile))
        #expect(clientKeys.localKey.count == profile.masterKeyLength && clientKeys.localSalt.count == profile.masterSaltLength)

        // Each side: an outbound context with its own keys, an inbound one with the peer's.
        var clientOut = try SRTPSession(SRTPConfiguration(profile: profile, key: clientKeys.localKey, salt: clientKeys.localSalt))
        var serverIn = try SRTPSession(SRTPConfiguration(profile: profile, key: serverKeys.remoteKey, salt: serverKeys.remoteSalt))
        var serverOut = try SRTPSession(SRTPConfiguration(profile: profile, key: serverKeys.localKey, salt: serverKeys.localSalt))
        var clientIn = try SRTPSession(SRTPConfiguration(profile: profile, key: clientKeys.remoteKey, salt: clientKeys.remoteSalt))
        let rtp: [UInt8] = [0x80, 111, 0, 1, 0, 0, 0, 160, 0x11, 0x22, 0x33, 0x44] + Array("audio frame".utf8)
        var upstream = rtp, downstream = rtp
        try clientOut.protectRTP(&upstream)
        try serverOut.protectRTP(&downstream)
        #expect(upstream != downstream, "the two directions use different keys")
        try serverIn.unprotectRTP(&upstream)
        try clientIn.unprotectRTP(&downstream)
        #expect(upstream == rtp && downstream == rtp)
        // A side cannot read its own direction with the inbound keys.
        var reflected = rtp
        reflected[3] = 2   // a new sequence number: the sender never reuses an index
        try clientOut.protectRTP(&reflected)
        #expect(throws: SRTPError.self) { try clientIn.unprotectRTP(&reflected) }
    }
}
