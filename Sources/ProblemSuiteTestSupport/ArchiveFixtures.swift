import ProblemSuite

/// Builders of small containers for tests of `data fetch` (written for the tests, not
/// used by the suite): ZIP archives, Unix `compress` (`.Z`) data, and the official
/// REGED and Musk text layouts rebuilt from LIBSVM text (the inverse of
/// ``DataConversion``).
public enum ArchiveFixtures {
    /// One entry of ``zip(_:)``.
    public struct ZipEntry {
        public var name: String
        public var bytes: [UInt8]
        /// Deflate (method 8) or store (method 0).
        public var deflate: Bool
        public init(name: String, bytes: [UInt8], deflate: Bool = true) {
            self.name = name; self.bytes = bytes; self.deflate = deflate
        }
    }

    /// A ZIP archive of `entries`: local headers, the data, the central directory and
    /// the end record. The raw deflate stream and CRC-32 are taken from a gzip member
    /// (its 10-byte header and 8-byte trailer removed).
    public static func zip(_ entries: [ZipEntry]) throws -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let gz = try GzipWriter.compress(entry.bytes, level: 6)
            let crc = Array(gz[(gz.count - 8)..<(gz.count - 4)])
            let payload = entry.deflate ? Array(gz[10..<(gz.count - 8)]) : entry.bytes
            let name = Array(entry.name.utf8)
            let offset = out.count
            let method: UInt16 = entry.deflate ? 8 : 0
            out += le32(0x0403_4b50) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21)
            out += crc + le32(UInt32(payload.count)) + le32(UInt32(entry.bytes.count))
            out += le16(UInt16(name.count)) + le16(0) + name + payload
            central += le32(0x0201_4b50) + le16(20) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21)
            central += crc + le32(UInt32(payload.count)) + le32(UInt32(entry.bytes.count))
            central += le16(UInt16(name.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(UInt32(offset)) + name
        }
        let cdOffset = out.count
        out += central
        out += le32(0x0605_4b50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        out += le32(UInt32(central.count)) + le32(UInt32(cdOffset)) + le16(0)
        return out
    }

    /// `bytes` compressed like Unix `compress -b maxBits` (block mode): LZW codes from 9
    /// bits wide up to `maxBits`, written in groups of eight codes padded at every width
    /// change; when the table is full a clear code restarts it (if `clearWhenFull`).
    /// `gzip -d` reads the result (a test checks that).
    public static func unixCompress(_ bytes: [UInt8], maxBits: Int = 16, clearWhenFull: Bool = true) -> [UInt8] {
        precondition((9...16).contains(maxBits))
        var out: [UInt8] = [0x1f, 0x9d, UInt8(0x80 | maxBits)]
        var bitBuffer = 0, bitCount = 0
        var groupBits = 0        // bits written in the current width period
        var width = 9
        let tableSize = 1 << maxBits
        var maxCode = (1 << width) - 1
        var next = 257
        var table: [Int: Int] = [:]   // (prefix << 8 | byte) -> code

        func put(_ code: Int) {
            bitBuffer |= code << bitCount
            bitCount += width
            groupBits += width
            while bitCount >= 8 { out.append(UInt8(bitBuffer & 0xff)); bitBuffer >>= 8; bitCount -= 8 }
        }
        func padGroup() {
            let group = width * 8
            let pad = (group - groupBits % group) % group
            var left = pad
            while left > 0 { let k = min(left, 8); bitCount += k; left -= k
                while bitCount >= 8 { out.append(UInt8(bitBuffer & 0xff)); bitBuffer >>= 8; bitCount -= 8 } }
            groupBits = 0
        }
        /// Emits a code, then widens as compress does (checked with the entry count
        /// before this step's new entry).
        func emit(_ code: Int, clear: Bool = false) {
            put(code)
            if clear {
                padGroup(); width = 9; maxCode = (1 << width) - 1
            } else if next > maxCode {
                padGroup(); width += 1; maxCode = width == maxBits ? tableSize : (1 << width) - 1
            }
        }
        guard var current = bytes.first.map(Int.init) else { return out }
        for byte in bytes.dropFirst() {
            let key = current << 8 | Int(byte)
            if let code = table[key] { current = code; continue }
            emit(current)
            if next < tableSize {
                table[key] = next; next += 1
            } else if clearWhenFull {
                emit(256, clear: true)
                table.removeAll(keepingCapacity: true)
                next = 257
            }
            current = Int(byte)
        }
        emit(current)
        if bitCount > 0 { out.append(UInt8(bitBuffer & 0xff)) }
        return out
    }

    /// The official REGED layout of LIBSVM text over `columns` features: the data file
    /// (every value, each followed by a space, one row per line) and the targets file
    /// (`1` or `-1` per line).
    public static func regedOfficialFiles(fromLIBSVM text: String, columns: Int) -> (data: [UInt8], targets: [UInt8]) {
        var data = "", targets = ""
        for line in text.split(separator: "\n") {
            let (label, values) = parse(line, columns: columns)
            targets += (label == "+1" ? "1" : "-1") + "\n"
            data += values.map { "\($0) " }.joined() + "\n"
        }
        return (Array(data.utf8), Array(targets.utf8))
    }

    /// The UCI Musk layout of LIBSVM text over `columns` features: molecule name,
    /// conformation name, the values, and the class `1.` or `0.`, comma-separated.
    public static func muskOfficialFile(fromLIBSVM text: String, columns: Int) -> [UInt8] {
        var out = ""
        for (i, line) in text.split(separator: "\n").enumerated() {
            let (label, values) = parse(line, columns: columns)
            out += "MUSK-\(i / 4),\(i / 4)_\(i % 4)+1," + values.map(String.init).joined(separator: ",")
                + (label == "+1" ? ",1." : ",0.") + "\n"
        }
        return Array(out.utf8)
    }

    static func parse(_ line: Substring, columns: Int) -> (String, [Int]) {
        var values = [Int](repeating: 0, count: columns)
        let items = line.split(separator: " ")
        for item in items.dropFirst() {
            let pair = item.split(separator: ":")
            values[Int(pair[0])! - 1] = Int(pair[1])!
        }
        return (String(items[0]), values)
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
}
