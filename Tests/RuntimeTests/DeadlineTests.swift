import Foundation
import NashraRuntime
import Testing

/// `withDeadline`: a call that never returns (a continuation nobody resumes, as PostgresNIO left one when its server
/// was killed mid-statement) is abandoned at its deadline; one that returns or throws in time is unchanged.
@Suite("Deadlines on calls that may never return") struct DeadlineTests {
    struct Refused: Error {}

    @Test("a call that never returns is abandoned at its deadline with an error that says what and how long")
    func neverReturns() async throws {
        let started = Date()
        do {
            _ = try await withDeadline(seconds: 0.3, "a write of 1,000 articles") { () async throws -> Int in
                // Nobody resumes this continuation, and cancellation does not reach it.
                await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
                return 1
            }
            Issue.record("the call returned")
        } catch let error as DeadlineExceeded {
            #expect(error.seconds == 0.3)
            #expect("\(error)".contains("a write of 1,000 articles did not finish within 0.3 s"))
        }
        // The deadline, not a test-runner timeout, ended the wait (generous: a loaded machine).
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test("a call that returns or throws in time is unaffected, and its value or error comes through")
    func inTime() async throws {
        #expect(try await withDeadline(seconds: 60, "a sum") { 40 + 2 } == 42)
        await #expect(throws: Refused.self) {
            try await withDeadline(seconds: 60, "a refusal") { () async throws -> Int in throw Refused() }
        }
        // A result that comes before the caller waits for it is kept, not lost.
        #expect(try await withDeadline(seconds: 60, "an instant answer") { "جاهز" } == "جاهز")
    }

    @Test("cancelling the caller cancels the work")
    func cancellation() async throws {
        let task = Task {
            try await withDeadline(seconds: 600, "a long wait") { () async throws -> Bool in
                try await Task.sleep(for: .seconds(600))
                return true
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
