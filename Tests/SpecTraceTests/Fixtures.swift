import Foundation

/// Paths and scratch trees for the traceability tests.
enum Fixtures {
    /// The package root (this file is Tests/SpecTraceTests/Fixtures.swift).
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The shared RFC texts next to the checkout (`../shared/specs`), or `SPECRTC_SHARED_SPECS`.
    static let sharedSpecs: String? = {
        let candidate = ProcessInfo.processInfo.environment["SPECRTC_SHARED_SPECS"]
            ?? URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared/specs").path
        return FileManager.default.fileExists(atPath: candidate + "/rfc8489.txt") ? candidate : nil
    }()

    /// A fresh empty directory.
    static func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "specrtc-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `files` (relative path → content) under `root`.
    static func write(_ files: [String: String], under root: String) throws {
        for (relative, content) in files {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try content.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// A small classic RFC text with the features the extractor must handle: a table of
    /// contents, the BCP 14 boilerplate, a paragraph cut by a page break, a figure, lower-case
    /// and quoted keywords, a hyphen at a line end, list items, an appendix and back matter.
    static let classicRFC = """





    Internet Engineering Task Force (IETF)                         A. Author
    Request for Comments: 9999                                   Example Inc.
    Category: Standards Track                                   January 2030
    ISSN: 2070-1721


                       A Protocol for Testing Extractors

    Abstract

       This document MUST NOT be mistaken for a real RFC.

    Table of Contents

       1.  Introduction ....................................................2
       2.  Rules ...........................................................2
       Appendix A.  Vectors ................................................3

    1.  Introduction

       The key words "MUST", "MUST NOT", "REQUIRED", "SHALL", "SHALL NOT",
       "SHOULD", "SHOULD NOT", "RECOMMENDED", "NOT RECOMMENDED", "MAY", and
       "OPTIONAL" in this document are to be interpreted as described in
       BCP 14 [RFC2119] [RFC8174] when, and only when, they appear in all
       capitals, as shown here.

       An implementation must do this in lower case, which is not a
       requirement.

    2.  Rules

       A sender MUST set the MESSAGE-
       INTEGRITY attribute.  A receiver SHOULD check it, e.g., before the
       FINGERPRINT.  The "MAY" keyword is only named here.



    Author                       Standards Track                    [Page 1]
    \u{0C}
    RFC 9999                    Extractor Test                  January 2030


       This sentence continues across the page break and MAY be joined.

          +--------+
          |  MUST  |
          +--------+

       o  The first item is NOT RECOMMENDED.

       o  The second item SHALL NOT trail.

    2.1.  Details

       Details are OPTIONAL.

    Appendix A.  Vectors

       Vectors MUST match.

    A.1.  More

       More vectors SHOULD match.

    Acknowledgements

       Thanks MUST NOT count.

    Author's Address

       A. Author
    """
}
