import ArgumentParser
import Harness
import ProblemSuite

@main
struct ProblemSuiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "problemsuite",
        abstract: "A benchmark problem suite for pruning-aware optimisation.",
        discussion: """
        Problems are declared in Problems/*.toml (--problems-dir, else $PROBLEMSUITE_PROBLEMS, \
        else ./Problems, else the problem files shipped with the binary); real data sets are \
        read from the data directory (--data-dir, else $PROBLEMSUITE_DATA, else ./data or \
        ../shared/data).
        """,
        version: SuiteVersion.versionLine,
        subcommands: [ListCommand.self, ShowCommand.self, EvalCommand.self, CheckGradientCommand.self,
                      ExportCommand.self, SolveCommand.self,
                      RunCommand.self, ReproduceCommand.self, ReportCommand.self, CheckCommand.self, MergeCommand.self,
                      BenchCommand.self, DataCommand.self,
                      KSVDCommand.self, PictureCommand.self]
    )
}
