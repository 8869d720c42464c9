import DTLS
import RTCCrypto

/// A fixed generator: the fuzzer's input drives everything else.
struct Counter: RandomNumberGenerator {
    var state: UInt64 = 1
    mutating func next() -> UInt64 { state &+= 0x9e37_79b9_7f4a_7c15; return state }
}

let identity: (key: [UInt8], certificate: X509Certificate) = {
    let key = [UInt8](repeating: 0x42, count: 32)
    return (key, try! X509Certificate.selfSigned(privateKey: key, serialNumber: [1], notBefore: 1_700_000_000, notAfter: 1_900_000_000))
}()

/// libFuzzer entry: the bytes as a datagram of records, as handshake fragments and hello
/// messages, and as a sequence of datagrams fed to a client and a server mid-handshake.
/// Everything throws or is dropped; nothing crashes, hangs or grows without bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDTLS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let (records, _) = DTLSRecord.parseDatagram(bytes)
    for record in records { precondition(DTLSRecord.parseDatagram(record.encoded).records == [record], "record round trip") }
    _ = try? DTLSHandshakeFragment.parse(bytes)
    _ = try? DTLSClientHello(parsing: bytes)
    _ = try? DTLSServerHello(parsing: bytes)
    _ = try? DTLSServerKeyExchange(parsing: bytes)
    _ = try? DTLSCertificateMessage(parsing: bytes)
    _ = try? DTLSCertificateRequest(parsing: bytes)

    // State machines: split the input into datagrams at 0xff bytes and feed both roles.
    for role in [DTLSConfiguration.Role.client, .server] {
        var configuration = DTLSConfiguration(role: role, certificate: identity.certificate, privateKey: identity.key, remoteFingerprints: [])
        configuration.requireCookie = bytes.first.map { $0 & 1 == 0 } ?? true
        configuration.requireClientCertificate = bytes.first.map { $0 & 2 == 0 } ?? true
        var connection = DTLSConnection(configuration: configuration, random: Counter())
        connection.start(now: .zero)
        var now = Duration.zero
        for datagram in bytes.split(separator: 0xff, omittingEmptySubsequences: true).prefix(64) {
            connection.receive(Array(datagram), now: now)
            now += .milliseconds(300)
            connection.handleTimeout(now: now)
            while connection.pollDatagram() != nil {}
            while connection.pollEvent() != nil {}
        }
    }
    return 0
}
