import Foundation

/// Writes NumPy `.npy` files (format version 1.0, little-endian float64, C order),
/// readable by `numpy.load`.
public enum NPYWriter {
    /// The bytes of a `.npy` file holding `values` with `shape` (row-major).
    /// - Precondition: the product of `shape` equals `values.count`.
    public static func encode(_ values: UnsafeBufferPointer<Double>, shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }"
        // magic(6) + version(2) + length(2) + header + '\n' must be a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x01, 0x00])
        let length = UInt16(header.utf8.count)
        data.append(UInt8(length & 0xff)); data.append(UInt8(length >> 8))
        data.append(contentsOf: Array(header.utf8))
        data.reserveCapacity(data.count + values.count * 8)
        for v in values {
            var bits = v.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Writes `values` with `shape` to `path` atomically.
    public static func write(_ values: [Double], shape: [Int], to path: String) throws {
        let data = values.withUnsafeBufferPointer { encode($0, shape: shape) }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ProblemSuiteError.invalidRequest("\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
