// This directory is also a SwiftPM target (`ProblemSuiteProblemFiles` in Package.swift):
// its `*.toml` files and `experiments/` ship as the target's resources, so that a built
// `problemsuite`, or a package that depends on this one, finds them without the source
// checkout. Catalogue and experiment readers ignore this file (they read `*.toml`).
import Foundation

/// The problem files shipped with the suite.
public enum ProblemFiles {
    /// The directory holding the shipped problem files (the family `*.toml` files and
    /// `experiments/`): the resource bundle's resource directory.
    public static var directory: String {
        (Bundle.module.resourceURL ?? Bundle.module.bundleURL).path
    }
}
