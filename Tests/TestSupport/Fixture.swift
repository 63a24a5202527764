import Foundation
import NashraMessages

/// Fixtures written by the project: `Tests/Fixtures` and the demo site in `deploy/demo/site`.
public enum Fixture {
    public static let root = URL(fileURLWithPath: TestEnvironment.repositoryRoot)

    /// The bytes of a fixture; the demo site's `{{BASE}}` placeholder becomes `https://example.com`.
    public static func data(_ path: String) throws -> Data {
        let raw = try Data(contentsOf: root.appendingPathComponent(path))
        var output = Data()
        var rest = raw[...]
        while let range = rest.firstRange(of: Data("{{BASE}}".utf8)) {
            output += rest[..<range.lowerBound] + Data("https://example.com".utf8)
            rest = rest[range.upperBound...]
        }
        return output + rest
    }

    public static func page(_ path: String, contentType: String? = "text/html", url: String = "https://example.com/a")
        throws -> FetchedPage
    {
        FetchedPage(
            url: url,
            finalURL: url,
            sourceID: "test",
            status: 200,
            contentType: contentType,
            body: try data(path)
        )
    }

    /// A page of the given bytes, as fetched from https://example.com/a.
    public static func page(body: Data, contentType: String? = "text/html", fetchedAt: Date = Date()) -> FetchedPage {
        FetchedPage(
            url: "https://example.com/a",
            finalURL: "https://example.com/a",
            sourceID: "test",
            status: 200,
            contentType: contentType,
            fetchedAt: fetchedAt,
            body: body
        )
    }
}
