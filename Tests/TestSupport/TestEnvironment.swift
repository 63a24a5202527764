import DemoSite
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NashraAMQP
import NashraRuntime
import ServiceLifecycle
import Synchronization

/// What the integration tests need from outside: a real RabbitMQ (`NASHRA_TEST_AMQP_URL`, started by
/// `deploy/test.sh`), the built executables (`NASHRA_BIN_DIR`) and the broker's control script
/// (`NASHRA_TEST_BROKER_CTL`, for the restart test).
public enum TestEnvironment {
    public static let environment = ProcessInfo.processInfo.environment

    /// How many times slower than a normal debug build this one runs (NASHRA_TEST_TIME_SCALE, which
    /// `deploy/test.sh --sanitize` sets): the few bounds on elapsed time in tests are multiplied by it.
    public static let timeScale = max(1, Double(environment["NASHRA_TEST_TIME_SCALE"] ?? "") ?? 1)

    /// The broker of the test run, or nil when none was started (the tests then skip, saying so; with
    /// `NASHRA_REQUIRE_BROKER=1`, as `deploy/test.sh` sets, they fail instead).
    public static var amqpURL: AMQPURL? {
        guard let text = environment["NASHRA_TEST_AMQP_URL"] else { return nil }
        return try? AMQPURL(text)
    }

    public static var hasBroker: Bool {
        if amqpURL == nil, environment["NASHRA_REQUIRE_BROKER"] == "1" {
            fatalError("NASHRA_REQUIRE_BROKER=1 but NASHRA_TEST_AMQP_URL is not set: run deploy/test.sh")
        }
        if amqpURL == nil {
            FileHandle.standardError.write(
                Data("skipping broker tests: NASHRA_TEST_AMQP_URL is not set (deploy/test.sh starts a broker)\n".utf8)
            )
        }
        return amqpURL != nil
    }

    public static var binDirectory: String? { environment["NASHRA_BIN_DIR"] }

    /// Whether the built executables are known (`NASHRA_BIN_DIR`), for `.enabled(if:)`: tests of the commands are
    /// reported skipped, not passed, without them.
    public static var hasExecutables: Bool { binDirectory != nil }

    /// The shared data's root (`NASHRA_DATA`, default `../shared/data` beside the repository).
    public static var sharedDataRoot: String {
        environment["NASHRA_DATA"]
            ?? URL(fileURLWithPath: repositoryRoot).deletingLastPathComponent().appendingPathComponent("shared/data")
            .path
    }

