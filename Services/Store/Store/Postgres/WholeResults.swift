import PostgresNIO

/// The writer reads its results whole, on the connection's event loop, instead of through PostgresNIO's async row
/// sequence.
///
/// Why: PostgresNIO 1.33's row stream stops the process on a precondition (`RowStreamStateMachine`: "How can we
/// receive a body part, after a channelReadComplete, but no read has been forwarded yet") when the server closes
/// the connection while rows of a result wait for the consumer to ask for more: SwiftNIO then delivers the socket's
/// remaining bytes without the read the stream held back. The async sequence applies back-pressure, so any result
/// longer than one socket read (the story candidates of a batch, its upsert's returned rows) has such a window, and
/// a killed or stopped PostgreSQL took the store writer down with it (chaos cases `postgres-kill`, `postgres-down`).
/// A whole-result query asks for the next rows as each read arrives, on the loop itself, so the stream is never
/// waiting on its consumer when the server goes away. The write path's results are bounded by its batch (and 50
/// candidates a band key), so holding one whole costs no more than the loop's buffer held already.
extension PostgresConnection {
    @discardableResult
    func wholeResult(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        let result: EventLoopFuture<PostgresQueryResult> = self.query(query, logger: logger)
        return try await result.get().rows
    }
}
