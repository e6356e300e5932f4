/// A family of test problems declared in one `Problems/*.toml` file.
///
/// To add a family to the suite: write one type conforming to this protocol (in its own
/// file), add it to ``FamilyRegistry/standard``, and declare instances in a new
/// `Problems/<family>.toml`. The conformance tests then check every instance.
///
/// A family can also live in another package, without editing this one: declare its
/// instances in a TOML file of your own and read it with
/// `Catalogue(directory: yourProblems, families: FamilyRegistry.standard + [YourFamily.self])`
/// (see `Examples/RidgeRegression`).
public protocol ProblemFamily: Sendable {
    /// The identifier written as `family = "..."` in the problem file.
    static var identifier: String { get }
    /// One line for `problemsuite list --families`.
    static var summary: String { get }
    /// The keys an `[[instance]]` table (or `[defaults]`) may hold, besides `name`,
    /// `aliases` and `settings`.
    static var instanceKeys: [String] { get }
    /// Validates one declared instance and returns its catalogue entry. Must not do
    /// expensive work (that belongs in the entry's loader).
    /// - Throws: `ProblemSuiteError/invalidParameter(file:context:key:value:reason:)`.
    static func entry(for declaration: InstanceDeclaration) throws -> ProblemEntry
}

/// One `[[instance]]` of a problem file, with the family's `[defaults]` and
/// `[settings]` already merged in.
public struct InstanceDeclaration: Sendable {
    public var name: String
    public var aliases: [String]
    /// The instance's own keys (family-specific), with defaults applied.
    public var parameters: ParameterTable
    /// Solver settings: family `[settings]` with `[instance.settings]` on top.
    public var settings: SolverSettings
    /// The problem file's path.
    public var file: String

    public init(name: String, aliases: [String] = [], parameters: ParameterTable,
                settings: SolverSettings = SolverSettings(), file: String) {
        self.name = name
        self.aliases = aliases
        self.parameters = parameters
        self.settings = settings
        self.file = file
    }
}

/// Where a loader finds data and caches.
public struct LoadContext: Sendable {
    /// The data directory (real data sets), if one was resolved.
    public var dataDirectory: String?
    /// Where derived artefacts (dictionaries, ...) are cached.
    public var cacheDirectory: String?
    /// What ``ProblemEntry/loadVerified(_:)`` does with a data file whose checksum is not
    /// the manifest's: `.verify` (default) refuses it; `.allowMismatch` loads it anyway.
    public var checksums: ChecksumPolicy = .verify
    /// The most threads the kernels use while a problem is loaded and solved under this
    /// context; `nil` (default) leaves ``Parallel/defaultThreads`` (all cores, or
    /// `PROBLEMSUITE_THREADS`). ``ProblemEntry/loadVerified(_:)`` and ``Catalogue/load(_:context:)``
    /// apply it while loading; whoever evaluates the problem applies it around the
    /// evaluations with ``Parallel/withThreads(_:_:)`` (the harness's `Runner` does, with
    /// 1 per task when it runs tasks in parallel). Results are the same bits whatever it is.
    public var threads: Int?
    public init(dataDirectory: String? = nil, cacheDirectory: String? = nil, checksums: ChecksumPolicy = .verify,
                threads: Int? = nil) {
        self.dataDirectory = dataDirectory
        self.cacheDirectory = cacheDirectory
        self.checksums = checksums
        self.threads = threads
    }
}

/// A catalogue entry: what is known without loading, and how to load.
public struct ProblemEntry: Sendable {
    /// Declared metadata (name, family, sizes, classification, settings).
    public var metadata: ProblemMetadata
    /// The problem file that declared it.
    public var sourceFile: String
    /// Data files the problem needs, relative to the data directory (empty for generated problems).
    public var requiredFiles: [String]
    /// Builds the problem. Generated problems ignore the context.
    public var load: @Sendable (LoadContext) throws -> any SmoothProblem
    /// The declaration the catalogue validated into this entry, and its family: what
    /// ``withParameters(_:)`` re-validates with other sizes. Set by the catalogue; nil for
    /// an entry made by hand.
    public var declaration: InstanceDeclaration?
    public var family: (any ProblemFamily.Type)?
    /// The parameters given at load time (`A1[n=8192]`), empty for an instance as declared.
    public var loadTimeParameters: [String: ParameterValue] = [:]

    public init(metadata: ProblemMetadata, sourceFile: String, requiredFiles: [String] = [],
                load: @escaping @Sendable (LoadContext) throws -> any SmoothProblem) {
        self.metadata = metadata
        self.sourceFile = sourceFile
        self.requiredFiles = requiredFiles
        self.load = load
    }

    public var name: String { metadata.name }

    /// Verifies the data files (``DataIntegrity/digests(of:context:)``: manifest sha256,
    /// cached by size and modification time), then loads. What callers that compute
    /// anything from real data should use instead of ``load``.
    /// - Returns: the problem and the sha256 of each data file (relative path → digest;
    ///   empty for generated problems), for provenance.
    /// - Throws: `ProblemSuiteError/missingData(problem:file:hint:)`,
    ///   `ProblemSuiteError/dataMismatch(file:reason:)` (unless `context.checksums` is
    ///   `.allowMismatch`), or the loader's errors.
    public func loadVerified(_ context: LoadContext) throws -> (problem: any SmoothProblem, digests: [String: String]) {
        let digests = try DataIntegrity.digests(of: self, context: context)
        return (try Parallel.withThreads(context.threads) { try load(context) }, digests)
    }
}
