import Testing
import TerraceJSON
import TerracePipelines

/// Skills tagged from free text by a taxonomy of regular-expression aliases, as a record transform.
struct SkillTaxonomyTests {
    let taxonomy = try! SkillTaxonomy([
        ("PostgreSQL", ["postgres(ql)?", "psql"]),
        ("C++", [#"c\+\+"#, "cpp"]),
        ("Go", ["go(lang)?"]),
        ("Java", ["java"]),
        ("JavaScript", ["javascript", "js", #"node(\.js)?"#]),
    ])

    @Test func aliasesMatchWholeWordsWithoutRegardToCase() {
        #expect(taxonomy.terms(in: "Senior Golang engineer (Postgres, C++)") == ["PostgreSQL", "C++", "Go"])
        #expect(taxonomy.terms(in: "Going places with JavaScript") == ["JavaScript"], "go inside going is not Go; java inside javascript is not Java")
    }

    @Test func aTermIsListedOnceInTheTaxonomysOrder() {
        #expect(taxonomy.terms(in: "node.js and JS and Java, more java") == ["Java", "JavaScript"])
    }

    @Test func theTransformAddsTheTermsFoundInTheNamedFields() throws {
        let transform = taxonomy.transform(reading: ["title", "description"])
        let record: JSON = ["id": 7, "title": "Backend developer", "description": "We use psql and golang daily.", "salary": 100]
        let out = try #require(try transform(record))
        #expect(out["skills"] == ["PostgreSQL", "Go"])
        #expect(out["id"] == 7)
    }

    @Test func aMalformedAliasIsOneErrorNamingTheTermAndAlias() {
        #expect {
            _ = try SkillTaxonomy([("Rust", ["rust(", "rustlang"])])
        } throws: { error in
            "\(error)".contains("alias 'rust(' of Rust is not a regular expression")
        }
    }
}
