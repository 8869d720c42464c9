/// The secret that authenticates State Cookies (RFC 9260 §5.1.3, §5.1.5): replaced every
/// `cookieSecretLifetime` by a fresh random one, with the one before kept for the cookies it
/// sealed; the cookie's timestamp says which of the two opens it.
struct CookieSecrets {
    var current: [UInt8]
    /// When `current` became current.
    var currentSince: Duration = .zero
    var previous: [UInt8]?
    var previousSince: Duration = .zero
}

extension SCTPAssociation {
    /// The secret new cookies are sealed with.
    var cookieSecret: [UInt8] { cookieSecrets.current }

    /// Replaces the secret when it has served its time (checked when a cookie is made).
    mutating func rotateCookieSecretIfDue() {
        guard now - cookieSecrets.currentSince >= configuration.cookieSecretLifetime else { return }
        var fresh = [UInt8](repeating: 0, count: 32)
        for i in fresh.indices { fresh[i] = UInt8.random(in: 0...255, using: &random) }
        // spec: RFC9260-5.1.3-5 the secret changes regularly (hourly by default)
        cookieSecrets.previous = cookieSecrets.current
        cookieSecrets.previousSince = cookieSecrets.currentSince
        cookieSecrets.current = fresh
        cookieSecrets.currentSince = now
    }

    /// Opens a State Cookie with the secret its timestamp points to; nil when that secret is
    /// gone or the MAC does not verify.
    func openCookie(_ bytes: [UInt8]) -> SCTPStateCookie? {
        guard let created = SCTPStateCookie.createdMicroseconds(of: bytes) else { return nil }
        let createdAt = Duration.microseconds(Int64(clamping: created))
        // spec: RFC9260-5.1.5-1 the cookie's timestamp picks the secret
        if createdAt >= cookieSecrets.currentSince {
            return SCTPStateCookie(opening: bytes, secret: cookieSecrets.current)
        }
        if let previous = cookieSecrets.previous, createdAt >= cookieSecrets.previousSince {
            return SCTPStateCookie(opening: bytes, secret: previous)
        }
        // spec: RFC9260-5.1.5-2 its secret is no longer kept: the COOKIE ECHO is discarded silently
        return nil
    }
}
