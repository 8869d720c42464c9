import Testing
@testable import SCTP

/// The inline deadline comparisons agree with `Duration`'s own operators, across zero, signs,
/// sub-second parts and the 64-bit boundary of the attosecond count.
@Suite struct DurationComparisonTests {
    @Test func agreesWithTheStandardLibrary() {
        let values: [Duration] = [
            .zero, .nanoseconds(1), .nanoseconds(-1), .milliseconds(200), .seconds(1), .seconds(-1),
            .seconds(18), .seconds(19), .seconds(-19), .seconds(600) + .nanoseconds(3), .seconds(600),
            Duration(secondsComponent: 0, attosecondsComponent: 1), Duration(secondsComponent: 0, attosecondsComponent: -1),
            .seconds(Int64.max / 4), .seconds(Int64.min / 4),
        ]
        for a in values {
            for b in values {
                #expect(a.isBefore(b) == (a < b), "\(a) < \(b)")
                #expect(a.isAtOrBefore(b) == (a <= b), "\(a) <= \(b)")
            }
        }
    }
}
