import Wire

/// One chunk of an SCTP packet (RFC 9260 §3.2), decoded by type. Chunk types this module
/// does not know stay `.unknown` with their flags and value, so the association can apply
/// the action their type's high bits ask for and report them byte for byte.
public enum SCTPChunk: Sendable, Equatable {
    case data(SCTPDataChunk)
    case initiation(SCTPInitChunk)
    case initiationAck(SCTPInitChunk)
    case selectiveAck(SCTPSackChunk)
    /// HEARTBEAT with the sender-specific Heartbeat Info (the parameter's value).
    case heartbeat(info: [UInt8])
    /// HEARTBEAT ACK echoing the Heartbeat Info.
    case heartbeatAck(info: [UInt8])
    /// ABORT; `reflectedTag` is the T bit.
    case abort(reflectedTag: Bool, causes: [SCTPErrorCause])
    case shutdown(cumulativeTSNAck: UInt32)
    case shutdownAck
    case error(causes: [SCTPErrorCause])
    case cookieEcho(cookie: [UInt8])
    case cookieAck
    /// SHUTDOWN COMPLETE; `reflectedTag` is the T bit.
    case shutdownComplete(reflectedTag: Bool)
    /// FORWARD TSN or I-FORWARD-TSN.
    case forwardTSN(SCTPForwardTSNChunk)
    /// RE-CONFIG with its one or two parameters (RFC 6525 §3.1).
    case reconfig([SCTPReconfigParameter])
    /// A chunk kept as received.
    case unknown(type: UInt8, flags: UInt8, value: [UInt8])

    /// The chunk type code.
    public var type: UInt8 {
        switch self {
        case .data(let d): return d.isIData ? SCTPChunkType.iData : SCTPChunkType.data
        case .initiation: return SCTPChunkType.initiation
        case .initiationAck: return SCTPChunkType.initiationAck
        case .selectiveAck: return SCTPChunkType.selectiveAck
        case .heartbeat: return SCTPChunkType.heartbeat
        case .heartbeatAck: return SCTPChunkType.heartbeatAck
        case .abort: return SCTPChunkType.abort
        case .shutdown: return SCTPChunkType.shutdown
        case .shutdownAck: return SCTPChunkType.shutdownAck
        case .error: return SCTPChunkType.error
        case .cookieEcho: return SCTPChunkType.cookieEcho
        case .cookieAck: return SCTPChunkType.cookieAck
        case .shutdownComplete: return SCTPChunkType.shutdownComplete
        case .forwardTSN(let f): return f.isIForwardTSN ? SCTPChunkType.iForwardTSN : SCTPChunkType.forwardTSN
        case .reconfig: return SCTPChunkType.reconfig
        case .unknown(let type, _, _): return type
        }
    }

    /// The chunk flags byte.
    public var flags: UInt8 {
        switch self {
        case .data(let d): return d.flags
        case .abort(let reflected, _), .shutdownComplete(let reflected):
            // spec: RFC9260-3.3.7-6 the T bit marks a reflected Verification Tag
            return reflected ? 1 : 0
        case .unknown(_, let flags, _): return flags
        default:
            // spec: RFC9260-3.3.2-7 INIT flags are zero
            // spec: RFC9260-3.3.3-3 INIT ACK flags are zero
            // spec: RFC8260-2.3.1-2 I-FORWARD-TSN (and FORWARD TSN) flags are zero
            return 0
        }
    }

