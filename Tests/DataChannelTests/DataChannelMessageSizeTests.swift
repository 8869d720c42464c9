import SpecTesting
import Testing
@testable import DataChannel

/// The largest message a channel sends, with and without SCTP message interleaving.
@Suite struct DataChannelMessageSizeTests {
    @Test(.spec("RFC8831-6.6-8"))
    func withoutInterleavingMessagesStopAt16KiB() throws {
        var pair = BackToBack(client: DataChannelEndpoint(role: .client, maxMessageSize: 262_144))
        pair.establish()
        let id = try pair.client.createChannel(label: "big")
        pair.pump()
        // Unknown (before SCTP says) and with interleaving: the peer's limit only.
        #expect(pair.client.effectiveMaxMessageSize == 262_144)
        try pair.client.send(.binary([UInt8](repeating: 1, count: 100_000)), on: id)
        pair.client.messageInterleaving = true
        #expect(pair.client.effectiveMaxMessageSize == 262_144)
        // Without interleaving: 16 KiB.
        pair.client.messageInterleaving = false
        #expect(pair.client.effectiveMaxMessageSize == 16_384)
        #expect(throws: DataChannelError.messageTooLarge(size: 16_385, maximum: 16_384)) {
            try pair.client.send(.binary([UInt8](repeating: 2, count: 16_385)), on: id)
        }
        try pair.client.send(.binary([UInt8](repeating: 3, count: 16_384)), on: id)
        // A smaller peer limit still wins; 0 lifts the 16 KiB limit.
        pair.client.maxMessageSize = 1000
        #expect(pair.client.effectiveMaxMessageSize == 1000)
        pair.client.maxMessageSize = 262_144
        pair.client.nonInterleavedMessageLimit = 0
        #expect(pair.client.effectiveMaxMessageSize == 262_144)
        pair.pump()
        #expect(BackToBack.messages(pair.serverEvents).map(\.byteCount) == [100_000, 16_384])
    }
}
