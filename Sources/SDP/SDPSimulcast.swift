/// `a=simulcast:` (RFC 8853 §5.1): the simulcast streams sent and received, each a list of
/// alternative rid-ids, e.g. `send h;m;l` or `recv 1,~2;3`.
///
/// ```
/// sc-value = ( sc-send [SP sc-recv] ) / ( sc-recv [SP sc-send] )
/// sc-str-list = sc-alt-list *( ";" sc-alt-list )
/// sc-alt-list = sc-id *( "," sc-id )
/// sc-id = ["~"] rid-id
/// ```
public struct SDPSimulcast: SDPAttributeValue, Hashable {
    public static let attributeName = "simulcast"

    /// One rid-id in a list of alternatives, possibly paused from the start (`~`).
    public struct Format: Sendable, Hashable {
        public var rid: String
        public var paused: Bool
        public init(rid: String, paused: Bool = false) {
            self.rid = rid
            self.paused = paused
        }
    }

    /// The simulcast streams sent, each a list of alternative formats; nil when no `send` part.
    public var send: [[Format]]?
    /// The simulcast streams received; nil when no `recv` part.
    public var recv: [[Format]]?
    /// Whether `recv` was written before `send` (kept so serialization gives back the text).
    public var receiveFirst: Bool

    /// Creates a simulcast attribute.
    public init(send: [[Format]]? = nil, recv: [[Format]]? = nil, receiveFirst: Bool = false) {
        self.send = send
        self.recv = recv
        self.receiveFirst = receiveFirst
    }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let fields = SDPSyntax.fields(sdpValue)
        guard fields.count == 2 || fields.count == 4 else {
            throw Self.malformed(sdpValue, "expected \"send <streams>\" and/or \"recv <streams>\"")
        }
        var send: [[Format]]?
        var recv: [[Format]]?
        var seenRids: Set<String> = []
        for pair in stride(from: 0, to: fields.count, by: 2) {
            var streams: [[Format]] = []
            for alternatives in fields[pair + 1].split(separator: ";", omittingEmptySubsequences: false) {
                var list: [Format] = []
                for item in alternatives.split(separator: ",", omittingEmptySubsequences: false) {
                    let paused = item.first == "~"
                    let rid = paused ? item.dropFirst() : item
                    // spec: RFC8853-5.1-1 each sc-id is an RTP stream identifier (rid-id)
                    guard SDPRid.isRidID(rid) else { throw Self.malformed(sdpValue, "\"\(item)\" is not [~]rid-id") }
                    // spec: RFC8853-5.2-17 a rid-id occurs at most once per line
                    guard seenRids.insert(String(rid)).inserted else { throw Self.malformed(sdpValue, "rid-id \"\(rid)\" repeated") }
                    list.append(Format(rid: String(rid), paused: paused))
                }
                streams.append(list)
            }
            // spec: RFC8853-5.2-3 each direction at most once
            switch fields[pair] {
            case "send" where send == nil: send = streams
            case "recv" where recv == nil: recv = streams
            default: throw Self.malformed(sdpValue, "\"\(fields[pair])\" is not a direction not yet given (send or recv)")
            }
        }
        self.send = send
        self.recv = recv
        receiveFirst = fields[0] == "recv"
    }

    private static func text(_ streams: [[Format]]) -> String {
        streams.map { $0.map { ($0.paused ? "~" : "") + $0.rid }.joined(separator: ",") }.joined(separator: ";")
    }

    public var sdpValue: String {
        var parts: [String] = []
        if let send { parts.append("send " + Self.text(send)) }
        if let recv { parts.append("recv " + Self.text(recv)) }
        if receiveFirst { parts.reverse() }
        return parts.joined(separator: " ")
    }
}
