import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Outreach
import Reports
import Storage
import SupplierRisk

/// Reviewing a submitted questionnaire from its page: accept or flag each answer with a note (the supplier sees the
/// note), accept what is left of a domain at once, send it back with a message, complete it. Each verdict is saved as
/// it is given, so a review left half done keeps them; the page after a verdict shows the vendor's score as the worker
/// rescored it, with the lines that moved.
extension WorkspaceController {
    /// What a form of the assessment page brings back to it.
    struct ReviewState {
        var status: HTTPResponse.Status = .ok
        /// A problem of the relink and cancel forms, with the reason typed.
        var actionProblem: String?
        var reason = ""
        /// A problem of the review as a whole (it is no longer in review; a question or domain not in it).
        var reviewProblem: String?
        /// A verdict refused, beside its question, with the note typed.
        var verdictProblem: (question: String, text: String, note: String)?
        /// A request for changes refused, with the message typed.
        var changesProblem: String?
        var message = ""
        /// What was done, said at the top of the page.
        var done: String?
        /// The vendor's score before a verdict and after it.
        var move: ScoreMove?
    }

    /// A verdict's effect on the vendor's score: the stored score before and after, and whether the worker had not
    /// yet rescored it when the page stopped waiting.
    struct ScoreMove {
        let before: StoredScore?
        let after: StoredScore?
        let updating: Bool
    }

    struct VerdictForm: Decodable {
        var csrf: String?
        var question: String?
        var verdict: String?
        var note: String?
    }

    struct DomainForm: Decodable {
        var csrf: String?
        var domain: String?
    }

    struct ChangesForm: Decodable {
        var csrf: String?
        var message: String?
    }

    static let noteLimit = 2000, messageLimit = 4000

    @Sendable func giveVerdict(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let id = try pathAssessment(context, person)
            let form = try await postedForm(VerdictForm.self, request, person, csrf: \.csrf, what: "Reviewing answers")
            let detail = try await reviewedDetail(person, id)
            let question = VendorRules.trimmed(form.question ?? "")
            let note = (form.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard detail.questionnaire.questions.contains(where: { $0.id == question }) else {
                return try await assessmentPage(person, id: id, state: ReviewState(
                    status: .unprocessableContent, reviewProblem: "This questionnaire has no question \"\(question)\"."))
            }
            func refuse(_ text: String) async throws -> Response {
                try await assessmentPage(person, id: id, state: ReviewState(status: .unprocessableContent, verdictProblem: (question, text, note)))
            }
            guard detail.answers.contains(where: { $0.questionID == question }) else {
                return try await assessmentPage(person, id: id, state: ReviewState(
                    status: .unprocessableContent, reviewProblem: "\(question) has no answer to judge: request changes to have the supplier answer it."))
            }
            guard let verdict = form.verdict.flatMap(Answer.Verdict.init(rawValue:)) else {
                return try await refuse("Choose Accept or Flag.")
            }
            if verdict == .flagged, note.isEmpty {
                return try await refuse("Say what is wrong with the answer: the supplier sees this note beside it.")
            }
            if note.count > Self.noteLimit {
                return try await refuse("Keep the note to \(Self.noteLimit.formatted()) characters; it has \(note.count.formatted()).")
            }
            return try await judged(person, detail, questions: [question], verdict: verdict, note: note.isEmpty ? nil : note,
                                    done: "\(question) \(verdict == .accepted ? "accepted" : "flagged").")
        }
    }

