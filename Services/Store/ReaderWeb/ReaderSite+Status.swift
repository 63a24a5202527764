import Foundation
import Hummingbird
import NashraRuntime
import Store

/// `/status` of the public site: what the store knows (how many articles it holds, how fresh the newest are),
/// read from the database the site already serves; no broker address or credentials are needed. The queues and
/// the scaling advice are for operators: `nashra status`, and `/status` on the store writer's operations port.
extension ReaderSite {
    func addStatusRoute(to router: Router<ReaderContext>) {
        router.get("/status") { _, _ in try await statusPage() }
    }

    func statusPage() async throws -> Response {
        var body = "<h1>حالة الأرشيف</h1>"
        let count = try await store.count()
        let freshness = try await store.freshness()
        body += "<p>الأخبار المخزنة: \(count)</p>"
        body += freshnessTable(freshness)
        var response = page(title: "الحالة", body: body)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Publication → stored and discovery → stored, p50 and p95 of the articles stored in the last hour.
    func freshnessTable(_ freshness: Freshness) -> String {
        func row(_ name: String, _ quantiles: Freshness.Quantiles) -> String {
            let cells = [quantiles.p50, quantiles.p95].map { $0.map(Elapsed.text) ?? "—" }
            return "<tr><td>\(name)</td><td>\(cells[0])</td><td>\(cells[1])</td><td>\(quantiles.count)</td></tr>"
        }
        return "<h2>حداثة الأخبار (آخر ساعة)</h2><table dir=\"ltr\"><thead><tr><th></th><th>p50</th><th>p95</th>"
            + "<th>articles</th></tr></thead><tbody>"
            + row("publication → stored", freshness.sincePublished)
            + row("discovery → stored", freshness.sinceDiscovered) + "</tbody></table>"
    }
}
