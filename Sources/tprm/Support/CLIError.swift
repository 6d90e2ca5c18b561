import Reports
import ArgumentParser
import Outreach
import Storage
import SupplierRisk

/// An error as the command line reports it: one line and an exit code.
struct CLIError: Error, CustomStringConvertible {
    /// Exit code for a usage or configuration error.
    static let usageExitCode: Int32 = 2
    /// Exit code for a failure.
    static let failureExitCode: Int32 = 1

    let message: String
    let exitCode: Int32

    var description: String { message }

    /// A usage or configuration error (exit 2).
    static func usage(_ message: String) -> CLIError {
        CLIError(message: message, exitCode: usageExitCode)
    }

    /// A failure (exit 1).
    static func failure(_ message: String) -> CLIError {
        CLIError(message: message, exitCode: failureExitCode)
    }

    init(message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    /// Maps any error to a message and exit code; configuration errors exit 2.
    init(_ error: any Error) {
        switch error {
        case let error as CLIError:
            self = error
        case let error as SchemaError:
            self = error.directoryMissing ? .usage("\(error) (pass --migrations DIR or set TPRM_MIGRATIONS)") : .failure("\(error)")
        case let error as StorageError:
            // A wrong request exits 2; the database down, busy or failing exits 1.
            self = error.isUsageError ? .usage(error.description) : .failure(error.description)
        case let error as OutreachError:
            self = .usage(error.description)
        case let error as ReportError:
            self = .usage(error.description)
        case let error as VendorCSV.ProblemList:
            self = .usage("nothing was imported:\n" + error.problems.map { "  \($0)" }.joined(separator: "\n"))
        default:
            self = .failure("\(error)")
        }
    }
}
