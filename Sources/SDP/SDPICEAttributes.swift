/// `a=ice-ufrag:<ufrag>` (RFC 8839 §5.4): `ufrag = 4*256ice-char`.
public struct SDPICEUfrag: SDPAttributeValue, Hashable {
    public static let attributeName = "ice-ufrag"
    /// The username fragment.
    public var ufrag: String

    /// Wraps a username fragment (not checked; RFC 8839 §5.4 wants 4 to 32 ice-chars when sending).
    public init(_ ufrag: String) { self.ufrag = ufrag }

    public init(sdpValue: String) throws(SDPAttributeError) {
        // spec: RFC8839-5.4-5 accept a ufrag of up to 256 characters when receiving
        guard (4...256).contains(sdpValue.utf8.count), sdpValue.utf8.allSatisfy(SDPSyntax.isICEChar) else {
            throw Self.malformed(sdpValue, "expected 4 to 256 ice-chars (ALPHA / DIGIT / + / /)")
        }
        ufrag = sdpValue
    }

    public var sdpValue: String { ufrag }
}

/// `a=ice-pwd:<password>` (RFC 8839 §5.4): `password = 22*256ice-char`.
public struct SDPICEPwd: SDPAttributeValue, Hashable {
    public static let attributeName = "ice-pwd"
    /// The password.
    public var password: String

    /// Wraps a password (not checked; RFC 8839 §5.4 wants 22 to 256 ice-chars).
    public init(_ password: String) { self.password = password }

    public init(sdpValue: String) throws(SDPAttributeError) {
        // spec: RFC8839-5.4-4 a password may be longer than 22 characters, up to 256
        guard (22...256).contains(sdpValue.utf8.count), sdpValue.utf8.allSatisfy(SDPSyntax.isICEChar) else {
            throw Self.malformed(sdpValue, "expected 22 to 256 ice-chars (ALPHA / DIGIT / + / /)")
        }
        password = sdpValue
    }

    public var sdpValue: String { password }
}

/// `a=ice-options:<tag> *(SP <tag>)` (RFC 8839 §5.6), e.g. `trickle`, `ice2`.
public struct SDPICEOptions: SDPAttributeValue, Hashable {
    public static let attributeName = "ice-options"
    /// The option tags, in order.
    public var tags: [String]

    /// Creates the attribute from its tags.
    public init(_ tags: [String]) { self.tags = tags }

    public init(sdpValue: String) throws(SDPAttributeError) {
        let fields = SDPSyntax.fields(sdpValue)
        guard fields.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(SDPSyntax.isICEChar) }) else {
            throw Self.malformed(sdpValue, "expected ice-option-tags (1*ice-char) separated by single spaces")
        }
        tags = fields.map(String.init)
    }

    public var sdpValue: String { tags.joined(separator: " ") }
}
