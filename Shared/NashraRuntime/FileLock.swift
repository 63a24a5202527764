#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock between processes on a lock file (`flock(2)`), for work that several processes may start at
/// once on one file, such as migrating a SQLite database that the store writer and the web open together.
public enum FileLock {
    /// Runs `body` while holding an exclusive lock on `path` (created if needed).
    /// - Throws: `ConfigurationError` when the lock file cannot be opened; whatever `body` throws.
    public static func withExclusiveLock<T>(on path: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ConfigurationError("cannot open lock file \(path): errno \(errno)") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw ConfigurationError("cannot lock \(path): errno \(errno)") }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
