import ArgumentParser
import Glibc

/// The developers' tool: benchmarks and the chaos suite's instruments (a replay publisher, the exact audit of a
/// run, malformed messages for the stage queues). Not in the container image, and not what operators run:
/// `nashra` is theirs.
@main
struct NashraDevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nashra-dev",
        abstract: "Nashra's lab tools: benchmarks, the replay publisher, audits and poison for chaos runs.",
        subcommands: [BenchCommand.self, ReplaySiteCommand.self, AuditCommand.self, PoisonCommand.self]
    )
}

/// The process's CPU time so far (user and system, every thread), in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let seconds = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
    return Double(seconds) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
