extension SessionDescription {
    /// Parses a session description.
    ///
    /// Lines may end in CRLF, as RFC 8866 §5 specifies, or in a bare LF; the last line may
    /// lack its line end. The text must be UTF-8 and within ``SDPLimits``. Errors carry the line and
    /// column where the text stops following RFC 8866 §9 and §5.
    public init(parsing text: String) throws(SDPParseError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses a session description from its bytes; see ``init(parsing:)-(String)``.
    public init<Bytes: Collection<UInt8>>(parsing bytes: Bytes) throws(SDPParseError) {
        var parser = SDPParser()
        self = try parser.parse(Array(bytes))
    }
}

/// The line parser: splits lines, checks each line's form and place in the RFC 8866 §9 grammar,
/// and fills a ``SessionDescription``.
struct SDPParser {
    /// Session-level line types in RFC 8866 §9 order; `t`, `r` and `z` share the time-description slot.
    private static let sessionRank: [UInt8: Int] = [
        ascii("v"): 0, ascii("o"): 1, ascii("s"): 2, ascii("i"): 3, ascii("u"): 4, ascii("e"): 5, ascii("p"): 6,
        ascii("c"): 7, ascii("b"): 8, ascii("t"): 9, ascii("r"): 9, ascii("z"): 9, ascii("k"): 10, ascii("a"): 11,
    ]
    /// Media-level line types in order after `m=`.
    private static let mediaRank: [UInt8: Int] = [
        ascii("i"): 1, ascii("c"): 2, ascii("b"): 3, ascii("k"): 4, ascii("a"): 5,
    ]
    /// Types that may repeat in their slot.
    private static let sessionRepeatable: Set<UInt8> = [ascii("e"), ascii("p"), ascii("b"), ascii("t"), ascii("r"), ascii("a")]
    private static let mediaRepeatable: Set<UInt8> = [ascii("c"), ascii("b"), ascii("a")]

    private static func ascii(_ character: Unicode.Scalar) -> UInt8 { UInt8(character.value) }

    private var lineNumber = 0
    private var rank = -1
    private var lastType: UInt8 = 0
    private var inMedia = false
    private var seen: Set<UInt8> = []
    private var mediaLines: [Int] = []

    private var version: UInt?
    private var origin: SDPOrigin?
    private var sessionName: String?
    private var description = SessionDescription(origin: SDPOrigin(sessionID: "0", sessionVersion: "0"), timings: [])

    mutating func parse(_ bytes: [UInt8]) throws(SDPParseError) -> SessionDescription {
        guard bytes.count <= SDPLimits.maximumSize else {
            throw SDPParseError(line: 1, column: 1, reason: .inputTooLarge(limit: SDPLimits.maximumSize))
        }
        guard !bytes.isEmpty else { throw SDPParseError(line: 1, column: 1, reason: .emptyInput) }
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            guard lineNumber <= SDPLimits.maximumLineCount else {
                throw SDPParseError(line: lineNumber, column: 1, reason: .tooManyLines(limit: SDPLimits.maximumLineCount))
            }
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var lineEnd = end
            // spec: RFC8866-5-5 CRLF ends a line, but a bare LF is accepted too
            if lineEnd > start, bytes[lineEnd - 1] == 0x0D, end < bytes.count { lineEnd -= 1 }
            try parseLine(bytes[start..<lineEnd])
            start = end + 1
        }
        return try finish()
    }

    private func error(_ column: Int, _ reason: SDPParseError.Reason) -> SDPParseError {
        SDPParseError(line: lineNumber, column: column, reason: reason)
    }

