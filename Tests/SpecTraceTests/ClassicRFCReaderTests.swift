import Testing
@testable import SpecTrace

@Suite struct ClassicRFCReaderTests {
    let catalog = RFCSourceFile.extract(bytes: Array(Fixtures.classicRFC.utf8), rfc: 9999,
                                        format: .classicText, source: "rfc9999.txt")

    @Test func findsSectionsAndAppendicesButNotTheTableOfContents() {
        let document = ClassicRFCReader.read(Fixtures.classicRFC, number: 9999)
        #expect(document.sections.map(\.number) == ["1", "2", "2.1", "A", "A.1"])
        #expect(document.sections.map(\.title) == ["Introduction", "Rules", "Details", "Vectors", "More"])
        #expect(document.title == "A Protocol for Testing Extractors")
    }

    @Test func extractsExactlyTheCapitalisedKeywordSentences() {
        let texts = catalog.requirements.map { "\($0.id) \($0.level.rawValue): \($0.text)" }
        #expect(texts == [
            "RFC9999-2-1 MUST: A sender MUST set the MESSAGE-INTEGRITY attribute.",
            "RFC9999-2-2 SHOULD: A receiver SHOULD check it, e.g., before the FINGERPRINT.",
            "RFC9999-2-3 MAY: This sentence continues across the page break and MAY be joined.",
            "RFC9999-2-4 SHOULD: The first item is NOT RECOMMENDED.",
            "RFC9999-2-5 MUST: The second item SHALL NOT trail.",
            "RFC9999-2.1-1 MAY: Details are OPTIONAL.",
            "RFC9999-A-1 MUST: Vectors MUST match.",
            "RFC9999-A.1-1 SHOULD: More vectors SHOULD match.",
        ])
    }

    @Test func boilerplateAbstractFiguresAndBackMatterAreNotRequirements() {
        let all = catalog.requirements.map(\.text).joined(separator: " ")
        #expect(!all.contains("key words"))
        #expect(!all.contains("mistaken"))       // abstract, before section 1
        #expect(!all.contains("Thanks"))         // acknowledgements
        #expect(!all.contains("|"))              // the figure
        #expect(!all.contains("lower case"))
        #expect(catalog.sections.count == 5)
    }

    @Test func pageHeadersAndFootersAreRecognised() {
        #expect(ClassicRFCReader.isFooter("Petit-Huguenin, et al.       Standards Track                   [Page 41]"))
        #expect(!ClassicRFCReader.isFooter("   see [Page 41]"))
        #expect(ClassicRFCReader.isHeader("RFC 8489                          STUN                     February 2020", number: 8489))
    }

    @Test func headingForms() {
        #expect(ClassicRFCReader.parseHeading("14.7.  FINGERPRINT")! == ("14.7", "FINGERPRINT"))
        #expect(ClassicRFCReader.parseHeading("5.1 RTP Fixed Header Fields")! == ("5.1", "RTP Fixed Header Fields"))
        #expect(ClassicRFCReader.parseHeading("Appendix B.  Test Vectors")! == ("B", "Test Vectors"))
        #expect(ClassicRFCReader.parseHeading("B.2.  AES-CM Test Vectors")! == ("B.2", "AES-CM Test Vectors"))
        #expect(ClassicRFCReader.parseHeading("A new paragraph at the margin") == nil)
        #expect(ClassicRFCReader.parseHeading("1.  Introduction ........ 4") == nil)
    }

    @Test func extractionIsDeterministic() {
        let again = RFCSourceFile.extract(bytes: Array(Fixtures.classicRFC.utf8), rfc: 9999,
                                          format: .classicText, source: "rfc9999.txt")
        #expect(CatalogFile.encode(again) == CatalogFile.encode(catalog))
    }
}
