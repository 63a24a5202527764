import Foundation
import NashraRuntime
import Testing

/// `MemoryTrim`: the allocator's free pages go back to the system, so a service's resident size is what it holds.
@Suite("Free memory handed back to the system") struct MemoryTrimTests {
    /// The process's anonymous resident memory in kB (heap and stacks), from /proc.
    func anonymousKB() throws -> Int? {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") }
        return line?.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }

    @Test("buffers freed between kept ones stay resident until a trim returns them", .enabled(if: MemoryTrim.effective))
    func returnsFreedPages() throws {
        // 64 MB of 100 kB buffers (below glibc's threshold for mapping a buffer on its own, so they share its heap),
        // every sixteenth kept: the freed ones sit between kept ones, where the heap cannot shrink from its top.
        let count = 640
        let pointers = (0..<count).map { _ -> UnsafeMutableRawPointer in
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: 100_000, alignment: 16)
            pointer.initializeMemory(as: UInt8.self, repeating: 1, count: 100_000)
            return pointer
        }
        for (index, pointer) in pointers.enumerated() where index % 16 != 0 { pointer.deallocate() }
        let before = try #require(try anonymousKB())
        MemoryTrim.release()
        let after = try #require(try anonymousKB())
        for (index, pointer) in pointers.enumerated() where index % 16 == 0 { pointer.deallocate() }
        // About 59 MB were freed; at least a quarter of it must have left (other tests allocate meanwhile).
        #expect(before - after > 15_000, "RssAnon \(before) kB before the trim, \(after) kB after")
    }

    @Test("the periodic trim runs at once and stops when cancelled")
    func periodic() async throws {
        let task = MemoryTrim.periodically(every: 3600)
        task.cancel()
        await task.value
    }
}
