import ArgumentParser
import Foundation
import NashraHTTP
import NashraRuntime

struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch one URL the way the fetcher does and print status, headers and timing."
    )

    @Argument(help: "The URL.") var url: String
    @Option(help: "Total timeout in seconds.") var timeout = 30.0
    @OptionGroup var settings: SettingOptions

    func run() async throws {
        let configuration = try settings.configuration()
        let fetcher = HTTPFetcher(
            userAgent: configuration[Setting.userAgent],
            maxBodyBytes: try configuration.integer(Setting.maxBodyBytes, in: 1024...1_073_741_824),
            totalTimeout: timeout,
            addressPolicy: AddressPolicy(allowList: configuration[Setting.allowPrivate])
        )
        let start = Date()
        let response = try await fetcher.fetch(url)
        print(
            "HTTP \(response.status) in \(String(format: "%.3f", Date().timeIntervalSince(start))) s, "
                + "\(response.body.count) bytes, final URL \(response.finalURL)"
        )
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) { print("\(name): \(value)") }
    }
}
