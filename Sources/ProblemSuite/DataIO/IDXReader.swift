/// An array read from an IDX file (the MNIST format): its dimensions and its unsigned-byte
/// payload in row-major order.
package struct IDXArray: Sendable, Equatable {
    /// Sizes of the dimensions, outermost first (MNIST images: `[count, 28, 28]`).
    public var dimensions: [Int]
    /// The payload, `dimensions.reduce(1, *)` bytes, row-major.
    public var data: [UInt8]

    public init(dimensions: [Int], data: [UInt8]) {
        self.dimensions = dimensions
        self.data = data
    }

    /// The number of items (the first dimension).
    public var count: Int { dimensions.first ?? 0 }
    /// Bytes per item (the product of the remaining dimensions; 1 for a label file).
    public var itemSize: Int { dimensions.dropFirst().reduce(1, *) }

    /// The bytes of item `i`.
    public func item(_ i: Int) -> ArraySlice<UInt8> {
        data[(i * itemSize)..<((i + 1) * itemSize)]
    }
}

/// Reader of IDX files (Y. LeCun's MNIST format), plain or gzip-compressed.
///
/// Layout: a 4-byte magic `00 00 TT DD` (TT the element type, DD the number of
/// dimensions), then DD big-endian 32-bit sizes, then the payload. Only the
/// unsigned-byte element type (`TT = 08`) is accepted, which is what MNIST uses:
/// images have magic `0x00000803` (2051) and labels `0x00000801` (2049).
///
/// Checked: the magic's zero bytes and type, the number of dimensions (when the caller
/// expects one), every size positive and their product without overflow and at most
/// ``maximumPayload``, for an uncompressed file the header against the file's size (all
/// before allocating anything), the payload complete, and no bytes after it. Every failure is a
/// `ProblemSuiteError/malformedFile(file:line:column:reason:)` naming the file.
package enum IDXReader {
    /// Magic number of an unsigned-byte IDX file with three dimensions (MNIST images).
    public static let imageMagic: UInt32 = 0x0000_0803
    /// Magic number of an unsigned-byte IDX file with one dimension (MNIST labels).
    public static let labelMagic: UInt32 = 0x0000_0801

    /// Largest payload accepted: `SizeLimits/maxDataBytes` (1 GiB; MNIST's training
    /// images are 47 MB), a guard against corrupt or hostile headers.
    public static let maximumPayload = SizeLimits.maxDataBytes

    /// Reads an unsigned-byte IDX file.
    /// - Parameter expectedRank: the number of dimensions required (nil: any from 1 to 8).
    public static func read(path: String, expectedRank: Int? = nil) throws -> IDXArray {
        // The largest valid file: magic, at most 8 sizes, the largest payload.
        let reader = try GzipReader(path: path, maximumBytes: 4 + 4 * 8 + maximumPayload)
        func fail(_ reason: String) -> ProblemSuiteError {
            .malformedFile(file: path, line: nil, column: nil, reason: reason)
        }
        let magic = try reader.readExactly(4, what: "the IDX magic number")
        let magicValue = magic.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let hex = "0x" + String(magicValue, radix: 16, uppercase: false).leftPadded(to: 8)
        guard magic[0] == 0, magic[1] == 0 else {
            throw fail("not an IDX file: magic number \(hex) should start with two zero bytes")
        }
        guard magic[2] == 0x08 else {
            throw fail("unsupported IDX element type 0x\(String(magic[2], radix: 16)) in magic number \(hex): only unsigned bytes (0x08) are supported")
        }
        let rank = Int(magic[3])
        if let expectedRank, rank != expectedRank {
            throw fail("IDX magic number \(hex) declares \(rank) dimension(s), expected \(expectedRank)")
        }
        guard (1...8).contains(rank) else {
            throw fail("IDX magic number \(hex) declares \(rank) dimensions (1 to 8 supported)")
        }
        let header = try reader.readExactly(4 * rank, what: "the IDX dimension sizes")
        var dimensions: [Int] = []
        var total = 1
        for d in 0..<rank {
            let size = header[(4 * d)..<(4 * d + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard size > 0 else { throw fail("IDX dimension \(d + 1) has size 0") }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= maximumPayload else {
                throw fail("IDX dimensions \(dimensions + [size]) give a payload over \(maximumPayload) bytes")
            }
            total = product
            dimensions.append(size)
        }
        if let size = reader.plainFileSize, size != 4 + 4 * rank + total {
            let what = size < 4 + 4 * rank + total ? "IDX payload is truncated" : "IDX file has bytes after the payload"
            throw fail("\(what): the header declares dimensions \(dimensions.map(String.init).joined(separator: " x ")) (\(4 + 4 * rank + total) bytes with the header), but the file holds \(size) bytes")
        }
        // Read in chunks rather than trusting the header with one huge allocation.
        var data: [UInt8] = []
        data.reserveCapacity(min(total, 1 << 26))
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while data.count < total {
            let want = min(chunk.count, total - data.count)
            let n = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<want]))
            if n == 0 {
                throw fail("IDX payload is truncated: dimensions \(dimensions.map(String.init).joined(separator: " x ")) need \(total) bytes, found \(data.count)")
            }
            data.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
        if try !reader.atEnd() {
            throw fail("IDX file has bytes after the payload of \(total) bytes (dimensions \(dimensions.map(String.init).joined(separator: " x ")))")
        }
        return IDXArray(dimensions: dimensions, data: data)
    }

    /// Reads an image file (magic 2051: count x rows x columns).
    public static func readImages(path: String) throws -> IDXArray {
        try read(path: path, expectedRank: 3)
    }

    /// Reads a label file (magic 2049: count).
    public static func readLabels(path: String) throws -> IDXArray {
        try read(path: path, expectedRank: 1)
    }

    /// Reads an image file and its label file and checks that the counts agree.
    /// - Parameter maximumLabel: labels above this are rejected (9 for MNIST digits).
    public static func readLabelledImages(images: String, labels: String,
                                          maximumLabel: UInt8 = 9) throws -> (images: IDXArray, labels: [UInt8]) {
        let imageArray = try readImages(path: images)
        let labelArray = try readLabels(path: labels)
        guard imageArray.count == labelArray.count else {
            throw ProblemSuiteError.dataMismatch(
                file: labels,
                reason: "holds \(labelArray.count) labels but \(images) holds \(imageArray.count) images")
        }
        if let bad = labelArray.data.firstIndex(where: { $0 > maximumLabel }) {
            throw ProblemSuiteError.malformedFile(
                file: labels, line: nil, column: nil,
                reason: "label \(bad + 1) is \(labelArray.data[bad]), above the largest allowed \(maximumLabel)")
        }
        return (imageArray, labelArray.data)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
