import Wire

/// DTLS records and plaintext handshake messages as field trees for `specrtc explain`.
public enum DTLSExplanation {
    /// The records of a datagram starting at `offset` in the outer packet.
    public static func explain(_ datagram: [UInt8], at offset: Int = 0) -> [Dissection] {
        let (records, error) = DTLSRecord.parseDatagram(datagram)
        var nodes: [Dissection] = []
        var position = offset
        for record in records {
            let length = DTLSRecord.headerLength + record.fragment.count
            var node = Dissection("DTLS record", value: "\(record.contentType) epoch \(record.epoch) seq \(record.sequenceNumber)",
                                  reference: "RFC 6347 §4.1", offset: position, length: length)
            node.children = [
                Dissection("Content Type", value: "\(record.contentType.rawValue) (\(record.contentType))", reference: "RFC 5246 §6.2.1", offset: position, length: 1),
                Dissection("Version", value: versionName(record.version), reference: "RFC 6347 §4.1", offset: position + 1, length: 2),
                Dissection("Epoch", value: String(record.epoch), reference: "RFC 6347 §4.1", offset: position + 3, length: 2),
                Dissection("Sequence Number", value: String(record.sequenceNumber), reference: "RFC 6347 §4.1", offset: position + 5, length: 6),
                Dissection("Length", value: String(record.fragment.count), reference: "RFC 6347 §4.1", offset: position + 11, length: 2),
            ]
            let body = position + DTLSRecord.headerLength
            if record.epoch > 0 {
                node.children.append(Dissection("Protected fragment", value: "\(record.fragment.count) bytes (AEAD: 8-byte explicit nonce, ciphertext, 16-byte tag)",
                                                reference: "RFC 5288 §3", offset: body, length: record.fragment.count))
            } else if record.contentType == .handshake {
                node.children += handshake(record.fragment, at: body)
            } else if record.contentType == .alert, record.fragment.count == 2 {
                node.children.append(Dissection("Alert", value: "level \(record.fragment[0]), description \(record.fragment[1])",
                                                reference: "RFC 5246 §7.2", offset: body, length: 2))
            }
            nodes.append(node)
            position += length
        }
        if let error {
            var problem = Dissection("Undecodable remainder", value: "\(datagram.count - (position - offset)) bytes", offset: position, length: datagram.count - (position - offset))
            problem.notes.append(error.description)
            nodes.append(problem)
        }
        return nodes
    }

    private static func handshake(_ bytes: [UInt8], at offset: Int) -> [Dissection] {
        guard let fragments = try? DTLSHandshakeFragment.parse(bytes) else {
            return [Dissection("Handshake", value: "malformed", offset: offset, length: bytes.count)]
        }
        var nodes: [Dissection] = []
        var position = offset
        for fragment in fragments {
            let length = DTLSHandshakeFragment.headerLength + fragment.body.count
            let name = DTLSHandshakeType(rawValue: fragment.type).map { "\($0)" } ?? "type \(fragment.type)"
            var node = Dissection("Handshake", value: "\(name) seq \(fragment.messageSequence), bytes \(fragment.fragmentOffset)..<\(fragment.fragmentOffset + fragment.body.count) of \(fragment.length)",
                                  reference: "RFC 6347 §4.2.2", offset: position, length: length)
            if fragment.fragmentOffset == 0, fragment.body.count == fragment.length {
                node.children += details(fragment, at: position + DTLSHandshakeFragment.headerLength)
            }
            nodes.append(node)
            position += length
        }
        return nodes
    }

    private static func details(_ fragment: DTLSHandshakeFragment, at offset: Int) -> [Dissection] {
        let body = Array(fragment.body)
        switch DTLSHandshakeType(rawValue: fragment.type) {
        case .clientHello?:
            guard let hello = try? DTLSClientHello(parsing: body) else { return [] }
            return [
                Dissection("Version", value: versionName(hello.version), reference: "RFC 6347 §4.2.1", offset: offset, length: 2),
                Dissection("Cookie", value: hello.cookie.isEmpty ? "(empty)" : Hex.encode(hello.cookie), reference: "RFC 6347 §4.2.1", offset: offset, length: body.count),
                Dissection("Cipher Suites", value: hello.cipherSuites.map { "0x" + String($0, radix: 16) }.joined(separator: " "), reference: "RFC 5246 §7.4.1.2", offset: offset, length: body.count),
                Dissection("Extensions", value: hello.extensions.map { String($0.type) }.joined(separator: " "), reference: "RFC 5246 §7.4.1.4", offset: offset, length: body.count),
            ]
        case .serverHello?:
            guard let hello = try? DTLSServerHello(parsing: body) else { return [] }
            return [
                Dissection("Version", value: versionName(hello.version), reference: "RFC 5246 §7.4.1.3", offset: offset, length: 2),
                Dissection("Cipher Suite", value: "0x" + String(hello.cipherSuite, radix: 16), reference: "RFC 5246 §7.4.1.3", offset: offset, length: body.count),
                Dissection("Extensions", value: hello.extensions.map { String($0.type) }.joined(separator: " "), reference: "RFC 5246 §7.4.1.4", offset: offset, length: body.count),
            ]
        case .helloVerifyRequest?:
            guard let request = try? DTLSHelloVerifyRequest(parsing: body) else { return [] }
            return [Dissection("Cookie", value: Hex.encode(request.cookie), reference: "RFC 6347 §4.2.1", offset: offset + 3, length: request.cookie.count)]
        default:
            return []
        }
    }

    private static func versionName(_ version: UInt16) -> String {
        switch version {
        case DTLSRecord.version12: return "DTLS 1.2 (0xfefd)"
        case DTLSRecord.version10: return "DTLS 1.0 (0xfeff)"
        default: return "0x" + String(version, radix: 16)
        }
    }
}