    private mutating func parseLine(_ line: ArraySlice<UInt8>) throws(SDPParseError) {
        guard let type = line.first else { throw error(1, .emptyLine) }
        for (index, byte) in line.enumerated() where byte == 0x00 || byte == 0x0D {
            // spec: RFC8866-5.13-2 attribute values (and all other text) exclude NUL, CR and LF
            throw error(index + 1, .forbiddenByte(byte))
        }
        let typeText = String(decoding: [type], as: UTF8.self)
        // spec: RFC8866-5-3 a type letter this parser does not understand rejects the description
        guard Self.sessionRank[type] != nil || type == UInt8(ascii: "m") else {
            throw error(1, .unknownType(typeText))
        }
        // spec: RFC8866-5-2 each line is <type>=<value> as in the section 9 grammar
        guard line.count >= 2, line[line.startIndex + 1] == UInt8(ascii: "=") else {
            throw error(2, .expectedEquals)
        }
        guard let value = String(validating: line.dropFirst(2), as: UTF8.self) else {
            throw error(3, .invalidUTF8)
        }
        try place(type, typeText)
        try store(type, typeText, value)
        lastType = type
    }

    /// Checks that a line of `type` may come here (RFC 8866 §9 order) and records it.
    private mutating func place(_ type: UInt8, _ typeText: String) throws(SDPParseError) {
        if type == UInt8(ascii: "m") {
            try requireSessionLines(upTo: 12)
            inMedia = true
            rank = 0
            mediaLines.append(lineNumber)
            return
        }
        if inMedia {
            // spec: RFC8866-5.6-2 e= and p= (like v, o, s, u, t, r, z) may not follow the first m=
            guard let newRank = Self.mediaRank[type] else {
                throw error(1, .unexpectedLine(type: typeText, context: "only i, c, b, k and a lines may follow \"m=\""))
            }
            if newRank < rank {
                throw error(1, .unexpectedLine(type: typeText, context: "media-level lines go in the order m, i, c, b, k, a"))
            }
            if newRank == rank, !Self.mediaRepeatable.contains(type) { throw error(1, .duplicateLine(type: typeText)) }
            rank = newRank
            return
        }
        let newRank = Self.sessionRank[type]!  // every session type is in the table (checked in parseLine)
        if lineNumber == 1, type != UInt8(ascii: "v") { throw error(1, .missingLine(type: "v")) }
        if newRank < rank {
            throw error(1, .unexpectedLine(type: typeText, context: "session-level lines go in the order v, o, s, i, u, e, p, c, b, t (r, z), k, a"))
        }
        if type == UInt8(ascii: "r"), lastType != UInt8(ascii: "t"), lastType != UInt8(ascii: "r") {
            throw error(1, .unexpectedLine(type: "r", context: "\"r=\" must follow \"t=\" or \"r=\""))
        }
        if type == UInt8(ascii: "z"), lastType != UInt8(ascii: "r") {
            throw error(1, .unexpectedLine(type: "z", context: "\"z=\" must follow \"r=\""))
        }
        // spec: RFC8866-5.3-1 one and only one "s=" line
        // spec: RFC8866-5.7-11 one "c=" line at most at session level
        if newRank == rank, !Self.sessionRepeatable.contains(type), type != UInt8(ascii: "z") {
            throw error(1, .duplicateLine(type: typeText))
        }
        try requireSessionLines(upTo: newRank)
        rank = newRank
        seen.insert(type)
    }

    /// Throws when a required session line (v, o, s, t) that must precede `newRank` is missing.
    private func requireSessionLines(upTo newRank: Int) throws(SDPParseError) {
        if inMedia { return }
        for (letter, required) in [("v", 0), ("o", 1), ("s", 2), ("t", 9)] where required < newRank {
            if !seen.contains(UInt8(ascii: Unicode.Scalar(letter)!)) { throw error(1, .missingLine(type: letter)) }
        }
    }

