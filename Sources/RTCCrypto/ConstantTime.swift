/// Comparisons and selections whose timing does not depend on secret values.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. Time depends on the lengths only.
    public static func equals<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
    where A.Element == UInt8, B.Element == UInt8 {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return isZero(difference)
    }

    /// 1 when `value` is zero, 0 otherwise, without a branch on `value`.
    @inline(__always)
    static func isZeroMask(_ value: UInt8) -> UInt8 {
        let wide = UInt32(value)
        return UInt8(truncatingIfNeeded: ((wide &- 1) >> 8) & 1)
    }

    @inline(__always)
    static func isZero(_ value: UInt8) -> Bool { isZeroMask(value) == 1 }
}
