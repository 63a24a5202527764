import Foundation
import NashraAMQP

/// A documented setting: environment variable, default and meaning. The same key can be given as a flag:
/// `NASHRA_AMQP_URL` is `--amqp-url`.
public struct SettingKey: Sendable, Hashable {
    public let name: String
    public let defaultValue: String
    public let help: String
    /// Other flags accepted for this setting (`--port` for `--http-port`).
    public let aliases: [String]

    public init(_ name: String, _ defaultValue: String, _ help: String, aliases: [String] = []) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
        self.aliases = aliases
    }

    /// `NASHRA_AMQP_URL` → `--amqp-url`.
    public var flag: String {
        "--" + name.dropFirst("NASHRA_".count).lowercased().replacingOccurrences(of: "_", with: "-")
    }
}

/// Every setting Nashra reads: the one table behind every executable's flags and environment, `nashra config`,
/// and docs/configuration.md (`nashra config --markdown`; a test keeps the document current).
public enum Setting {
    public static let amqpURL = SettingKey(
        "NASHRA_AMQP_URL",
        "amqp://guest:guest@127.0.0.1:5672/",
        "RabbitMQ URL, or a cluster's nodes comma-separated (tried in order; credentials are never logged)"
    )
    public static let managementURL = SettingKey(
        "NASHRA_AMQP_MANAGEMENT_URL",
        "http://guest:guest@127.0.0.1:15672",
        "RabbitMQ management API, for `nashra status` (unacked counts); falls back to AMQP when unreachable"
    )
    public static let queuePrefix = SettingKey("NASHRA_QUEUE_PREFIX", "nashra", "prefix of every queue name")
    public static let queueType = SettingKey(
        "NASHRA_QUEUE_TYPE",
        "classic",
        "classic (one node) or quorum (replicated, for a cluster; the broker counts redeliveries)"
    )
    public static let prefetch = SettingKey(
        "NASHRA_PREFETCH",
        "100",
        "most unacknowledged messages per consumer, also the largest batch"
    )
    public static let retryDelay = SettingKey(
        "NASHRA_RETRY_DELAY_MS",
        "5000",
        "delay before a transiently failed message is retried (retry queue TTL)"
    )
    public static let maxAttempts = SettingKey(
        "NASHRA_MAX_ATTEMPTS",
        "5",
        "tries before a message goes to the dead-letter queue"
    )
    public static let httpHost = SettingKey(
        "NASHRA_HTTP_HOST",
        "127.0.0.1",
        "address of /metrics, /health (and the web)"
    )
    public static let httpPort = SettingKey(
        "NASHRA_HTTP_PORT",
        "",
        "port of /metrics and /health; defaults: fetcher 9101 (frontier 9100), parser 9102, "
            + "classifier 9103, store 9104, web 8080; 0 picks a free port",
        aliases: ["--port"]
    )
    public static let logLevel = SettingKey("NASHRA_LOG_LEVEL", "info", "trace, debug, info, notice, warning, error")
    public static let database = SettingKey(
        "NASHRA_DB",
        "~/.local/share/nashra/nashra.sqlite",
        "the store's database: a SQLite file path, or "
            + "`postgres://user[:password]@host[:port]/db[?sslmode=disable|prefer|require]`"
    )
    public static let stateDir = SettingKey(
        "NASHRA_STATE_DIR",
        "~/.local/share/nashra/state",
        "where the frontier keeps its crawl state"
    )
    public static let sources = SettingKey(
        "NASHRA_SOURCES",
        "~/.config/nashra/sources.yml",
        "the sources file (YAML; `deploy/sources.yml` is an example to start from)"
    )
    public static let data = SettingKey(
        "NASHRA_DATA",
        "../shared/data",
        "the shared evaluation data, for the lab tools' corpora (`nashra-dev`) and the tests that use them"
    )
    public static let allowPrivate = SettingKey(
        "NASHRA_FETCH_ALLOW_PRIVATE",
        "",
        "hosts or CIDR ranges exempt from the private-address block, comma-separated (e.g. 127.0.0.1/32)"
    )
    public static let userAgent = SettingKey(
        "NASHRA_USER_AGENT",
        "NashraBot/0.1 (+https://github.com/nashra-news/nashra)",
        "User-Agent of the fetcher"
    )
    public static let maxBodyBytes = SettingKey(
        "NASHRA_FETCH_MAX_BYTES",
        "10485760",
        "cap on a fetched body, counted on decoded bytes"
    )
    public static let maxPageBytes = SettingKey(
        "NASHRA_FETCH_MAX_PAGE_BYTES",
        "5242880",
        "cap on an article page, counted on decoded bytes (feeds and sitemaps get `NASHRA_FETCH_MAX_BYTES`); "
            + "the largest of 645 real news pages is 1.7 MB"
    )
    public static let imageReportThreshold = SettingKey(
        "NASHRA_IMAGE_REPORT_THRESHOLD",
        "3",
        "distinct readers whose reports hide an image everywhere it appears"
    )
    public static let hostDelay = SettingKey(
        "NASHRA_HOST_DELAY_MS",
        "1000",
        "least pause between two requests to one host, across all workers (robots.txt Crawl-delay can lengthen it)"
    )
    public static let pollInterval = SettingKey(
        "NASHRA_POLL_INTERVAL",
        "",
        "override every source's poll interval, in seconds (demo and tests)"
    )
    public static let retentionDays = SettingKey(
        "NASHRA_RETENTION_DAYS",
        "0",
        "the store writer deletes articles older than this many days, hourly (0 keeps everything)"
    )
    public static let topicModel = SettingKey(
        "NASHRA_TOPIC_MODEL",
        "",
        "topic model file (`nashra train`); empty: the model shipped with the classifier"
    )
    public static let topicThreshold = SettingKey(
        "NASHRA_TOPIC_THRESHOLD",
        "0.5",
        "calibrated confidence below which an article's topic is marked uncertain"
    )

