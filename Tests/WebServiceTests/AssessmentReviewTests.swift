import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Outreach
import Postgres
import Reports
import ScoringPipeline
import Storage
import SupplierRisk
import TestSupport
import Testing
@testable import WebService

/// Reviewing a submitted questionnaire in the workspace: a verdict per answer with a note the supplier sees, a domain
/// accepted at once, changes requested, the review completed; the page after a verdict shows how the score moved.
@Suite struct AssessmentReviewTests {
    typealias Fixture = ApiTests.Fixture
    typealias Browser = SignInTests.Browser

    static let questionnaire = ApiTests.catalog.questionnaire("ai-supplier-essentials")!

    /// A vendor with a submitted questionnaire, every answer the best one, a PDF and a text file behind the first
    /// question, and the vendor scored on it.
    struct Submitted {
        let fixture: Fixture
        let id: Int
        let worker: RescoreWorker

        init(_ label: String, rescoreWait: Duration = .seconds(3)) throws {
            fixture = try Fixture(label, rescoreWait: rescoreWait)
            for (email, role) in [("ana@example.com", ApiRole.analyst), ("cora@example.com", .committee)] {
                _ = try UserStore(database: fixture.database).add(email: email, name: "Ana", role: role, password: SignInTests.password, actor: "admin") { _, _ in
                    fatalError("a password was given: no link")
                }
            }
            var draft = WorkspacePageTests.draft("acme-ai", name: "Acme AI")
            draft.contactEmail = "risk@acme.example"
            _ = try VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering).add(draft, actor: "test")
            let sent = try Invitations(database: fixture.database, catalog: ApiTests.catalog, configuration: OutreachConfiguration())
                .send(vendor: "acme-ai", template: AssessmentReviewTests.questionnaire.key, actor: "test")
            id = sent.assessment.id
            let portal = PortalStore(database: fixture.database)
            let first = AssessmentReviewTests.questionnaire.questions[0].id
            _ = try portal.addEvidence(assessment: id, question: first, filename: "policy.pdf", contentType: "application/pdf",
                                       content: Data(PortalTests.pdf), actor: "supplier")
            _ = try portal.addEvidence(assessment: id, question: first, filename: "notes.txt", contentType: "text/plain",
                                       content: Data("plain notes".utf8), actor: "supplier")
            #expect(try portal.save(assessment: id, answers: Self.bestAnswers(), submit: true, actor: "supplier") == .submitted)
            worker = RescoreWorker(database: fixture.database, catalog: ApiTests.catalog, modelVersion: "test")
            _ = try worker.drain()
        }

        static func bestAnswers() -> [String: Answer.Value] {
            var answers: [String: Answer.Value] = [:]
            for question in AssessmentReviewTests.questionnaire.questions {
                let best = question.options.max { $0.score < $1.score }?.value
                switch question.type {
                case .yesNo: answers[question.id] = .option(question.id == "DAT-03" ? "yes" : best!)
                case .single: answers[question.id] = .option(best!)
                case .multi: answers[question.id] = .options([best!])
                case .number: answers[question.id] = .number(12)
                case .date: answers[question.id] = .date(Date().addingTimeInterval(-30 * 86_400))
                case .text: answers[question.id] = .text("Our AI lead")
                case .file: answers[question.id] = .file
                }
            }
            return answers
        }

        func scalar(_ sql: String) throws -> Int { try WorkspacePageTests.integer(fixture, sql) }

        /// What a rejected form must leave as it was: the verdicts, the assessment's status and the audit log.
        func state() throws -> [Int] {
            [try scalar("SELECT count(*) FROM answers WHERE verdict IS NOT NULL"), try scalar("SELECT count(*) FROM audit_log"),
             try scalar("SELECT count(*) FROM assessments WHERE status IN ('submitted')"), try scalar("SELECT count(*) FROM outbox")]
        }