    private mutating func store(_ type: UInt8, _ typeText: String, _ value: String) throws(SDPParseError) {
        switch type {
        case UInt8(ascii: "v"):
            guard SDPSyntax.isDigits(value) else { throw error(3, .malformedField(type: "v", field: "version", detail: "not a number")) }
            guard value == "0" else { throw error(3, .unsupportedVersion(value)) }
            version = 0
        case UInt8(ascii: "o"):
            origin = try parseOrigin(value)
        case UInt8(ascii: "s"):
            // spec: RFC8866-5.3-2 the "s=" line must not be empty
            guard !value.isEmpty else { throw error(3, .emptySessionName) }
            sessionName = value
        case UInt8(ascii: "i"):
            try requireText(value, "i", "text")
            if inMedia { description.media[description.media.count - 1].information = value } else { description.information = value }
        case UInt8(ascii: "u"):
            try requireText(value, "u", "uri")
            description.uri = value
        case UInt8(ascii: "e"):
            try requireText(value, "e", "email-address")
            description.emails.append(value)
        case UInt8(ascii: "p"):
            try requireText(value, "p", "phone-number")
            description.phones.append(value)
        case UInt8(ascii: "c"):
            let connection: SDPConnection
            switch SDPConnection.parse(value) {
            case .success(let parsed): connection = parsed
            case .failure(let failure): throw error(3 + failure.offset, .malformedField(type: "c", field: failure.field, detail: failure.detail))
            }
            if inMedia { description.media[description.media.count - 1].connections.append(connection) } else { description.connection = connection }
        case UInt8(ascii: "b"):
            let bandwidth = try parseBandwidth(value)
            if inMedia { description.media[description.media.count - 1].bandwidths.append(bandwidth) } else { description.bandwidths.append(bandwidth) }
        case UInt8(ascii: "t"):
            description.timings.append(try parseTime(value))
        case UInt8(ascii: "r"):
            try checkRepeat(value)
            description.timings[description.timings.count - 1].repeats.append(value)
        case UInt8(ascii: "z"):
            try checkZone(value)
            description.timings[description.timings.count - 1].zoneAdjustments = value
        case UInt8(ascii: "k"):
            // The key field is obsolete (RFC 8866 §5.12); it is kept as text so nothing received is
            // lost, and nothing in this module reads it.
            guard value == "prompt" || value.hasPrefix("clear:") || value.hasPrefix("base64:") || value.hasPrefix("uri:") else {
                throw error(3, .malformedField(type: "k", field: "key-type", detail: "not prompt, clear:, base64: or uri:"))
            }
            if inMedia { description.media[description.media.count - 1].key = value } else { description.key = value }
        case UInt8(ascii: "a"):
            let attribute = try parseAttribute(value)
            if inMedia { description.media[description.media.count - 1].attributes.append(attribute) } else { description.attributes.append(attribute) }
        case UInt8(ascii: "m"):
            description.media.append(try parseMedia(value))
        default:
            throw error(1, .unknownType(typeText))
        }
    }

    private func requireText(_ value: String, _ type: String, _ field: String) throws(SDPParseError) {
        guard !value.isEmpty else { throw error(3, .malformedField(type: type, field: field, detail: "empty")) }
    }

    private static func offset(of index: Int, in fields: [Substring]) -> Int {
        fields[..<index].reduce(0) { $0 + $1.utf8.count + 1 }
    }

    private func parseOrigin(_ value: String) throws(SDPParseError) -> SDPOrigin {
        let fields = SDPSyntax.fields(value)
        guard fields.count == 6 else {
            // spec: RFC8866-5.2-1 the username has no spaces: exactly six space-separated fields
            throw error(3, .malformedField(type: "o", field: "origin", detail: "expected 6 space-separated fields, found \(fields.count)"))
        }
        let checks: [(String, (Substring) -> Bool)] = [
            ("username", SDPSyntax.isNonWhitespace), ("sess-id", SDPSyntax.isDigits), ("sess-version", SDPSyntax.isDigits),
            ("nettype", SDPSyntax.isToken), ("addrtype", SDPSyntax.isToken), ("unicast-address", SDPSyntax.isNonWhitespace),
        ]
        for (index, (name, check)) in checks.enumerated() where !check(fields[index]) {
            throw error(3 + Self.offset(of: index, in: fields), .malformedField(type: "o", field: name, detail: "\"\(fields[index])\" does not match its grammar"))
        }
        return SDPOrigin(username: String(fields[0]), sessionID: String(fields[1]), sessionVersion: String(fields[2]),
                         networkType: String(fields[3]), addressType: String(fields[4]), unicastAddress: String(fields[5]))
    }

