/// A decoded packet as a tree of named fields, each with the bytes it covers and the
/// specification section that defines it. Protocol modules produce these for `specrtc explain`.
public struct Dissection: Sendable, Equatable {
    /// What this node is ("STUN message", "XOR-MAPPED-ADDRESS", "Message Type").
    public var name: String
    /// The decoded value as a person would read it; empty for pure containers.
    public var value: String
    /// Where it is defined, e.g. "RFC 8489 §14.2"; empty when nothing more specific applies.
    public var reference: String
    /// Byte offset of the first byte this node covers, from the start of the input.
    public var offset: Int
    /// How many bytes it covers.
    public var length: Int
    /// Sub-fields, in wire order.
    public var children: [Dissection]
    /// Problems found while decoding this node (malformed or suspicious values).
    public var notes: [String]

    /// A node; children and notes can be added afterwards.
    public init(_ name: String, value: String = "", reference: String = "", offset: Int, length: Int,
                children: [Dissection] = [], notes: [String] = []) {
        self.name = name
        self.value = value
        self.reference = reference
        self.offset = offset
        self.length = length
        self.children = children
        self.notes = notes
    }

    /// The tree as indented text, one field per line with its byte range and reference.
    public func rendered(indent: Int = 0) -> String {
        var line = String(repeating: "  ", count: indent) + name
        if !value.isEmpty { line += ": " + value }
        var meta = "[\(offset)..<\(offset + length)]"
        if !reference.isEmpty { meta += " " + reference }
        line += "  " + meta
        var lines = [line]
        for note in notes { lines.append(String(repeating: "  ", count: indent + 1) + "! " + note) }
        for child in children { lines.append(child.rendered(indent: indent + 1)) }
        return lines.joined(separator: "\n")
    }
}
