import Dispatch
import Glibc
import NashraMessages
import Store
import Synchronization

/// The import path's pipeline: each batch is prepared (`ArticleStore.prepare`: search forms and story lookups,
/// on every core) by the caller while the previous one is written on a thread of its own, so the single writer
/// spends its lock on writing only. At most one batch waits for the writer, which bounds memory.
public final class PipelinedWriter: Sendable {
    private let store: ArticleStore
    private let writer = DispatchQueue(label: "nashra.store.writer")
    private let pending = DispatchGroup()
    private let state = Mutex<(inserted: Int, error: (any Error)?, writing: Double)>((0, nil, 0))

    /// The CPU time the writer thread has spent writing, in seconds (steal-free, unlike the wall clock: what the
    /// store bench compares between designs on a shared host).
    public var writingCPUSeconds: Double { state.withLock { $0.writing } }

    public init(store: ArticleStore) {
        self.store = store
    }

    /// Prepares `batch`, waits for the previous write, and hands the batch to the writer.
    /// - Throws: the error of an earlier write (the batches after it are not written).
    public func submit(_ batch: [ClassifiedArticle]) throws {
        guard !batch.isEmpty else { return }
        let prepared = try store.prepare(batch)
        pending.wait()
        if let error = state.withLock({ $0.error }) { throw error }
        pending.enter()
        writer.async { [self] in
            defer { pending.leave() }
            let start = Self.threadCPUSeconds()
            defer {
                let spent = Self.threadCPUSeconds() - start
                state.withLock { $0.writing += spent }
            }
            do {
                let inserted = try store.upsert(prepared)
                state.withLock { $0.inserted += inserted }
            } catch {
                state.withLock { $0.error = error }
            }
        }
    }

    /// Waits for the last write.
    /// - Returns: how many articles were new.
    /// - Throws: the first write error.
    @discardableResult
    public func finish() throws -> Int {
        pending.wait()
        return try state.withLock { state in
            if let error = state.error { throw error }
            return state.inserted
        }
    }

    /// The calling thread's CPU time so far.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
