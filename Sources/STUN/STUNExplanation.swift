import Wire

extension STUNMessage {
    /// The message as a field tree for `specrtc explain`, each field with its RFC section.
    /// `offset` is where the message starts in the outer packet.
    public func explanation(at offset: Int = 0) -> Dissection {
        let total = encoded.count
        var root = Dissection("STUN message", value: type.description, reference: "RFC 8489 §5", offset: offset, length: total)
        root.children = [
            Dissection("Message Type", value: "0x" + hex16(type.rawValue) + " (\(type))", reference: "RFC 8489 §5", offset: offset, length: 2),
            Dissection("Message Length", value: String(total - 20), reference: "RFC 8489 §5", offset: offset + 2, length: 2),
            Dissection("Magic Cookie", value: "0x2112a442", reference: "RFC 8489 §5", offset: offset + 4, length: 4),
            Dissection("Transaction ID", value: Hex.encode(transactionID), reference: "RFC 8489 §5", offset: offset + 8, length: 12),
        ]
        var position = offset + 20
        for attribute in attributes {
            let length = 4 + attribute.value.count + attribute.padding.count
            var node = Dissection(STUNAttributeType.name(of: attribute.type), value: describe(attribute),
                                  reference: STUNAttributeType.reference(of: attribute.type), offset: position, length: length)
            if !STUNAttributeType.isKnown(attribute.type) {
                node.notes.append(STUNAttributeType.isComprehensionRequired(attribute.type)
                                  ? "unknown comprehension-required attribute (a server answers 420)"
                                  : "unknown comprehension-optional attribute (ignored)")
            }
            root.children.append(node)
            position += length
        }
        if attribute(STUNAttributeType.fingerprint) != nil, !hasValidFingerprint {
            root.notes.append("FINGERPRINT does not match the message")
        }
        return root
    }

    private func describe(_ attribute: STUNAttribute) -> String {
        switch attribute.type {
        case STUNAttributeType.xorMappedAddress, STUNAttributeType.xorPeerAddress, STUNAttributeType.xorRelayedAddress:
            return (try? STUNTransportAddress.decode(attribute.value, type: attribute.type, xorWith: transactionID))?.description ?? "malformed"
        case STUNAttributeType.mappedAddress, STUNAttributeType.alternateServer, STUNAttributeType.responseOrigin, STUNAttributeType.otherAddress:
            return (try? STUNTransportAddress.decode(attribute.value, type: attribute.type, xorWith: nil))?.description ?? "malformed"
        case STUNAttributeType.username, STUNAttributeType.software, STUNAttributeType.realm, STUNAttributeType.nonce,
             STUNAttributeType.alternateDomain:
            return "\"" + String(decoding: attribute.value, as: UTF8.self) + "\""
        case STUNAttributeType.errorCode:
            return (try? STUNErrorCode.decode(attribute.value)).map { "\($0.code) \($0.reason)" } ?? "malformed"
        case STUNAttributeType.priority, STUNAttributeType.iceControlled, STUNAttributeType.iceControlling, STUNAttributeType.lifetime:
            return attribute.value.count <= 8 ? String(attribute.value.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }) : "malformed"
        case STUNAttributeType.fingerprint:
            return "0x" + Hex.encode(attribute.value) + (hasValidFingerprint ? " (valid)" : " (does not match)")
        case STUNAttributeType.useCandidate:
            return "(flag)"
        default:
            return Hex.encode(attribute.value)
        }
    }

    private func hex16(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
