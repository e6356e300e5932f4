import Foundation
import ProblemSuite

/// The real data directory as the CLI resolves it (``SuitePaths/dataDirectory(explicit:)``:
/// `$PROBLEMSUITE_DATA`, else `./data`, `../shared/data`, the repository's sibling
/// `../shared/data`, `~/.problemsuite/data`), if it holds every file in `files` (paths
/// relative to it); nil otherwise.
///
/// Tests that need real data skip when this is nil (`guard let … else { throw XCTSkip(…) }`):
/// this target does not link XCTest, so it cannot throw the skip itself. Using the CLI's
/// resolution means that a plain `swift test` in the development layout (data beside the
/// repository) runs these tests without any environment variable.
public func testDataDirectory(containing files: String...) -> String? {
    let directory = SuitePaths.dataDirectory()
    for file in files where !FileManager.default.fileExists(atPath: directory + "/" + file) { return nil }
    return directory
}

/// A data manifest declaring one LIBSVM file, `toy.svm` of data set `toy`, whose content is
/// `text` (its sha256), with `rows` rows and 4 columns: the fixture of the checksum tests.
public func toyManifest(for text: String, rows: Int) -> String {
    """
    [[dataset]]
    name = "toy"
    task = "binary-classification"
    page = "http://example.org/"
    citation = "none"
    [[dataset.file]]
    path = "toy.svm"
    url = "http://127.0.0.1:9/toy.svm"
    sha256 = "\(SHA256.hexDigest(of: Array(text.utf8)))"
    format = "libsvm"
    rows = \(rows)
    columns = 4
    """
}
