import Foundation

/// Writes NumPy `.npy` files (format version 1.0, little-endian float64 or int64, C
/// order), readable by `numpy.load`.
public enum NPYWriter {
    /// The bytes of a `.npy` file holding `values` with `shape` (row-major).
    /// - Precondition: the product of `shape` equals `values.count`.
    public static func encode(_ values: UnsafeBufferPointer<Double>, shape: [Int]) -> Data {
        var data = header(descr: "<f8", shape: shape, count: values.count)
        data.reserveCapacity(data.count + values.count * 8)
        for v in values {
            var bits = v.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// The bytes of a `.npy` file holding the integers `values` as int64 (CSR index arrays).
    public static func encode(integers values: [Int], shape: [Int]) -> Data {
        var data = header(descr: "<i8", shape: shape, count: values.count)
        data.reserveCapacity(data.count + values.count * 8)
        for v in values {
            var bits = Int64(v).littleEndian
            withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Writes the integers `values` (int64) with `shape` to `path` atomically.
    public static func write(integers values: [Int], shape: [Int], to path: String) throws {
        try write(encode(integers: values, shape: shape), to: path)
    }

    /// Magic, version, and the padded header of an array of `count` values.
    static func header(descr: String, shape: [Int], count: Int) -> Data {
        precondition(shape.reduce(1, *) == count, "shape \(shape) does not hold \(count) values")
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        // magic(6) + version(2) + length(2) + header + '\n' must be a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x01, 0x00])
        let length = UInt16(header.utf8.count)
        data.append(UInt8(length & 0xff)); data.append(UInt8(length >> 8))
        data.append(contentsOf: Array(header.utf8))
        return data
    }

    /// Writes `values` with `shape` to `path` atomically.
    public static func write(_ values: [Double], shape: [Int], to path: String) throws {
        try write(values.withUnsafeBufferPointer { encode($0, shape: shape) }, to: path)
    }

    static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ProblemSuiteError.invalidRequest("\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
