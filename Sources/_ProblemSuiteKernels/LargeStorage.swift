#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Allocation of large numerical arrays (matrices of many megabytes).
///
/// On Linux, where transparent huge pages are commonly enabled only for memory that asks
/// for them (`/sys/kernel/mm/transparent_hugepage/enabled` = `madvise`, the Debian
/// default), the array's pages are advised as huge pages before they are first written.
/// Kernels that stream such a matrix from memory then take one TLB miss per 2 MiB instead
/// of one per 4 KiB, which is worth a few percent of bandwidth (NumPy does the same for
/// its large arrays). The advice is a hint: contents, results and bits are unaffected,
/// and where it is unavailable the array is simply an ordinary one.
package enum LargeStorage {
    /// Arrays at least this large (in bytes) are advised: 4 MiB, two huge pages, below
    /// which the saving is negligible.
    package static let threshold = 4 << 20

    /// A zero-filled array of `count` doubles, huge-page advised when large.
    /// - Complexity: O(count).
    package static func zeros(_ count: Int) -> [Double] {
        precondition(count >= 0, "negative array size \(count)")
        guard count * MemoryLayout<Double>.stride >= threshold else { return [Double](repeating: 0, count: count) }
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            buffer.baseAddress!.initialize(repeating: 0, count: count)
            initialized = count
        }
    }

    /// Advises the whole 2 MiB-aligned pages inside `region` as huge pages (Linux only).
    static func adviseHugePages(_ region: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard let base = region.baseAddress else { return }
        let huge = 2 << 20
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + region.count) & ~(huge - 1)
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, 14 /* MADV_HUGEPAGE */)
        #endif
    }
}
