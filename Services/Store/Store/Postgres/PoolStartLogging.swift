import Logging

/// PostgresNIO's background logger less one warning. The pool's `run()` is started in a task of its own just
/// before the first query (migrations), and when the query's lease comes first PostgresNIO warns that `run()`
/// "hasn't been called yet", although the lease then waits for the pool and succeeds. Every command an operator
/// ran on a PostgreSQL store printed it; a library's start-up order is no news to them. Everything else passes.
struct PoolStartLogging: LogHandler {
    var wrapped: any LogHandler

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        if event.level == .warning, event.message.description.contains("`PostgresClient.run()` hasn't been called") {
            return
        }
        wrapped.log(event: event)
    }

    /// `logger` with this filter in front of its handler.
    static func background(_ logger: Logger) -> Logger {
        var background = logger
        background.handler = PoolStartLogging(wrapped: logger.handler)
        return background
    }
}
