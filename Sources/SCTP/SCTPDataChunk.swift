import Wire

/// A DATA chunk (RFC 9260 §3.3.1) or an I-DATA chunk (RFC 8260 §2.1): one fragment (or all)
/// of a user message. The two share this type because the association treats them alike:
/// for DATA, `messageIdentifier` is the 16-bit Stream Sequence Number; for I-DATA it is the
/// 32-bit Message Identifier, and `fragmentSequenceNumber` orders the fragments.
public struct SCTPDataChunk: Sendable, Equatable {
    /// Whether this is I-DATA rather than DATA.
    public var isIData: Bool
    public var tsn: UInt32
    public var streamIdentifier: UInt16
    /// DATA: the Stream Sequence Number (0–65535). I-DATA: the Message Identifier.
    public var messageIdentifier: UInt32
    /// I-DATA only: the fragment's position in its message (0 on the first fragment, which
    /// carries the PPID instead).
    public var fragmentSequenceNumber: UInt32
    /// Payload Protocol Identifier (on every DATA fragment; on the first I-DATA fragment).
    public var payloadProtocolIdentifier: UInt32
    public var userData: ArraySlice<UInt8>
    /// U: unordered delivery.
    public var unordered: Bool
    /// B: first fragment of the message.
    public var beginning: Bool
    /// E: last fragment of the message.
    public var ending: Bool
    /// I (RFC 7053): the sender asks for an immediate SACK.
    public var immediate: Bool

    public init(isIData: Bool = false, tsn: UInt32, streamIdentifier: UInt16, messageIdentifier: UInt32,
                fragmentSequenceNumber: UInt32 = 0, payloadProtocolIdentifier: UInt32, userData: ArraySlice<UInt8>,
                unordered: Bool = false, beginning: Bool = true, ending: Bool = true, immediate: Bool = false) {
        self.isIData = isIData
        self.tsn = tsn
        self.streamIdentifier = streamIdentifier
        self.messageIdentifier = messageIdentifier
        self.fragmentSequenceNumber = fragmentSequenceNumber
        self.payloadProtocolIdentifier = payloadProtocolIdentifier
        self.userData = userData
        self.unordered = unordered
        self.beginning = beginning
        self.ending = ending
        self.immediate = immediate
    }

    /// Bytes before the user data: 16 for DATA, 20 for I-DATA.
    public static func headerSize(iData: Bool) -> Int { iData ? 20 : 16 }

    /// The flags byte: I, U, B, E from bit 3 down to bit 0.
    // spec: RFC8260-2.1-1 the reserved flag bits are sent as zero (and the decoder reads only U, B, E and I)
    var flags: UInt8 {
        (immediate ? 0x08 : 0) | (unordered ? 0x04 : 0) | (beginning ? 0x02 : 0) | (ending ? 0x01 : 0)
    }

    /// The encoded size including padding.
    public var encodedCount: Int {
        let length = SCTPDataChunk.headerSize(iData: isIData) + userData.count
        return (length + 3) & ~3
    }

    /// Appends the chunk: header, user data and padding.
    public func write(to w: inout ByteWriter) {
        // spec: RFC9260-3.2-2 the Chunk Length excludes the padding
        let length = SCTPDataChunk.headerSize(iData: isIData) + userData.count
        w.writeUInt8(isIData ? SCTPChunkType.iData : SCTPChunkType.data)
        w.writeUInt8(flags)
        w.writeUInt16(UInt16(truncatingIfNeeded: length))
        // spec: RFC9260-3.3.1-1 the DATA chunk format: TSN, stream, SSN, PPID, user data
        w.writeUInt32(tsn)
        w.writeUInt16(streamIdentifier)
        if isIData {
            // spec: RFC8260-2.1-3 the reserved field is sent as zero
            w.writeUInt16(0)
            w.writeUInt32(messageIdentifier)
            w.writeUInt32(beginning ? payloadProtocolIdentifier : fragmentSequenceNumber)
        } else {
            // spec: RFC9260-3.3.1-7 every fragment carries the message's SSN
            w.writeUInt16(UInt16(truncatingIfNeeded: messageIdentifier))
            // spec: RFC9260-3.3.1-8 the PPID is sent in every fragment
            w.writeUInt32(payloadProtocolIdentifier)
        }
        w.writeBytes(userData)
        // spec: RFC9260-3.3.1-9 user data padded with zeros to a 4-byte boundary
        // spec: RFC9260-3.3.1-11 never more than 3 bytes of padding
        w.pad(alignment: 4)
    }
}

