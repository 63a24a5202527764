import Foundation
import Hummingbird
import NashraHTML
import NashraOperations
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
        var response = page(title: "الحالة", body: body)
        response.headers[.init("Refresh")!] = "10"
        return response
    }
}
