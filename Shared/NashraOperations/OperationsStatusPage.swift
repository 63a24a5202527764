import Hummingbird
import NashraHTML
import NashraRuntime

/// `/status` on the store writer's operations port (not the public site): per queue ready, unacked, consumers,
/// rates, retrying, dead letters and drain time, and which stage to scale: the figures of `nashra status`, for a
/// browser. It needs what the writer already has (the broker's address, and the management API's when set);
/// the reader site, which has neither, shows only what the store knows.
public enum OperationsStatusPage {
    /// Adds `GET /status` to an operations router.
    public static func addRoute<Context: RequestContext>(to router: Router<Context>, inspection: CachedQueueInspection)
    {
        router.get("status") { _, _ -> Response in
            let inspected = await inspection.inspect()
            let body = html(source: inspected.source, queues: inspected.queues, topology: inspection.inspector.topology)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .init("Refresh")!: "10",
                ],
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        }
    }

    /// The page: the queue table (dead letters marked `bad`) and the scaling advice.
    public static func html(source: String, queues: [QueueStatus], topology: Topology) -> String {
        var body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Nashra: queues</title>"
        body += "<style>td,th{padding:2px 8px;text-align:right}.bad{color:#b00;font-weight:bold}</style></head><body>"
        body += "<h1>Queues</h1><table><thead><tr>"
        body += QueueStatusTable.header.map { "<th>\(HTMLEscaping.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        let deadColumn = QueueStatusTable.header.firstIndex(of: "dead")
        for (queue, row) in zip(queues, QueueStatusTable.rows(queues)) {
            body += "<tr>"
            for (column, text) in row.enumerated() {
                let bad = column == deadColumn && (queue.deadLetters ?? 0) > 0
                body += "<td\(bad ? " class=\"bad\"" : "")>\(HTMLEscaping.escape(text))</td>"
            }
            body += "</tr>"
        }
        body += "</tbody></table><p><small>\(HTMLEscaping.escape(source))</small></p><h2>Scaling</h2><table><tbody>"
        for advice in ScalingAdvisor.advise(queues, topology: topology) {
            let bad = advice.action != .ok
            body += "<tr><td>\(HTMLEscaping.escape(advice.stage))</td>"
            body += "<td\(bad ? " class=\"bad\"" : "")>\(HTMLEscaping.escape(advice.summary))</td></tr>"
        }
        return body + "</tbody></table></body></html>"
    }
}
