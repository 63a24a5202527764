import Foundation
import Hummingbird
import NashraHTML
import NashraOperations
import NashraRuntime
import Store

/// `/status`: the pipeline at a glance for operators: per queue ready, unacked, consumers, rates, retrying,
/// dead letters and drain time, which stage to scale, and how fresh the stored news is (the same figures as
/// `nashra status`), and what the store holds.
extension ReaderSite {
    func addStatusRoute(to router: Router<ReaderContext>) {
        router.get("/status") { _, _ in try await statusPage() }
    }

    func statusPage() async throws -> Response {
        var body = "<h1>حالة خط المعالجة</h1>"
        let count = try await store.count()
        let freshness = try await store.freshness()
        body += "<p>الأخبار المخزنة: \(count)</p>"
        body += freshnessTable(freshness)
        guard let inspector else {
            var response = page(title: "الحالة", body: body + "<p>لم يضبط عنوان الوسيط (NASHRA_AMQP_URL).</p>")
            response.headers[.cacheControl] = "no-store"
            return response
        }
        let (source, queues) = await inspector.inspect()
        let deadColumn = QueueStatusTable.header.firstIndex(of: "dead")
        body += "<table dir=\"ltr\"><thead><tr>"
        body += QueueStatusTable.header.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for (queue, row) in zip(queues, QueueStatusTable.rows(queues)) {
            body += "<tr>"
            for (column, text) in row.enumerated() {
                let bad = column == deadColumn && (queue.deadLetters ?? 0) > 0
                body += "<td\(bad ? " class=\"bad\"" : "")>\(HTMLEscaping.escape(text))</td>"
            }
            body += "</tr>"
        }
        body += "</tbody></table><p><small>\(HTMLEscaping.escape(source))</small></p>"
        body += "<h2>التوسع</h2><table dir=\"ltr\"><tbody>"
        for advice in ScalingAdvisor.advise(queues, topology: inspector.inspector.topology) {
            let bad = advice.action != .ok
            body += "<tr><td>\(HTMLEscaping.escape(advice.stage))</td>"
            body += "<td\(bad ? " class=\"bad\"" : "")>\(HTMLEscaping.escape(advice.summary))</td></tr>"
        }
        body += "</tbody></table>"
        var response = page(title: "الحالة", body: body)
        response.headers[.init("Refresh")!] = "10"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Publication → stored and discovery → stored, p50 and p95 of the articles stored in the last hour.
    func freshnessTable(_ freshness: Freshness) -> String {
        func row(_ name: String, _ quantiles: Freshness.Quantiles) -> String {
            let cells = [quantiles.p50, quantiles.p95].map { $0.map(ScalingAdvisor.duration) ?? "—" }
            return "<tr><td>\(name)</td><td>\(cells[0])</td><td>\(cells[1])</td><td>\(quantiles.count)</td></tr>"
        }
        return "<h2>حداثة الأخبار (آخر ساعة)</h2><table dir=\"ltr\"><thead><tr><th></th><th>p50</th><th>p95</th>"
            + "<th>articles</th></tr></thead><tbody>"
            + row("publication → stored", freshness.sincePublished)
            + row("discovery → stored", freshness.sinceDiscovered) + "</tbody></table>"
    }
}