    public static let publicURL = SettingKey(
        "NASHRA_PUBLIC_URL",
        "",
        "the reader site's public address (`https://news.example`), for canonical links, feeds and the sitemap; "
            + "empty: the address each request came to"
    )
    public static let breakingOutlets = SettingKey(
        "NASHRA_BREAKING_OUTLETS",
        "3",
        "outlets that must carry a story within `NASHRA_BREAKING_MINUTES` of its first copy for it to show as "
            + "breaking («عاجل»)"
    )
    public static let breakingMinutes = SettingKey(
        "NASHRA_BREAKING_MINUTES",
        "60",
        "the window from a story's first copy in which `NASHRA_BREAKING_OUTLETS` outlets make it breaking"
    )

    public static let trustedProxies = SettingKey(
        "NASHRA_TRUSTED_PROXIES",
        "",
        "addresses or CIDR ranges of the proxies in front of the reader site; from them, `X-Forwarded-For` names "
            + "the client (its rightmost address that is not a trusted proxy)"
    )
    public static let searchesPerMinute = SettingKey(
        "NASHRA_SEARCHES_PER_MINUTE",
        "60",
        "searches one client may make a minute on the reader site, in bursts of as many; past it 429 with "
            + "`Retry-After`"
    )
    public static let websubCallback = SettingKey(
        "NASHRA_WEBSUB_CALLBACK",
        "",
        "the frontier's address as WebSub hubs reach it (`https://frontier.example:9100`); set, feeds that name "
            + "a hub are subscribed and pushed; empty: polling only"
    )
    public static let websubLease = SettingKey(
        "NASHRA_WEBSUB_LEASE",
        "86400",
        "seconds of WebSub subscription asked of hubs (renewed an hour before it ends)"
    )

    public static let all: [SettingKey] = [
        amqpURL, managementURL, queuePrefix, queueType, prefetch, retryDelay, maxAttempts, httpHost, httpPort, logLevel,
        database,
        stateDir, sources, allowPrivate, userAgent, maxBodyBytes, maxPageBytes, hostDelay, pollInterval,
        imageReportThreshold, retentionDays, topicModel, topicThreshold, publicURL, breakingOutlets, breakingMinutes,
        websubCallback, websubLease, trustedProxies, searchesPerMinute, data,
    ]
}

/// Why the configuration could not be read.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The configuration of one process: environment variables overridden by `--flag value` arguments.
/// The one configuration reader of Nashra; every executable uses it.
public struct Configuration: Sendable {
    private var values: [String: String]
    /// The home folder, for defaults under `~/` (so that no default depends on the working folder).
    private let home: String
    /// Arguments that are not flags, e.g. a role such as `frontier` or `web`.
    public private(set) var positional: [String]

