import Wire

/// The first-byte classification lives in `Wire`, where protocol cores use it too; captures and
/// `explain` keep naming it from here.
public typealias PayloadKind = Wire.PayloadKind
