import CZlib

/// A bounded reader of ZIP archives held in memory (the containers official data sets
/// are served in, such as the UCI repository's `*.zip`).
///
/// Only what a data download needs: single-disk archives, entries *stored* (method 0)
/// or *deflated* (method 8, inflated through the system zlib), no encryption, no ZIP64.
/// Every entry is checked before its bytes are handed out:
///
/// - the central directory and the local header must lie inside the archive and agree
///   on the method and sizes (the sizes come from the central directory, so entries
///   written with a data descriptor are read too);
/// - the declared uncompressed size is bounded by `maximumBytes` (default
///   `SizeLimits/maxDataBytes`), and inflating must produce exactly that many bytes:
///   a stream that inflates past it is an error after at most one extra byte;
/// - the CRC-32 of the extracted bytes must be the recorded one.
///
/// Every failure is `ProblemSuiteError/malformedFile(file:line:column:reason:)` naming
/// the archive (and the entry).
package struct ZipArchive: Sendable {
    /// One entry of the central directory.
    package struct Entry: Sendable, Equatable {
        /// The stored name (a path with `/` separators).
        package var name: String
        /// 0 stored, 8 deflated.
        package var method: UInt16
        package var flags: UInt16
        package var crc32: UInt32
        package var compressedSize: Int
        package var uncompressedSize: Int
        package var localHeaderOffset: Int

        /// The name's last path component.
        package var baseName: String { String(name.split(separator: "/").last ?? Substring(name)) }
        /// Whether the entry is a directory (its name ends with `/`).
        package var isDirectory: Bool { name.hasSuffix("/") }
    }

    /// The archive's name in messages (its path or URL).
    package let file: String
    /// The entries, in central-directory order.
    package let entries: [Entry]
    private let bytes: [UInt8]

    /// The most entries an archive may list (a data set's archive holds a handful).
    package static let maximumEntries = 65_535

    /// Whether `bytes` start like a ZIP archive (a local header, or the end record of an
    /// empty archive).
    package static func isZip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4b
            && ((bytes[2] == 3 && bytes[3] == 4) || (bytes[2] == 5 && bytes[3] == 6))
    }

    /// Parses the central directory of `bytes`.
    /// - Parameter file: the archive's name, used in every message.
    /// - Throws: `ProblemSuiteError/malformedFile(file:line:column:reason:)` for a
    ///   truncated archive, a missing or inconsistent end record or central directory,
    ///   a multi-disk or ZIP64 archive.
    /// - Complexity: O(n) in the archive size (the end record is searched backwards
    ///   through at most the last 64 KiB + 22 bytes).
    package init(bytes: [UInt8], file: String) throws {
        self.bytes = bytes
        self.file = file
        func fail(_ reason: String) -> ProblemSuiteError {
            .malformedFile(file: file, line: nil, column: nil, reason: "not a readable zip archive: \(reason)")
        }
        guard bytes.count >= 22 else { throw fail("\(bytes.count) bytes, shorter than a zip end record (truncated download?)") }
        // The end-of-central-directory record: signature, then 18 bytes and a comment of
        // at most 65535 bytes, so it starts within the last 65557 bytes.
        var eocd = -1
        var i = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while i >= lowest {
            if bytes[i] == 0x50 && bytes[i + 1] == 0x4b && bytes[i + 2] == 5 && bytes[i + 3] == 6,
               i + 22 + Int(ZipArchive.u16(bytes, i + 20)) == bytes.count {
                eocd = i
                break
            }
            i -= 1
        }
        guard eocd >= 0 else { throw fail("no end-of-central-directory record (truncated download, or not a zip file)") }
        let disk = ZipArchive.u16(bytes, eocd + 4), cdDisk = ZipArchive.u16(bytes, eocd + 6)
        let countHere = Int(ZipArchive.u16(bytes, eocd + 8)), count = Int(ZipArchive.u16(bytes, eocd + 10))
        let cdSize = Int(ZipArchive.u32(bytes, eocd + 12)), cdOffset = Int(ZipArchive.u32(bytes, eocd + 16))
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            throw fail("a ZIP64 archive (not supported)")
        }
        guard disk == 0, cdDisk == 0, countHere == count else { throw fail("a multi-disk archive (not supported)") }
        guard cdOffset <= eocd, cdSize <= eocd - cdOffset else {
            throw fail("the central directory (offset \(cdOffset), \(cdSize) bytes) lies outside the archive")
        }
        var list: [Entry] = []
        list.reserveCapacity(count)
        var p = cdOffset
        let end = cdOffset + cdSize
        for k in 0..<count {
            guard p + 46 <= end, ZipArchive.u32(bytes, p) == 0x0201_4b50 else {
                throw fail("central directory entry \(k + 1) of \(count) is truncated or has a bad signature")
            }
            let nameLength = Int(ZipArchive.u16(bytes, p + 28)), extra = Int(ZipArchive.u16(bytes, p + 30))
            let comment = Int(ZipArchive.u16(bytes, p + 32))
            guard p + 46 + nameLength + extra + comment <= end else {
                throw fail("central directory entry \(k + 1) of \(count) runs past the directory")
            }
            let name = String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            let entry = Entry(name: name, method: ZipArchive.u16(bytes, p + 10), flags: ZipArchive.u16(bytes, p + 8),
                              crc32: ZipArchive.u32(bytes, p + 16), compressedSize: Int(ZipArchive.u32(bytes, p + 20)),
                              uncompressedSize: Int(ZipArchive.u32(bytes, p + 24)),
                              localHeaderOffset: Int(ZipArchive.u32(bytes, p + 42)))
            if entry.compressedSize == 0xFFFF_FFFF || entry.uncompressedSize == 0xFFFF_FFFF || entry.localHeaderOffset == 0xFFFF_FFFF {
                throw fail("entry '\(name)' uses ZIP64 sizes (not supported)")
            }
            list.append(entry)
            p += 46 + nameLength + extra + comment
        }
        entries = list
    }

    /// The file entry called `name`: the entry whose whole name, or else whose last path
    /// component, is `name` (official archives often put their files in a folder).
    /// - Throws: when no entry or more than one entry matches, listing the entries.
    package func entry(named name: String) throws -> Entry {
        let files = entries.filter { !$0.isDirectory }
        if let exact = files.first(where: { $0.name == name }) { return exact }
        let matches = files.filter { $0.baseName == name }
        if matches.count == 1 { return matches[0] }
        let listing = files.prefix(20).map(\.name).joined(separator: ", ")
        throw ProblemSuiteError.malformedFile(
            file: file, line: nil, column: nil,
            reason: matches.isEmpty
                ? "the archive has no entry '\(name)' (entries: \(listing.isEmpty ? "none" : listing))"
                : "the archive has \(matches.count) entries named '\(name)': \(matches.map(\.name).joined(separator: ", "))")
    }

    /// The bytes of `entry`, inflated when deflated, CRC-checked.
    /// - Parameter maximumBytes: the most bytes an entry may hold (default `SizeLimits/maxDataBytes`).
    /// - Throws: `ProblemSuiteError/malformedFile(file:line:column:reason:)` naming the
    ///   archive and the entry: encrypted, unknown method, oversize, local header
    ///   inconsistent or outside the archive, corrupt or short deflate stream, CRC mismatch.
    /// - Complexity: O(compressed + uncompressed size).
    package func extract(_ entry: Entry, maximumBytes: Int = SizeLimits.maxDataBytes) throws -> [UInt8] {
        func fail(_ reason: String) -> ProblemSuiteError {
            .malformedFile(file: file, line: nil, column: nil, reason: "entry '\(entry.name)': \(reason)")
        }
        guard entry.flags & 1 == 0 else { throw fail("is encrypted (not supported)") }
        guard entry.method == 0 || entry.method == 8 else {
            throw fail("compression method \(entry.method) is not supported (only 0, stored, and 8, deflated)")
        }
        guard entry.uncompressedSize <= maximumBytes else {
            throw fail("declares \(entry.uncompressedSize) bytes, more than the limit of \(maximumBytes) bytes for one data file")
        }
        let h = entry.localHeaderOffset
        guard h <= bytes.count - 30, ZipArchive.u32(bytes, h) == 0x0403_4b50 else {
            throw fail("its local header (offset \(h)) is missing or outside the archive (truncated download?)")
        }
        guard ZipArchive.u16(bytes, h + 8) == entry.method else {
            throw fail("the local header's method \(ZipArchive.u16(bytes, h + 8)) is not the central directory's \(entry.method)")
        }
        let start = h + 30 + Int(ZipArchive.u16(bytes, h + 26)) + Int(ZipArchive.u16(bytes, h + 28))
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else {
            throw fail("its \(entry.compressedSize) compressed bytes run past the end of the archive (truncated download?)")
        }
        let data: [UInt8]
        if entry.method == 0 {
            guard entry.compressedSize == entry.uncompressedSize else {
                throw fail("stored with \(entry.compressedSize) bytes but declares \(entry.uncompressedSize)")
            }
            data = Array(bytes[start..<(start + entry.compressedSize)])
        } else {
            data = try inflateRaw(start: start, count: entry.compressedSize, expected: entry.uncompressedSize, fail: fail)
        }
        let crc = data.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: crc32(0, $0.baseAddress, UInt32($0.count))) }
        guard crc == entry.crc32 else {
            throw fail("CRC-32 mismatch: computed \(ZipArchive.hex32(crc)), recorded \(ZipArchive.hex32(entry.crc32)) (corrupt archive)")
        }
        return data
    }

    /// Inflates a raw deflate stream into exactly `expected` bytes.
    private func inflateRaw(start: Int, count: Int, expected: Int,
                            fail: (String) -> ProblemSuiteError) throws -> [UInt8] {
        let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        s.initialize(to: z_stream())
        defer { s.deallocate() }
        // windowBits -15: a raw deflate stream, no zlib or gzip wrapper.
        guard inflateInit2_(s, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw fail("zlib could not be initialised")
        }
        defer { inflateEnd(s) }
        // One byte of room beyond the declared size: getting it proves the stream is longer.
        var out = [UInt8](repeating: 0, count: expected + 1)
        let (rc, produced): (Int32, Int) = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                s.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + start)
                s.pointee.avail_in = UInt32(count)
                s.pointee.next_out = output.baseAddress
                s.pointee.avail_out = UInt32(output.count)
                var rc: Int32 = Z_OK
                repeat { rc = inflate(s, Z_NO_FLUSH) } while rc == Z_OK && s.pointee.avail_out > 0 && s.pointee.avail_in > 0
                return (rc, output.count - Int(s.pointee.avail_out))
            }
        }
        if produced > expected {
            throw fail("inflates to more than its declared \(expected) bytes (corrupt archive or a zip bomb)")
        }
        switch rc {
        case Z_STREAM_END:
            guard produced == expected else {
                throw fail("inflates to \(produced) bytes, but declares \(expected) (corrupt archive)")
            }
            return Array(out[0..<expected])
        case Z_DATA_ERROR:
            let message = s.pointee.msg.map { String(cString: $0) } ?? "invalid data"
            throw fail("corrupt deflate stream: \(message)")
        default:
            throw fail("the deflate stream ends early after \(produced) of \(expected) bytes (truncated archive)")
        }
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
    static func hex32(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }
}
