public import Foundation

/// A PostgreSQL cluster of a test's own, for tests that stop or restart the server.
///
/// Started through `scripts/pg-local`, in `.tprm/pg-test-NAME`, so stopping it
/// never disturbs the suites running on the shared test cluster.
public struct LocalCluster: Sendable {
    /// The cluster's directory.
    public let directory: URL

    /// Starts (creating if needed) the cluster named `name`.
    public static func start(_ name: String) throws -> LocalCluster {
        let cluster = LocalCluster(directory: TestDatabase.repositoryRoot.appendingPathComponent(".tprm/pg-test-\(name)"))
        try cluster.pgLocal("start")
        return cluster
    }

    /// The cluster's `tprm` database.
    public var url: String {
        "postgresql:///tprm?host=\(directory.appendingPathComponent("run").path)&user=postgres"
    }

    /// Restarts the server; open connections are terminated.
    public func restart() throws { try pgLocal("restart") }

    /// Stops the server.
    public func stop() throws { try pgLocal("stop") }

    /// Starts the server again after `stop()`.
    public func startAgain() throws { try pgLocal("start") }

    private func pgLocal(_ command: String) throws {
        let script = TestDatabase.repositoryRoot.appendingPathComponent("scripts/pg-local").path
        let result = try Subprocess.run(script, ["--dir", directory.path, "--fast", command])
        guard result.status == 0 else {
            throw TestSetupError("scripts/pg-local \(command) failed (\(result.status)): \(result.standardError)")
        }
    }
}
