/// MNIST images as signals: each 28×28 image a row of 784 values scaled to [0, 1]
/// (pixel / 255), in file order — the scaling of the spec (`spec/problems.md` §3) and of
/// the peer benchmark.
package struct MNISTImages: Sendable {
    /// Pixels per image (rows × columns of the file, 784 for MNIST).
    public let length: Int
    /// Image height and width.
    public let rows: Int, columns: Int
    /// Number of images held.
    public let count: Int
    /// Scaled pixels, image by image (count × length, row-major).
    public let signals: [Double]
    /// SHA-256 (hex) of the raw pixel bytes held, header excluded: the data checksum the
    /// dictionary cache is keyed by (independent of how the file was compressed).
    public let checksum: String
    /// The file read.
    public let path: String

    /// Reads the first `limit` images (all when nil) of an IDX image file (gzipped or not).
    /// - Throws: the reader's `ProblemSuiteError/malformedFile(file:line:column:reason:)`,
    ///   or `ProblemSuiteError/dataMismatch(file:reason:)` when the file holds fewer images.
    public init(path: String, limit: Int? = nil) throws {
        let array = try IDXReader.readImages(path: path)
        let available = array.count
        let n = limit ?? available
        guard n >= 0 && n <= available else {
            throw ProblemSuiteError.dataMismatch(file: path, reason: "holds \(available) images, \(n) requested")
        }
        self.path = path
        rows = array.dimensions[1]
        columns = array.dimensions[2]
        length = rows * columns
        count = n
        let bytes = array.data[0..<(n * length)]
        signals = bytes.map { Double($0) / 255 }
        checksum = SHA256.hexDigest(of: Array(bytes))
    }

    /// Image `i` as a signal (a copy).
    public func image(_ i: Int) -> [Double] {
        precondition(i >= 0 && i < count, "image \(i) out of 0..<\(count)")
        return Array(signals[(i * length)..<((i + 1) * length)])
    }
}
