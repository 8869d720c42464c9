extension SessionDescription {
    /// The description as SDP text: every line ends in CRLF (RFC 8866 §5), lines in the RFC 8866 §9
    /// order, fields separated by single spaces, attributes in their list order.
    ///
    /// For a description parsed from well-formed CRLF text this gives back the same text byte for
    /// byte; for LF-only input it gives the same lines with CRLF ends. The serializer does not
    /// validate: a model holding, say, a newline inside a value yields text that does not parse.
    public func serialized() -> String {
        var text = ""
        func line(_ type: String, _ value: String) {
            text += type
            text += "="
            text += value
            text += "\r\n"
        }
        line("v", String(version))
        line("o", origin.sdpValue)
        line("s", sessionName)
        if let information { line("i", information) }
        if let uri { line("u", uri) }
        for email in emails { line("e", email) }
        for phone in phones { line("p", phone) }
        if let connection { line("c", connection.sdpValue) }
        for bandwidth in bandwidths { line("b", bandwidth.sdpValue) }
        for timing in timings {
            line("t", "\(timing.start) \(timing.stop)")
            for repeatText in timing.repeats { line("r", repeatText) }
            if let zone = timing.zoneAdjustments { line("z", zone) }
        }
        if let key { line("k", key) }
        for attribute in attributes { line("a", attribute.description) }
        for section in media {
            line("m", section.mediaLine)
            if let information = section.information { line("i", information) }
            for connection in section.connections { line("c", connection.sdpValue) }
            for bandwidth in section.bandwidths { line("b", bandwidth.sdpValue) }
            if let key = section.key { line("k", key) }
            for attribute in section.attributes { line("a", attribute.description) }
        }
        return text
    }
}

extension SessionDescription: CustomStringConvertible {
    /// The SDP text, as ``serialized()`` gives it.
    public var description: String { serialized() }
}