        /// Runs `body` with the worker draining the queue beside it, as `tprm serve` runs one.
        func withWorker<T>(_ body: () async throws -> T) async throws -> T {
            let worker = self.worker
            let running = Task.detached {
                while !Task.isCancelled {
                    _ = try? worker.drain()
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            defer { running.cancel() }
            return try await body()
        }
    }

    @Test func aFlagWithItsNoteMovesTheScoreAndThePageShowsTheLine() async throws {
        let world = try Submitted("review-flag")
        let question = try #require(Self.questionnaire.questions.first { $0.type == .yesNo && $0.key })
        let before = try #require(try ScoringStore(database: world.fixture.database).score("acme-ai"))
        try await world.fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (status, page, _) = try await ana.get(client, "/assessments/\(world.id)")
            #expect(status == .ok)
            #expect(page.contains(#"action="/assessments/\#(world.id)/verdict""#) && page.contains("Flag \(question.id)"))
            #expect(page.contains("(the supplier sees it beside the answer; needed to flag)"))
            #expect(!page.contains(#"aria-describedby="cancel-problem""#) && !page.contains(#"id="message-problem""#), "no problem shown without one")
            let csrf = try Browser.csrf(page)
            let unchanged = try world.state()

            // Refused: no note for a flag, a verdict that is neither, a question not in the questionnaire, a stale token.
            let (noNote, noNotePage, _) = try await ana.post(client, "/assessments/\(world.id)/verdict", [
                ("csrf", csrf), ("question", question.id), ("verdict", "flagged"), ("note", "  "),
            ])
            #expect(noNote == .unprocessableContent)
            #expect(noNotePage.contains(#"id="problem-\#(question.id)">Say what is wrong with the answer: the supplier sees this note beside it. Nothing was changed."#))
            #expect(noNotePage.contains(#"id="note-\#(question.id)" name="note" value="" maxlength="2000" size="60" aria-invalid="true""#))
            let (odd, oddPage, _) = try await ana.post(client, "/assessments/\(world.id)/verdict", [
                ("csrf", csrf), ("question", question.id), ("verdict", "maybe"), ("note", "half sure"),
            ])
            #expect(odd == .unprocessableContent && oddPage.contains("Choose Accept or Flag.") && oddPage.contains(#"value="half sure""#), "the note typed is kept")
            let (unknown, unknownPage, _) = try await ana.post(client, "/assessments/\(world.id)/verdict", [
                ("csrf", csrf), ("question", "XYZ-99"), ("verdict", "accepted"),
            ])
            #expect(unknown == .unprocessableContent && unknownPage.contains("This questionnaire has no question &quot;XYZ-99&quot;. Nothing was changed."))
            let (forged, forgedPage, _) = try await ana.post(client, "/assessments/\(world.id)/verdict", [
                ("csrf", "not-the-token"), ("question", question.id), ("verdict", "flagged"), ("note", "forged"),
            ])
            #expect(forged == .forbidden && forgedPage.contains("This form had expired"))
            let long = String(repeating: "x", count: 2001)
            let (tooLong, tooLongPage, _) = try await ana.post(client, "/assessments/\(world.id)/verdict", [
                ("csrf", csrf), ("question", question.id), ("verdict", "flagged"), ("note", long),
            ])
            #expect(tooLong == .unprocessableContent && tooLongPage.contains("Keep the note to 2,000 characters; it has 2,001."))
            #expect(try world.state() == unchanged, "nothing changed by a refused verdict")

            // The flag, with the worker running: the page shows the score after it and the question's line.
            let (flagged, flaggedPage, _) = try await world.withWorker {
                try await ana.post(client, "/assessments/\(world.id)/verdict", [
                    ("csrf", csrf), ("question", question.id), ("verdict", "flagged"), ("note", "The policy attached is a draft, not the approved one."),
                ])
            }
            #expect(flagged == .ok)
            #expect(flaggedPage.contains("\(question.id) flagged."))
            let after = try #require(try ScoringStore(database: world.fixture.database).score("acme-ai"))
            #expect(after.score.hundredths > before.score.hundredths, "a flagged key control costs points")
            #expect(flaggedPage.contains("Before this verdict: \(PackWriter.hundredths(before.score.hundredths))"))
            #expect(flaggedPage.contains(#"<strong class="total">\#(PackWriter.hundredths(after.score.hundredths))</strong>"#))
            #expect(flaggedPage.contains("<caption>The lines this verdict moved</caption>"))
            #expect(flaggedPage.contains("<td>question \(question.id)</td>"))
            #expect(flaggedPage.contains("but the reviewer flagged it"))
            #expect(try world.scalar("SELECT count(*) FROM assessments WHERE status = 'under_review'") == 1)
            let audit = try AuditLog(database: world.fixture.database).entries(entity: "answer").items
            #expect(audit.map(\.actor) == ["ana@example.com"])

            // Leaving the review and coming back: the verdict is there, with its note marked as the supplier's to see.
            let (_, again, _) = try await ana.get(client, "/assessments/\(world.id)")
            #expect(again.contains("flagged by ana@example.com"))
            #expect(again.contains("Reviewer's note, <strong>shown to the supplier</strong>: The policy attached is a draft, not the approved one."))
            #expect(!again.contains("The lines this verdict moved"), "the moved lines belong to the verdict's own page")
        }
    }

