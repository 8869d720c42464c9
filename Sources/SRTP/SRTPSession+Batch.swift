import RTCCrypto

/// Batches of SRTP packets: the same results as the per-packet calls, in the same order, but
/// the HMAC-SHA1 tags of the AES-CM and NULL profiles are computed two at a time. One SHA-1 is
/// bound by the latency of its chain of rounds, so a second one beside it costs little; a
/// video frame's packets, protected as they are sent, are the natural batch.
extension SRTPSession {
    /// Protects each RTP packet of `packets` in place (appending MKI and tag), in order, as
    /// ``protectRTP(_:)-(inout [UInt8])`` would one by one. On a failure the packets before the
    /// failing one are protected, it and the rest are unchanged, and the error says which.
    public mutating func protectRTP(batch packets: inout [[UInt8]]) throws(SRTPBatchError) {
        let overhead = rtpOverhead
        var index = 0
        while index < packets.count {
            let pair = index + 1 < packets.count && profile.cipher != .aesGCM
            guard pair else {
                do { try protectRTP(&packets[index]) } catch { throw SRTPBatchError(index: index, error: error) }
                index += 1
                continue
            }
            let firstLength = packets[index].count, secondLength = packets[index + 1].count
            packets[index].append(contentsOf: repeatElement(0, count: overhead))
            packets[index + 1].append(contentsOf: repeatElement(0, count: overhead))
            // The two packets are distinct elements: reached through the outer buffer so that
            // both can be written at once.
            let outcome = packets.withUnsafeMutableBufferPointer { outer in
                outer[index].withUnsafeMutableBytes { first in
                    outer[index + 1].withUnsafeMutableBytes { second in
                        protectPair(first, length: firstLength, second, length: secondLength)
                    }
                }
            }
            switch outcome {
            case .both(let firstProtected, let secondProtected):
                packets[index].removeLast(packets[index].count - firstProtected)
                packets[index + 1].removeLast(packets[index + 1].count - secondProtected)
            case .first(let firstProtected, let error):
                packets[index].removeLast(packets[index].count - firstProtected)
                packets[index + 1].removeLast(overhead)
                throw SRTPBatchError(index: index + 1, error: error)
            case .neither(let error):
                packets[index].removeLast(overhead)
                packets[index + 1].removeLast(overhead)
                throw SRTPBatchError(index: index, error: error)
            }
            index += 2
        }
    }

    /// Checks and decrypts each SRTP packet of `packets` in place, in order, as
    /// ``unprotectRTP(_:)-(inout [UInt8])`` would one by one. Packets that fail are left as they
    /// were (to be discarded) and reported to `failed` with their position; the rest hold
    /// their RTP packets. Returns how many were accepted.
    @discardableResult
    public mutating func unprotectRTP(batch packets: inout [[UInt8]], failed: (Int, SRTPError) -> Void = { _, _ in }) -> Int {
        var accepted = 0
        var index = 0
        while index < packets.count {
            guard index + 1 < packets.count, profile.cipher != .aesGCM else {
                do { try unprotectRTP(&packets[index]); accepted += 1 } catch { failed(index, error) }
                index += 1
                continue
            }
            let (first, second) = packets.withUnsafeMutableBufferPointer { outer in
                outer[index].withUnsafeMutableBytes { first in
                    outer[index + 1].withUnsafeMutableBytes { second in unprotectPair(first, second) }
                }
            }
            switch first {
            case .success(let length): packets[index].removeLast(packets[index].count - length); accepted += 1
            case .failure(let error): failed(index, error)
            }
            switch second {
            case .success(let length): packets[index + 1].removeLast(packets[index + 1].count - length); accepted += 1
            case .failure(let error): failed(index + 1, error)
            }
            index += 2
        }
        return accepted
    }

    /// How a pair of packets came out of protection.
    enum PairOutcome {
        case both(Int, Int)
        case first(Int, SRTPError)
        case neither(SRTPError)
    }

