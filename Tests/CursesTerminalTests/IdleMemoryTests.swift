@testable import CursesTerminal
import Foundation
import Testing

/// `IdleMemory.release()` in this process: read-only file pages are unmapped (and come
/// back when used), a page copied on write is never given up. Serialized: one test writes
/// a page that another's release must not see half-done.
@Suite("Idle memory", .serialized)
struct IdleMemoryTests {
    static let page = UInt(sysconf(Int32(_SC_PAGESIZE)))

    /// The page map entry of the page at `address`: (present, a file page).
    static func pageState(_ address: UInt) throws -> (present: Bool, file: Bool) {
        let descriptor = open("/proc/self/pagemap", O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var entry: UInt64 = 0
        let read = pread(descriptor, &entry, 8, off_t(address / page) * 8)
        try #require(read == 8)
        return (entry & (1 << 63) != 0, entry & (1 << 61) != 0)
    }

    /// The protection of the mapping holding `address`, from /proc/self/maps.
    static func protection(of address: UInt) throws -> Int32 {
        let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ")
            let bounds = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
            guard bounds.count == 2, bounds[0] <= address, address < bounds[1] else { continue }
            let flags = Array(fields[1])
            return (flags[0] == "r" ? PROT_READ : 0) | (flags[1] == "w" ? PROT_WRITE : 0) | (flags[2] == "x" ? PROT_EXEC : 0)
        }
        throw CocoaError(.fileReadUnknown)
    }

    @Test func aCopiedPageResidentOrSwappedOutKeepsItsSegment() {
        let present: UInt64 = 1 << 63, swapped: UInt64 = 1 << 62, file: UInt64 = 1 << 61
        #expect(IdleMemory.classify([present | file, present | file, 0]) == (2, false))
        #expect(IdleMemory.classify([present | file, present]) == (2, true), "a private copy in memory")
        #expect(IdleMemory.classify([present | file, swapped | 0x1234]) == (1, true), "a private copy swapped out (or migrating)")
        #expect(IdleMemory.classify([]) == (0, false))
    }

    @Test func aTracerStopsTheRelease() {
        #expect(IdleMemory.tracerPID(inStatus: "Name:\tcachechat\nTracerPid:\t0\nUid:\t0\n") == 0)
        #expect(IdleMemory.tracerPID(inStatus: "Name:\tcachechat\nTracerPid:\t4242\n") == 4242)
        #expect(IdleMemory.tracerPID(inStatus: "Name:\tcachechat\n") == nil)
        // This test process runs untraced (else a debugger is attached, and it is right to skip).
        if !IdleMemory.traced() { #expect(IdleMemory.release().segments > 0) }
    }

    @Test func unmapsReadOnlyPagesThatComeBackWhenUsed() throws {
        let segments = IdleMemory.readOnlySegments(pageSize: Self.page)
        #expect(!segments.isEmpty)
        // This process's code ran: some of its read-only pages are mapped.
        let report = IdleMemory.release()
        #expect(report.segments > 0)
        #expect(report.unmappedKiB > 0)
        // Code runs on after it (this test is running it), and data reads come back right.
        let text = String(repeating: "idle ", count: 3)
        #expect(text.split(separator: " ").count == 3)
        #expect(try JSONSerialization.jsonObject(with: Data("[1,2]".utf8)) as? [Int] == [1, 2])
    }

    @Test func keepsASegmentWithAPageCopiedOnWrite() throws {
        // The executable's first read-only segment (its headers and read-only data): made
        // writable for a moment and one byte written back unchanged, as a debugger does to
        // set a breakpoint. The page is then this process's own copy, not the file's.
        let segment = try #require(IdleMemory.readOnlySegments(pageSize: Self.page).first)
        let address = segment.lowerBound
        let pointer = try #require(UnsafeMutableRawPointer(bitPattern: address))
        let original = try Self.protection(of: address)
        try #require(mprotect(pointer, Int(Self.page), PROT_READ | PROT_WRITE) == 0)
        let byte = pointer.load(as: UInt8.self)
        pointer.storeBytes(of: byte, as: UInt8.self)
        try #require(mprotect(pointer, Int(Self.page), original) == 0)
        let copied = try Self.pageState(address)
        #expect(copied.present && !copied.file)

        let report = IdleMemory.release()
        #expect(report.keptCopied >= 1)
        let after = try Self.pageState(address)
        #expect(after.present && !after.file, "the copied page was given up and would be read from the file again")
        #expect(pointer.load(as: UInt8.self) == byte)
    }
}
