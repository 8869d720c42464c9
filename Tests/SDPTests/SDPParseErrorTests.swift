import SpecTesting
import Testing
@testable import SDP

/// Malformed descriptions give an ``SDPParseError`` with the line, column and reason.
@Suite struct SDPParseErrorTests {
    static let head = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0"]

    func error(_ text: String) -> SDPParseError? {
        do {
            _ = try SessionDescription(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    func error(lines: [String]) -> SDPParseError? { error(SDPTestInputs.crlf(lines)) }

    @Test func emptyInput() {
        #expect(error("") == SDPParseError(line: 1, column: 1, reason: .emptyInput))
    }

    @Test func inputTooLargeAndTooManyLines() {
        let big = String(repeating: "a", count: SDPLimits.maximumSize + 1)
        #expect(error(big)?.reason == .inputTooLarge(limit: SDPLimits.maximumSize))
        let many = SDPTestInputs.crlf(Self.head) + String(repeating: "a=x\n", count: SDPLimits.maximumLineCount)
        #expect(error(many) == SDPParseError(line: SDPLimits.maximumLineCount + 1, column: 1, reason: .tooManyLines(limit: SDPLimits.maximumLineCount)))
    }

    @Test func emptyLine() {
        #expect(error(lines: ["v=0", "", "s=-"]) == SDPParseError(line: 2, column: 1, reason: .emptyLine))
    }

    @Test(.spec("RFC8866-5-2"))
    func lineWithoutEqualsOrWithSpaceBeforeIt() {
        #expect(error(lines: ["v=0", "o - 1 1 IN IP4 127.0.0.1"]) == SDPParseError(line: 2, column: 2, reason: .expectedEquals))
        #expect(error(lines: ["v =0"]) == SDPParseError(line: 1, column: 2, reason: .expectedEquals))
        #expect(error(lines: ["v"]) == SDPParseError(line: 1, column: 2, reason: .expectedEquals))
    }

    @Test(.spec("RFC8866-5-2"))
    func spaceAfterEqualsBreaksTheFieldGrammar() {
        #expect(error(lines: ["v=0", "o= - 1 1 IN IP4 127.0.0.1"])?.reason
                == .malformedField(type: "o", field: "origin", detail: "expected 6 space-separated fields, found 7"))
        #expect(error(lines: Self.head + ["m= audio 9 RTP/AVP 0"])?.line == 5)
        #expect(error(lines: Self.head + ["a= rtcp-mux"]) == SDPParseError(line: 5, column: 3, reason: .malformedField(type: "a", field: "attribute-name", detail: "\" rtcp-mux\" is not a token")))
    }

    @Test(.spec("RFC8866-5-3"))
    func unknownTypeLetterRejectsTheDescription() {
        #expect(error(lines: Self.head + ["x=1"]) == SDPParseError(line: 5, column: 1, reason: .unknownType("x")))
        #expect(error(lines: ["V=0"]) == SDPParseError(line: 1, column: 1, reason: .unknownType("V")))
    }

    @Test(.spec("RFC8866-5.13-2"))
    func forbiddenBytes() {
        #expect(error(SDPTestInputs.crlf(Self.head) + "a=tool:x\0y\r\n") == SDPParseError(line: 5, column: 9, reason: .forbiddenByte(0)))
        #expect(error(SDPTestInputs.crlf(Self.head) + "a=tool:x\ry\r\n") == SDPParseError(line: 5, column: 9, reason: .forbiddenByte(0x0D)))
        // A CR that ends the input without LF is not a line end.
        #expect(error(SDPTestInputs.crlf(Self.head) + "a=x\r") == SDPParseError(line: 5, column: 4, reason: .forbiddenByte(0x0D)))
    }

    @Test func invalidUTF8() {
        var bytes = Array(SDPTestInputs.crlf(Self.head).utf8)
        bytes += Array("a=tool:".utf8) + [0xC3, 0x28] + [0x0D, 0x0A]
        #expect(throws: SDPParseError(line: 5, column: 3, reason: .invalidUTF8)) { try SessionDescription(parsing: bytes) }
        // Valid UTF-8 in text fields is fine.
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=Café", "t=0 0"]) == nil)
    }

    @Test func versionMustBeZeroAndFirst() {
        #expect(error(lines: ["v=1"]) == SDPParseError(line: 1, column: 3, reason: .unsupportedVersion("1")))
        #expect(error(lines: ["v=x"]) == SDPParseError(line: 1, column: 3, reason: .malformedField(type: "v", field: "version", detail: "not a number")))
        #expect(error(lines: ["o=- 1 1 IN IP4 127.0.0.1"]) == SDPParseError(line: 1, column: 1, reason: .missingLine(type: "v")))
    }

    @Test func requiredLinesMissing() {
        #expect(error(lines: ["v=0", "s=-"]) == SDPParseError(line: 2, column: 1, reason: .missingLine(type: "o")))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "t=0 0"]) == SDPParseError(line: 3, column: 1, reason: .missingLine(type: "s")))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "a=x"]) == SDPParseError(line: 4, column: 1, reason: .missingLine(type: "t")))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "m=audio 9 RTP/AVP 0"]) == SDPParseError(line: 4, column: 1, reason: .missingLine(type: "t")))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-"]) == SDPParseError(line: 4, column: 1, reason: .missingLine(type: "t")))
    }

    @Test(.spec("RFC8866-5.3-1"))
    func oneSessionNameOnly() {
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "s=again", "t=0 0"]) == SDPParseError(line: 4, column: 1, reason: .duplicateLine(type: "s")))
        #expect(error(lines: ["v=0", "v=0"]) == SDPParseError(line: 2, column: 1, reason: .duplicateLine(type: "v")))
    }

    @Test(.spec("RFC8866-5.3-2"))
    func sessionNameNotEmpty() {
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=", "t=0 0"]) == SDPParseError(line: 3, column: 3, reason: .emptySessionName))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s= ", "t=0 0"]) == nil)
    }

    @Test func sessionLinesOutOfOrder() {
        let context = "session-level lines go in the order v, o, s, i, u, e, p, c, b, t (r, z), k, a"
        #expect(error(lines: Self.head + ["c=IN IP4 0.0.0.0"]) == SDPParseError(line: 5, column: 1, reason: .unexpectedLine(type: "c", context: context)))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=x", "t=0 0"])?.reason == .unexpectedLine(type: "t", context: context))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "b=AS:1"]) == SDPParseError(line: 5, column: 1, reason: .unexpectedLine(type: "b", context: context)))
    }

    @Test func repeatAndZonePlacement() {
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "z=3730928400 -1h"])
                == SDPParseError(line: 5, column: 1, reason: .unexpectedLine(type: "z", context: "\"z=\" must follow \"r=\"")))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "r=7d 1h 0", "z=3730928400 -1h", "r=7d 1h 0"])
                == SDPParseError(line: 7, column: 1, reason: .unexpectedLine(type: "r", context: "\"r=\" must follow \"t=\" or \"r=\"")))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "r=0 1h 0"])
                == SDPParseError(line: 5, column: 3, reason: .malformedField(type: "r", field: "repeat-interval", detail: "\"0\" is not a time")))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "r=7d 1h"])?.reason
                == .malformedField(type: "r", field: "repeat", detail: "expected interval, duration and at least one offset"))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "r=7d 1h 0", "z=3730928400 -1x"])
                == SDPParseError(line: 6, column: 14, reason: .malformedField(type: "z", field: "typed-time", detail: "\"-1x\" is not a time")))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "r=7d 1h 0", "z=3730928400"])?.reason
                == .malformedField(type: "z", field: "zone", detail: "expected <time> <offset> pairs"))
    }

    @Test(.spec("RFC8866-5.6-2"))
    func sessionOnlyLinesInsideMedia() {
        let context = "only i, c, b, k and a lines may follow \"m=\""
        for type in ["e=a@example.org", "p=+1 555", "t=0 0", "s=-", "v=0", "o=- 1 1 IN IP4 127.0.0.1", "u=http://x", "r=7d 1h 0", "z=3730928400 0"] {
            let found = error(lines: Self.head + ["m=audio 9 RTP/AVP 0", "c=IN IP4 0.0.0.0", type])
            #expect(found == SDPParseError(line: 7, column: 1, reason: .unexpectedLine(type: String(type.prefix(1)), context: context)))
        }
    }

    @Test func mediaLinesOutOfOrder() {
        let context = "media-level lines go in the order m, i, c, b, k, a"
        #expect(error(lines: Self.head + ["m=audio 9 RTP/AVP 0", "a=x", "c=IN IP4 0.0.0.0"]) == SDPParseError(line: 7, column: 1, reason: .unexpectedLine(type: "c", context: context)))
        #expect(error(lines: Self.head + ["m=audio 9 RTP/AVP 0", "i=a", "i=b"]) == SDPParseError(line: 7, column: 1, reason: .duplicateLine(type: "i")))
    }

    @Test(.spec("RFC8866-5.7-1"))
    func connectionAtSessionLevelOrInEveryMedia() {
        let lines = Self.head + ["m=audio 9 RTP/AVP 0", "c=IN IP4 0.0.0.0", "m=video 9 RTP/AVP 96"]
        #expect(error(lines: lines) == SDPParseError(line: 7, column: 1, reason: .missingConnection(mediaIndex: 1)))
        let sessionLevel = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0", "m=audio 9 RTP/AVP 0", "m=video 9 RTP/AVP 96"]
        #expect(error(lines: sessionLevel) == nil)
    }

    @Test(.spec("RFC8866-5.7-11"))
    func oneSessionLevelConnection() {
        let lines = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 0.0.0.0", "c=IN IP4 0.0.0.0", "t=0 0"]
        #expect(error(lines: lines) == SDPParseError(line: 5, column: 1, reason: .duplicateLine(type: "c")))
    }

    @Test(.spec("RFC8866-5.7-6"), .spec("RFC8866-5.7-7"), .spec("RFC8866-5.7-9"), .spec("RFC8866-5.7-12"))
    func connectionAddressRules() {
        func connection(_ value: String) -> SDPParseError? {
            error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=" + value, "t=0 0"])
        }
        #expect(connection("IN IP4 233.252.0.1") == SDPParseError(line: 4, column: 10, reason: .malformedField(type: "c", field: "connection-address", detail: "IP4 multicast address without a TTL")))
        #expect(connection("IN IP4 233.252.0.1/256")?.reason == .malformedField(type: "c", field: "ttl", detail: "\"256\" is not a TTL in 0-255"))
        #expect(connection("IN IP6 ff15::101/3/2")?.reason == .malformedField(type: "c", field: "connection-address", detail: "an IP6 address takes at most \"/numaddr\", no TTL"))
        #expect(connection("IN IP4 192.0.2.1/127")?.reason == .malformedField(type: "c", field: "connection-address", detail: "slash notation on a unicast address"))
        #expect(connection("IN IP4 233.252.0.1/1/2/3")?.reason == .malformedField(type: "c", field: "connection-address", detail: "too many \"/\" suffixes"))
        #expect(connection("IN IP4 233.252.0.1/1/x")?.reason == .malformedField(type: "c", field: "numaddr", detail: "\"x\" is not a number"))
        #expect(connection("IN IP6 ff15::1/x")?.reason == .malformedField(type: "c", field: "numaddr", detail: "\"x\" is not a number"))
        #expect(connection("IN IP4")?.reason == .malformedField(type: "c", field: "connection", detail: "expected <nettype> <addrtype> <address>, found 2 fields"))
        #expect(connection("I@N IP4 0.0.0.0") == SDPParseError(line: 4, column: 3, reason: .malformedField(type: "c", field: "nettype", detail: "not a token")))
        #expect(connection("I N IP4 0.0.0.0") != nil)
        #expect(connection("IN IP4 ")?.reason == .malformedField(type: "c", field: "connection-address", detail: "empty address"))
        #expect(connection("IN (x) a") == SDPParseError(line: 4, column: 6, reason: .malformedField(type: "c", field: "addrtype", detail: "not a token")))
        #expect(connection("IN IP4 0.0.0.0") == nil)
        #expect(connection("IN IP6 ::") == nil)
        #expect(connection("IN FOO a/b/c/d") == nil) // extn-addr keeps its slashes
    }

    @Test(.spec("RFC8866-5.2-1"))
    func originFields() {
        func origin(_ value: String) -> SDPParseError? {
            error(lines: ["v=0", "o=" + value, "s=-", "t=0 0"])
        }
        #expect(origin("jane doe 1 1 IN IP4 127.0.0.1")?.reason == .malformedField(type: "o", field: "origin", detail: "expected 6 space-separated fields, found 7"))
        #expect(origin("- x 1 IN IP4 127.0.0.1") == SDPParseError(line: 2, column: 5, reason: .malformedField(type: "o", field: "sess-id", detail: "\"x\" does not match its grammar")))
        #expect(origin("- 1 1a IN IP4 127.0.0.1") == SDPParseError(line: 2, column: 7, reason: .malformedField(type: "o", field: "sess-version", detail: "\"1a\" does not match its grammar")))
        #expect(origin("- 1 1 IN IP4  127.0.0.1")?.reason == .malformedField(type: "o", field: "origin", detail: "expected 6 space-separated fields, found 7"))
    }

    @Test func bandwidthTimeAndKeyFields() {
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "b=AS", "t=0 0"])?.reason == .malformedField(type: "b", field: "bandwidth", detail: "expected <bwtype>:<bandwidth>"))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "b=AS:x", "t=0 0"]) == SDPParseError(line: 4, column: 6, reason: .malformedField(type: "b", field: "bandwidth", detail: "not a decimal number")))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "b=A S:1", "t=0 0"])?.reason == .malformedField(type: "b", field: "bwtype", detail: "not a token"))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0"])?.reason == .malformedField(type: "t", field: "time", detail: "expected <start-time> <stop-time>"))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 123"]) == SDPParseError(line: 4, column: 5, reason: .malformedField(type: "t", field: "stop-time", detail: "\"123\" is neither 0 nor a 10-digit NTP time")))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=99999999999999999999 0"])?.reason == .malformedField(type: "t", field: "time", detail: "time beyond 64 bits"))
        #expect(error(lines: Self.head + ["k=magic"]) == SDPParseError(line: 5, column: 3, reason: .malformedField(type: "k", field: "key-type", detail: "not prompt, clear:, base64: or uri:")))
        #expect(error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "i=", "t=0 0"]) == SDPParseError(line: 4, column: 3, reason: .malformedField(type: "i", field: "text", detail: "empty")))
    }

    @Test func mediaLineFields() {
        func media(_ value: String) -> SDPParseError? { error(lines: ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0", "m=" + value]) }
        #expect(media("audio 9 RTP/AVP")?.reason == .malformedField(type: "m", field: "media", detail: "expected <media> <port> <proto> <fmt> ..."))
        #expect(media("audio 70000 RTP/AVP 0") == SDPParseError(line: 6, column: 9, reason: .malformedField(type: "m", field: "port", detail: "\"70000\" is not a port in 0-65535")))
        #expect(media("audio 9/x RTP/AVP 0")?.reason == .malformedField(type: "m", field: "port", detail: "\"x\" is not a number of ports"))
        #expect(media("audio 9 RTP//AVP 0") == SDPParseError(line: 6, column: 11, reason: .malformedField(type: "m", field: "proto", detail: "\"RTP//AVP\" is not token *(\"/\" token)")))
        #expect(media("audio 9 RTP/AVP 0  8") == SDPParseError(line: 6, column: 21, reason: .malformedField(type: "m", field: "fmt", detail: "\"\" is not a token")))
        #expect(media("au(dio 9 RTP/AVP 0")?.reason == .malformedField(type: "m", field: "media", detail: "\"au(dio\" is not a token"))
    }

    @Test(.spec("RFC8866-5.13-1"))
    func attributeNameMustBeAToken() {
        #expect(error(lines: Self.head + ["a=bad name:1"]) == SDPParseError(line: 5, column: 3, reason: .malformedField(type: "a", field: "attribute-name", detail: "\"bad name\" is not a token")))
        #expect(error(lines: Self.head + ["a=:1"])?.reason == .malformedField(type: "a", field: "attribute-name", detail: "\"\" is not a token"))
        #expect(error(lines: Self.head + ["a=tool:"]) == nil)
    }

    @Test func errorsDescribeThemselves() {
        let error = SDPParseError(line: 3, column: 2, reason: .expectedEquals)
        #expect(error.description == "SDP line 3, column 2: expected '=' after the one-letter type")
        let reasons: [SDPParseError.Reason] = [
            .inputTooLarge(limit: 1), .tooManyLines(limit: 1), .emptyInput, .emptyLine, .expectedEquals, .unknownType("x"),
            .forbiddenByte(0), .invalidUTF8, .unexpectedLine(type: "c", context: "x"), .duplicateLine(type: "s"),
            .missingLine(type: "t"), .unsupportedVersion("1"), .malformedField(type: "o", field: "f", detail: "d"),
            .emptySessionName, .missingConnection(mediaIndex: 0),
        ]
        #expect(Set(reasons.map(\.description)).count == reasons.count)
    }
}
