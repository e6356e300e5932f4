import Foundation

/// Reads NumPy `.npy` files holding one vector of little-endian float64 values (format
/// versions 1–3, C order): the files ``NPYWriter`` writes, the harness's stored solutions,
/// and solutions written by `numpy.save`.
public enum NPYReader {
    /// Largest file accepted (1 GiB: 2²⁷ values, far beyond any problem of the suite),
    /// so that a wrong path (a device, a huge file) fails before it is read.
    public static let maxBytes = 1 << 30

    /// The vector stored in `path`.
    /// - Parameter count: the expected number of values, when known.
    /// - Throws: `ProblemSuiteError/malformedFile(file:line:column:reason:)` naming the
    ///   file and what is wrong (not a .npy file, another dtype, Fortran order, a shape
    ///   of rank ≠ 1 (a (n, 1) or (1, n) shape is accepted), a truncated payload, the
    ///   wrong length).
    public static func readVector(_ path: String, count: Int? = nil) throws -> [Double] {
        func fail(_ reason: String) -> ProblemSuiteError {
            .malformedFile(file: path, line: nil, column: nil, reason: reason)
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let attributes else { throw fail("cannot be read (no such file?)") }
        guard (attributes[.type] as? FileAttributeType) == .typeRegular else { throw fail("not a regular file") }
        guard let size = (attributes[.size] as? NSNumber)?.intValue, size <= maxBytes else {
            throw fail("larger than \(maxBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count == size else { throw fail("cannot be read") }
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Double] in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
                throw fail("not a .npy file (no NUMPY magic)")
            }
            let major = bytes[6]
            let headerLength: Int, start: Int
            switch major {
            case 1:
                headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
                start = 10
            case 2, 3:
                guard bytes.count >= 12 else { throw fail("truncated header") }
                headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
                start = 12
            default:
                throw fail("unsupported .npy format version \(major)")
            }
            guard headerLength <= 65536, start + headerLength <= bytes.count else { throw fail("truncated or oversized header") }
            let header = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(start + headerLength)]), as: UTF8.self)
            let compact = header.filter { !$0.isWhitespace }
            guard compact.contains("'descr':'<f8'") else {
                throw fail("expected little-endian float64 ('<f8'), header \(printableHeader(compact))")
            }
            guard compact.contains("'fortran_order':False") else { throw fail("expected C order, header \(printableHeader(compact))") }
            guard let open = compact.range(of: "'shape':("), let close = compact[open.upperBound...].firstIndex(of: ")") else {
                throw fail("no shape in header \(printableHeader(compact))")
            }
            let dims = compact[open.upperBound..<close].split(separator: ",").map { Int($0) }
            guard !dims.contains(nil) else { throw fail("unreadable shape in header \(printableHeader(compact))") }
            let shape = dims.map { $0! }
            guard shape.count == 1 || (shape.count == 2 && shape.contains(1)) else {
                throw fail("expected a vector, found shape \(shape)")
            }
            let n = shape.reduce(1, *)
            let payload = bytes.count - start - headerLength
            guard payload == 8 * n else { throw fail("holds \(payload) payload bytes, expected \(8 * n) for shape \(shape)") }
            if let count, count != n { throw fail("holds \(n) values, expected \(count)") }
            var out = [Double](repeating: 0, count: n)
            let base = start + headerLength
            for i in 0..<n {
                var bits: UInt64 = 0
                for b in 0..<8 { bits |= UInt64(bytes[base + 8 * i + b]) << (8 * UInt64(b)) }
                out[i] = Double(bitPattern: UInt64(littleEndian: bits))
            }
            return out
        }
    }
}

/// The header text cut to 200 characters, for messages (`ProblemSuiteError` escapes
/// control characters when it describes itself).
private func printableHeader(_ s: String) -> String {
    s.count > 200 ? String(s.prefix(200)) + "…" : s
}
