import Fetcher
import Foundation
import FuzzSupport

/// Fuzz target: robots.txt as a publisher serves it, on arbitrary bytes: the policy parsed for Nashra's agent,
/// then asked about a few fixed paths and about each of the input's own lines taken as a path (so the fuzzer
/// writes the paths its patterns are matched against, wildcards against long runs included). Built by
/// `deploy/fuzz.sh robots`; built as usual it replays the files it is given.
enum FuzzRobots {
    static let userAgent = "NashraBot/0.1 (+https://github.com/nashra)"
    static let fixed = [
        "https://www.example.com/", "https://www.example.com/news/2025/11/23/%D8%AE%D8%A8%D8%B1?page=2",
        "https://www.example.com/robots.txt",
    ]

    static func run(_ bytes: UnsafeRawBufferPointer) {
        let policy = RobotsPolicy.from(status: 200, body: Data(bytes), userAgent: userAgent)
        for url in fixed { _ = policy.allows(url) }
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).prefix(8) {
            _ = policy.allows("https://www.example.com/" + line)
        }
    }
}

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        FuzzRobots.run(UnsafeRawBufferPointer(start: start, count: count))
        return 0
    }

    @_cdecl("FuzzRobots_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        FuzzDriver.main(argc, argv, fuzzOneInput)
    }
#else
    @main
    struct Replay {
        static func main() throws { try FuzzDriver.replay(FuzzRobots.run) }
    }
#endif
