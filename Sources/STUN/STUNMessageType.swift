/// The class of a STUN message (RFC 8489 §5): two bits spread through the type field.
public enum STUNClass: UInt16, Sendable, CaseIterable {
    case request = 0b00
    case indication = 0b01
    case successResponse = 0b10
    case errorResponse = 0b11
}

/// A STUN method (RFC 8489 §18.2 and the TURN methods of RFC 8656 §17).
public struct STUNMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x0fff }

    public static let binding = STUNMethod(rawValue: 0x001)
    public static let allocate = STUNMethod(rawValue: 0x003)
    public static let refresh = STUNMethod(rawValue: 0x004)
    public static let send = STUNMethod(rawValue: 0x006)
    public static let data = STUNMethod(rawValue: 0x007)
    public static let createPermission = STUNMethod(rawValue: 0x008)
    public static let channelBind = STUNMethod(rawValue: 0x009)

    public var description: String {
        switch self {
        case .binding: return "Binding"
        case .allocate: return "Allocate"
        case .refresh: return "Refresh"
        case .send: return "Send"
        case .data: return "Data"
        case .createPermission: return "CreatePermission"
        case .channelBind: return "ChannelBind"
        default: return "method 0x" + String(rawValue, radix: 16)
        }
    }
}

/// Method and class together, as the 14 low bits of the first header word carry them:
/// M11–M7 C1 M6–M4 C0 M3–M0 (RFC 8489 §5, Figure 3).
public struct STUNMessageType: Hashable, Sendable, CustomStringConvertible {
    public var method: STUNMethod
    public var messageClass: STUNClass

    public init(method: STUNMethod, messageClass: STUNClass) {
        self.method = method
        self.messageClass = messageClass
    }

    /// Decodes the 16-bit type field (its top two bits must already be known to be zero).
    public init(rawValue: UInt16) {
        let m = rawValue
        let method = (m & 0x000f) | ((m & 0x00e0) >> 1) | ((m & 0x3e00) >> 2)
        let c = ((m & 0x0010) >> 4) | ((m & 0x0100) >> 7)
        self.init(method: STUNMethod(rawValue: method), messageClass: STUNClass(rawValue: c)!)
    }

    /// The 16-bit type field.
    public var rawValue: UInt16 {
        let m = method.rawValue, c = messageClass.rawValue
        return (m & 0x000f) | ((m & 0x0070) << 1) | ((m & 0x0f80) << 2) | ((c & 0b01) << 4) | ((c & 0b10) << 7)
    }

    public var description: String {
        let name: String
        switch messageClass {
        case .request: name = "Request"
        case .indication: name = "Indication"
        case .successResponse: name = "Success Response"
        case .errorResponse: name = "Error Response"
        }
        return "\(method) \(name)"
    }
}
