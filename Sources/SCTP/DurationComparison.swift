/// Deadline comparisons for the timers, which the association checks on every poll.
///
/// `Duration`'s own `<` is not inlinable: each comparison is a call into the standard library,
/// and with a dozen timers checked per poll those calls showed up in the SCTP benchmark's
/// profile. A `Duration` is a signed 128-bit count of attoseconds stored as two public frozen
/// words, so comparing the (high, low) pairs in order gives the same answer inline.
extension Duration {
    @inline(__always) func isBefore(_ other: Duration) -> Bool {
        _high != other._high ? _high < other._high : _low < other._low
    }

    @inline(__always) func isAtOrBefore(_ other: Duration) -> Bool {
        _high != other._high ? _high < other._high : _low <= other._low
    }
}
