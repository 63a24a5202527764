import Foundation

/// What every fuzz target shares. Under `deploy/fuzz.sh` (libFuzzer, `FUZZING` defined) a target's entry point
/// hands its test function to libFuzzer's driver: SwiftPM links an executable target's entry point under the name
/// `<Module>_main`, which `-parse-as-library` does not emit, so each target defines that symbol and calls `main`
/// here. Built as usual, a target is a command that runs its test on the files it is given (`replay`): how a
/// finding is reproduced and becomes a regression test.
public enum FuzzDriver {
    public typealias Test = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer with the process's arguments; `warmUp` runs first, outside any input (one-time set-up that
    /// would otherwise be blamed on the first input).
    public static func main(
        _ argc: CInt,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        _ test: Test,
        warmUp: () -> Void = {}
    ) -> CInt {
        warmUp()
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments, test)
    }

    /// Runs `test` on the bytes of each file named on the command line.
    public static func replay(_ test: (UnsafeRawBufferPointer) -> Void) throws {
        for path in CommandLine.arguments.dropFirst() {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            data.withUnsafeBytes { test($0) }
            print("\(path): no crash")
        }
    }
}

#if FUZZING
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ test: FuzzDriver.Test
    ) -> CInt
#else
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ test: FuzzDriver.Test
    ) -> CInt {
        fatalError("built without libFuzzer: use deploy/fuzz.sh")
    }
#endif
