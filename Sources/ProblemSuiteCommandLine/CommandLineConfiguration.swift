@_exported import ProblemSuite
@_exported import Solvers
import Synchronization

/// The families and solvers the commands use: the suite's own unless a tool of its own
/// installed others (``ProblemSuiteCLI/main(families:solvers:arguments:)``).
///
/// ArgumentParser commands are static types, built by the parser: they cannot be handed
/// values. So the registries are one process-wide configuration, installed once at
/// startup, before the arguments are parsed (help texts and defaults read it), and never
/// changed while a command runs. Below the commands, nothing reads it: the catalogue,
/// the plan, the runner and the report take the registries as values.
public enum CommandLineConfiguration {
    private struct State: Sendable {
        var families: [any ProblemFamily.Type] = FamilyRegistry.standard
        var solvers: SolverRegistry = .standard
        var installed = false
    }
    private static let state = Mutex(State())

    /// Sets the families and solvers of every command. Once per process, before parsing.
    /// - Throws: ``ProblemSuiteError/invalidRequest(_:)`` when called a second time, or
    ///   when two families share an identifier.
    public static func install(families: [any ProblemFamily.Type], solvers: SolverRegistry) throws {
        try FamilyRegistry.validate(families)
        try state.withLock { s in
            guard !s.installed else {
                throw ProblemSuiteError.invalidRequest("the command-line configuration is installed once, at startup")
            }
            s = State(families: families, solvers: solvers, installed: true)
        }
    }

    /// The families the catalogue reads (default ``FamilyRegistry/standard``).
    public static var families: [any ProblemFamily.Type] { state.withLock { $0.families } }
    /// The solvers the commands know (default ``SolverRegistry/standard``).
    public static var solvers: SolverRegistry { state.withLock { $0.solvers } }
}
