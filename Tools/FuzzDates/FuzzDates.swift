import ArabicText
import Foundation
import FuzzSupport

/// Fuzz target: the date parsers of outside text (ISO 8601 and RFC 822 fields, Arabic and Latin dates in prose,
/// dates in URL paths) on arbitrary bytes, read as a publisher's page would be (UTF-8, invalid bytes repaired).
/// Built by `deploy/fuzz.sh dates` with libFuzzer (`-sanitize=fuzzer,address`, `FUZZING` defined); built as
/// usual it is a command that runs the target on the files it is given, to replay a crash.
enum FuzzDates {
    static let cairo = TimeZone(identifier: "Africa/Cairo")!
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// The parsers' patterns are compiled once, on first use, and Foundation keeps part of each regular
    /// expression where LeakSanitizer cannot see it: compiled before fuzzing, no input is blamed for them.
    static func warmUp() {
        Array("2025-11-23 نوفمبر November 23, 2025".utf8).withUnsafeBytes { run($0) }
    }

    static func run(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = NewsDateParser.parse(text, timeZone: cairo)
        _ = NewsDateParser.fromURL("https://example.com/" + text, timeZone: cairo, now: now)
        _ = ArabicTextDate.find(in: text, now: now, timeZone: cairo)
        _ = LatinTextDate.find(in: text, timeZone: cairo, now: now)
    }
}

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        FuzzDates.run(UnsafeRawBufferPointer(start: start, count: count))
        return 0
    }

    @_cdecl("FuzzDates_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        FuzzDriver.main(argc, argv, fuzzOneInput, warmUp: FuzzDates.warmUp)
    }
#else
    @main
    struct Replay {
        static func main() throws { try FuzzDriver.replay(FuzzDates.run) }
    }
#endif
