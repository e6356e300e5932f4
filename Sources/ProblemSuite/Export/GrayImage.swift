import CZlib

/// An 8-bit grayscale image, written as PNG (zlib's deflate) or binary PGM.
package struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major pixels, 0 = black, 255 = white.
    public var pixels: [UInt8]

    /// A `width`×`height` image filled with `value`.
    public init(width: Int, height: Int, value: UInt8 = 0) {
        precondition(width > 0 && height > 0, "image sizes must be positive")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: value, count: width * height)
    }

    /// Pastes `values` (row-major `rows`×`columns`, clipped to [0, 1], 1 = white) at
    /// (`x`, `y`), each value a `scale`×`scale` block.
    public mutating func paste(_ values: [Double], rows: Int, columns: Int, x: Int, y: Int, scale: Int = 1) {
        precondition(values.count == rows * columns && scale > 0)
        for r in 0..<rows {
            for c in 0..<columns {
                let v = values[r * columns + c]
                let level = UInt8((min(1, max(0, v.isFinite ? v : 0)) * 255).rounded())
                for dy in 0..<scale {
                    let py = y + r * scale + dy
                    guard py >= 0 && py < height else { continue }
                    for dx in 0..<scale {
                        let px = x + c * scale + dx
                        if px >= 0 && px < width { pixels[py * width + px] = level }
                    }
                }
            }
        }
    }

    /// Binary PGM (`P5`, maxval 255).
    public func pgmData() -> [UInt8] {
        Array("P5\n\(width) \(height)\n255\n".utf8) + pixels
    }

    /// PNG: grayscale, 8 bits, no interlace, filter 0 on every row, zlib-compressed.
    /// - Throws: `ProblemSuiteError/invalidRequest(_:)` if zlib fails.
    public func pngData() throws -> [UInt8] {
        var raw = [UInt8]()
        raw.reserveCapacity((width + 1) * height)
        for r in 0..<height {
            raw.append(0)
            raw += pixels[(r * width)..<((r + 1) * width)]
        }
        var bound = compressBound(UInt(raw.count))
        var packed = [UInt8](repeating: 0, count: Int(bound))
        let rc = packed.withUnsafeMutableBufferPointer { out in
            raw.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &bound, input.baseAddress, UInt(input.count), 9)
            }
        }
        guard rc == Z_OK else { throw ProblemSuiteError.invalidRequest("zlib compress failed (code \(rc))") }
        packed.removeLast(packed.count - Int(bound))
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        func chunk(_ type: String, _ body: [UInt8]) {
            let tagged = Array(type.utf8) + body
            let crc = tagged.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
            png += be32(body.count) + tagged + be32(Int(crc))
        }
        chunk("IHDR", be32(width) + be32(height) + [8, 0, 0, 0, 0])
        chunk("IDAT", packed)
        chunk("IEND", [])
        return png
    }
}
