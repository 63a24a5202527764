import ArgumentParser
import DemoSite

struct DemoSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-site",
        abstract: "Serve the offline demo publisher (RSS feed and Arabic article pages)."
    )

    @Option(help: "Folder of the demo site.") var dir = "deploy/demo/site"
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port.") var port = 8701

    func run() async throws {
        try await DemoSite(directory: dir).run(host: host, port: port) { bound in
            print("demo publisher on http://\(host):\(bound)/ (feed: /feed.xml)")
        }
    }
}
