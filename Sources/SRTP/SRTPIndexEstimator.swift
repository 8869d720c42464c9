/// The rollover counter and highest sequence number of one SRTP stream, and the packet index
/// estimate of RFC 3711 §3.3.1 and Appendix A. The sender and the receiver both use it: the
/// sender so that packets handed over out of order keep their index.
public struct SRTPIndexEstimator: Sendable, Equatable {
    /// ROC: how many times the 16-bit sequence number has wrapped.
    public private(set) var rolloverCounter: UInt32
    /// s_l: the highest sequence number seen, or nil before the first packet.
    public private(set) var highestSequence: UInt16?

    /// A stream whose ROC starts at `rolloverCounter` (0 at the start of a session; receivers
    /// joining later are given the current value by signalling).
    public init(rolloverCounter: UInt32 = 0) {
        // spec: RFC3711-3.3.1-1 the sender's ROC starts at zero
        // spec: RFC3711-3.3.1-3 at session setup the ROC is zero
        // spec: RFC3711-3.3.1-4 a receiver joining later is given the current ROC
        self.rolloverCounter = rolloverCounter
    }

    /// The 48-bit index of a packet with sequence number `sequence`, and the ROC guess v it
    /// used; nil when the guess would be ROC − 1 with ROC already 0 (a packet from before the
    /// stream began).
    public func estimate(_ sequence: UInt16) -> (index: UInt64, guess: UInt32)? {
        // spec: RFC3711-3.3.1-5 s_l starts at the first packet's SEQ
        guard let last = highestSequence else { return (UInt64(rolloverCounter) << 16 | UInt64(sequence), rolloverCounter) }
        let guess: Int64
        let roc = Int64(rolloverCounter), s = Int64(sequence), sl = Int64(last)
        // spec: RFC3711-3.3.1-6 i = 2^16 · v + SEQ, with v chosen as in Appendix A
        if sl < 32768 {
            guess = s - sl > 32768 ? roc - 1 : roc
        } else {
            guess = sl - 32768 > s ? roc + 1 : roc
        }
        guard guess >= 0, guess <= Int64(UInt32.max) else { return nil }
        return (UInt64(guess) << 16 | UInt64(sequence), UInt32(guess))
    }

    /// Takes a processed (and, on the receiver, authenticated) packet into account.
    public mutating func update(sequence: UInt16, guess: UInt32) {
        // spec: RFC3711-3.3.1-7 after authentication, v updates s_l and ROC
        guard let last = highestSequence else {
            highestSequence = sequence
            rolloverCounter = guess
            return
        }
        if guess == rolloverCounter &+ 1 && guess > rolloverCounter {
            // spec: RFC3711-3.3.1-2 SEQ wrapped: ROC goes up by one
            rolloverCounter = guess
            highestSequence = sequence
        } else if guess == rolloverCounter && sequence > last {
            highestSequence = sequence
        }
    }

    /// Sets the ROC (and forgets s_l), as key management may.
    public mutating func reset(rolloverCounter: UInt32) {
        self.rolloverCounter = rolloverCounter
        highestSequence = nil
    }
}
