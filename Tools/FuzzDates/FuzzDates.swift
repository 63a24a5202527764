import ArabicText
import Foundation

/// Fuzz target: the date parsers of outside text (ISO 8601 and RFC 822 fields, Arabic and Latin dates in prose,
/// dates in URL paths) on arbitrary bytes, read as a publisher's page would be (UTF-8, invalid bytes repaired).
/// Built by `deploy/fuzz.sh dates` with libFuzzer (`-sanitize=fuzzer,address`, `FUZZING` defined); built as
/// usual it is a command that runs the target on the files it is given, to replay a crash.
enum FuzzDates {
    static let cairo = TimeZone(identifier: "Africa/Cairo")!
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

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
    public func fuzzDates(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        FuzzDates.run(UnsafeRawBufferPointer(start: start, count: count))
        return 0
    }

    /// libFuzzer's driver, for a main of our own: SwiftPM links an executable target's entry point under the name
    /// `<Module>_main`, which `-parse-as-library` does not emit.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    @_cdecl("FuzzDates_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        // The parsers' patterns are compiled once, on first use (Foundation keeps part of each regular expression
        // where LeakSanitizer cannot see it): compiled before fuzzing, so no input is blamed for them.
        Array("2025-11-23 نوفمبر November 23, 2025".utf8).withUnsafeBytes { FuzzDates.run($0) }
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments, fuzzDates)
    }
#else
    @main
    struct FuzzDatesReplay {
        static func main() throws {
            for path in CommandLine.arguments.dropFirst() {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                data.withUnsafeBytes { FuzzDates.run($0) }
                print("\(path): no crash")
            }
        }
    }
#endif
