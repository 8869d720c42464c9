import SpecTrace

/// libFuzzer entry: any bytes, read as classic RFC text and as RFC Markdown, must give a
/// catalog (possibly empty) without crashing or hanging.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRFCText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for format in [RFCSourceFile.Format.classicText, .markdown] {
        let catalog = RFCSourceFile.extract(bytes: bytes, rfc: 9999, format: format, source: "fuzz")
        for requirement in catalog.requirements {
            precondition(RequirementID(requirement.id) != nil, "extractor produced a malformed ID \(requirement.id)")
        }
    }
    return 0
}
