/// What a client declares on every (re)connection before it publishes or consumes: its queues and their
/// arguments. The client knows nothing about which queues an application uses; the pipeline's `Topology`
/// (in NashraRuntime) is one.
public protocol AMQPTopology: Sendable {
    /// Declares the queues (idempotently: it runs again after every reconnection).
    /// - Throws: `AMQPError` when the broker refuses a declaration.
    func declare(on connection: AMQPConnection) throws(AMQPError)
}
