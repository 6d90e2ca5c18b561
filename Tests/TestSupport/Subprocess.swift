public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to its end and captures what it printed.
///
/// Uses `posix_spawn` and `waitpid` directly: Foundation's `Process` on Linux
/// was seen to miss a child's exit when several run from test threads at once.
/// Output goes to temporary files, so a chatty child never blocks on a pipe.
public enum Subprocess {
    /// What a finished program left behind.
    public struct Result: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        public let status: Int32
        /// Everything it wrote to standard output.
        public let standardOutput: String
        /// Everything it wrote to standard error.
        public let standardError: String
        /// How long it ran.
        public let duration: Duration
    }

    /// Runs `executable` with `arguments`, its environment being ours changed by `environment`
    /// (a `nil` value removes a variable), in `currentDirectory` if given.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String?] = [:],
        currentDirectory: URL? = nil
    ) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-subprocess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outputPath = scratch.appendingPathComponent("stdout").path
        let errorPath = scratch.appendingPathComponent("stderr").path

        // posix_spawn cannot change directory portably; a shell does it, then becomes the program.
        let command = currentDirectory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0.path, executable] } ?? [executable]
        let started = ContinuousClock.now
        let pid = try spawn(command + arguments, environment: environment, output: outputPath, error: errorPath)
        let status = try wait(pid)
        let duration = ContinuousClock.now - started
        return Result(
            status: status,
            standardOutput: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "",
            duration: duration)
    }

    /// Starts `executable` in the background with output discarded; returns its process id.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String?] = [:]) throws -> pid_t {
        try spawn([executable] + arguments, environment: environment, output: "/dev/null", error: "/dev/null")
    }

    /// Starts `command` (program and arguments) with our environment changed by `environment`,
    /// standard input from /dev/null and output to the given files.
    private static func spawn(_ command: [String], environment: [String: String?], output: String, error: String) throws -> pid_t {
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let argv = command.map { strdup($0) }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, error, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv + [nil], envp + [nil])
        guard spawned == 0 else { throw TestSetupError("cannot run \(command[0]): \(String(cString: strerror(spawned)))") }
        return pid
    }

    /// Waits for a child to end; returns its exit status, or 128 + the signal that ended it.
    @discardableResult
    public static func wait(_ pid: pid_t) throws -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw TestSetupError("waitpid failed: \(String(cString: strerror(errno)))") }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// The `tprm` executable built beside the test bundle.
    public static var tprmExecutable: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tprm").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return TestDatabase.repositoryRoot.appendingPathComponent(".build/debug/tprm").path
    }
}
