import Foundation
import Synchronization

/// Threads that keep cores busy until `stop()`: a test of a race runs beside it, as a fresh clone's tests run
/// beside another build.
public final class CPUHog: Sendable {
    private let running = Atomic<Bool>(true)

    public init(threads: Int = 2) {
        for _ in 0..<threads {
            Thread { [self] in
                var x: UInt64 = 1
                while self.running.load(ordering: .relaxed) { x = x &* 6_364_136_223_846_793_005 &+ 1 }
                _ = x
            }.start()
        }
    }

    public func stop() { running.store(false, ordering: .relaxed) }
}
