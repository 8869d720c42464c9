/// TSN and sequence number comparison with wraparound (RFC 9260 §1.6, serial number
/// arithmetic of RFC 1982 with SERIAL_BITS = 32 or 16).
enum SerialNumber {
    /// `a` precedes `b` in 32-bit serial order.
    // spec: RFC9260-1.6-1 TSN arithmetic is modulo 2^32
    // spec: RFC9260-1.6-2 comparisons use serial number arithmetic (SERIAL_BITS = 32)
    @inline(__always) static func less(_ a: UInt32, _ b: UInt32) -> Bool {
        a != b && (b &- a) < 0x8000_0000
    }

    @inline(__always) static func lessOrEqual(_ a: UInt32, _ b: UInt32) -> Bool {
        a == b || less(a, b)
    }

    /// `a` precedes `b` in 16-bit serial order (SSNs).
    // spec: RFC9260-1.6-5 SSNs use serial number arithmetic with SERIAL_BITS = 16
    @inline(__always) static func less16(_ a: UInt16, _ b: UInt16) -> Bool {
        a != b && (b &- a) < 0x8000
    }
}