    @Test func aDomainIsAcceptedAtOnceKeepingItsFlagsThenChangesAreRequestedAndTheReviewCompleted() async throws {
        let world = try Submitted("review-domain")
        let domain = Self.questionnaire.domains[0]
        let inDomain = Self.questionnaire.questions.filter { $0.domain == domain.key }
        try #require(inDomain.count >= 2)
        try await world.fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (_, page, _) = try await ana.get(client, "/assessments/\(world.id)")
            let csrf = try Browser.csrf(page)
            #expect(page.contains("Accept the \(inDomain.count) answers of \(domain.title) without a verdict"))
            _ = try await world.withWorker {
                try await ana.post(client, "/assessments/\(world.id)/verdict", [
                    ("csrf", csrf), ("question", inDomain[0].id), ("verdict", "flagged"), ("note", "Not what we asked."),
                ])
            }
            let (unknown, unknownPage, _) = try await ana.post(client, "/assessments/\(world.id)/accept-domain", [("csrf", csrf), ("domain", "nope")])
            #expect(unknown == .unprocessableContent && unknownPage.contains("This questionnaire has no domain &quot;nope&quot;."))
            let (accepted, acceptedPage, _) = try await world.withWorker {
                try await ana.post(client, "/assessments/\(world.id)/accept-domain", [("csrf", csrf), ("domain", domain.key)])
            }
            #expect(accepted == .ok && acceptedPage.contains("\(inDomain.count - 1) answer\(inDomain.count == 2 ? "" : "s") of \(domain.title) accepted."))
            let verdicts = try WorkspacePageTests.strings(world.fixture, """
                SELECT question_id || '=' || verdict FROM answers WHERE assessment_id = \(world.id) AND verdict IS NOT NULL ORDER BY question_id
                """)
            #expect(Set(verdicts) == Set(inDomain.map { "\($0.id)=\($0.id == inDomain[0].id ? "flagged" : "accepted")" }), "the flag stays")
            let (again, againPage, _) = try await ana.post(client, "/assessments/\(world.id)/accept-domain", [("csrf", csrf), ("domain", domain.key)])
            #expect(again == .unprocessableContent && againPage.contains("Every answer of \(domain.title) has a verdict already."))

            // Sending it back needs a message; with one, the supplier is emailed and the questionnaire is theirs again.
            let before = try world.state()
            let (empty, emptyPage, _) = try await ana.post(client, "/assessments/\(world.id)/request-changes", [("csrf", csrf), ("message", " ")])
            #expect(empty == .unprocessableContent)
            #expect(emptyPage.contains(#"id="message-problem">Say what the supplier should change: the message is emailed to them. Nothing was sent."#))
            #expect(try world.state() == before)
            let (sent, _, headers) = try await ana.post(client, "/assessments/\(world.id)/request-changes", [
                ("csrf", csrf), ("message", "Attach the approved AI policy, not the draft."),
            ])
            #expect(sent == .seeOther && headers[.location] == "/assessments/\(world.id)?done=changes")
            #expect(try world.scalar("SELECT count(*) FROM assessments WHERE status = 'in_progress' AND changes_requested LIKE 'Attach the approved%'") == 1)
            #expect(try world.scalar("SELECT count(*) FROM outbox WHERE kind = 'changes_requested'") == 1)
            let (_, shown, _) = try await ana.get(client, "/assessments/\(world.id)?done=changes")
            #expect(shown.contains("Sent back to the supplier with your message"))
            #expect(!shown.contains("/verdict\""), "no verdicts while the supplier has it")

            // Completing is for a submitted questionnaire: refused now, done once the supplier submits again.
            let (early, earlyPage, _) = try await ana.post(client, "/assessments/\(world.id)/complete", [("csrf", csrf)])
            #expect(early == .conflict && earlyPage.contains("only a submitted assessment can be completed"))
            #expect(try PortalStore(database: world.fixture.database).save(assessment: world.id, answers: Submitted.bestAnswers(), submit: true, actor: "supplier") == .submitted)
            let (_, resubmitted, _) = try await ana.get(client, "/assessments/\(world.id)")
            #expect(resubmitted.contains("answers have no verdict") || resubmitted.contains("answer has no verdict"))
            let (done, _, doneHeaders) = try await ana.post(client, "/assessments/\(world.id)/complete", [("csrf", csrf)])
            #expect(done == .seeOther && doneHeaders[.location] == "/assessments/\(world.id)?done=completed")
            #expect(try world.scalar("SELECT count(*) FROM assessments WHERE status = 'completed'") == 1)

            // The committee reads the review and cannot give a verdict.
            let cora = Browser()
            _ = try await cora.signIn(client, email: "cora@example.com")
            let (_, read, _) = try await cora.get(client, "/assessments/\(world.id)")
            #expect(read.contains("Review completed") == false && !read.contains("/verdict\""))
        }
    }

    @Test func withoutAWorkerThePageSaysTheScoreIsBeingUpdated() async throws {
        let world = try Submitted("review-waiting", rescoreWait: .milliseconds(200))
        let question = Self.questionnaire.questions[0]
        try await world.fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (_, page, _) = try await ana.get(client, "/assessments/\(world.id)")
            let (status, after, _) = try await ana.post(client, "/assessments/\(world.id)/verdict", [
                ("csrf", try Browser.csrf(page)), ("question", question.id), ("verdict", "accepted"),
            ])
            #expect(status == .ok && after.contains("The score is being updated after the last change."))
            #expect(!after.contains("The lines this verdict moved"))
            _ = try world.worker.drain()
            let (_, later, _) = try await ana.get(client, "/assessments/\(world.id)")
            #expect(!later.contains("The score is being updated") && later.contains("accepted by ana@example.com"))
        }
    }

    @Test func aPDFOrImageOpensInTheBrowserWithNothingRunnableAndOtherFilesDownload() async throws {
        let world = try Submitted("review-evidence")
        // A file stored as a PDF whose bytes are not one (written before the portal checked) must not open inline.
        try world.fixture.execute("""
            INSERT INTO evidence_files (assessment_id, question_id, filename, content_type, size_bytes, sha256, content)
            SELECT assessment_id, question_id, 'old.pdf', 'application/pdf', 25, repeat('0', 64), convert_to('<script>alert(1)</script>', 'UTF8')
            FROM evidence_files LIMIT 1
            """)
        let files = try WorkspacePageTests.strings(world.fixture, "SELECT id || ':' || filename FROM evidence_files ORDER BY id")
        @Sendable func id(_ name: String) throws -> String { try #require(files.first { $0.hasSuffix(":" + name) }).split(separator: ":")[0].description }
        try await world.fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (_, page, _) = try await ana.get(client, "/assessments/\(world.id)")
            #expect(page.contains(#">policy.pdf</a> (opens in the browser)"#) && page.contains(#" download>notes.txt</a> (downloads)"#))
            let (pdf, _, pdfHeaders) = try await ana.get(client, "/assessments/\(world.id)/evidence/\(try id("policy.pdf"))")
            #expect(pdf == .ok && pdfHeaders[.contentType] == "application/pdf")
            #expect(pdfHeaders[.contentDisposition] == #"inline; filename="policy.pdf""#)
            #expect(pdfHeaders[.contentSecurityPolicy]?.contains("script-src 'none'") == true && pdfHeaders[values: HTTPField.Name("X-Content-Type-Options")!] == ["nosniff"])
            let (_, _, textHeaders) = try await ana.get(client, "/assessments/\(world.id)/evidence/\(try id("notes.txt"))")
            #expect(textHeaders[.contentDisposition] == #"attachment; filename="notes.txt""#)
            #expect(textHeaders[.contentSecurityPolicy] == "default-src 'none'; sandbox")
            let (_, _, fakeHeaders) = try await ana.get(client, "/assessments/\(world.id)/evidence/\(try id("old.pdf"))")
            #expect(fakeHeaders[.contentDisposition] == #"attachment; filename="old.pdf""#, "content that is not a PDF never opens inline")
        }
    }
}
