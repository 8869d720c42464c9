/// `a=rid:<rid-id> <send|recv> [pt=<fmt>,...][;<restriction>...]` (RFC 8851 §10): a restricted
/// RTP stream configuration, e.g. `h send` or `1 recv pt=96;max-width=1280`.
///
/// The restrictions are kept in order as name/value pairs, `pt=` among them.
public struct SDPRid: SDPAttributeValue, Hashable {
    public static let attributeName = "rid"

    /// Whether the stream is sent or received by the side that wrote the description.
    public enum Direction: String, Sendable, Hashable {
        case send, recv
    }

    /// One `name[=value]` restriction, e.g. `max-width=1280`.
    public struct Restriction: Sendable, Hashable {
        public var name: String
        public var value: String?
        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// The RTP stream identifier (alphanumerics, `-` and `_`).
    public var id: String
    public var direction: Direction
    /// The restrictions in order, including `pt`.
    public var restrictions: [Restriction]

    /// Creates a rid; `payloadTypes`, when given, becomes the leading `pt=` restriction.
    public init(id: String, direction: Direction, payloadTypes: [String]? = nil, restrictions: [Restriction] = []) {
        self.id = id
        self.direction = direction
        self.restrictions = (payloadTypes.map { [Restriction(name: "pt", value: $0.joined(separator: ","))] } ?? []) + restrictions
    }

    /// The formats of the `pt=` restriction, nil when there is none.
    public var payloadTypes: [String]? {
        restrictions.first { $0.name == "pt" }?.value.map { $0.split(separator: ",").map(String.init) }
    }

    /// The value of the first restriction called `name`.
    public func restriction(_ name: String) -> String? {
        restrictions.first { $0.name == name }?.value
    }

    static func isRidID<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { SDPSyntax.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let fields = sdpValue.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2, Self.isRidID(fields[0]) else { throw Self.malformed(sdpValue, "expected <rid-id> <send|recv>") }
        guard let direction = Direction(rawValue: String(fields[1])) else { throw Self.malformed(sdpValue, "direction is not send or recv") }
        var restrictions: [Restriction] = []
        if fields.count == 3 {
            let items = fields[2].split(separator: ";", omittingEmptySubsequences: false)
            for (index, item) in items.enumerated() {
                let name = item.firstIndex(of: "=").map { item[..<$0] } ?? item
                let value = item.firstIndex(of: "=").map { String(item[item.index(after: $0)...]) }
                guard !name.isEmpty, name.utf8.allSatisfy({ SDPSyntax.isAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else {
                    throw Self.malformed(sdpValue, "restriction \"\(item)\" does not start with a name")
                }
                if let value, !value.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) {
                    throw Self.malformed(sdpValue, "restriction value \"\(value)\" is not printable")
                }
                if name == "pt" {
                    guard index == 0, let value, value.split(separator: ",", omittingEmptySubsequences: false).allSatisfy({ SDPSyntax.isToken($0) }) else {
                        throw Self.malformed(sdpValue, "\"pt=\" must come first and list formats separated by commas")
                    }
                }
                restrictions.append(Restriction(name: String(name), value: value))
            }
        }
        id = String(fields[0])
        self.direction = direction
        self.restrictions = restrictions
    }

    public var sdpValue: String {
        var text = id + " " + direction.rawValue
        if !restrictions.isEmpty {
            text += " " + restrictions.map { item in item.value.map { "\(item.name)=\($0)" } ?? item.name }.joined(separator: ";")
        }
        return text
    }
}
