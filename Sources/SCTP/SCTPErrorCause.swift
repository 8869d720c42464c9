import Wire

/// An error cause in an ERROR or ABORT chunk (RFC 9260 §3.3.10): a code and its
/// code-specific information, kept raw so that any cause re-encodes byte for byte.
public struct SCTPErrorCause: Sendable, Equatable, CustomStringConvertible {
    public var code: UInt16
    public var information: [UInt8]

    public init(code: UInt16, information: [UInt8] = []) {
        self.code = code
        self.information = information
    }

    public static let invalidStreamIdentifier: UInt16 = 1
    public static let missingMandatoryParameter: UInt16 = 2
    public static let staleCookie: UInt16 = 3
    public static let outOfResource: UInt16 = 4
    public static let unresolvableAddress: UInt16 = 5
    public static let unrecognizedChunkType: UInt16 = 6
    public static let invalidMandatoryParameter: UInt16 = 7
    public static let unrecognizedParameters: UInt16 = 8
    public static let noUserData: UInt16 = 9
    public static let cookieReceivedWhileShuttingDown: UInt16 = 10
    public static let restartWithNewAddresses: UInt16 = 11
    public static let userInitiatedAbort: UInt16 = 12
    public static let protocolViolation: UInt16 = 13

    /// "Invalid Stream Identifier" (§3.3.10.1) for `stream`.
    public static func invalidStream(_ stream: UInt16) -> SCTPErrorCause {
        SCTPErrorCause(code: invalidStreamIdentifier, information: [UInt8(stream >> 8), UInt8(stream & 0xff), 0, 0])
    }

    /// "No User Data" (§3.3.10.9) for the TSN of an empty DATA chunk.
    public static func noUserData(tsn: UInt32) -> SCTPErrorCause {
        SCTPErrorCause(code: noUserData, information: bigEndian(tsn))
    }

    /// "Protocol Violation" (§3.3.10.13) with a human-readable explanation.
    public static func protocolViolation(_ reason: String) -> SCTPErrorCause {
        SCTPErrorCause(code: protocolViolation, information: Array(reason.utf8))
    }

    /// "User-Initiated Abort" (§3.3.10.12) carrying the upper layer's reason.
    public static func userAbort(_ reason: String) -> SCTPErrorCause {
        SCTPErrorCause(code: userInitiatedAbort, information: Array(reason.utf8))
    }

    /// "Unrecognized Chunk Type" (§3.3.10.6) carrying the chunk as received.
    public static func unrecognizedChunk(_ chunkBytes: [UInt8]) -> SCTPErrorCause {
        SCTPErrorCause(code: unrecognizedChunkType, information: chunkBytes)
    }

    /// "Stale Cookie" (§3.3.10.3), with how many microseconds past its lifetime it was.
    public static func staleCookie(stalenessMicroseconds: UInt32) -> SCTPErrorCause {
        SCTPErrorCause(code: staleCookie, information: bigEndian(stalenessMicroseconds))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    public var description: String {
        let names: [UInt16: String] = [
            1: "Invalid Stream Identifier", 2: "Missing Mandatory Parameter", 3: "Stale Cookie Error",
            4: "Out of Resource", 5: "Unresolvable Address", 6: "Unrecognized Chunk Type",
            7: "Invalid Mandatory Parameter", 8: "Unrecognized Parameters", 9: "No User Data",
            10: "Cookie Received While Shutting Down", 11: "Restart of an Association with New Addresses",
            12: "User-Initiated Abort", 13: "Protocol Violation",
        ]
        let name = names[code] ?? "cause \(code)"
        if code == SCTPErrorCause.protocolViolation || code == SCTPErrorCause.userInitiatedAbort,
           let text = String(validating: information, as: UTF8.self) {
            return "\(name): \(text)"
        }
        return name
    }

    /// Reads causes until the reader is empty (the parameter layout, §3.3.10).
    static func readAll(_ reader: inout ByteReader) throws(WireError) -> [SCTPErrorCause] {
        try SCTPParameter.readTypeLengthValues(&reader, naming: "cause").map { SCTPErrorCause(code: $0.type, information: $0.value) }
    }

    /// Appends the cause with its padding; returns the number of padding bytes.
    @discardableResult
    func write(to writer: inout ByteWriter) -> Int {
        SCTPParameter.writeTypeLengthValue(type: code, value: information, to: &writer)
    }
}
