/// A bounded decoder of Unix `compress` (`.Z`, adaptive LZW) data, the format of old
/// UCI repository files such as Musk's `clean1.data.Z`.
///
/// The format: the magic bytes `1f 9d`, a flags byte (low five bits: the largest code
/// width, 9 to 16; bit 7: block mode, where code 256 clears the table), then LZW codes
/// packed little-endian, starting 9 bits wide. Codes are written in groups of eight: when
/// the width grows, or after a clear code, the rest of the current group of eight
/// codes is padding and is skipped (this is what `compress` writes and `gzip -d` reads).
///
/// A code beyond the next free table entry, a first code that is not a byte, reserved
/// flag bits, a bad width, or more than `maximumBytes` of output (default
/// `SizeLimits/maxDataBytes`) are errors naming the file, never a crash or a hang.
package enum UnixCompress {
    /// Whether `bytes` start with the `.Z` magic `1f 9d`.
    package static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x9d
    }

    /// Decompresses `.Z` data.
    /// - Parameters:
    ///   - file: the data's name in messages.
    ///   - maximumBytes: the most output bytes (default `SizeLimits/maxDataBytes`).
    /// - Throws: `ProblemSuiteError/malformedFile(file:line:column:reason:)`.
    /// - Complexity: O(input + output); the table holds at most 65536 entries.
    package static func decompress(_ bytes: [UInt8], file: String,
                                   maximumBytes: Int = SizeLimits.maxDataBytes) throws -> [UInt8] {
        func fail(_ reason: String) -> ProblemSuiteError {
            .malformedFile(file: file, line: nil, column: nil, reason: "corrupt .Z (compress) data: \(reason)")
        }
        guard bytes.count >= 3, isCompressed(bytes) else { throw fail("no 1f 9d header") }
        let flags = bytes[2]
        let maxBits = Int(flags & 0x1f)
        let blockMode = flags & 0x80 != 0
        guard flags & 0x60 == 0 else { throw fail("reserved flag bits set in the header byte 0x\(String(flags, radix: 16))") }
        guard (9...16).contains(maxBits) else { throw fail("code width \(maxBits) out of range 9...16") }
        let tableSize = 1 << maxBits
        let clearCode = 256
        var prefix = [UInt16](repeating: 0, count: tableSize)
        var suffix = [UInt8](repeating: 0, count: tableSize)
        for c in 0..<256 { suffix[c] = UInt8(c) }
        var stack = [UInt8](repeating: 0, count: tableSize + 1)

        var out: [UInt8] = []
        out.reserveCapacity(min(maximumBytes, bytes.count * 3))
        let totalBits = (bytes.count - 3) * 8
        var position = 0          // bit position in the code data (after the header)
        var periodStart = 0       // where the current code width (or table) began
        var width = 9
        var maxCode = (1 << width) - 1
        var freeEntry = blockMode ? 257 : 256
        var oldCode = -1
        var finalByte: UInt8 = 0

        /// Skips to the end of the current group of eight codes.
        func skipToGroupEnd() {
            let group = width * 8
            let used = position - periodStart
            position = periodStart + (used + group - 1) / group * group
            periodStart = position
        }

        while true {
            // As compress: at the largest width the bound is the table size, so the width
            // stops growing there; with a largest width of 9 it still grows to 10 once
            // the table is full (compress and gzip do so; such files exist only with -b9).
            if freeEntry > maxCode {
                skipToGroupEnd()
                width += 1
                maxCode = width == maxBits ? tableSize : (1 << width) - 1
            }
            guard position + width <= totalBits else { break }  // the rest is padding
            // Read `width` bits little-endian from the code data (at most 3 bytes touched).
            var code = 0
            let byte = 3 + position >> 3, shift = position & 7
            var k = 0
            while k * 8 < width + shift { code |= Int(bytes[byte + k]) << (8 * k); k += 1 }
            code = (code >> shift) & ((1 << width) - 1)
            position += width

            if oldCode == -1 {
                guard code < 256 else { throw fail("the first code is \(code), not a byte (at bit \(position - width))") }
                oldCode = code
                finalByte = UInt8(code)
                out.append(finalByte)
                continue
            }
            if code == clearCode && blockMode {
                // As compress does: the next code is stored at 256 (never read), then 257...
                freeEntry = 256
                skipToGroupEnd()
                width = 9
                maxCode = (1 << width) - 1
                continue
            }
            let incoming = code
            var depth = 0
            if code >= freeEntry {
                guard code == freeEntry else {
                    throw fail("code \(code) beyond the next table entry \(freeEntry) (at bit \(position - width))")
                }
                stack[depth] = finalByte; depth += 1
                code = oldCode
            }
            while code >= 256 {
                guard depth < tableSize else { throw fail("a code chain longer than the table (at bit \(position - width))") }
                stack[depth] = suffix[code]; depth += 1
                code = Int(prefix[code])
            }
            finalByte = UInt8(code)
            stack[depth] = finalByte; depth += 1
            guard out.count + depth <= maximumBytes else {
                throw fail("decompresses to more than \(maximumBytes) bytes, the limit for one data file")
            }
            while depth > 0 { depth -= 1; out.append(stack[depth]) }
            if freeEntry < tableSize {
                prefix[freeEntry] = UInt16(oldCode)
                suffix[freeEntry] = finalByte
                freeEntry += 1
            }
            oldCode = incoming
        }
        return out
    }
}