    @Sendable func acceptDomain(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let id = try pathAssessment(context, person)
            let form = try await postedForm(DomainForm.self, request, person, csrf: \.csrf, what: "Reviewing answers")
            let detail = try await reviewedDetail(person, id)
            let key = VendorRules.trimmed(form.domain ?? "")
            guard let domain = detail.questionnaire.domains.first(where: { $0.key == key }) else {
                return try await assessmentPage(person, id: id, state: ReviewState(
                    status: .unprocessableContent, reviewProblem: "This questionnaire has no domain \"\(key)\"."))
            }
            let inDomain = Set(detail.questionnaire.questions.filter { $0.domain == domain.key }.map(\.id))
            // Only what has no verdict yet: a flag given on purpose is not undone by accepting the rest.
            let waiting = detail.answers.filter { inDomain.contains($0.questionID) && $0.verdict == nil }.map(\.questionID).sorted()
            guard !waiting.isEmpty else {
                return try await assessmentPage(person, id: id, state: ReviewState(
                    status: .unprocessableContent, reviewProblem: "Every answer of \(domain.title) has a verdict already."))
            }
            return try await judged(person, detail, questions: waiting, verdict: .accepted, note: nil,
                                    done: "\(waiting.count) answer\(waiting.count == 1 ? "" : "s") of \(domain.title) accepted.")
        }
    }

    @Sendable func requestChanges(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let id = try pathAssessment(context, person)
            let form = try await postedForm(ChangesForm.self, request, person, csrf: \.csrf, what: "Requesting changes")
            let message = (form.message ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            func refuse(_ text: String) async throws -> Response {
                try await assessmentPage(person, id: id, state: ReviewState(status: .unprocessableContent, changesProblem: text, message: message))
            }
            if message.isEmpty { return try await refuse("Say what the supplier should change: the message is emailed to them.") }
            if message.count > Self.messageLimit {
                return try await refuse("Keep the message to \(Self.messageLimit.formatted()) characters; it has \(message.count.formatted()).")
            }
            let invitations = self.invitations
            do {
                _ = try await blocking.run { try invitations.requestChanges(id, note: message, actor: person.user.email) }
            } catch StorageError.notFound {
                return notFound(person, "There is no assessment \(id).")
            } catch StorageError.conflict(_, let problem) {
                return try await assessmentPage(person, id: id, state: ReviewState(status: .conflict, reviewProblem: Self.sentence(problem)))
            }
            return SignInController.redirect(to: "/assessments/\(id)?done=changes")
        }
    }

    @Sendable func completeReview(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let id = try pathAssessment(context, person)
            _ = try await postedForm(ChangesForm.self, request, person, csrf: \.csrf, what: "Completing a review")
            let store = AssessmentOutreachStore(database: database)
            do {
                _ = try await blocking.run { try store.complete(id, actor: person.user.email) }
            } catch StorageError.notFound {
                return notFound(person, "There is no assessment \(id).")
            } catch StorageError.conflict(_, let problem) {
                return try await assessmentPage(person, id: id, state: ReviewState(status: .conflict, reviewProblem: Self.sentence(problem)))
            }
            return SignInController.redirect(to: "/assessments/\(id)?done=completed")
        }
    }

    /// What `?done=` after a redirect says at the top of the page.
    static let doneTexts = [
        "changes": "Sent back to the supplier with your message, by email. The questionnaire is theirs to change until they submit it again.",
        "cancelled": "Questionnaire cancelled: its links no longer work, and the reason is in the audit log.",
        "completed": "Review completed: its answers, as judged, are the vendor's current ones.",
    ]

    /// The assessment, refused with its page when it is not in review.
    func reviewedDetail(_ person: SignedInPerson, _ id: Int) async throws -> AssessmentDetail {
        let detail: AssessmentDetail
        do {
            detail = try await blocking.run { try AssessmentOutreachStore(database: database).detail(id) }
        } catch StorageError.notFound {
            throw Refusal(response: notFound(person, "There is no assessment \(id)."))
        }
        if let problem = detail.summary.status.problem(.review, name: "Assessment \(id)") {
            throw Refusal(response: try await assessmentPage(person, id: id, state: ReviewState(status: .conflict, reviewProblem: Self.sentence(problem))))
        }
        return detail
    }

    /// Saves the verdicts, waits for the worker's new score, and answers with the page showing both.
    func judged(_ person: SignedInPerson, _ detail: AssessmentDetail, questions: [String], verdict: Answer.Verdict, note: String?,
                done: String) async throws -> Response {
        let (id, vendor) = (detail.summary.id, detail.summary.vendor)
        let (store, scores) = (AssessmentOutreachStore(database: database), ScoringStore(database: database))
        let before = try await blocking.run { try scores.score(vendor) }
        do {
            _ = try await blocking.run { try store.review(id, questions: questions, verdict: verdict, note: note, actor: person.user.email) }
        } catch StorageError.conflict(_, let problem) {
            return try await assessmentPage(person, id: id, state: ReviewState(status: .conflict, reviewProblem: Self.sentence(problem)))
        }
        let move = try await rescored(vendor, before: before)
        return try await assessmentPage(person, id: id, state: ReviewState(done: done, move: move))
    }

    /// The vendor's score once the worker has taken it from the queue, or as it is after ``rescoreWait``.
    func rescored(_ vendor: String, before: StoredScore?) async throws -> ScoreMove {
        let scores = ScoringStore(database: database)
        let deadline = ContinuousClock.now.advanced(by: rescoreWait)
        while true {
            let waiting = try await blocking.run { try scores.pending([vendor]) }
            if waiting == 0 || ContinuousClock.now >= deadline {
                return ScoreMove(before: before, after: try await blocking.run { try scores.score(vendor) }, updating: waiting > 0)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The score box of the assessment page: the vendor's score now, and after a verdict, how it moved.
    func scorePanel(_ vendor: String, move: ScoreMove?) async throws -> [String: Any] {
        let scores = ScoringStore(database: database)
        let (now, updating): (StoredScore?, Bool)
        if let move {
            (now, updating) = (move.after, move.updating)
        } else {
            (now, updating) = try await blocking.run { (try scores.score(vendor), try scores.pending([vendor]) > 0) }
        }
        var panel: [String: Any] = ["vendor": vendor, "updating": updating]
        if let now {
            panel["total"] = PackWriter.hundredths(now.score.hundredths)
            panel["rating"] = now.score.rating.rawValue
            panel["computed"] = CivilTime.minuteText(now.computedAt)
        }
        guard let move, !updating, let after = move.after else { return panel }
        if let before = move.before {
            panel["before"] = ["total": PackWriter.hundredths(before.score.hundredths), "rating": before.score.rating.rawValue]
        }
        let moved = Self.movedLines(move.before?.score, after.score)
        panel["judged"] = true
        panel["moved"] = moved.map { line -> [String: Any] in
            ["source": line.source.description, "before": PackWriter.hundredths(line.before), "after": PackWriter.hundredths(line.after),
             "why": line.lines.map { ScoreSentences.standard.text($0, library: catalog.clauses) }.joined(separator: "; ")]
        }
        panel["hasMoved"] = !moved.isEmpty
        return panel
    }

    /// The lines of `after` that differ from `before`, by what they come from (a question, a clause …), the largest
    /// change first: their points before and after, and the lines as they are now (none when the source no longer
    /// counts).
    static func movedLines(_ before: Score?, _ after: Score) -> [(source: Score.Source, before: Int, after: Int, lines: [Score.Line])] {
        let old = Dictionary(grouping: before?.lines ?? [], by: \.source), new = Dictionary(grouping: after.lines, by: \.source)
        func points(_ lines: [Score.Line]?) -> Int { (lines ?? []).reduce(0) { $0 + $1.hundredths } }
        return Set(old.keys).union(new.keys)
            .filter { Set(old[$0] ?? []) != Set(new[$0] ?? []) }
            .map { (source: $0, before: points(old[$0]), after: points(new[$0]), lines: new[$0] ?? []) }
            .sorted { abs($0.after - $0.before) != abs($1.after - $1.before) ? abs($0.after - $0.before) > abs($1.after - $1.before) : $0.source.description < $1.source.description }
    }
}
