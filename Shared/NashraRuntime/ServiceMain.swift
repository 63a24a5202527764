import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle

/// Process-wide set-up shared by every executable. Only executables call `bootstrap`; modules take a `Logger`.
public enum ServiceMain {
    /// The registry behind `/metrics`.
    public static let metrics = PrometheusCollectorRegistry()

    /// Bootstraps swift-log (stderr, level from `NASHRA_LOG_LEVEL`) and swift-metrics (Prometheus).
    /// - Parameter histogramBuckets: bucket bounds of the service's value histograms (swift-metrics `Recorder`s),
    ///   by metric name.
    public static func bootstrap(
        _ configuration: Configuration,
        label: String,
        histogramBuckets: [String: [Double]] = [:]
    ) -> Logger {
        let level = Logger.Level(rawValue: configuration[Setting.logLevel]) ?? .info
        LoggingSystem.bootstrap { name in
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = level
            return handler
        }
        var factory = PrometheusMetricsFactory(registry: metrics)
        factory.valueHistogramBuckets = histogramBuckets
        MetricsSystem.bootstrap(factory)
        return Logger(label: label)
    }

    /// A service's process: its settings read, logging and metrics bootstrapped (`label`), the allocator's free
    /// memory returned every minute (`MemoryTrim`), then `body`; an error is logged as critical and ends the
    /// process with status 1 (a bad flag has ended it with 64 before this).
    public static func start(
        _ settings: SettingOptions,
        label: String,
        histogramBuckets: [String: [Double]] = [:],
        _ body: (Configuration, Logger) async throws -> Void
    ) async throws {
        let configuration = try settings.configuration()
        let logger = bootstrap(configuration, label: label, histogramBuckets: histogramBuckets)
        let trimming = MemoryTrim.periodically()
        defer { trimming.cancel() }
        do {
            try await body(configuration, logger)
        } catch {
            logger.critical("\(label) failed: \(error)")
            throw ExitCode(1)
        }
    }

    /// The settings, for every service's `--help`: each takes any of them as a flag or from the environment.
    public static let settingsHelp =
        "Settings (environment variable, or the flag in parentheses):\n" + Configuration.reference()

    /// Adds `/health` and `/metrics` to a router.
    /// - Parameter healthy: whether the process can do its work (e.g. its broker connection is up).
    public static func addOperationsRoutes<Context: RequestContext>(
        to router: Router<Context>,
        service: String,
        healthy: @escaping @Sendable () -> Bool
    ) {
        router.get("health") { _, _ -> Response in
            let ok = healthy()
            let body = "{\"service\":\"\(service)\",\"status\":\"\(ok ? "ok" : "degraded")\"}\n"
            return Response(
                status: ok ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer()))
            )
        }
    }

    /// Runs `services` and an operations HTTP server in one service group that shuts down gracefully on SIGTERM
    /// and SIGINT.
    /// - Parameters:
    ///   - idleTimeout: seconds after which a connection that sends nothing is closed (the public site's keep-alive
    ///     connections); nil: never.
    ///   - headDeadline: seconds a request head may take to arrive (the public site: slow clients); nil: no limit.
    public static func run<Context: RequestContext>(
        services: [any Service],
        router: Router<Context>,
        host: String,
        port: Int,
        idleTimeout: Int? = nil,
        headDeadline: Int? = nil,
        logger: Logger
    ) async throws where Context.Source == ApplicationRequestContextSource {
        let application = Application(
            router: router,
            server: http1(idleTimeout: idleTimeout, headDeadline: headDeadline),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            services: services,
            logger: logger
        )
        try await application.runService()
    }
}

/// A stage as a swift-service-lifecycle `Service`: graceful shutdown finishes the batch in flight. Cancellation
/// stops it the same way: the service group cancels its services when one of them fails (the HTTP server cannot
/// bind its port), and a stage that ignored that kept consuming and then hung on SIGTERM.
public struct StageService: Service {
    public let runner: StageRunner

    public init(runner: StageRunner) { self.runner = runner }

    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await runner.run()
            } onGracefulShutdown: {
                runner.stop()
            }
        } onCancel: {
            runner.stop()
        }
    }
}

extension StageRunner {
    /// Runs this stage with `/health` and `/metrics`, and any `services` beside it, until SIGTERM or SIGINT.
    public func serve(
        name: String,
        configuration: Configuration,
        defaultPort: Int,
        logger: Logger,
        alongside services: [any Service] = [],
        routes: (Router<BasicRequestContext>) -> Void = { _ in }
    ) async throws {
        let router = Router()
        ServiceMain.addOperationsRoutes(to: router, service: name) { self.isConnected }
        routes(router)
        try await ServiceMain.run(
            services: [StageService(runner: self)] + services,
            router: router,
            host: configuration[Setting.httpHost],
            port: try configuration.httpPort(default: defaultPort),
            logger: logger
        )
    }

    /// Builds and runs a stage executable: configuration, logging, metrics, the stage, `/health` and `/metrics`.
    /// - Parameter makeProcessor: builds the stage's processor from the configuration.
    public static func main(
        name: String,
        defaultPort: Int,
        settings: SettingOptions,
        makeProcessor: (Configuration, Logger) async throws -> any StageProcessor
    ) async throws {
        try await ServiceMain.start(settings, label: "nashra.\(name)") { configuration, logger in
            let processor = try await makeProcessor(configuration, logger)
            let runner = StageRunner(processor: processor, settings: try .init(configuration), logger: logger)
            try await runner.serve(name: name, configuration: configuration, defaultPort: defaultPort, logger: logger)
        }
    }
}
