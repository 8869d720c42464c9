/// A STUN server for the Binding method (RFC 8489 §6.3), sans-IO: a request in, the response
/// bytes out (or nothing, for what must be discarded). With short-term credentials configured
/// it authenticates requests as ICE connectivity checks need (RFC 8489 §9.1.3).
public struct STUNBindingResponder: Sendable {
    /// SOFTWARE to put in responses, if any.
    public var software: String?
    /// The short-term password for a USERNAME, or nil for an unknown user. When this is nil
    /// altogether, requests are not authenticated.
    public var password: (@Sendable (String) -> String?)?

    public init(software: String? = "SpecRTC", password: (@Sendable (String) -> String?)? = nil) {
        self.software = software
        self.password = password
    }

    /// The response to `datagram` received from `source`, or nil when nothing must be sent.
    public func respond(to datagram: [UInt8], from source: STUNTransportAddress) -> [UInt8]? {
        guard let request = try? STUNMessage(parsing: datagram), request.type.method == .binding else { return nil }
        let isRequest = request.type.messageClass == .request
        // Binding indications and responses get no answer.
        guard isRequest else { return nil }
        let unknown = request.unknownComprehensionRequired
        if !unknown.isEmpty {
            // spec: RFC8489-14.8-10 the unknown attributes go in UNKNOWN-ATTRIBUTES
            // spec: RFC8489-6.3.1.1-3 a 420 carries UNKNOWN-ATTRIBUTES
            return errorResponse(to: request, code: 420, reason: "Unknown Attribute", extra: [.unknownAttributes(unknown)])
        }
        var key: [UInt8]? = nil
        var useSHA256 = false
        if let password {
            let hasIntegrity = request.attribute(STUNAttributeType.messageIntegrity) != nil
            let hasIntegritySHA256 = request.attribute(STUNAttributeType.messageIntegritySHA256) != nil
            guard let username = try? request.text(STUNAttributeType.username), hasIntegrity || hasIntegritySHA256 else {
                // spec: RFC8489-9.1.3-1 a request without the credentials is rejected…
                // spec: RFC8489-9.1.3-2 …with 400 (Bad Request)
                return errorResponse(to: request, code: 400, reason: "Bad Request")
            }
            guard let secret = password(username) else {
                // spec: RFC8489-9.1.3-4 an unknown username is rejected…
                // spec: RFC8489-9.1.3-5 …with 401 (Unauthenticated)
                return errorResponse(to: request, code: 401, reason: "Unauthenticated")
            }
            let candidate = STUNCredentials.shortTermKey(password: secret)
            useSHA256 = hasIntegritySHA256
            let valid = useSHA256 ? request.hasValidMessageIntegritySHA256(key: candidate) : request.hasValidMessageIntegrity(key: candidate)
            guard valid else {
                // spec: RFC8489-9.1.3-7 a request whose integrity does not verify is rejected…
                // spec: RFC8489-9.1.3-8 …with 401 (Unauthenticated)
                return errorResponse(to: request, code: 401, reason: "Unauthenticated")
            }
            key = candidate
        }
        // spec: RFC8489-5-6 the response carries the request's transaction ID
        var response = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .successResponse),
                                   transactionID: request.transactionID)
        response.attributes.append(.xorMappedAddress(source, transactionID: request.transactionID))
        // spec: RFC8489-6.3.1.1-5 the server adds SOFTWARE
        if let software { response.attributes.append(.software(software)) }
        // spec: RFC8489-9.1.3-12 the response carries no USERNAME
        if let key {
            // spec: RFC8489-9.1.3-10 MESSAGE-INTEGRITY-SHA256 answers MESSAGE-INTEGRITY-SHA256
            // spec: RFC8489-9.1.3-11 MESSAGE-INTEGRITY answers MESSAGE-INTEGRITY, with the same password
            if useSHA256 { response.appendMessageIntegritySHA256(key: key) } else { response.appendMessageIntegrity(key: key) }
        }
        if request.attribute(STUNAttributeType.fingerprint) != nil { response.appendFingerprint() }
        return response.encoded
    }

    private func errorResponse(to request: STUNMessage, code: Int, reason: String, extra: [STUNAttribute] = []) -> [UInt8] {
        var response = STUNMessage(type: STUNMessageType(method: request.type.method, messageClass: .errorResponse),
                                   transactionID: request.transactionID)
        // spec: RFC8489-6.3.1.1-1 an error response carries ERROR-CODE
        response.attributes.append(.errorCode(STUNErrorCode(code: code, reason: reason)))
        response.attributes += extra
        if let software { response.attributes.append(.software(software)) }
        // spec: RFC8489-9.1.3-13 failed checks: no integrity attribute and no USERNAME in the error response
        if request.attribute(STUNAttributeType.fingerprint) != nil { response.appendFingerprint() }
        return response.encoded
    }
}