    private func parseBandwidth(_ value: String) throws(SDPParseError) -> SDPBandwidth {
        guard let colon = value.firstIndex(of: ":") else {
            throw error(3, .malformedField(type: "b", field: "bandwidth", detail: "expected <bwtype>:<bandwidth>"))
        }
        let type = value[..<colon]
        guard SDPSyntax.isToken(type) else { throw error(3, .malformedField(type: "b", field: "bwtype", detail: "not a token")) }
        guard let amount = SDPSyntax.number(value[value.index(after: colon)...], as: UInt64.self) else {
            throw error(4 + type.utf8.count, .malformedField(type: "b", field: "bandwidth", detail: "not a decimal number"))
        }
        // spec: RFC8866-5.8-7 unknown bwtype names are kept, not rejected, for the reader to ignore
        return SDPBandwidth(type: String(type), value: amount)
    }

    /// `start-time = time / "0"`, `time = POS-DIGIT 9*DIGIT`.
    private static func isTime(_ text: Substring) -> Bool {
        text == "0" || (text.utf8.count >= 10 && text.utf8.first != UInt8(ascii: "0") && SDPSyntax.isDigits(text))
    }

    private func parseTime(_ value: String) throws(SDPParseError) -> SDPTiming {
        let fields = SDPSyntax.fields(value)
        guard fields.count == 2 else { throw error(3, .malformedField(type: "t", field: "time", detail: "expected <start-time> <stop-time>")) }
        for index in 0..<2 where !Self.isTime(fields[index]) {
            throw error(3 + Self.offset(of: index, in: fields),
                        .malformedField(type: "t", field: index == 0 ? "start-time" : "stop-time", detail: "\"\(fields[index])\" is neither 0 nor a 10-digit NTP time"))
        }
        guard let start = SDPSyntax.number(fields[0], as: UInt64.self), let stop = SDPSyntax.number(fields[1], as: UInt64.self) else {
            throw error(3, .malformedField(type: "t", field: "time", detail: "time beyond 64 bits"))
        }
        return SDPTiming(start: start, stop: stop)
    }

    /// `typed-time = 1*DIGIT [fixed-len-time-unit]`.
    private static func isTypedTime(_ text: Substring, positive: Bool = false) -> Bool {
        var digits = text
        if let last = text.last, "dhms".contains(last) { digits = text.dropLast() }
        guard SDPSyntax.isDigits(digits) else { return false }
        return !positive || digits.first != "0"
    }

    private func checkRepeat(_ value: String) throws(SDPParseError) {
        let fields = SDPSyntax.fields(value)
        guard fields.count >= 3 else { throw error(3, .malformedField(type: "r", field: "repeat", detail: "expected interval, duration and at least one offset")) }
        for (index, field) in fields.enumerated() where !Self.isTypedTime(field, positive: index == 0) {
            throw error(3 + Self.offset(of: index, in: fields), .malformedField(type: "r", field: index == 0 ? "repeat-interval" : "typed-time", detail: "\"\(field)\" is not a time"))
        }
    }

    private func checkZone(_ value: String) throws(SDPParseError) {
        let fields = SDPSyntax.fields(value)
        guard !fields.isEmpty, fields.count % 2 == 0 else { throw error(3, .malformedField(type: "z", field: "zone", detail: "expected <time> <offset> pairs")) }
        for (index, field) in fields.enumerated() {
            let ok = index % 2 == 0 ? Self.isTime(field) : Self.isTypedTime(field.first == "-" ? field.dropFirst() : field)
            if !ok { throw error(3 + Self.offset(of: index, in: fields), .malformedField(type: "z", field: index % 2 == 0 ? "time" : "typed-time", detail: "\"\(field)\" is not a time")) }
        }
    }

