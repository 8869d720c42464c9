import Wire

/// ClientHello (RFC 5246 §7.4.1.2 with the DTLS cookie of RFC 6347 §4.2.1).
public struct DTLSClientHello: Sendable, Equatable {
    public var version: UInt16
    public var random: [UInt8]
    public var sessionID: [UInt8]
    public var cookie: [UInt8]
    public var cipherSuites: [UInt16]
    public var compressionMethods: [UInt8]
    public var extensions: [DTLSExtension]

    public init(version: UInt16 = DTLSRecord.version12, random: [UInt8], sessionID: [UInt8] = [], cookie: [UInt8] = [],
                cipherSuites: [UInt16], compressionMethods: [UInt8] = [0], extensions: [DTLSExtension]) {
        self.version = version
        self.random = random
        self.sessionID = sessionID
        self.cookie = cookie
        self.cipherSuites = cipherSuites
        self.compressionMethods = compressionMethods
        self.extensions = extensions
    }

    public init(parsing body: [UInt8]) throws(DTLSError) {
        var reader = ByteReader(body)
        do {
            version = try reader.readUInt16("client_version")
            random = Array(try reader.readBytes(32, field: "random"))
            sessionID = Array(try reader.readBytes(Int(try reader.readUInt8("session_id length")), field: "session_id"))
            cookie = Array(try reader.readBytes(Int(try reader.readUInt8("cookie length")), field: "cookie"))
            let suitesLength = Int(try reader.readUInt16("cipher_suites length"))
            var suites = try reader.subReader(count: suitesLength, field: "cipher_suites")
            cipherSuites = []
            while !suites.isAtEnd { cipherSuites.append(try suites.readUInt16("cipher suite")) }
            compressionMethods = Array(try reader.readBytes(Int(try reader.readUInt8("compression_methods length")), field: "compression_methods"))
            extensions = try DTLSExtension.parseList(&reader)
            try reader.expectEnd("ClientHello")
        } catch {
            throw .malformed(error)
        }
    }

    public var encoded: [UInt8] {
        var writer = ByteWriter()
        writer.writeUInt16(version)
        writer.writeBytes(random)
        writer.writeUInt8(UInt8(sessionID.count)); writer.writeBytes(sessionID)
        writer.writeUInt8(UInt8(cookie.count)); writer.writeBytes(cookie)
        writer.writeUInt16(UInt16(2 * cipherSuites.count))
        for suite in cipherSuites { writer.writeUInt16(suite) }
        writer.writeUInt8(UInt8(compressionMethods.count)); writer.writeBytes(compressionMethods)
        DTLSExtension.write(extensions, to: &writer)
        return writer.bytes
    }
}

/// ServerHello (RFC 5246 §7.4.1.3).
public struct DTLSServerHello: Sendable, Equatable {
    public var version: UInt16
    public var random: [UInt8]
    public var sessionID: [UInt8]
    public var cipherSuite: UInt16
    public var compressionMethod: UInt8
    public var extensions: [DTLSExtension]

    public init(version: UInt16 = DTLSRecord.version12, random: [UInt8], sessionID: [UInt8], cipherSuite: UInt16,
                compressionMethod: UInt8 = 0, extensions: [DTLSExtension]) {
        self.version = version
        self.random = random
        self.sessionID = sessionID
        self.cipherSuite = cipherSuite
        self.compressionMethod = compressionMethod
        self.extensions = extensions
    }

    public init(parsing body: [UInt8]) throws(DTLSError) {
        var reader = ByteReader(body)
        do {
            version = try reader.readUInt16("server_version")
            random = Array(try reader.readBytes(32, field: "random"))
            sessionID = Array(try reader.readBytes(Int(try reader.readUInt8("session_id length")), field: "session_id"))
            cipherSuite = try reader.readUInt16("cipher_suite")
            compressionMethod = try reader.readUInt8("compression_method")
            extensions = try DTLSExtension.parseList(&reader)
            try reader.expectEnd("ServerHello")
        } catch {
            throw .malformed(error)
        }
    }

    public var encoded: [UInt8] {
        var writer = ByteWriter()
        writer.writeUInt16(version)
        writer.writeBytes(random)
        writer.writeUInt8(UInt8(sessionID.count)); writer.writeBytes(sessionID)
        writer.writeUInt16(cipherSuite)
        writer.writeUInt8(compressionMethod)
        DTLSExtension.write(extensions, to: &writer)
        return writer.bytes
    }
}

/// HelloVerifyRequest (RFC 6347 §4.2.1): server_version and cookie.
public struct DTLSHelloVerifyRequest: Sendable, Equatable {
    public var version: UInt16
    public var cookie: [UInt8]

    public init(version: UInt16, cookie: [UInt8]) {
        self.version = version
        self.cookie = cookie
    }

    public init(parsing body: [UInt8]) throws(DTLSError) {
        var reader = ByteReader(body)
        do {
            version = try reader.readUInt16("server_version")
            let length = Int(try reader.readUInt8("cookie length"))
            cookie = Array(try reader.readBytes(length, field: "cookie"))
            try reader.expectEnd("HelloVerifyRequest")
        } catch {
            throw .malformed(error)
        }
    }

    public var encoded: [UInt8] { [UInt8(version >> 8), UInt8(version & 0xff), UInt8(cookie.count)] + cookie }
}
