import Dispatch
import Synchronization

/// Runs blocking work (synchronous SQLite through GRDB, CPU fan-out with `concurrentPerform`, blocking AMQP
/// calls) on dispatch threads of its own, so that it never holds a thread of Swift's cooperative pool: that pool
/// has one thread per core, and each one blocked is a core's worth of async work (HTTP handlers, consumers,
/// timers) stalled.
///
/// We chose this over GRDB's async `read`/`write` because the same code serves synchronous callers too (the CLI,
/// the importer, benchmarks): the store keeps one synchronous API, and async callers cross to it here, at one
/// visible boundary. `width` bounds how many run at once (1: in submission order, one at a time); callers beyond
/// it wait suspended, not blocking a thread.
///
/// Each of the `width` lanes is a serial queue of its own, never one concurrent queue: libdispatch on Linux gives
/// concurrent queues threads from a pool of one thread per core, shared by the whole process, so four readers
/// could get no thread at all while other blocking work held that pool's threads (a reader-site test saw its
/// page wait out a whole 10-second commit). Serial queues get a thread whenever they have work.
public final class BlockingExecutor: Sendable {
    private let lanes: [DispatchQueue]
    private let permits: Permits
    /// The lanes not running work now (a permit guarantees one).
    private let free: Mutex<[Int]>

    public init(label: String, width: Int = 1) {
        let width = max(1, width)
        lanes = (0..<width).map { DispatchQueue(label: width == 1 ? label : "\(label).\($0)") }
        permits = Permits(width)
        free = Mutex(Array(0..<width))
    }

    /// Runs `work` on this executor's threads and returns its result.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        await permits.acquire()
        let lane = free.withLock { $0.removeLast() }
        defer {
            free.withLock { $0.append(lane) }
            permits.release()
        }
        return try await withCheckedThrowingContinuation { continuation in
            lanes[lane].async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// `run` for work that cannot fail.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await permits.acquire()
        let lane = free.withLock { $0.removeLast() }
        defer {
            free.withLock { $0.append(lane) }
            permits.release()
        }
        return await withCheckedContinuation { continuation in
            lanes[lane].async { continuation.resume(returning: work()) }
        }
    }
}

/// A counting semaphore for tasks: waiting suspends the task instead of blocking its thread.
private final class Permits: Sendable {
    private let state: Mutex<(free: Int, waiting: [CheckedContinuation<Void, Never>])>

    init(_ count: Int) { state = Mutex((count, [])) }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
