import Wire

/// A parameter of a RE-CONFIG chunk (RFC 6525 §4).
public enum SCTPReconfigParameter: Sendable, Equatable {
    /// §4.1: the sender resets its outgoing streams (all when `streams` is empty).
    case outgoingSSNResetRequest(requestSequence: UInt32, responseSequence: UInt32, senderLastTSN: UInt32, streams: [UInt16])
    /// §4.2: the sender asks the peer to reset the peer's outgoing streams.
    case incomingSSNResetRequest(requestSequence: UInt32, streams: [UInt16])
    /// §4.3: reset every SSN and the TSN.
    case ssnTSNResetRequest(requestSequence: UInt32)
    /// §4.4: the answer to a request.
    case response(responseSequence: UInt32, result: SCTPReconfigResult, senderNextTSN: UInt32?, receiverNextTSN: UInt32?)
    /// §4.5: add outgoing streams.
    case addOutgoingStreams(requestSequence: UInt32, count: UInt16)
    /// §4.6: ask the peer to add its outgoing streams.
    case addIncomingStreams(requestSequence: UInt32, count: UInt16)
    /// Any other parameter, kept as received.
    case other(SCTPParameter)

    init(_ parameter: SCTPParameter, offset: Int) throws(WireError) {
        var reader = ByteReader(parameter.value[...])
        func streams(_ reader: inout ByteReader) throws(WireError) -> [UInt16] {
            guard reader.remaining % 2 == 0 else {
                throw WireError.invalidValue(field: "stream list", offset: offset, value: UInt64(reader.remaining), reason: "odd length")
            }
            var list: [UInt16] = []
            while !reader.isAtEnd { list.append(try reader.readUInt16("stream number")) }
            return list
        }
        switch parameter.type {
        case SCTPParameter.outgoingSSNResetRequest:
            let request = try reader.readUInt32("request sequence")
            let response = try reader.readUInt32("response sequence")
            let last = try reader.readUInt32("sender's last assigned TSN")
            self = .outgoingSSNResetRequest(requestSequence: request, responseSequence: response, senderLastTSN: last, streams: try streams(&reader))
        case SCTPParameter.incomingSSNResetRequest:
            let request = try reader.readUInt32("request sequence")
            self = .incomingSSNResetRequest(requestSequence: request, streams: try streams(&reader))
        case SCTPParameter.ssnTSNResetRequest:
            self = .ssnTSNResetRequest(requestSequence: try reader.readUInt32("request sequence"))
            try reader.expectEnd("SSN/TSN reset request")
        case SCTPParameter.reconfigurationResponse:
            let response = try reader.readUInt32("response sequence")
            let result = SCTPReconfigResult(rawValue: try reader.readUInt32("result"))
            var senderNext: UInt32?, receiverNext: UInt32?
            if !reader.isAtEnd {
                senderNext = try reader.readUInt32("sender's next TSN")
                receiverNext = try reader.readUInt32("receiver's next TSN")
            }
            try reader.expectEnd("re-configuration response")
            self = .response(responseSequence: response, result: result, senderNextTSN: senderNext, receiverNextTSN: receiverNext)
        // spec: RFC6525-4.5-3 Add Outgoing Streams Requests are read from RE-CONFIG chunks
        // spec: RFC6525-4.6-3 and Add Incoming Streams Requests; their reserved field is ignored
        case SCTPParameter.addOutgoingStreamsRequest, SCTPParameter.addIncomingStreamsRequest:
            let request = try reader.readUInt32("request sequence")
            let count = try reader.readUInt16("number of new streams")
            _ = try reader.readUInt16("reserved")
            try reader.expectEnd("add streams request")
            self = parameter.type == SCTPParameter.addOutgoingStreamsRequest
                ? .addOutgoingStreams(requestSequence: request, count: count)
                : .addIncomingStreams(requestSequence: request, count: count)
        default:
            self = .other(parameter)
        }
    }

    var parameter: SCTPParameter {
        var w = ByteWriter()
        let type: UInt16
        switch self {
        case let .outgoingSSNResetRequest(request, response, last, streams):
            type = SCTPParameter.outgoingSSNResetRequest
            w.writeUInt32(request); w.writeUInt32(response); w.writeUInt32(last)
            for s in streams { w.writeUInt16(s) }
        case let .incomingSSNResetRequest(request, streams):
            type = SCTPParameter.incomingSSNResetRequest
            w.writeUInt32(request)
            for s in streams { w.writeUInt16(s) }
        case let .ssnTSNResetRequest(request):
            type = SCTPParameter.ssnTSNResetRequest
            w.writeUInt32(request)
        case let .response(response, result, senderNext, receiverNext):
            type = SCTPParameter.reconfigurationResponse
            w.writeUInt32(response); w.writeUInt32(result.rawValue)
            // spec: RFC6525-4.4-2 both optional next-TSN fields, or neither
            if let senderNext, let receiverNext { w.writeUInt32(senderNext); w.writeUInt32(receiverNext) }
        case let .addOutgoingStreams(request, count), let .addIncomingStreams(request, count):
            type = { if case .addOutgoingStreams = self { return SCTPParameter.addOutgoingStreamsRequest } else { return SCTPParameter.addIncomingStreamsRequest } }()
            // spec: RFC6525-4.5-2 the reserved field is zero
            // spec: RFC6525-4.6-2 in both Add Streams Requests
            w.writeUInt32(request); w.writeUInt16(count); w.writeUInt16(0)
        case .other(let parameter):
            return parameter
        }
        return SCTPParameter(type: type, value: w.bytes)
    }
}

/// The result field of a Re-configuration Response (RFC 6525 §4.4).
public struct SCTPReconfigResult: RawRepresentable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let successNothingToDo = SCTPReconfigResult(rawValue: 0)
    public static let successPerformed = SCTPReconfigResult(rawValue: 1)
    public static let denied = SCTPReconfigResult(rawValue: 2)
    public static let errorWrongSSN = SCTPReconfigResult(rawValue: 3)
    public static let errorRequestAlreadyInProgress = SCTPReconfigResult(rawValue: 4)
    public static let errorBadSequenceNumber = SCTPReconfigResult(rawValue: 5)
    public static let inProgress = SCTPReconfigResult(rawValue: 6)

    private static let names = ["Success - Nothing to do", "Success - Performed", "Denied", "Error - Wrong SSN",
                                "Error - Request already in progress", "Error - Bad Sequence Number", "In progress"]

    public var description: String {
        rawValue < SCTPReconfigResult.names.count ? SCTPReconfigResult.names[Int(rawValue)] : "result \(rawValue)"
    }
}