    /// Decodes one chunk's value. `offset` is where the chunk starts, for errors.
    static func decode(type: UInt8, flags: UInt8, value: ArraySlice<UInt8>, offset: Int) throws(SCTPPacketError) -> SCTPChunk {
        var r = ByteReader(value)
        func invalid(_ reason: String) -> SCTPPacketError { .invalidChunk(type: type, offset: offset, reason: reason) }
        do {
            switch type {
            case SCTPChunkType.data, SCTPChunkType.iData:
                let iData = type == SCTPChunkType.iData
                // spec: RFC9260-3.3.1-6 DATA carries at least one byte of user data after its 16-byte header
                guard value.count >= SCTPDataChunk.headerSize(iData: iData) - 4 else {
                    throw invalid("\(value.count + 4) bytes is shorter than the \(SCTPDataChunk.headerSize(iData: iData))-byte header")
                }
                // Every DATA packet passes here: the fixed fields are read straight from the
                // slice (the length was checked above) rather than field by field through the reader.
                let b = value.startIndex
                func u16(_ o: Int) -> UInt16 { UInt16(value[b + o]) << 8 | UInt16(value[b + o + 1]) }
                func u32(_ o: Int) -> UInt32 { UInt32(u16(o)) << 16 | UInt32(u16(o + 2)) }
                let tsn = u32(0)
                let stream = u16(4)
                let mid: UInt32
                var ppid: UInt32 = 0, fsn: UInt32 = 0
                let headerEnd: Int
                if iData {
                    mid = u32(8)
                    // The first fragment carries the PPID, the others their FSN (RFC 8260 §2.1).
                    if flags & 0x02 != 0 { ppid = u32(12) } else { fsn = u32(12) }
                    headerEnd = 16
                } else {
                    mid = UInt32(u16(6))
                    ppid = u32(8)
                    headerEnd = 12
                }
                return .data(SCTPDataChunk(isIData: iData, tsn: tsn, streamIdentifier: stream, messageIdentifier: mid,
                                           fragmentSequenceNumber: fsn, payloadProtocolIdentifier: ppid, userData: value[(b + headerEnd)...],
                                           unordered: flags & 0x04 != 0, beginning: flags & 0x02 != 0, ending: flags & 0x01 != 0,
                                           immediate: flags & 0x08 != 0))
            case SCTPChunkType.initiation, SCTPChunkType.initiationAck:
                let chunk = SCTPInitChunk(
                    initiateTag: try r.readUInt32("initiate tag"), advertisedReceiverWindowCredit: try r.readUInt32("a_rwnd"),
                    outboundStreams: try r.readUInt16("number of outbound streams"), inboundStreams: try r.readUInt16("number of inbound streams"),
                    initialTSN: try r.readUInt32("initial TSN"), parameters: try SCTPParameter.readAll(&r))
                return type == SCTPChunkType.initiation ? .initiation(chunk) : .initiationAck(chunk)
            case SCTPChunkType.selectiveAck:
                let cumulative = try r.readUInt32("cumulative TSN ack")
                let window = try r.readUInt32("a_rwnd")
                let gapCount = Int(try r.readUInt16("number of gap ack blocks"))
                let duplicateCount = Int(try r.readUInt16("number of duplicate TSNs"))
                guard r.remaining == gapCount * 4 + duplicateCount * 4 else {
                    throw invalid("\(gapCount) gap blocks and \(duplicateCount) duplicate TSNs need \(gapCount * 4 + duplicateCount * 4) bytes, \(r.remaining) present")
                }
                var gaps: [SCTPSackChunk.GapBlock] = []
                gaps.reserveCapacity(gapCount)
                for _ in 0..<gapCount {
                    gaps.append(.init(start: try r.readUInt16("gap block start"), end: try r.readUInt16("gap block end")))
                }
                var duplicates: [UInt32] = []
                for _ in 0..<duplicateCount { duplicates.append(try r.readUInt32("duplicate TSN")) }
                return .selectiveAck(SCTPSackChunk(cumulativeTSNAck: cumulative, advertisedReceiverWindowCredit: window, gapBlocks: gaps, duplicateTSNs: duplicates))
            case SCTPChunkType.heartbeat, SCTPChunkType.heartbeatAck:
                let parameters = try SCTPParameter.readAll(&r)
                guard let info = parameters.first(where: { $0.type == SCTPParameter.heartbeatInfo }) else {
                    throw invalid("no Heartbeat Info parameter")
                }
                return type == SCTPChunkType.heartbeat ? .heartbeat(info: info.value) : .heartbeatAck(info: info.value)
            case SCTPChunkType.abort:
                return .abort(reflectedTag: flags & 1 != 0, causes: try SCTPErrorCause.readAll(&r))
            case SCTPChunkType.shutdown:
                let cumulative = try r.readUInt32("cumulative TSN ack")
                try r.expectEnd("SHUTDOWN")
                return .shutdown(cumulativeTSNAck: cumulative)
            case SCTPChunkType.shutdownAck:
                try r.expectEnd("SHUTDOWN ACK")
                return .shutdownAck
            case SCTPChunkType.error:
                return .error(causes: try SCTPErrorCause.readAll(&r))
            case SCTPChunkType.cookieEcho:
                return .cookieEcho(cookie: Array(value))
            case SCTPChunkType.cookieAck:
                try r.expectEnd("COOKIE ACK")
                return .cookieAck
            case SCTPChunkType.shutdownComplete:
                try r.expectEnd("SHUTDOWN COMPLETE")
                return .shutdownComplete(reflectedTag: flags & 1 != 0)
            case SCTPChunkType.forwardTSN, SCTPChunkType.iForwardTSN:
                let iForward = type == SCTPChunkType.iForwardTSN
                let cumulative = try r.readUInt32("new cumulative TSN")
                let entrySize = iForward ? 8 : 4
                guard r.remaining % entrySize == 0 else { throw invalid("stream entries are not a multiple of \(entrySize) bytes") }
                var skipped: [SCTPForwardTSNChunk.Skipped] = []
                while !r.isAtEnd {
                    let stream = try r.readUInt16("stream")
                    if iForward {
                        let flagsField = try r.readUInt16("flags")
                        skipped.append(.init(streamIdentifier: stream, messageIdentifier: try r.readUInt32("message identifier"), unordered: flagsField & 1 != 0))
                    } else {
                        skipped.append(.init(streamIdentifier: stream, messageIdentifier: UInt32(try r.readUInt16("stream sequence"))))
                    }
                }
                return .forwardTSN(SCTPForwardTSNChunk(isIForwardTSN: iForward, newCumulativeTSN: cumulative, skipped: skipped))
            case SCTPChunkType.reconfig:
                let parameters = try SCTPParameter.readAll(&r)
                // A RE-CONFIG chunk carries one or two parameters (RFC 6525 §3.1).
                guard (1...2).contains(parameters.count) else { throw invalid("\(parameters.count) parameters (one or two allowed)") }
                var decoded: [SCTPReconfigParameter] = []
                for p in parameters { decoded.append(try SCTPReconfigParameter(p, offset: offset)) }
                return .reconfig(decoded)
            default:
                return .unknown(type: type, flags: flags, value: Array(value))
            }
        } catch let error as SCTPPacketError {
            throw error
        } catch let error as WireError {
            throw .malformed(error)
        } catch {
            throw invalid("\(error)")
        }
    }