    /// Whether a file of the shared data exists, for `.enabled(if:)`.
    public static func hasSharedData(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: sharedDataRoot + "/" + relativePath)
    }

    /// The path of a built executable, or nil — after saying that the test skips — without `NASHRA_BIN_DIR`.
    public static func executable(_ name: String) -> String? {
        guard let directory = binDirectory else {
            FileHandle.standardError.write(Data("skipping: NASHRA_BIN_DIR is not set (deploy/test.sh sets it)\n".utf8))
            return nil
        }
        return directory + "/" + name
    }
    public static var brokerControl: String? { environment["NASHRA_TEST_BROKER_CTL"] }

    /// The repository's root, found from this file's path.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A queue prefix no other test uses.
    public static func uniquePrefix(_ name: String) -> String {
        "test.\(name).\(UUID().uuidString.prefix(8).lowercased())"
    }

    public static var logger: Logger {
        var logger = Logger(label: "nashra.test")
        logger.logLevel = environment["NASHRA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }

    /// A TCP port that was free a moment ago (bound to port 0, then released).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw ConfigurationError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A file or folder of the shared real data (`NASHRA_DATA`, default `../shared/data` beside the repository),
    /// or nil — after saying that the test skips — when it is absent.
    public static func sharedData(_ relativePath: String) -> String? {
        let path = sharedDataRoot + "/" + relativePath
        guard FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(Data("skipping: \(path) is absent (set NASHRA_DATA)\n".utf8))
            return nil
        }
        return path
    }

    /// A fresh temporary directory, inside the test process's own folder (`runFolder`), which is removed when the
    /// process exits: a day of test runs had left a thousand databases behind in /tmp.
    public static func temporaryDirectory() throws -> String {
        let path = runFolder + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The folder of this test process's temporary directories, removed at exit.
    static let runFolder: String = {
        let name = "nashra-tests-\(ProcessInfo.processInfo.processIdentifier)"
        atexit { try? FileManager.default.removeItem(atPath: TestEnvironment.runFolder) }
        return FileManager.default.temporaryDirectory.appendingPathComponent(name).path
    }()

    /// Polls `condition` until it holds or `timeout` seconds pass.
    @discardableResult
    public static func waitUntil(timeout: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// Runs `work` and returns whether it finished within `seconds`. Unlike a task group, which waits for every
    /// child, this returns at the deadline even if `work` never ends (it keeps running, unstructured), so a hang
    /// fails its test instead of stalling the whole run.
    public static func finishes(within seconds: Double, _ work: @escaping @Sendable () async -> Void) async -> Bool {
        let outcome = FirstOutcome()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Task {
                await work()
                if outcome.claim() { continuation.resume(returning: true) }
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                if outcome.claim() { continuation.resume(returning: false) }
            }
        }
    }
}

/// Lets the first of two racing tasks resume a continuation.
private final class FirstOutcome: Sendable {
    private let claimed = Mutex(false)
    func claim() -> Bool {
        claimed.withLock { claimed in
            defer { claimed = true }
            return !claimed
        }
    }
}

/// Reads a queue's depth and messages, for assertions.
public struct QueueProbe {
    public let url: AMQPURL

    public init(url: AMQPURL) { self.url = url }

    /// Ready messages in `queue`.
    public func depth(_ queue: String) throws -> Int {
        try AMQPConnection(url: url).declareQueue(queue, passive: true).messages
    }

    /// Consumes and acks up to `count` messages of `queue`, waiting at most `timeout` seconds.
    public func take(_ count: Int, from queue: String, timeout: Double = 20) async -> [RawDelivery] {
        let consumer = AMQPConsumer(
            url: url,
            queue: queue,
            prefetch: 100,
            maxBatch: 100,
            topology: nil,
            logger: TestEnvironment.logger
        )
        consumer.start()
        var received: [RawDelivery] = []
        let deadline = Task {
            try? await Task.sleep(for: .seconds(timeout))
            consumer.stopDelivering()
        }
        while received.count < count, let batch = await consumer.next() {
            received += batch.map(\.message)
            consumer.ack(batch)
        }
        deadline.cancel()
        await consumer.close()
        return received
    }
}

/// An HTTP server run in-process on a free port, inside a service group so that `stop()` shuts it down
/// gracefully (cancelling a Hummingbird task with a request in flight traps in NIO).
public final class TestHTTPServer: Sendable {
    public let base: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(base: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.base = base
        self.group = group
        self.task = task
    }

    /// Starts the application built by `make`, which receives the callback to call with the bound port.
    public static func start<App: ApplicationProtocol>(
        _ make: (@escaping @Sendable (Int) async -> Void) -> App
    ) async throws -> TestHTTPServer {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = make { continuation.yield($0) }
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: TestEnvironment.logger)
        )
        let task = Task { try await group.run() }
        var ports = stream.makeAsyncIterator()
        guard let port = await ports.next() else { throw CancellationError() }
        return TestHTTPServer(base: "http://127.0.0.1:\(port)", group: group, task: task)
    }

    /// Starts a router on a free port (`server`: the services' HTTP/1 server, e.g. with a request head deadline).
    public static func start<Context: RequestContext>(
        router: Router<Context>,
        server: HTTPServerBuilder = .http1()
    ) async throws -> TestHTTPServer
    where Context.Source == ApplicationRequestContextSource {
        try await start { onRunning in
            Application(
                router: router,
                server: server,
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { await onRunning($0.localAddress?.port ?? 0) },
                logger: TestEnvironment.logger
            )
        }
    }

    /// The offline demo publisher of `deploy/demo/site`, its dates moved by `shift` seconds.
    public static func demoSite(shift: TimeInterval = 0) async throws -> TestHTTPServer {
        try await demoSite(DemoSite(directory: TestEnvironment.repositoryRoot + "/deploy/demo/site", shift: shift))
    }

    /// A demo publisher as given (its hub, its late article's delay).
    public static func demoSite(_ site: DemoSite) async throws -> TestHTTPServer {
        try await start { onRunning in site.makeApplication(port: 0, onRunning: onRunning) }
    }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// Runs a stage runner in a task until `stop()`.
