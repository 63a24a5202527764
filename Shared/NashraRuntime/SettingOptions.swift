import ArgumentParser

/// Every setting of `Setting.all` as a flag of any Nashra executable (`--amqp-url URL`, `--db=PATH`), over its
/// environment variable: the one front end of `Configuration`, an option group of every command and service.
/// ArgumentParser hands it whatever the command itself does not declare; `Configuration` reads it against the
/// settings table, so an unknown flag is an error that lists the known ones.
public struct SettingOptions: ParsableArguments {
    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp("Settings, as --flag value over the environment (`nashra config` lists them).")
    )
    var flags: [String] = []

    public init() {}

    /// The environment's settings, overridden by the flags given.
    public func configuration() throws -> Configuration {
        let (configuration, arguments) = try configurationAndArguments()
        guard arguments.isEmpty else {
            throw ValidationError("unexpected argument \(arguments.joined(separator: " "))")
        }
        return configuration
    }

    /// The same, and the arguments that are not settings (a command's list of files).
    public func configurationAndArguments() throws -> (Configuration, [String]) {
        do {
            let configuration = try Configuration(arguments: flags)
            return (configuration, configuration.positional)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
