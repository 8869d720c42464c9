import Foundation
import Testing
@testable import SpecTrace

/// Facts about the committed catalogs in `Specs/`, counted by hand from the RFC texts, and
/// the check that they are what the extractor makes of `../shared/specs` today.
@Suite struct CommittedCatalogTests {
    static let catalogs: [Int: Catalog] = {
        let loaded = (try? CatalogFile.loadAll(in: Fixtures.packageRoot + "/Specs")) ?? []
        return Dictionary(uniqueKeysWithValues: loaded.map { ($0.rfc, $0) })
    }()

    private func section(_ rfc: Int, _ section: String) throws -> [Requirement] {
        try #require(Self.catalogs[rfc]).requirements.filter { $0.section == section }
    }

    /// RFC 8489 §14.7: "MAY be present" and "MUST be the last attribute"; the lower-case
    /// "must be correct" and "must be present" are not keywords.
    @Test func rfc8489Section14_7() throws {
        let requirements = try section(8489, "14.7")
        #expect(requirements.map(\.id) == ["RFC8489-14.7-1", "RFC8489-14.7-2"])
        #expect(requirements.map(\.level) == [.may, .must])
        #expect(requirements[0].text == "The FINGERPRINT attribute MAY be present in all STUN messages.")
        #expect(requirements[1].text == "When present, the FINGERPRINT attribute MUST be the last attribute in the message and thus will appear after MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256.")
        #expect(requirements.allSatisfy { $0.sectionTitle == "FINGERPRINT" })
    }

    /// RFC 5764 §4.1.2: two SHOULDs, the second after a page break's worth of profile tables.
    @Test func rfc5764Section4_1_2() throws {
        let requirements = try section(5764, "4.1.2")
        #expect(requirements.map(\.level) == [.should, .should])
        #expect(requirements[0].text.hasPrefix("Applications using DTLS-SRTP SHOULD coordinate the SRTP Protection Profiles"))
        #expect(requirements[1].text == "In particular, identical ciphers SHOULD be used.")
    }

    /// RFC 8831 §6.1 (Markdown source): eight requirements, five of them in a list.
    @Test func rfc8831Section6_1() throws {
        let requirements = try section(8831, "6.1")
        #expect(requirements.map(\.level) == [.must, .must, .must, .must, .may, .must, .must, .should])
        #expect(requirements[0].text == "The DTLS encapsulation of SCTP packets as described in [RFC8261] MUST be used.")
        #expect(requirements[4].text == "Other features of [RFC5061] are OPTIONAL.")
    }

    /// Terminology sections hold the boilerplate only; appendices are numbered by letter.
    @Test func boilerplateAndAppendices() throws {
        #expect(try section(8489, "3").isEmpty)
        #expect(try section(8831, "2").isEmpty)
        #expect(try #require(Self.catalogs[9260]).sections.contains { $0.number == "A" && $0.title == "CRC32c Checksum Calculation" })
        #expect(try #require(Self.catalogs[3550]).sections.contains { $0.number == "A.1" })
    }

    @Test func everyCatalogIsWellFormed() throws {
        #expect(Self.catalogs.count >= 64)
        for catalog in Self.catalogs.values {
            var seen: Set<String> = []
            for requirement in catalog.requirements {
                let id = try #require(RequirementID(requirement.id))
                #expect(id.rfc == catalog.rfc && id.section == requirement.section)
                #expect(seen.insert(requirement.id).inserted, "duplicate \(requirement.id)")
                #expect(!BCP14.keywords(in: requirement.text).isEmpty)
            }
            #expect(catalog.sourceSHA256.count == 64)
        }
    }

    /// Re-extracting the RFC texts gives the committed catalogs byte for byte (deterministic,
    /// and nobody edited a catalog by hand). Needs the texts in ../shared/specs.
    @Test(.enabled(if: Fixtures.sharedSpecs != nil, "the RFC texts (../shared/specs) are not on this machine"))
    func committedCatalogsMatchTheRFCTexts() throws {
        let specs = try #require(Fixtures.sharedSpecs)
        for source in try RFCSourceFile.discover(in: specs) {
            let extracted = CatalogFile.encode(try source.extract(from: specs))
            let committed = try String(contentsOfFile: Fixtures.packageRoot + "/Specs/" + Catalog.fileName(rfc: source.rfc),
                                       encoding: .utf8)
            #expect(extracted == committed, "Specs/\(Catalog.fileName(rfc: source.rfc)) is not what the extractor makes of \(source.relativePath)")
        }
    }
}
