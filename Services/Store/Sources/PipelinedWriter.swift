import Dispatch
import NashraModel
import Synchronization

/// The import path's pipeline: each batch is prepared (`ArticleStore.prepare`: search forms and story lookups,
/// on every core) by the caller while the previous one is written on a thread of its own, so the single writer
/// spends its lock on writing only. At most one batch waits for the writer, which bounds memory.
public final class PipelinedWriter: Sendable {
    private let store: ArticleStore
    private let writer = DispatchQueue(label: "nashra.store.writer")
    private let pending = DispatchGroup()
    private let state = Mutex<(inserted: Int, error: (any Error)?)>((0, nil))

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
}
