import Testing
@testable import SpecTrace

@Suite struct MarkdownRFCReaderTests {
    static let markdown = """
    # RFC 9998 {#rfcnum}

    # A Markdown Test {#title}

    ## [Status of This Memo](#name-status){.section-name .selfRef} {#name-status}

    Nothing here MUST count.[¶](#section-boilerplate.1-1){.pilcrow}

    ::: {#section-1 .section}
    ## [1.](#section-1){.section-number .selfRef} [Conventions](#name-conventions){.section-name .selfRef} {#name-conventions}

    The key words \\"[MUST]{.bcp14}\\", \\"[MUST NOT]{.bcp14}\\" in this document are to be
    interpreted as described in BCP 14 \\[[RFC2119](#RFC2119){.xref}\\] when, and only when, they
    appear in all capitals, as shown here.[¶](#section-1-1){.pilcrow}

    The DTLS encapsulation described in
    \\[[RFC8261](#RFC8261){.xref}\\] [MUST]{.bcp14} be
    used.[¶](#section-1-2){.pilcrow}

    -   [The stream reconfiguration extension [MUST]{.bcp14} be supported. Other
        features are [OPTIONAL]{.bcp14}.[¶](#section-1-3.1){.pilcrow}]{#section-1-3.1}
    -   [Interleaving [SHOULD]{.bcp14} be
        used.[¶](#section-1-3.2){.pilcrow}]{#section-1-3.2}

    ::: {#fig-1 .artwork .art-text}
        | MUST | in a figure |
    :::

      -------- -----------------------------------------------
      Others   Reserved; [MUST]{.bcp14} be dropped
      -------- -----------------------------------------------

      : [Table 3](#table-3){.selfRef}
    :::

    ### [1.1.](#section-1.1){.section-number .selfRef} [Pandoc \\"Escapes\\"](#name-esc){.section-name .selfRef} {#name-esc}

    A client \\-- or a server \\-- [MAY]{.bcp14} use \\<rel-addr>.[¶](#section-1.1-1){.pilcrow}

    ## [Appendix A.](#appendix-A){.section-number .selfRef} [CRC32c](#name-crc){.section-name .selfRef} {#name-crc}

    The checksum [MUST]{.bcp14} be computed.[¶](#appendix-A-1){.pilcrow}

    ## [Acknowledgements](#name-ack){.section-name .selfRef} {#name-ack}

    Thanks [MUST NOT]{.bcp14} count.
    """

    @Test func readsHeadingsMarkupListsAndTables() {
        let catalog = RFCSourceFile.extract(bytes: Array(Self.markdown.utf8), rfc: 9998, format: .markdown, source: "x.md")
        #expect(catalog.title == "A Markdown Test")
        #expect(catalog.sections.map(\.number) == ["1", "1.1", "A"])
        #expect(catalog.sections[1].title == "Pandoc \"Escapes\"")
        let texts = catalog.requirements.map { "\($0.id) \($0.level.rawValue): \($0.text)" }
        #expect(texts == [
            "RFC9998-1-1 MUST: The DTLS encapsulation described in [RFC8261] MUST be used.",
            "RFC9998-1-2 MUST: The stream reconfiguration extension MUST be supported.",
            "RFC9998-1-3 MAY: Other features are OPTIONAL.",
            "RFC9998-1-4 SHOULD: Interleaving SHOULD be used.",
            "RFC9998-1-5 MUST: Others Reserved; MUST be dropped",
            "RFC9998-1.1-1 MAY: A client -- or a server -- MAY use <rel-addr>.",
            "RFC9998-A-1 MUST: The checksum MUST be computed.",
        ])
    }

    @Test func stripsLinksSpansAndEscapes() {
        #expect(MarkdownRFCReader.stripMarkup("\\[[RFC8261](#RFC8261){.xref}\\] [MUST]{.bcp14}") == "[RFC8261] MUST")
        #expect(MarkdownRFCReader.stripMarkup("see [Section 5.1](https://x/#s){.relref}.[¶](#s-1){.pilcrow}") == "see Section 5.1.")
        #expect(MarkdownRFCReader.stripMarkup("a [b] c") == "a [b] c")
    }
}
