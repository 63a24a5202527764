// swift-tools-version:6.2
// Nashra — an Arabic news aggregation pipeline: fetcher → parser → classifier → store over RabbitMQ.
// Linux only (Debian/Ubuntu): the AMQP consumer and the test helpers call Glibc directly.
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "Nashra",
    products: [
        .executable(name: "nashra-fetcher", targets: ["FetcherService"]),
        .executable(name: "nashra-parser", targets: ["ParserService"]),
        .executable(name: "nashra-classifier", targets: ["ClassifierService"]),
        .executable(name: "nashra-store", targets: ["StoreService"]),
        .executable(name: "nashra", targets: ["NashraCLI"]),
        .executable(name: "nashra-dev", targets: ["NashraDev"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // C libraries: one system-library module each, imported by one Swift wrapper (CZlib also by the tests'
        // PNG reader, which inflates screenshots).
        .systemLibrary(
            name: "CRabbitMQ",
            path: "Shared/CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            path: "Shared/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(name: "CZlib", path: "Shared/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CLibXML2",
            path: "Shared/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),

        // Shared modules.
        .target(name: "NashraHashing", path: "Shared/NashraHashing", swiftSettings: strict),
        .target(
            name: "NashraMessages",
            dependencies: ["NashraHashing"],
            path: "Shared/NashraMessages",
            swiftSettings: strict
        ),
        .target(name: "CorpusFiles", dependencies: ["CZlib"], path: "Shared/CorpusFiles", swiftSettings: strict),
        .target(name: "ArabicText", dependencies: ["NashraHashing"], path: "Shared/ArabicText", swiftSettings: strict),
        // Grouping the same story told by several outlets: word shingles, MinHash signatures (the classifier signs),
        // their bands and the verification (both store back ends group).
        .target(
            name: "StoryGrouping",
            dependencies: ["ArabicText", "NashraHashing"],
            path: "Shared/StoryGrouping",
            swiftSettings: strict
        ),
        .target(
            name: "NashraAMQP",
            dependencies: ["CRabbitMQ", .product(name: "Logging", package: "swift-log")],
            path: "Shared/NashraAMQP",
            swiftSettings: strict
        ),
        .target(
            name: "NashraHTTP",
            dependencies: ["CCurl"],
            path: "Shared/NashraHTTP",
            swiftSettings: strict
        ),
        .target(name: "NashraHTML", dependencies: ["CLibXML2"], path: "Shared/NashraHTML", swiftSettings: strict),
        .target(
            name: "DemoSite",
            dependencies: [
                "NashraHTTP", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/DemoSite",
            swiftSettings: strict
        ),
        .target(
            name: "ReplaySite",
            dependencies: [
                "CorpusFiles", "NashraHTML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/ReplaySite",
            swiftSettings: strict
        ),
        .target(
            name: "NashraRuntime",
            dependencies: [
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "NashraAMQP", "NashraMessages",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Shared/NashraRuntime",
            swiftSettings: strict
        ),
        // What operators use beside the services: queue inspection (management API, or AMQP) and dead letters.
        .target(
            name: "NashraOperations",
            dependencies: [
                "NashraAMQP", "NashraHTTP", "NashraHTML", "NashraRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Shared/NashraOperations",
            swiftSettings: strict
        ),

        // Stage libraries (logic testable without a broker) and their thin executables.
        // The fetcher: stateless workers (HTTP, robots.txt, feeds) and the one frontier (sources, schedule, seen
        // URLs in SQLite, the catalog in YAML), in one executable with two roles.
        .target(
            name: "Fetcher",
            dependencies: ["NashraMessages", "NashraHTTP", "NashraHTML", "NashraRuntime", "NashraAMQP", "ArabicText"],
            path: "Services/Fetcher/Fetcher",
            swiftSettings: strict
        ),
        .target(
            name: "FetchFrontier",
            dependencies: [
                "NashraMessages", "NashraRuntime", "NashraAMQP", "NashraHTML", "NashraHTTP", "Fetcher",
                .product(name: "GRDB", package: "GRDB.swift"), "Yams",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Services/Fetcher/FetchFrontier",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "FetcherService",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"), "Fetcher", "FetchFrontier",
            ],
            path: "Services/Fetcher/FetcherService"
        ),
        .target(
            name: "Parser",
            dependencies: ["NashraMessages", "NashraHTML", "ArabicText", "NashraRuntime", "NashraHashing"],
            path: "Services/Parser/Parser",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ParserService",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser"), "Parser"],
            path: "Services/Parser/ParserService"
        ),
        .target(
            name: "Classifier",
            dependencies: [
                "StoryGrouping", "NashraMessages", "ArabicText", "NashraRuntime", "CorpusFiles", "NashraHashing",
            ],
            path: "Services/Classifier/Classifier",
            exclude: ["Resources/ant-label-map.json", "Resources/README.md"],
            resources: [.copy("Resources/topic-ant.nmodel")],
            swiftSettings: strict
        ),
        // Offline work on topic models: labelled corpora, training, evaluation (`nashra train`, `nashra evaluate`);
        // the classifier service does not link it.
        .target(
            name: "ClassifierTraining",
            dependencies: ["Classifier", "CorpusFiles", "ArabicText", "NashraHashing"],
            path: "Services/Classifier/ClassifierTraining",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ClassifierService",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser"), "Classifier"],
            path: "Services/Classifier/ClassifierService"
        ),
        // The store: persistence (SQLite through GRDB, the store stage, retention, the importer) and, apart from it,
        // the reader web site that reads it, in one executable with two roles.
        .target(
            name: "Store",
            dependencies: [
                "StoryGrouping",
                "NashraMessages", "ArabicText", "NashraRuntime", "NashraHashing",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Store/Store",
            swiftSettings: strict
        ),
        // Offline work on archives: the corpus importer and its pipelined writer (`nashra import`), and the copy of
        // a SQLite archive into PostgreSQL (`nashra copy-db`); the store service does not link it.
        .target(
            name: "StoreTools",
            dependencies: [
                "Store", "NashraMessages", "ArabicText", "CorpusFiles",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Services/Store/StoreTools",
            swiftSettings: strict
        ),
        .target(
            name: "ReaderWeb",
            dependencies: [
                "Store", "NashraMessages", "ArabicText", "NashraHTML", "NashraRuntime",
                "NashraHashing", "NashraHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Services/Store/ReaderWeb",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "StoreService",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"), "Store", "ReaderWeb",
                "NashraOperations",
            ],
            path: "Services/Store/StoreService"
        ),
        .executableTarget(
            name: "NashraCLI",
            dependencies: [
                "Fetcher", "FetchFrontier", "Parser", "Classifier", "ClassifierTraining", "Store", "StoreTools",
                "ReaderWeb",
                "NashraAMQP", "NashraHTTP", "NashraOperations", "CorpusFiles", "DemoSite", "ArabicText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Services/NashraCLI",
            swiftSettings: strict
        ),
        // The developers' tool (benchmarks, the replay publisher, audits, poison): not shipped in the image.
        .executableTarget(
            name: "NashraDev",
            dependencies: [
                "StoryGrouping",
                "Fetcher", "FetchFrontier", "Classifier", "ClassifierTraining", "Store", "StoreTools", "NashraAMQP",
                "NashraHTTP",
                "NashraMessages",
                "NashraOperations", "NashraRuntime", "CorpusFiles", "ReplaySite", "ArabicText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/NashraDev",
            swiftSettings: strict
        ),

        // Fuzz targets (deploy/fuzz.sh builds them with libFuzzer; built as usual, each replays the files it is given).
        .target(name: "FuzzSupport", path: "Tools/FuzzSupport"),
        .executableTarget(name: "FuzzDates", dependencies: ["FuzzSupport", "ArabicText"], path: "Tools/FuzzDates"),
        .executableTarget(
            name: "FuzzMessages",
            dependencies: ["FuzzSupport", "NashraMessages"],
            path: "Tools/FuzzMessages"
        ),
        .executableTarget(name: "FuzzAMQPURL", dependencies: ["FuzzSupport", "NashraAMQP"], path: "Tools/FuzzAMQPURL"),
        .executableTarget(
            name: "FuzzExtractor",
            dependencies: ["FuzzSupport", "Parser", "NashraMessages"],
            path: "Tools/FuzzExtractor"
        ),
        .executableTarget(name: "FuzzFeeds", dependencies: ["FuzzSupport", "Fetcher"], path: "Tools/FuzzFeeds"),
        .executableTarget(name: "FuzzRobots", dependencies: ["FuzzSupport", "Fetcher"], path: "Tools/FuzzRobots"),
        .executableTarget(name: "FuzzURLs", dependencies: ["FuzzSupport", "Fetcher"], path: "Tools/FuzzURLs"),

        // Tests.
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "HummingbirdCore", package: "hummingbird"),
                "CZlib", "NashraAMQP", "NashraRuntime", "NashraMessages", "DemoSite", "Parser", "Classifier",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport"
        ),
        // The one Arabic normaliser, tokenizer, dates.
        .testTarget(
            name: "ArabicTextTests",
            dependencies: ["ArabicText", "NashraHashing"],
            path: "Tests/ArabicTextTests"
        ),
        // Extraction from pages as served.
        .testTarget(
            name: "ParserTests",
            dependencies: [
                "Parser", "ArabicText", "NashraMessages", "DemoSite", "Fetcher", "NashraHTTP", "TestSupport",
            ],
            path: "Tests/ParserTests"
        ),
        // Fetch jobs, feeds, politeness, the frontier's pieces, the replay publisher.
        .testTarget(
            name: "FetcherTests",
            dependencies: [
                "Fetcher", "FetchFrontier", "ReplaySite", "Parser", "ArabicText", "NashraAMQP", "NashraHTTP",
                "NashraMessages", "TestSupport", .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/FetcherTests"
        ),
        // The topic model, training, publisher sections.
        .testTarget(
            name: "ClassifierTests",
            dependencies: [
                "Classifier", "ClassifierTraining", "StoryGrouping", "ArabicText", "NashraMessages", "Parser",
                "Fetcher", "FetchFrontier", "TestSupport",
            ],
            path: "Tests/ClassifierTests"
        ),
        // The SQLite store, story clusters, the importer.
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "StoreTools", "StoryGrouping", "Classifier", "Fetcher", "Parser", "ReaderWeb", "NashraAMQP",
                "NashraHTML", "NashraHTTP", "NashraMessages", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/StoreTests"
        ),
        // The reader site over HTTP.
        .testTarget(
            name: "ReaderWebTests",
            dependencies: [
                "ReaderWeb", "Store", "NashraHTTP", "NashraMessages", "NashraRuntime", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/ReaderWebTests"
        ),
        // The reader site in headless Chromium.
        .testTarget(
            name: "BrowserTests",
            dependencies: [
                "ReaderWeb", "Store", "NashraMessages", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/BrowserTests"
        ),
        // The built executables (NASHRA_BIN_DIR).
        .testTarget(name: "CommandTests", dependencies: ["TestSupport"], path: "Tests/CommandTests"),
        // Messages, configuration, operations, deployment manifests.
        .testTarget(
            name: "RuntimeTests",
            dependencies: [
                "NashraRuntime", "NashraOperations", "NashraAMQP", "NashraMessages", "Store", "TestSupport", "Yams",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/RuntimeTests"
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "StoryGrouping",
                "TestSupport", "Fetcher", "FetchFrontier", "Parser", "Classifier", "Store", "StoreTools", "ReaderWeb",
                "NashraAMQP",
                "NashraRuntime", "NashraHTTP",
                "NashraMessages", "NashraOperations", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/IntegrationTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
