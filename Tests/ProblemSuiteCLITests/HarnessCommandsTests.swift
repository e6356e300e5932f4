import Foundation
import XCTest

final class HarnessCommandsTests: XCTestCase {
    func temporaryDirectory() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("cli-harness-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    /// The CI-sized paper experiments run end to end, report, and match the committed reference.
    func testReproduceQuickRandomLeastSquaresAndSparcoThenCheck() throws {
        let out = temporaryDirectory()
        let r = try runCLI(["reproduce", "random-least-squares", "sparco", "--quick", "--jobs", "2", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("== random-least-squares") && r.stdout.contains("== sparco"), r.stdout)
        XCTAssert(r.stdout.contains("84 runs done"), r.stdout)   // 6 problems × 7 solvers × 2 runs
        XCTAssert(r.stdout.contains("70 runs done"), r.stdout)   // 5 problems × 7 solvers × 2 runs
        // Experiments run in the order given; quick results go under OUT/quick.
        XCTAssertLessThan(r.stdout.range(of: "== random-least-squares")!.lowerBound, r.stdout.range(of: "== sparco")!.lowerBound)
        for e in ["random-least-squares", "sparco"] {
            let index = try String(contentsOfFile: "\(out)/quick/\(e)/report/index.html", encoding: .utf8)
            XCTAssert(index.contains("<table>") && index.contains(".svg"), e)
            XCTAssert(index.contains("Protocol: quick") && index.contains("kmax: "), e)
        }
        let top = try String(contentsOfFile: "\(out)/quick/index.html", encoding: .utf8)
        XCTAssert(top.contains("sparco/report/index.html") && top.contains("random-least-squares/report/index.html"), top)
        XCTAssert(r.stdout.contains("report: \(out)/quick/index.html"), "prints where the report is: \(r.stdout)")
        XCTAssert(r.stdout.contains("== summary: 154 runs done"), r.stdout)
        let reference = productsDirectory().appendingPathComponent("../../../Data/reference/random_least_squares_quick.csv").standardizedFileURL.path
        let check = try runCLI(["check", "\(out)/quick/random-least-squares", "--reference", reference, "--rtol", "1e-9"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssert(check.stdout.contains("0 regressions"), check.stdout)
        // Against another experiment's results the check fails and names the missing cells.
        let wrong = try runCLI(["check", "\(out)/quick/sparco", "--reference", reference])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssert(wrong.stdout.contains("MISSING"), wrong.stdout)
    }

    func testRunResumesAndShardsMerge() throws {
        let out = temporaryDirectory()
        let args = ["run", "--problems", "A6", "--solvers", "adagrad", "fw1", "--runs", "2", "--kmax", "10", "--quiet"]
        let first = try runCLI(args + ["--out", out, "--shard", "1/2"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssert(first.stdout.contains("2 runs done, 0 already stored, 0 recomputed"), first.stdout)
        let second = try runCLI(args + ["--out", out, "--report"])
        XCTAssert(second.stdout.contains("2 runs done, 2 already stored, 0 recomputed"), second.stdout)
        XCTAssert(second.stdout.contains("report: \(out)/report/index.html"), second.stdout)
        let other = temporaryDirectory(), merged = temporaryDirectory()
        _ = try runCLI(args + ["--out", other, "--shard", "2/2"])
        let m = try runCLI(["merge", out, other, "--out", merged])
        XCTAssert(m.stdout.contains("merged 4 results"), m.stdout)
        XCTAssertEqual(try runCLI(["report", merged]).status, 0)
        // Another kmax into the same directory: every stored result is recomputed, and said so.
        let third = try runCLI(["run", "--problems", "A6", "--solvers", "adagrad", "fw1", "--runs", "2", "--kmax", "12", "--quiet", "--out", out])
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssert(third.stdout.contains("4 runs done, 0 already stored, 4 recomputed"), third.stdout)
        XCTAssert(third.stderr.contains("kmax 10 → 12"), third.stderr)
        // The pruning measures at other levels, from the stored solutions.
        let p = try runCLI(["report", out, "--pruning", "5,15,95"])
        XCTAssertEqual(p.status, 0, p.stderr)
        let md = try String(contentsOfFile: out + "/report-pruning/tables.md", encoding: .utf8)
        XCTAssert(md.contains("p=5 ") && md.contains("p=95"), md)
        // merge of conflicting results fails naming both files, writes nothing.
        let conflict = temporaryDirectory()
        let c = try runCLI(["merge", out, other, "--out", conflict])
        XCTAssertEqual(c.status, 1, c.stdout + c.stderr)
        XCTAssert(c.stderr.contains("conflicting results") && c.stderr.contains(out) && c.stderr.contains(other), c.stderr)
        XCTAssertFalse(c.stderr.contains("USAGE"), c.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: conflict + "/results"))
        let missing = try runCLI(["merge", "/nonexistent-dir-\(UUID().uuidString)", "--out", temporaryDirectory()])
        XCTAssertEqual(missing.status, 1)
        XCTAssert(missing.stderr.contains("no such results directory"), missing.stderr)
    }

    /// Without any data set the main job runs what it can, skips the rest with a line
    /// each, and exits 0 with a summary.
    func testReproduceWithoutDataSkipsWhatCannotRunAndExitsZero() throws {
        let out = temporaryDirectory()
        let r = try runCLI(["reproduce", "relevant-vs-optimisable", "classification", "--quick", "--out", out, "--data-dir", out + "/no-data"],
                           environment: ["PROBLEMSUITE_DATA": ""])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssert(r.stdout.contains("skipped classification"), r.stdout)
        XCTAssert(r.stdout.contains("reged0.gz is missing"), r.stdout)
        XCTAssert(r.stdout.contains("== summary: 12 runs done") && r.stdout.contains("1 experiments skipped"), r.stdout)
        XCTAssertLessThan(r.stdout.range(of: "== relevant-vs-optimisable")!.lowerBound, r.stdout.range(of: "== classification")!.lowerBound)
        let top = try String(contentsOfFile: out + "/quick/index.html", encoding: .utf8)
        XCTAssert(top.contains("classification: ") && top.contains("skipped"), top)
        // Not a terminal: progress comes as plain lines on stderr.
        XCTAssert(r.stderr.contains("[12/12]"), r.stderr)
    }

    func testHostileHarnessOptionsAreClearErrors() throws {
        let out = temporaryDirectory()
        // Usage errors: exit 64 with the range in the message (negative values reach validate()).
        for (args, fragment) in [(["run", "--runs", "-1"], "--runs must lie in 1...100000, got -1"),
                                 (["run", "--runs", "1000000000000"], "--runs must lie"),
                                 (["run", "--kmax", "-5"], "--kmax must lie"),
                                 (["run", "--kmax", "100000000000000"], "--kmax must lie"),
                                 (["run", "--jobs", "-2"], "--jobs must lie"),
                                 (["run", "--out", ""], "--out must not be empty"),
                                 (["run", "--pruning", "nan"], "percentages"),
                                 (["reproduce", "--out", ""], "--out must not be empty"),
                                 (["reproduce", "bogus"], "known: classification, perturbed, random-least-squares, relevant-vs-optimisable, sparco, sparse-coding"),
                                 (["check", "x", "--reference", "y", "--rtol", "inf"], "--rtol")] {
            let r = try runCLI(args)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssert(r.stderr.contains(fragment), "\(args): \(r.stderr)")
        }
        // Runtime errors: exit 1, no usage text, found before any work.
        try "not a directory".write(toFile: out + "-file", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: out + "-file") }
        for (args, fragment) in [(["run", "--problems", "A1", "--runs", "1", "--kmax", "2", "--out", out + "-file"], "not a directory"),
                                 (["run", "--problems", "A1", "--runs", "1", "--kmax", "2", "--out", "/proc/forbidden"], "cannot create"),
                                 (["report", "/nonexistent-\(UUID().uuidString)"], "no such directory"),
                                 (["check", out, "--reference", "/nonexistent.csv"], "no such directory")] {
            let r = try runCLI(args)
            XCTAssertEqual(r.status, 1, "\(args): \(r.stdout) \(r.stderr)")
            XCTAssert(r.stderr.contains(fragment), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("USAGE"), "\(args): \(r.stderr)")
        }
        // An empty reference table vouches for nothing; cells it lacks fail without --allow-new.
        let results = temporaryDirectory()
        XCTAssertEqual(try runCLI(["run", "--problems", "A1", "--solvers", "adagrad", "--runs", "1", "--kmax", "3", "--quiet", "--out", results, "--report"]).status, 0)
        let empty = results + "/empty.csv"
        try "problem,family,solver,measure,level,mean,std,min,max,runs\n".write(toFile: empty, atomically: true, encoding: .utf8)
        let e = try runCLI(["check", results, "--reference", empty])
        XCTAssertEqual(e.status, 1)
        XCTAssert(e.stderr.contains("no rows"), e.stderr)
        let partial = results + "/partial.csv"
        let cells = try String(contentsOfFile: results + "/report/cells.csv", encoding: .utf8).split(separator: "\n")
        try (cells.dropLast(3).joined(separator: "\n") + "\n").write(toFile: partial, atomically: true, encoding: .utf8)
        let n = try runCLI(["check", results, "--reference", partial])
        XCTAssertEqual(n.status, 1, n.stdout)
        XCTAssert(n.stdout.contains("NEW") && n.stdout.contains("not in the reference"), n.stdout)
        XCTAssertEqual(try runCLI(["check", results, "--reference", partial, "--allow-new"]).status, 0)
    }

    func testExperimentNamesCannotEscapeTheOutputDirectoryOrCollide() throws {
        let problems = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: problems + "/experiments", withIntermediateDirectories: true)
        let root = productsDirectory().appendingPathComponent("../../../Problems").standardizedFileURL.path
        try FileManager.default.copyItem(atPath: root + "/random_least_squares.toml", toPath: problems + "/random_least_squares.toml")
        func experiment(_ file: String, _ name: String) throws {
            try "name = \"\(name)\"\nproblems = [\"A1\"]\nsolvers = [\"adagrad\"]\nruns = 1\n[settings]\nkmax = 2\n"
                .write(toFile: problems + "/experiments/" + file, atomically: true, encoding: .utf8)
        }
        let out = temporaryDirectory()
        for bad in ["../../x", "quick", ".hidden", "a/b"] {
            try experiment("bad.toml", bad)
            let r = try runCLI(["reproduce", "--problems-dir", problems, "--out", out])
            XCTAssertNotEqual(r.status, 0, bad)
            XCTAssert(r.stderr.contains("bad.toml") && r.stderr.contains("key 'name'"), "\(bad): \(r.stderr)")
        }
        try experiment("bad.toml", "same")
        try experiment("other.toml", "same")
        let r = try runCLI(["reproduce", "--problems-dir", problems, "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssert(r.stderr.contains("already the name of the experiment in"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/same"))
    }

    func testBadOptionsAreRejected() throws {
        for (args, fragment) in [(["run", "--jobs", "0"], "--jobs"), (["run", "--shard", "3/2"], "shard"),
                                 (["run", "--solvers", "adagrd"], "adagrad"), (["run", "--pruning", "120"], "pruning"),
                                 (["reproduce", "no-such-experiment"], "unknown experiment"),
                                 (["report", "/nonexistent-dir"], "no such directory")] {
            let r = try runCLI(args + ["--quiet"].filter { _ in args[0] != "report" })
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssert(r.stderr.contains(fragment), "\(args): \(r.stderr)")
        }
    }
}

final class HarnessJSONAndHelpTests: XCTestCase {
    func temporaryDirectory() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("cli-json-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    func object(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// run, report and check print one JSON object on stdout (their other lines go to stderr).
    func testRunReportAndCheckSpeakJSON() throws {
        let out = temporaryDirectory()
        let run = try runCLI(["run", "--problems", "A6", "--solvers", "adagrad", "fw1", "--runs", "2", "--kmax", "5", "--quiet",
                              "--out", out, "--report", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let r = try object(run.stdout)
        XCTAssertEqual(r["completed"] as? Int, 4)
        XCTAssertEqual(r["recomputed"] as? Int, 0)
        XCTAssertEqual((r["failed"] as? [Any])?.count, 0)
        XCTAssertEqual(r["report"] as? String, out + "/report/index.html")
        XCTAssert(run.stderr.contains("4 runs done"), run.stderr)
        let report = try object(try runCLI(["report", out, "--json"]).stdout)
        XCTAssertEqual(report["results"] as? Int, 4)
        let tables = try XCTUnwrap(report["tables"] as? [[String: Any]])
        XCTAssert(tables.contains { ($0["caption"] as? String)?.contains("eps_f") == true })
        let check = try runCLI(["check", out, "--reference", out + "/report/cells.csv", "--json"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let c = try object(check.stdout)
        XCTAssertEqual(c["passed"] as? Bool, true)
        XCTAssertEqual(c["regressions"] as? Int, 0)
        XCTAssertGreaterThan(c["compared"] as? Int ?? 0, 10)
    }

    func testHelpGroupsCommandsAndListsFixedValues() throws {
        let help = try runCLI(["--help"]).stdout
        for group in ["PROBLEMS SUBCOMMANDS", "EXPERIMENTS SUBCOMMANDS", "DATA SUBCOMMANDS", "DEVELOPMENT SUBCOMMANDS"] {
            XCTAssert(help.contains(group), help)
        }
        let ksvd = try runCLI(["ksvd", "--help"]).stdout
        XCTAssert(ksvd.contains("approximate") && ksvd.contains("exact"), ksvd)
        let bad = try runCLI(["ksvd", "--update", "sometimes"])
        XCTAssertEqual(bad.status, 64)
        XCTAssert(bad.stderr.contains("approximate") && bad.stderr.contains("exact"), bad.stderr)
        let picture = try runCLI(["picture", "MNISTSC0", "--solve", "magic"])
        XCTAssertEqual(picture.status, 64)
        XCTAssert(picture.stderr.contains("least-squares") && picture.stderr.contains("omp"), picture.stderr)
    }
}