    private func parseAttribute(_ value: String) throws(SDPParseError) -> SDPAttribute {
        let name: Substring
        var attributeValue: String?
        if let colon = value.firstIndex(of: ":") {
            name = value[..<colon]
            attributeValue = String(value[value.index(after: colon)...])
        } else {
            name = value[...]
        }
        // spec: RFC8866-5.13-1 attribute names are US-ASCII tokens
        guard SDPSyntax.isToken(name) else {
            throw error(3, .malformedField(type: "a", field: "attribute-name", detail: "\"\(name)\" is not a token"))
        }
        // spec: RFC8866-5-4 unknown attributes are kept as text and otherwise ignored
        // spec: RFC8866-5.13-4 an attribute that is not understood is ignored, not an error
        return SDPAttribute(name: String(name), value: attributeValue)
    }

    private func parseMedia(_ value: String) throws(SDPParseError) -> MediaDescription {
        let fields = SDPSyntax.fields(value)
        guard fields.count >= 4 else {
            throw error(3, .malformedField(type: "m", field: "media", detail: "expected <media> <port> <proto> <fmt> ..."))
        }
        guard SDPSyntax.isToken(fields[0]) else { throw error(3, .malformedField(type: "m", field: "media", detail: "\"\(fields[0])\" is not a token")) }
        let portColumn = 3 + Self.offset(of: 1, in: fields)
        let portParts = fields[1].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let port = SDPSyntax.number(portParts[0], as: UInt16.self) else {
            throw error(portColumn, .malformedField(type: "m", field: "port", detail: "\"\(portParts[0])\" is not a port in 0-65535"))
        }
        var numberOfPorts: UInt32?
        if portParts.count == 2 {
            guard let count = SDPSyntax.number(portParts[1], as: UInt32.self) else {
                throw error(portColumn, .malformedField(type: "m", field: "port", detail: "\"\(portParts[1])\" is not a number of ports"))
            }
            numberOfPorts = count
        }
        guard !fields[2].split(separator: "/", omittingEmptySubsequences: false).contains(where: { !SDPSyntax.isToken($0) }) else {
            throw error(3 + Self.offset(of: 2, in: fields), .malformedField(type: "m", field: "proto", detail: "\"\(fields[2])\" is not token *(\"/\" token)"))
        }
        for index in 3..<fields.count where !SDPSyntax.isToken(fields[index]) {
            throw error(3 + Self.offset(of: index, in: fields), .malformedField(type: "m", field: "fmt", detail: "\"\(fields[index])\" is not a token"))
        }
        return MediaDescription(media: String(fields[0]), port: port, numberOfPorts: numberOfPorts, proto: String(fields[2]),
                                formats: fields[3...].map(String.init), connections: [])
    }

    private mutating func finish() throws(SDPParseError) -> SessionDescription {
        let after = SDPParseError(line: lineNumber + 1, column: 1, reason: .emptyInput)
        for letter in ["v", "o", "s", "t"] where !seen.contains(UInt8(ascii: Unicode.Scalar(letter)!)) {
            throw SDPParseError(line: after.line, column: 1, reason: .missingLine(type: letter))
        }
        guard let origin, let sessionName else { throw SDPParseError(line: after.line, column: 1, reason: .missingLine(type: "o")) }
        description.origin = origin
        description.sessionName = sessionName
        description.version = version ?? 0
        if description.connection == nil {
            for (index, media) in description.media.enumerated() where media.connections.isEmpty {
                // spec: RFC8866-5.7-1 a c= line at session level or in every media description
                throw SDPParseError(line: mediaLines[index], column: 1, reason: .missingConnection(mediaIndex: index))
            }
        }
        return description
    }
}