/// A SACK chunk (RFC 9260 §3.3.4).
public struct SCTPSackChunk: Sendable, Equatable {
    /// A Gap Ack Block: TSNs `cumulativeTSNAck + start ... cumulativeTSNAck + end` arrived.
    public struct GapBlock: Sendable, Equatable {
        public var start: UInt16
        public var end: UInt16
        public init(start: UInt16, end: UInt16) {
            self.start = start
            self.end = end
        }
    }

    public var cumulativeTSNAck: UInt32
    public var advertisedReceiverWindowCredit: UInt32
    public var gapBlocks: [GapBlock]
    public var duplicateTSNs: [UInt32]

    public init(cumulativeTSNAck: UInt32, advertisedReceiverWindowCredit: UInt32, gapBlocks: [GapBlock] = [], duplicateTSNs: [UInt32] = []) {
        self.cumulativeTSNAck = cumulativeTSNAck
        self.advertisedReceiverWindowCredit = advertisedReceiverWindowCredit
        self.gapBlocks = gapBlocks
        self.duplicateTSNs = duplicateTSNs
    }
}

/// INIT and INIT ACK (RFC 9260 §3.3.2, §3.3.3): fixed fields then parameters.
public struct SCTPInitChunk: Sendable, Equatable {
    public var initiateTag: UInt32
    public var advertisedReceiverWindowCredit: UInt32
    public var outboundStreams: UInt16
    public var inboundStreams: UInt16
    public var initialTSN: UInt32
    public var parameters: [SCTPParameter]

    public init(initiateTag: UInt32, advertisedReceiverWindowCredit: UInt32, outboundStreams: UInt16,
                inboundStreams: UInt16, initialTSN: UInt32, parameters: [SCTPParameter] = []) {
        self.initiateTag = initiateTag
        self.advertisedReceiverWindowCredit = advertisedReceiverWindowCredit
        self.outboundStreams = outboundStreams
        self.inboundStreams = inboundStreams
        self.initialTSN = initialTSN
        self.parameters = parameters
    }

    /// The first parameter of a type.
    public func parameter(_ type: UInt16) -> SCTPParameter? { parameters.first { $0.type == type } }

    /// The State Cookie (INIT ACK).
    public var stateCookie: [UInt8]? { parameter(SCTPParameter.stateCookie)?.value }

    /// Chunk types listed in Supported Extensions (RFC 5061 §4.2.7).
    public var supportedExtensions: [UInt8] { parameter(SCTPParameter.supportedExtensions)?.value ?? [] }

    /// Whether the sender supports PR-SCTP: the Forward-TSN-Supported parameter (RFC 3758
    /// §3.1) or FORWARD TSN in Supported Extensions.
    public var supportsForwardTSN: Bool {
        parameter(SCTPParameter.forwardTSNSupported) != nil || supportedExtensions.contains(SCTPChunkType.forwardTSN)
    }
}

/// FORWARD TSN (RFC 3758 §3.2) or I-FORWARD-TSN (RFC 8260 §2.3): move the receiver's
/// cumulative TSN past abandoned messages.
public struct SCTPForwardTSNChunk: Sendable, Equatable {
    /// One stream whose delivery point moves: for FORWARD TSN the largest skipped SSN, for
    /// I-FORWARD-TSN the largest skipped MID and whether it is the unordered sequence.
    public struct Skipped: Sendable, Equatable {
        public var streamIdentifier: UInt16
        public var messageIdentifier: UInt32
        public var unordered: Bool
        public init(streamIdentifier: UInt16, messageIdentifier: UInt32, unordered: Bool = false) {
            self.streamIdentifier = streamIdentifier
            self.messageIdentifier = messageIdentifier
            self.unordered = unordered
        }
    }

    public var isIForwardTSN: Bool
    public var newCumulativeTSN: UInt32
    public var skipped: [Skipped]

    public init(isIForwardTSN: Bool = false, newCumulativeTSN: UInt32, skipped: [Skipped] = []) {
        self.isIForwardTSN = isIForwardTSN
        self.newCumulativeTSN = newCumulativeTSN
        self.skipped = skipped
    }
}
