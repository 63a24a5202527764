import Foundation
import FuzzSupport
import NashraMessages

/// Fuzz target: the message decoder on arbitrary bodies, as any stage's consumer receives them (every message
/// type: a body that decodes as none is dead-lettered with the reason, never a crash). Built by
/// `deploy/fuzz.sh messages`; built as usual it replays the files it is given.
enum FuzzMessages {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        let data = Data(bytes)
        _ = try? MessageCodec.decode(FetchJob.self, from: data)
        _ = try? MessageCodec.decode(FeedResult.self, from: data)
        _ = try? MessageCodec.decode(FetchReport.self, from: data)
        _ = try? MessageCodec.decode(FetchedPage.self, from: data)
        _ = try? MessageCodec.decode(Article.self, from: data)
        _ = try? MessageCodec.decode(ClassifiedArticle.self, from: data)
        _ = try? MessageCodec.decode(SourceHealthReport.self, from: data)
    }
}

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        FuzzMessages.run(UnsafeRawBufferPointer(start: start, count: count))
        return 0
    }

    @_cdecl("FuzzMessages_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        FuzzDriver.main(argc, argv, fuzzOneInput)
    }
#else
    @main
    struct Replay {
        static func main() throws { try FuzzDriver.replay(FuzzMessages.run) }
    }
#endif
