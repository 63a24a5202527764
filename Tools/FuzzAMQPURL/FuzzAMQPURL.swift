import Foundation
import FuzzSupport
import NashraAMQP

/// Fuzz target: the AMQP URL parser (`NASHRA_AMQP_URL`, a cluster's nodes comma-separated) on arbitrary text:
/// a clear error or a URL, never a crash. Built by `deploy/fuzz.sh amqp-url`; built as usual it replays the
/// files it is given.
enum FuzzAMQPURL {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let url = try? AMQPURL(text) { _ = "\(url)" }
    }
}

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        FuzzAMQPURL.run(UnsafeRawBufferPointer(start: start, count: count))
        return 0
    }

    @_cdecl("FuzzAMQPURL_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        FuzzDriver.main(argc, argv, fuzzOneInput)
    }
#else
    @main
    struct Replay {
        static func main() throws { try FuzzDriver.replay(FuzzAMQPURL.run) }
    }
#endif
