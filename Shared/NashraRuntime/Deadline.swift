import Synchronization

/// The error of `withDeadline`: the work had not finished when its time was up.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public let seconds: Double
    public let what: String

    public var description: String { "\(what) did not finish within \(seconds) s; it was cancelled and abandoned" }
}

/// Runs `work` and returns what it returns (or throws), unless `seconds` pass first: then the work is cancelled
/// and `DeadlineExceeded` is thrown at once, without waiting for the work to notice. This is for calls into a
/// library that can, on a fault, never return (a continuation nobody resumes), where waiting for cancellation to
/// take effect would hang the caller as well. The abandoned work keeps what it holds until it ends, if ever: the
/// deadline should be far beyond the call's normal time. Cancelling the caller cancels the work.
public func withDeadline<T: Sendable>(
    seconds: Double,
    _ what: String,
    _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = FirstOutcome<T>()
    let worker = Task {
        do { outcome.offer(.success(try await work())) } catch { outcome.offer(.failure(error)) }
    }
    let timer = Task {
        try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        guard !Task.isCancelled else { return }
        if outcome.offer(.failure(DeadlineExceeded(seconds: seconds, what: what))) { worker.cancel() }
    }
    defer { timer.cancel() }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { outcome.await($0) }
    } onCancel: {
        worker.cancel()
    }
}

/// The first of several outcomes, handed to one waiting continuation whether it comes before or after the wait.
private final class FirstOutcome<T: Sendable>: Sendable {
    private enum State {
        case open
        case decided(Result<T, any Error>)
        case waiting(CheckedContinuation<T, any Error>)
        case delivered
    }

    private let state = Mutex<State>(.open)

    /// Offers an outcome: true when it is the first (and so the one delivered).
    @discardableResult
    func offer(_ result: Result<T, any Error>) -> Bool {
        let (first, waiter): (Bool, CheckedContinuation<T, any Error>?) = state.withLock { state in
            switch state {
            case .open:
                state = .decided(result)
                return (true, nil)
            case .waiting(let continuation):
                state = .delivered
                return (true, continuation)
            case .decided, .delivered:
                return (false, nil)
            }
        }
        waiter?.resume(with: result)
        return first
    }

    /// Waits with `continuation`: resumed at once when an outcome is already there.
    func await(_ continuation: CheckedContinuation<T, any Error>) {
        let ready: Result<T, any Error>? = state.withLock { state in
            guard case .decided(let result) = state else {
                state = .waiting(continuation)
                return nil
            }
            state = .delivered
            return result
        }
        if let ready { continuation.resume(with: ready) }
    }
}