    /// Protects two packets, their tags computed together.
    private mutating func protectPair(_ first: UnsafeMutableRawBufferPointer, length firstLength: Int,
                                      _ second: UnsafeMutableRawBufferPointer, length secondLength: Int) -> PairOutcome {
        let a: (length: Int, pending: PendingTag?)
        do { a = try protectRTPCore(first, length: firstLength, deferringTag: true) } catch {
            statistics.count(error)
            return .neither(error)
        }
        statistics.rtpProtected += 1
        let b: (length: Int, pending: PendingTag?)
        do { b = try protectRTPCore(second, length: secondLength, deferringTag: true) } catch {
            statistics.count(error)
            if let pending = a.pending { writeTag(pending, first) }
            return .first(a.length, error)
        }
        statistics.rtpProtected += 1
        if let pa = a.pending, let pb = b.pending, pa.transform === pb.transform {
            withUnsafeBytes(of: pa.rolloverCounter.bigEndian) { firstROC in
                withUnsafeBytes(of: pb.rolloverCounter.bigEndian) { secondROC in
                    pa.transform.authenticate(UnsafeRawBufferPointer(rebasing: first[0..<pa.length]), suffix: firstROC,
                                              tag: UnsafeMutableRawBufferPointer(rebasing: first[pa.tagOffset..<(pa.tagOffset + pa.tagLength)]),
                                              UnsafeRawBufferPointer(rebasing: second[0..<pb.length]), suffix: secondROC,
                                              tag: UnsafeMutableRawBufferPointer(rebasing: second[pb.tagOffset..<(pb.tagOffset + pb.tagLength)]))
                }
            }
        } else {
            if let pending = a.pending { writeTag(pending, first) }
            if let pending = b.pending { writeTag(pending, second) }
        }
        return .both(a.length, b.length)
    }

    /// Unprotects two packets, their expected tags computed together. The second is prepared
    /// assuming the first is accepted; when the first is not, the second goes alone.
    private mutating func unprotectPair(_ first: UnsafeMutableRawBufferPointer,
                                        _ second: UnsafeMutableRawBufferPointer) -> (Result<Int, SRTPError>, Result<Int, SRTPError>) {
        func counted(_ result: Result<Int, SRTPError>) -> Result<Int, SRTPError> {
            switch result {
            case .success: statistics.rtpUnprotected += 1
            case .failure(let error): statistics.count(error)
            }
            return result
        }
        let a: ReceivedPacket
        do { a = try prepareUnprotect(first, after: nil) } catch {
            return (counted(.failure(error)), counted(Result { () throws(SRTPError) in try unprotectRTPCore(second) }))
        }
        let b: ReceivedPacket
        do { b = try prepareUnprotect(second, after: a) } catch {
            // The second fails on its own terms (or only given the first): check it again
            // after the first is settled.
            let firstResult = counted(Result { () throws(SRTPError) in try finishUnprotect(a, first, authentic: verify(a, first)) })
            return (firstResult, counted(Result { () throws(SRTPError) in try unprotectRTPCore(second) }))
        }
        guard a.transform === b.transform else {
            let firstResult = counted(Result { () throws(SRTPError) in try finishUnprotect(a, first, authentic: verify(a, first)) })
            return (firstResult, counted(Result { () throws(SRTPError) in try unprotectRTPCore(second) }))
        }
        let tagLength = profile.srtpTagLength
        let (firstAuthentic, secondAuthentic) = withUnsafeTemporaryAllocation(byteCount: 64, alignment: 16) { expected in
            withUnsafeBytes(of: a.rolloverCounter.bigEndian) { firstROC in
                withUnsafeBytes(of: b.rolloverCounter.bigEndian) { secondROC in
                    a.transform.authenticate(UnsafeRawBufferPointer(rebasing: first[0..<a.end]), suffix: firstROC,
                                             tag: UnsafeMutableRawBufferPointer(rebasing: expected[0..<tagLength]),
                                             UnsafeRawBufferPointer(rebasing: second[0..<b.end]), suffix: secondROC,
                                             tag: UnsafeMutableRawBufferPointer(rebasing: expected[32..<(32 + tagLength)]))
                }
            }
            let firstTag = a.end + mkiLength, secondTag = b.end + mkiLength
            // Compared in constant time: every byte, differences ORed together.
            var firstDifference: UInt8 = 0, secondDifference: UInt8 = 0
            for i in 0..<tagLength {
                firstDifference |= expected[i] ^ first[firstTag + i]
                secondDifference |= expected[32 + i] ^ second[secondTag + i]
            }
            return (firstDifference == 0, secondDifference == 0)
        }
        let firstResult = counted(Result { () throws(SRTPError) in try finishUnprotect(a, first, authentic: firstAuthentic) })
        if case .failure = firstResult {
            // The second was prepared on the first's acceptance, which did not happen.
            return (firstResult, counted(Result { () throws(SRTPError) in try unprotectRTPCore(second) }))
        }
        return (firstResult, counted(Result { () throws(SRTPError) in try finishUnprotect(b, second, authentic: secondAuthentic) }))
    }
}
