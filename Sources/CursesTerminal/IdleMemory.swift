import CCursesShim
#if canImport(Glibc)
import Glibc
#endif

/// Gives back what an idle session has mapped but does not use (docs/DECISIONS.md 90).
///
/// Most of an idle session's resident set is not memory it owns: it is pages of the
/// program's and the libraries' code and read-only data, which the kernel maps 16 at a
/// time around every page that start-up touches (fault-around). They stay in the page
/// cache either way; while they are mapped they count in the resident set and are harder
/// for the kernel to reclaim. Idle, the session unmaps them (what runs next comes back from
/// the page cache, a minor fault per 16 pages) and returns the heap's free pages.
///
/// Only the loaded objects' read-only segments are unmapped, whose addresses come from
/// the dynamic loader's own list (nothing is ever unloaded, so they cannot change): never
/// a writable or anonymous mapping, never the vDSO, and never a segment holding a page
/// that was copied on write (a debugger's breakpoint, a uprobe) — resident or swapped
/// out —, which reading the file again would lose. Nothing is released while a tracer
/// (gdb, strace) is attached: it may write a breakpoint between the page map's answer
/// and the unmapping.
public enum IdleMemory {
    /// What one `release()` gave back.
    public struct Report: Equatable, Sendable {
        /// Resident KiB of read-only file pages unmapped.
        public var unmappedKiB = 0
        /// Segments unmapped.
        public var segments = 0
        /// Segments left mapped because they hold a copied-on-write page.
        public var keptCopied = 0
    }

    /// Returns the heap's free pages and unmaps the read-only segments' pages. Call it when
    /// no other thread may be loading a library (libcurl's preload finished).
    @discardableResult
    public static func release() -> Report {
        _ = cc_malloc_trim()
        var report = Report()
        guard !traced() else { return report }
        // Without the page map (no /proc) nothing is known to be safe: all stays mapped.
        let pageMap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)
        guard pageMap >= 0 else { return report }
        defer { close(pageMap) }
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let vdso = UInt(cc_vdso_address())
        for segment in readOnlySegments(pageSize: page) where vdso == 0 || !(segment.lowerBound...segment.upperBound).contains(vdso) {
            guard let pages = residentPages(segment, pageSize: page, pageMap: pageMap) else { continue }
            if pages.copied {
                report.keptCopied += 1
                continue
            }
            guard pages.resident > 0, let start = UnsafeMutableRawPointer(bitPattern: segment.lowerBound) else { continue }
            if madvise(start, Int(segment.upperBound - segment.lowerBound), MADV_DONTNEED) == 0 {
                report.unmappedKiB += pages.resident * Int(page) / 1024
                report.segments += 1
            }
        }
        return report
    }

    /// Whole pages of every loaded object's read-only `PT_LOAD` segments (code, read-only
    /// data), from `dl_iterate_phdr`.
    static func readOnlySegments(pageSize page: UInt) -> [Range<UInt>] {
        var headers = [cc_loaded_segment](repeating: cc_loaded_segment(), count: 256)
        var count = cc_loaded_segments(&headers, headers.count)
        if count > headers.count {
            headers = [cc_loaded_segment](repeating: cc_loaded_segment(), count: count + 64)
            count = min(cc_loaded_segments(&headers, headers.count), headers.count)
        }
        return headers[0..<count].compactMap { header in
            guard header.type == UInt32(PT_LOAD), header.flags & UInt32(PF_W) == 0, header.memorySize > 0 else { return nil }
            // Only pages wholly inside the segment: a page it shares with a writable
            // neighbour is left alone.
            let start = (UInt(header.address) &+ page &- 1) / page * page
            let end = (UInt(header.address) &+ UInt(header.memorySize)) / page * page
            return start < end ? start..<end : nil
        }
    }

    /// How many of `segment`'s pages are mapped, and whether any of them is a private copy
    /// rather than the file's page (`/proc/self/pagemap`). Nil when the page map cannot be
    /// read.
    static func residentPages(_ segment: Range<UInt>, pageSize page: UInt, pageMap: Int32)
        -> (resident: Int, copied: Bool)? {
        let count = Int((segment.upperBound - segment.lowerBound) / page)
        var entries = [UInt64](repeating: 0, count: count)
        let wanted = count * MemoryLayout<UInt64>.size
        let offset = off_t(segment.lowerBound / page) * off_t(MemoryLayout<UInt64>.size)
        let read = entries.withUnsafeMutableBytes { pread(pageMap, $0.baseAddress, wanted, offset) }
        guard read == wanted else { return nil }
        return classify(entries)
    }

    /// Page map entries (bit 63 present, bit 62 swapped, bit 61 a file page or shared):
    /// how many are resident, and whether any is this process's own copy — present but
    /// not the file's, or swapped out (a file page is never swapped: only a private copy,
    /// or a page being migrated, is a swap entry).
    static func classify(_ entries: [UInt64]) -> (resident: Int, copied: Bool) {
        var resident = 0
        var copied = false
        for entry in entries {
            let present = entry & (1 << 63) != 0, swapped = entry & (1 << 62) != 0, file = entry & (1 << 61) != 0
            if swapped || (present && !file) { copied = true }
            if present { resident += 1 }
        }
        return (resident, copied)
    }

    /// Whether a tracer is attached (`TracerPid` in `/proc/self/status`): it may write a
    /// breakpoint at any moment. Unknown counts as traced.
    static func traced() -> Bool {
        let descriptor = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return true }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return true }
        return tracerPID(inStatus: String(decoding: bytes[0..<count], as: UTF8.self)).map { $0 != 0 } ?? true
    }

    /// The `TracerPid:` field of a `/proc/PID/status` text.
    static func tracerPID(inStatus status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix("TracerPid:") {
            return Int(line.dropFirst("TracerPid:".count).filter { !$0.isWhitespace })
        }
        return nil
    }
}
