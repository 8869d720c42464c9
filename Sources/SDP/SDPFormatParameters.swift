/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15), e.g.
/// `111 minptime=10;useinbandfec=1`.
///
/// The parameter text is kept as written; ``parameterList`` splits the common
/// `key=value;key=value` form.
public struct SDPFormatParameters: SDPAttributeValue, Hashable {
    public static let attributeName = "fmtp"

    /// One `name[=value]` item of a `;`-separated parameter list.
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String?
        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// The format (RTP payload type) the parameters apply to.
    public var format: String
    /// The parameters as written.
    public var parameters: String

    /// Creates an fmtp from its text.
    public init(format: String, parameters: String) {
        self.format = format
        self.parameters = parameters
    }

    /// Creates an fmtp from a parameter list, written `a=b;c=d`.
    public init(format: String, parameterList: [Parameter]) {
        self.format = format
        parameters = parameterList.map { item in item.value.map { "\(item.name)=\($0)" } ?? item.name }.joined(separator: ";")
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        guard let space = sdpValue.firstIndex(of: " ") else { throw Self.malformed(sdpValue, "expected <format> <parameters>") }
        let format = sdpValue[..<space]
        let parameters = sdpValue[sdpValue.index(after: space)...]
        guard SDPSyntax.isToken(format) else { throw Self.malformed(sdpValue, "format is not a token") }
        guard !parameters.isEmpty else { throw Self.malformed(sdpValue, "empty parameters") }
        self.format = String(format)
        self.parameters = String(parameters)
    }

    public var sdpValue: String { format + " " + parameters }

    /// The parameters split at `;` (spaces around items dropped) and each at its first `=`; items
    /// without `=` (like telephone-event's `0-15`) have no value.
    public var parameterList: [Parameter] {
        parameters.split(separator: ";").compactMap { item in
            let trimmed = item.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
            let text = String(trimmed)
            guard !text.isEmpty else { return nil }
            guard let equals = text.firstIndex(of: "=") else { return Parameter(name: text) }
            return Parameter(name: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
        }
    }

    /// The value of the first parameter called `name` (compared case-insensitively, as media type
    /// parameter names are).
    public func parameter(_ name: String) -> String? {
        let wanted = name.lowercased()
        return parameterList.first { $0.name.lowercased() == wanted }?.value
    }
}
