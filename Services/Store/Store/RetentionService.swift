import Foundation
import Logging
import ServiceLifecycle

/// Runs beside the store writer: prunes articles older than `days` at start and then every `interval` seconds,
/// until the writer shuts down. A failed prune is logged and tried again at the next round.
public struct RetentionService: Service {
    public let store: any NewsArchive
    public let days: Int
    public let interval: Double
    public let logger: Logger

    public init(store: any NewsArchive, days: Int, interval: Double = 3600, logger: Logger) {
        self.store = store
        self.days = days
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // A service that returns ends its whole service group: without retention, wait for the shutdown.
        guard days > 0 else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let horizon = Date().addingTimeInterval(-Double(days) * 86_400)
                    let pruned = try await store.prune(olderThan: horizon)
                    if pruned > 0 { logger.info("retention: deleted \(pruned) articles older than \(days) days") }
                } catch {
                    logger.error("retention: prune failed, will try again", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(interval))
            }
        }
    }
}
