import ArgumentParser
import DemoSite
import Foundation

struct DemoSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-site",
        abstract: "Serve the offline demo publisher (RSS feed and Arabic article pages)."
    )

    @Option(help: "Folder of the demo site.") var dir = "deploy/demo/site"
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port.") var port = 8701
    @Flag(help: "Serve the pages' dates as written (late November 2026), not moved to make the newest one recent.")
    var asWritten = false

    func run() async throws {
        let shift = asWritten ? 0 : DemoSite.shift(toNewestAt: Date())
        try await DemoSite(directory: dir, shift: shift).run(host: host, port: port) { bound in
            print("demo publisher on http://\(host):\(bound)/ (feed: /feed.xml)")
        }
    }
}
