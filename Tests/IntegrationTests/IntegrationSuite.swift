import TestSupport
import Testing

/// Every test that talks to the broker runs in this serialized suite: the broker-restart test would otherwise
/// cut the connections of tests running beside it.
@Suite(
    "Against a real RabbitMQ",
    .serialized,
    .enabled(if: TestSupportGate.broker, "NASHRA_TEST_AMQP_URL is not set (deploy/test.sh starts a broker)")
)
struct BrokerTests {}

enum TestSupportGate {
    static var broker: Bool { TestEnvironment.hasBroker }
}
