import Testing
@testable import SpecTrace

@Suite struct BCP14Tests {
    @Test func keywordsInOrderLongestFirst() {
        #expect(BCP14.keywords(in: "It MUST NOT fail and MAY retry; it SHOULD NOT wait.") == ["MUST NOT", "MAY", "SHOULD NOT"])
        #expect(BCP14.keywords(in: "This is NOT RECOMMENDED but OPTIONAL.") == ["NOT RECOMMENDED", "OPTIONAL"])
        #expect(BCP14.level(of: ["MAY", "SHOULD", "MUST"]) == .must)
        #expect(BCP14.level(of: ["OPTIONAL"]) == .may)
        #expect(BCP14.level(of: []) == nil)
    }

    @Test func lowerCaseQuotedAndEmbeddedWordsAreNotKeywords() {
        #expect(BCP14.keywords(in: "An agent must do this and may do that.").isEmpty)
        #expect(BCP14.keywords(in: "The \"MUST\" keyword is named, not used.").isEmpty)
        #expect(BCP14.keywords(in: "MAY-BE and REQUIRED_FIELD are tokens.").isEmpty)
        #expect(BCP14.keywords(in: "A \"long quoted sentence that MUST count as use\" is still a use.") == ["MUST"])
    }

    @Test func boilerplateIsRecognised() {
        #expect(BCP14.isBoilerplate("The key words \"MUST\", \"MUST NOT\" in this document are to be interpreted as described in BCP 14."))
        #expect(BCP14.isBoilerplate("The keywords MUST, MUST NOT, when they appear in this document, are to be interpreted as described in [RFC2119]."))
        #expect(!BCP14.isBoilerplate("A sender MUST send."))
    }

    @Test func sentenceSplitting() {
        #expect(SentenceSplitter.sentences("One MUST go.  Two, e.g., this. (Three.) \"Four\" too.") ==
                ["One MUST go.", "Two, e.g., this.", "(Three.)", "\"Four\" too."])
        #expect(SentenceSplitter.sentences("Version 1.2. Next et al. stays. Done") == ["Version 1.2.", "Next et al. stays.", "Done"])
    }
}
