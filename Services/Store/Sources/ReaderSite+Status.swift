import Foundation
import Hummingbird
import NashraHTML
import NashraRuntime

/// `/status`: the pipeline at a glance for operators: per queue ready, unacked, consumers, rates, retrying,
/// dead letters and drain time (the same figures as `nashra status`), and what the store holds.
extension ReaderSite {
    func addStatusRoute(to router: Router<ReaderContext>) {
        router.get("/status") { _, _ in try await statusPage() }
    }

    func statusPage() async throws -> Response {
        var body = "<h1><a href=\"/\">نشرة</a> — حالة خط المعالجة</h1>"
        body += "<p>الأخبار المخزنة: \(try await store.reading { try $0.count() })</p>"
        guard let inspector else {
            return page(title: "الحالة", body: body + "<p>لم يضبط عنوان الوسيط (NASHRA_AMQP_URL).</p>")
        }
        let (source, queues) = await inspector.inspect()
        func cell(_ value: Int?) -> String { value.map(String.init) ?? "—" }
        func rate(_ value: Double?) -> String { value.map { String(format: "%.1f/s", $0) } ?? "—" }
        body += "<table dir=\"ltr\"><thead><tr><th>queue</th><th>ready</th><th>unacked</th><th>consumers</th>"
        body += "<th>in</th><th>out</th><th>retrying</th><th>dead</th><th>drain</th></tr></thead><tbody>"
        for queue in queues {
            let drain = queue.drainSeconds.map { String(format: "%.0f s", $0) } ?? (queue.ready == 0 ? "drained" : "—")
            body += "<tr><td>\(HTMLEscaping.escape(queue.name))</td><td>\(cell(queue.ready))</td>"
            body += "<td>\(cell(queue.unacknowledged))</td><td>\(cell(queue.consumers))</td>"
            body += "<td>\(rate(queue.inRate))</td><td>\(rate(queue.outRate))</td><td>\(cell(queue.retrying))</td>"
            body += "<td class=\"\((queue.deadLetters ?? 0) > 0 ? "bad" : "")\">\(cell(queue.deadLetters))</td>"
            body += "<td>\(drain)</td></tr>"
        }
        body += "</tbody></table><p><small>\(HTMLEscaping.escape(source))</small></p>"
        var response = page(title: "الحالة", body: body)
        response.headers[.init("Refresh")!] = "10"
        return response
    }
}