public final class RunningStage: Sendable {
    public let runner: StageRunner
    private let task: Task<Void, Never>

    public init(_ processor: any StageProcessor, settings: StageRunner.Settings) {
        let runner = StageRunner(processor: processor, settings: settings, logger: TestEnvironment.logger)
        self.runner = runner
        task = Task { await runner.run() }
    }

    public func stop() async {
        runner.stop()
        await task.value
    }
}

/// A child process started with `posix_spawn` and reaped with `waitpid` (Foundation's `Process` wait is not
/// reliable from async test code on Linux).
public struct ChildProcess: Sendable {
    /// Taken from creating a child's pipes until it is spawned (see `spawn`).
    private static let spawning = Mutex(())

    /// Starts `path` with pipes on its stdin, stdout and stderr: its pid and this side's three ends.
    /// Close-on-exec on every pipe end: another child spawned meanwhile (by a test running beside this one) must
    /// not inherit these write ends, or this child's output would not end before that one exits (tests hung so).
    /// The child's own ends are dup2'd onto 0, 1 and 2, which do not carry the flag. Glibc's module has no
    /// pipe2, so the flag is set right after `pipe`, under `spawning`, which every spawn here takes.
    private static func spawn(_ path: String, _ arguments: [String]) throws -> (pid_t, Int32, Int32, Int32) {
        var pipes: [[Int32]] = [[0, 0], [0, 0], [0, 0]]
        for index in pipes.indices {
            guard pipe(&pipes[index]) == 0 else { throw ConfigurationError("pipe failed") }
            for fd in pipes[index] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, nil, argv, envp)
        close(pipes[0][0])
        close(pipes[1][1])
        close(pipes[2][1])
        guard status == 0 else { throw ConfigurationError("posix_spawn \(path) failed: \(status)") }
        return (pid, pipes[0][1], pipes[1][0], pipes[2][0])
    }

    public let pid: pid_t

    /// Starts `path` with `arguments`; `environment` entries are added to this process's environment.
    public static func spawn(_ path: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws
        -> ChildProcess
    {
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // Under `spawning`, so that it cannot inherit another child's pipes before they are close-on-exec.
        let pid = try spawning.withLock { _ in
            var pid: pid_t = 0
            let status = posix_spawn(&pid, path, nil, nil, argv, envp)
            guard status == 0 else { throw ConfigurationError("posix_spawn \(path) failed: \(status)") }
            return pid
        }
        return ChildProcess(pid: pid)
    }

    public func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the process to end, off the cooperative pool; returns its exit status (128+n for a signal).
    public func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                let exited = status & 0x7f == 0
                continuation.resume(returning: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            }
        }
    }

    /// Runs `path` with `input` on its stdin and returns its exit status, stdout and stderr.
    public static func output(_ path: String, _ arguments: [String] = [], input: Data = Data()) async throws
        -> (status: Int32, stdout: Data, stderr: Data)
    {
        Glibc.signal(SIGPIPE, SIG_IGN)  // a child that exits without reading its stdin must not kill the tests
        let pipes = try spawning.withLock { _ in try spawn(path, arguments) }
        let (pid, writer, outFD, errFD) = pipes
        Thread.detachNewThread {
            input.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(writer, raw.baseAddress! + offset, raw.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(writer)
        }
        async let stdout = Self.drain(outFD)
        async let stderr = Self.drain(errFD)
        let (out, err) = await (stdout, stderr)
        let exit = await ChildProcess(pid: pid).wait()
        return (exit, out, err)
    }

    /// Reads a descriptor to its end on a thread of its own, then closes it.
    static func drain(_ fd: Int32) async -> Data {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var data = Data()
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let count = read(fd, &buffer, buffer.count)
                    if count <= 0 { break }
                    data.append(contentsOf: buffer[0..<count])
                }
                close(fd)
                continuation.resume(returning: data)
            }
        }
    }

    /// Runs a command to completion and returns its exit status.
    public static func run(_ path: String, _ arguments: [String] = []) async throws -> Int32 {
        try await spawn(path, arguments).wait()
    }
}
