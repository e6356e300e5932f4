// This directory is also a SwiftPM target (`ProblemSuiteDataManifest` in Package.swift):
// `datasets.toml` ships as the target's resource, so that a built `problemsuite`, or a
// package that depends on this one, finds the manifest without the source checkout.
// `reference/` is not shipped.
import Foundation

/// The data manifest shipped with the suite.
public enum DataManifestFile {
    /// The path of the shipped `datasets.toml`.
    public static var path: String {
        (Bundle.module.resourceURL ?? Bundle.module.bundleURL).appendingPathComponent("datasets.toml").path
    }
}