    /// - Throws: `ConfigurationError` for an unknown flag or a flag without a value.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        arguments: [String] = Array(CommandLine.arguments.dropFirst())
    ) throws {
        var values: [String: String] = [:]
        for key in Setting.all { if let value = environment[key.name] { values[key.name] = value } }
        var positional: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") {
                var flag = argument
                var value: String?
                if let equals = argument.firstIndex(of: "=") {
                    flag = String(argument[..<equals])
                    value = String(argument[argument.index(after: equals)...])
                }
                guard let key = Setting.all.first(where: { $0.flag == flag || $0.aliases.contains(flag) }) else {
                    throw ConfigurationError(
                        "unknown option \(flag); known: " + Setting.all.map(\.flag).joined(separator: ", ")
                    )
                }
                if value == nil {
                    index += 1
                    guard index < arguments.count else { throw ConfigurationError("\(flag) needs a value") }
                    value = arguments[index]
                }
                values[key.name] = value
            } else {
                positional.append(argument)
            }
            index += 1
        }
        self.values = values
        self.positional = positional
        home = environment["HOME"] ?? NSHomeDirectory()
    }

    /// The value of a setting, or its default (a default under `~/` in the home folder).
    public subscript(_ key: SettingKey) -> String {
        if let value = values[key.name], !value.isEmpty { return value }
        if key.defaultValue.hasPrefix("~/") { return home + key.defaultValue.dropFirst() }
        return key.defaultValue
    }

    /// Sets a value (tests and the CLI use this to build a configuration in code).
    public mutating func set(_ key: SettingKey, _ value: String) { values[key.name] = value }

    /// An integer setting.
    /// - Throws: `ConfigurationError` naming the key when the value is not an integer in `range`.
    public func integer(_ key: SettingKey, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let value = Int(self[key]), range.contains(value) else {
            throw ConfigurationError("\(key.name)=\(self[key]) is not an integer in \(range)")
        }
        return value
    }

    /// A number setting.
    /// - Throws: `ConfigurationError` naming the key when the value is not a number in `range`.
    public func double(_ key: SettingKey, in range: ClosedRange<Double> = 0...1) throws -> Double {
        guard let value = Double(self[key]), range.contains(value) else {
            throw ConfigurationError("\(key.name)=\(self[key]) is not a number in \(range)")
        }
        return value
    }

    public func amqpURL() throws -> AMQPURL {
        do { return try AMQPURL(self[Setting.amqpURL]) } catch { throw ConfigurationError(error.message) }
    }

    public func topology() throws -> Topology {
        guard let queueType = Topology.QueueType(rawValue: self[Setting.queueType]) else {
            throw ConfigurationError("\(Setting.queueType.name)=\(self[Setting.queueType]) is not classic or quorum")
        }
        return Topology(
            prefix: self[Setting.queuePrefix],
            retryDelayMilliseconds: Int64(try integer(Setting.retryDelay, in: 1...86_400_000)),
            queueType: queueType,
            deliveryLimit: try integer(Setting.maxAttempts, in: 1...1_000)
        )
    }

    /// The HTTP port: the setting, or the stage's default.
    public func httpPort(default fallback: Int) throws -> Int {
        self[Setting.httpPort].isEmpty ? fallback : try integer(Setting.httpPort, in: 0...65535)
    }

    /// A text table of every setting, for `--help` and the README.
    /// The settings as the Markdown table of docs/configuration.md.
    public static func markdownTable() -> String {
        var lines = ["| environment | flag | default | meaning |", "|---|---|---|---|"]
        for key in Setting.all {
            let flags = ([key.flag] + key.aliases).map { "`\($0)`" }.joined(separator: ", ")
            let value = key.defaultValue.isEmpty ? "—" : "`\(key.defaultValue)`"
            let help = key.help.replacingOccurrences(of: "|", with: "\\|")
            lines.append("| `\(key.name)` | \(flags) | \(value) | \(help) |")
        }
        return lines.joined(separator: "\n")
    }

    public static func reference() -> String {
        Setting.all.map { key in
            let def = key.defaultValue.isEmpty ? "(none)" : key.defaultValue
            let flags = ([key.flag] + key.aliases).joined(separator: ", ")
            return "\(key.name) (\(flags))\n    default: \(def)\n    \(key.help)"
        }.joined(separator: "\n")
    }
}
