public import Foundation
public import Logging
public import Storage

/// Runs the re-assessment job every day at a time of day (UTC) inside `tprm serve`. Of several instances,
/// the one that takes the advisory lock runs it; the others find it taken and wait for the next day.
public enum ReassessScheduler {
    /// A time of day in UTC.
    public struct TimeOfDay: Sendable, Hashable, CustomStringConvertible {
        public let hour: Int
        public let minute: Int

        /// Parses `HH:MM` (24-hour, UTC).
        /// - Throws: ``OutreachError/configuration(_:)`` naming `TPRM_REASSESS_AT`.
        public init(_ text: String) throws {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]),
                  (0..<24).contains(hour), (0..<60).contains(minute) else {
                throw OutreachError.configuration("TPRM_REASSESS_AT: \"\(text)\" is not a time of day as HH:MM in UTC, such as 06:00")
            }
            self.hour = hour
            self.minute = minute
        }

        public var description: String { String(format: "%02d:%02d UTC", hour, minute) }

        /// The first moment at this time of day strictly after `date` (UTC has no daylight saving: a day is 86,400 s).
        public func next(after date: Date) -> Date {
            let midnight = (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
            let today = Date(timeIntervalSince1970: midnight + Double(hour * 3600 + minute * 60))
            return today > date ? today : today.addingTimeInterval(86_400)
        }
    }

    /// The daily job as a long-running service: it waits for the time of day, runs, and waits for the next.
    public static func loop(job: Reassessment, at: TimeOfDay, logger: Logger) -> WorkLoop {
        logger.info("re-assessment scheduled daily", metadata: ["at": "\(at)"])
        return WorkLoop(name: "reassess", schedule: .at { at.next(after: $0) }, startIdle: true, logger: logger) { _ in
            if let summary = try job.run(asOf: Date(), wait: false) {
                logger.info("re-assessment", metadata: [
                    "vendors": "\(summary.vendors)", "due": "\(summary.due)", "sent": "\(summary.sent)", "skipped": "\(summary.skipped)",
                    "reminded": "\(summary.reminders.reminded.count)", "escalated": "\(summary.reminders.overdue.count)"])
            } else {
                logger.info("re-assessment left to the instance that holds its lock")
            }
            return .idle
        }
    }
}
