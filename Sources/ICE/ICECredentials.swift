/// The username fragment and password of one side of an ICE session (RFC 8445 §5.3).
public struct ICECredentials: Sendable, Equatable, Hashable {
    public var usernameFragment: String
    public var password: String

    public init(usernameFragment: String, password: String) {
        self.usernameFragment = usernameFragment
        self.password = password
    }

    /// Fresh credentials from `random`: 8 ice-chars of fragment (48 bits) and 24 of password
    /// (144 bits).
    public static func generate<R: RandomNumberGenerator>(using random: inout R) -> ICECredentials {
        // spec: RFC8445-5.3-6 at least 24 random bits in the fragment and 128 in the password
        ICECredentials(usernameFragment: randomICEChars(8, using: &random), password: randomICEChars(24, using: &random))
    }

    /// ALPHA / DIGIT / "+" / "/": 64 symbols, 6 bits each.
    static let iceChars: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    static func randomICEChars<R: RandomNumberGenerator>(_ count: Int, using random: inout R) -> String {
        var text = ""
        for _ in 0..<count { text.append(iceChars[Int(random.next() & 63)]) }
        return text
    }

    /// Whether `character` is an ice-char (RFC 8839 §5.1).
    public static func isICEChar(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "+" || character == "/")
    }
}
