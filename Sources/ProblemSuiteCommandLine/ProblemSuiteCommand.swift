import ArgumentParser
import Harness
import ProblemSuite
import Solvers

/// The `problemsuite` command: every subcommand, with the families and solvers of
/// ``CommandLineConfiguration``.
public struct ProblemSuiteCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "problemsuite",
        abstract: "A benchmark problem suite for pruning-aware optimisation.",
        discussion: """
        Problems are declared in Problems/*.toml (--problems-dir, else $PROBLEMSUITE_PROBLEMS, \
        else ./Problems, else the problem files shipped with the binary); real data sets are \
        read from the data directory (--data-dir, else $PROBLEMSUITE_DATA, else ./data or \
        ../shared/data).
        """,
        version: SuiteVersion.versionLine,
        groupedSubcommands: [
            CommandGroup(name: "Problems", subcommands: [ListCommand.self, ShowCommand.self, EvalCommand.self,
                                                         CheckGradientCommand.self, ExportCommand.self, SolveCommand.self,
                                                         OracleCommand.self]),
            CommandGroup(name: "Experiments", subcommands: [ReproduceCommand.self, RunCommand.self, ReportCommand.self,
                                                            CheckCommand.self, MergeCommand.self, PictureCommand.self,
                                                            ProfileCommand.self, StudyCommand.self]),
            CommandGroup(name: "Data", subcommands: [DataCommand.self, KSVDCommand.self]),
            CommandGroup(name: "Development", subcommands: [BenchCommand.self]),
        ]
    )

    public init() {}
}

/// The entry point of `problemsuite`, and of a tool of your own that adds families and
/// solvers to it: every subcommand, with yours listed and usable beside the built-in ones.
///
/// ```swift
/// import ProblemSuiteCommandLine
/// @main struct MyTool {
///     static func main() {
///         ProblemSuiteCLI.main(families: FamilyRegistry.standard + [RidgeFamily.self],
///                              solvers: try! SolverRegistry.standard.adding(gradientDescent))
///     }
/// }
/// ```
public enum ProblemSuiteCLI {
    /// Installs the families and solvers (``CommandLineConfiguration/install(families:solvers:)``),
    /// with the external solvers declared in `solvers/*.toml` of the problems directory and in
    /// `$PROBLEMSUITE_SOLVERS` after them (`docs/oracle-protocol.md`),
    /// then parses `arguments` (default: the process's) and runs the command; exits with
    /// its status. Call it once, from `main`.
    public static func main(families: [any ProblemFamily.Type] = FamilyRegistry.standard,
                            solvers: SolverRegistry = .standard, arguments: [String]? = nil) -> Never {
        do {
            let withExternal = try ExternalSolverLoading.registry(
                adding: solvers, arguments: arguments ?? Array(CommandLine.arguments.dropFirst()))
            try CommandLineConfiguration.install(families: families, solvers: withExternal)
        } catch {
            ProblemSuiteCommand.exit(withError: error)
        }
        ProblemSuiteCommand.main(arguments)
        ProblemSuiteCommand.exit()
    }
}
