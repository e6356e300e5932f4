import XCTest
import Foundation
@testable import ProblemSuite

/// Classification strings, selection by properties, and sizes on demand.
final class SelectionTests: XCTestCase {
    func testClassificationStringsRoundTripAndDescribeEachFamily() throws {
        let c = try Catalogue.standard(strict: true)
        for e in c.entries {
            let fields = try ProblemClassification.parse(e.metadata.classification)
            XCTAssertEqual(fields.description, e.metadata.classification)
            XCTAssertEqual(fields.variables, e.metadata.dimension, e.name)
            XCTAssertEqual(fields.constraints, "U")
            XCTAssertEqual(fields.derivatives, 1, "the oracle gives gradients")
        }
        XCTAssertEqual(try c.entry(named: "A1").metadata.classification, "SUR1-AN-1024-0")
        XCTAssertEqual(try c.entry(named: "A9A").metadata.classificationFields?.objective, "O")
        XCTAssertEqual(try c.entry(named: "A9A").metadata.classificationFields?.origin, "R")
        // S2MPJ's own form, with its prefix, reads the same.
        XCTAssertEqual(try ProblemClassification.parse("S-CSUR1-AN-128-0").description, "SUR1-AN-128-0")
        XCTAssertNil(try ProblemClassification.parse("SUR2-AN-V-V").variables)
    }

    func testMalformedClassificationsAreRefusedNamingTheField() {
        for (text, field) in [("SUR1-AN-12", "four fields"), ("ZUR1-AN-1-0", "objective 'Z'"), ("SUR3-AN-1-0", "derivatives '3'"),
                              ("SUR1-QN-1-0", "origin 'Q'"), ("SUR1-AN--1-0", "four fields"), ("SUR1-AN-x-0", "n 'x'")] {
            XCTAssertThrowsError(try ProblemClassification.parse(text), text) { error in
                XCTAssert("\(error)".contains(field), "\(text): \(error)")
            }
        }
    }

    func testSelectionByProperties() throws {
        let c = try Catalogue.standard()
        let names = { (pairs: [String]) in try c.select(ProblemQuery(pairs: pairs), dataDirectory: nil).map(\.name) }
        let all = c.entries.map(\.name)
        XCTAssertEqual(try names([]), all)
        XCTAssertEqual(try names(["objective=O"]), c.entries.filter { $0.metadata.family == "classification" }.map(\.name))
        XCTAssertEqual(try names(["origin=A", "source=generated", "known_solution=true"]),
                       c.entries.filter { ["random-least-squares", "sparco"].contains($0.metadata.family) }.map(\.name))
        XCTAssertEqual(try names(["family=random-least-squares", "name=A[12]*"]), [])   // no bracket classes: literal
        XCTAssertEqual(try names(["family=random-least-squares", "name=A?", "min_n=1024", "max_n=1024", "max_m=256"]),
                       ["A1", "A2", "A3", "A4", "A5", "A6"])
        XCTAssertEqual(try names(["classification=O*-R*"]), try names(["objective=O", "origin=R"]))
        XCTAssertEqual(try names(["min_n=2048", "family=sparco"]),
                       c.entries.filter { $0.metadata.family == "sparco" && $0.metadata.dimension >= 2048 }.map(\.name))
        // Without a data directory no real data are present; generated problems always are.
        XCTAssertEqual(try names(["data_present=true"]), c.entries.filter { $0.requiredFiles.isEmpty }.map(\.name))
        XCTAssertEqual(try names(["data_present=false"]), c.entries.filter { !$0.requiredFiles.isEmpty }.map(\.name))
        // filter(...) is the same selection.
        XCTAssertEqual(c.filter(family: "sparco", maxDimension: 1024).map(\.name), try names(["family=sparco", "max_n=1024"]))
    }

    func testBadQueriesNameTheKey() {
        for (pairs, key) in [(["origin=Q"], "origin"), (["min_n=-1"], "min_n"), (["min_n=10", "max_n=5"], "max_n"),
                             (["objectiv=S"], "objectiv"), (["source=synthetic"], "source"), (["min_n=ten"], "min_n"),
                             (["derivatives=3"], "derivatives"), (["nokey"], "nokey")] {
            XCTAssertThrowsError(try ProblemQuery(pairs: pairs), "\(pairs)") { error in
                XCTAssert("\(error)".contains(key), "\(pairs): \(error)")
            }
        }
        XCTAssertThrowsError(try ProblemQuery(pairs: ["objectiv=S"])) { XCTAssert("\($0)".contains("did you mean 'objective'"), "\($0)") }
    }

    func testSizesOnDemand() throws {
        let c = try Catalogue.standard()
        let e = try c.entry(named: "a1[n=512,m=128]")
        XCTAssertEqual(e.name, "A1[m=128,n=512]")
        XCTAssertEqual(e.metadata.dimension, 512)
        XCTAssertEqual(e.metadata.rows, 128)
        XCTAssertEqual(e.metadata.parameters["n"], .int(512))
        XCTAssertEqual(e.metadata.parameters["ensemble"], .string("gaussian"))
        XCTAssertEqual(e.metadata.classification, "SUR1-AN-512-0")
        XCTAssertEqual(e.loadTimeParameters, ["n": .int(512), "m": .int(128)])
        let p = try c.load("A1[n=512,m=128]")
        XCTAssertEqual(p.dimension, 512)
        XCTAssertEqual(p.name, "A1[m=128,n=512]")
        // The same sizes give the same problem, bit for bit; the declared instance differs.
        let q = try c.entry(named: "A1[m=128,n=512]").load(LoadContext())
        let x = p.startingPoint(run: 0)
        XCTAssertEqual(p.gradient(at: x), q.gradient(at: x))
        // The API form is the same entry.
        XCTAssertEqual(try c.entry(named: "A1").withParameters(["n": .int(512), "m": .int(128)]).metadata, e.metadata)
        // Unchanged by an empty table.
        XCTAssertEqual(try c.entry(named: "A1").withParameters([:]).name, "A1")
    }

    func testSizesOnDemandAreValidatedLikeTheFile() throws {
        let c = try Catalogue.standard()
        let cases: [(String, String)] = [
            ("A1[m=2048]", "key 'm'"),                       // m < n fails: the family's own message
            ("A1[n=99999999999]", "key 'n'"),                // beyond the size limit
            ("A6[n=1000]", "power of two"),                  // partial-dct needs 2^k
            ("A1[n=0]", "key 'n'"),
            ("A1[size=5]", "did you mean"),                  // unknown key, with the closest
            ("A1[n=8,n=9]", "given twice"),
            ("A1[n]", "not key=value"),
            ("A1[n=8", "one ']' at the end"),
            ("A1]", "']' without '['"),
            ("NOPE[n=8]", "NOPE"),
        ]
        for (name, expected) in cases {
            XCTAssertThrowsError(try c.entry(named: name), name) { error in
                XCTAssert("\(error)".contains(expected), "\(name): \(error)")
            }
        }
        // The message names the problem file, as a bad declaration's does.
        XCTAssertThrowsError(try c.entry(named: "A1[m=2048]")) { XCTAssert("\($0)".contains("random_least_squares.toml"), "\($0)") }
    }
}