    /// The chunk's size in a packet, padding included (measured by encoding it: control chunks
    /// only, off the DATA path).
    var encodedCount: Int {
        if case .data(let d) = self { return d.encodedCount }
        var w = ByteWriter()
        write(to: &w)
        return w.count
    }

    /// Appends the chunk (header, value, padding).
    public func write(to w: inout ByteWriter) {
        if case .data(let d) = self {
            d.write(to: &w)
            return
        }
        let start = w.count
        w.writeUInt8(type)
        w.writeUInt8(flags)
        let length = w.reserveUInt16()
        // The Chunk Length counts the padding of every parameter but the last (RFC 9260 §3.2).
        var lastPadding = 0
        switch self {
        case .data:
            break // written above
        case .initiation(let c), .initiationAck(let c):
            w.writeUInt32(c.initiateTag)
            w.writeUInt32(c.advertisedReceiverWindowCredit)
            w.writeUInt16(c.outboundStreams)
            w.writeUInt16(c.inboundStreams)
            w.writeUInt32(c.initialTSN)
            // spec: RFC9260-3.3.3.1-2 (INIT ACK too) TLVs after the fixed-length fields
            // spec: RFC9260-3.3.2.1-1 parameters follow the fixed-length fields
            for p in c.parameters { lastPadding = p.write(to: &w) }
        case .selectiveAck(let s):
            w.writeUInt32(s.cumulativeTSNAck)
            w.writeUInt32(s.advertisedReceiverWindowCredit)
            w.writeUInt16(UInt16(s.gapBlocks.count))
            w.writeUInt16(UInt16(s.duplicateTSNs.count))
            for g in s.gapBlocks { w.writeUInt16(g.start); w.writeUInt16(g.end) }
            for d in s.duplicateTSNs { w.writeUInt32(d) }
        case .heartbeat(let info), .heartbeatAck(let info):
            lastPadding = SCTPParameter(type: SCTPParameter.heartbeatInfo, value: info).write(to: &w)
        case let .abort(_, causes):
            for c in causes { lastPadding = c.write(to: &w) }
        case .shutdown(let cumulative):
            w.writeUInt32(cumulative)
        case .shutdownAck, .cookieAck:
            break
        case .error(let causes):
            for c in causes { lastPadding = c.write(to: &w) }
        case .cookieEcho(let cookie):
            w.writeBytes(cookie)
        case .shutdownComplete:
            break
        case .forwardTSN(let f):
            w.writeUInt32(f.newCumulativeTSN)
            for s in f.skipped {
                w.writeUInt16(s.streamIdentifier)
                if f.isIForwardTSN {
                    // spec: RFC8260-2.3.1-3 the reserved bits beside U are zero (and ignored when read)
                    w.writeUInt16(s.unordered ? 1 : 0)
                    w.writeUInt32(s.messageIdentifier)
                } else {
                    w.writeUInt16(UInt16(truncatingIfNeeded: s.messageIdentifier))
                }
            }
        case .reconfig(let parameters):
            // spec: RFC6525-4.1-1 an Outgoing SSN Reset Request is 16 + 2N bytes long
            // spec: RFC6525-4.2-1 an Incoming SSN Reset Request 8 + 2N
            // spec: RFC6525-4.3-1 an SSN/TSN Reset Request 8
            // spec: RFC6525-4.4-1 a Response 12, or 20 with both next-TSN fields
            // spec: RFC6525-4.5-1 an Add Outgoing Streams Request 12
            // spec: RFC6525-4.6-1 an Add Incoming Streams Request 12
            // spec: RFC6525-4.1-2 these parameters are written only into RE-CONFIG chunks
            // spec: RFC6525-4.2-2 (INIT and INIT ACK never carry them)
            // spec: RFC6525-4.3-2 likewise the SSN/TSN Reset Request
            // spec: RFC6525-4.4-3 the Response
            // spec: RFC6525-4.5-4 and the Add Streams Requests
            // spec: RFC6525-4.6-4 in both directions
            for p in parameters { lastPadding = p.parameter.write(to: &w) }
        case let .unknown(_, _, value):
            w.writeBytes(value)
        }
        // spec: RFC9260-3.2-2 the Chunk Length excludes the padding
        // spec: RFC9260-3.3.1-10 the DATA padding is not in the Length
        w.patch(length, value: UInt64(w.count - start - lastPadding))
        // spec: RFC9260-3.2-1 chunks are padded to a multiple of 4 bytes
        // spec: RFC9260-3.2-3 with at most 3 zero bytes
        w.pad(alignment: 4)
    }
}
