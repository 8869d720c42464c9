/// Why a text is not a session description (RFC 8866), and where.
///
/// `line` and `column` are 1-based; `column` counts bytes (not characters) from the start of the
/// line, the type letter being column 1. For an error found after the last line (a required line
/// is missing), `line` is one past the last line and `column` is 1.
public struct SDPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    /// The 1-based byte column within the line.
    public var column: Int
    /// What is wrong.
    public var reason: Reason

    /// Creates an error at a position.
    public init(line: Int, column: Int, reason: Reason) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// What is wrong with the text.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The input has more bytes than ``SDPLimits/maximumSize``.
        case inputTooLarge(limit: Int)
        /// The input has more lines than ``SDPLimits/maximumLineCount``.
        case tooManyLines(limit: Int)
        /// The input is empty.
        case emptyInput
        /// A line is empty (RFC 8866 §9 has no empty lines).
        case emptyLine
        /// A line is not `<type>=<value>`: its second byte is not `=` (this also catches a space
        /// before the `=`).
        case expectedEquals
        /// The type letter is not one RFC 8866 defines.
        case unknownType(String)
        /// A byte that may not appear in SDP text: NUL, or CR other than before LF.
        case forbiddenByte(UInt8)
        /// The line is not valid UTF-8 (and no `a=charset:` makes it something else).
        case invalidUTF8
        /// A line of this type is not allowed where it appears (RFC 8866 §5 order).
        case unexpectedLine(type: String, context: String)
        /// A line that may appear once appears again.
        case duplicateLine(type: String)
        /// A required line is missing before this point.
        case missingLine(type: String)
        /// `v=` is not `0`.
        case unsupportedVersion(String)
        /// A field of a line does not follow its grammar.
        case malformedField(type: String, field: String, detail: String)
        /// `s=` is empty.
        case emptySessionName
        /// Neither the session nor this media description has a `c=` line.
        case missingConnection(mediaIndex: Int)

        public var description: String {
            switch self {
            case .inputTooLarge(let limit): return "input exceeds \(limit) bytes"
            case .tooManyLines(let limit): return "input exceeds \(limit) lines"
            case .emptyInput: return "input is empty"
            case .emptyLine: return "empty line"
            case .expectedEquals: return "expected '=' after the one-letter type"
            case .unknownType(let type): return "unknown line type \"\(type)\""
            case .forbiddenByte(let byte): return "forbidden byte 0x\(String(byte, radix: 16))"
            case .invalidUTF8: return "line is not valid UTF-8"
            case .unexpectedLine(let type, let context): return "\"\(type)=\" line not allowed here: \(context)"
            case .duplicateLine(let type): return "more than one \"\(type)=\" line"
            case .missingLine(let type): return "missing \"\(type)=\" line"
            case .unsupportedVersion(let version): return "version \"\(version)\" is not 0"
            case .malformedField(let type, let field, let detail): return "\"\(type)=\" \(field): \(detail)"
            case .emptySessionName: return "\"s=\" is empty"
            case .missingConnection(let index):
                return "media description \(index) has no \"c=\" line and the session has none"
            }
        }
    }

    public var description: String { "SDP line \(line), column \(column): \(reason)" }
}
