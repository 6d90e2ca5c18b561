import CivilTime
public import Foundation

/// Reads a supplier's answers from a form against the questionnaire as sent: each value checked by its
/// question's type, show-if conditions evaluated, and, on submission, every shown required question answered
/// and every required document attached.
///
/// All or nothing: any problem refuses the whole form, so a bad field never saves the others half-way.
public enum AnswerForm {
    /// A problem with one question's answer, or with the form (`questionID` empty).
    public struct Problem: Error, Sendable, Hashable, Codable {
        public let questionID: String
        public let message: String

        public init(_ questionID: String, _ message: String) {
            self.questionID = questionID
            self.message = message
        }
    }

    /// Every problem of a refused form.
    public struct Problems: Error, Sendable, Hashable {
        public let problems: [Problem]
    }

    /// The longest text answer accepted.
    public static let maximumTextLength = 10_000

    /// Reads `fields` (question id → the values posted for it; several for multi questions, empty text for none).
    ///
    /// - Parameters:
    ///   - profile: our profile of the vendor, which decides the questions asked only of some suppliers.
    ///   - files: the questions that have evidence uploaded.
    ///   - submitting: also require every shown required question, and a document for every answer that claims something.
    /// - Returns: the answers of the shown questions, or every problem found.
    public static func read(
        _ questionnaire: Questionnaire, profile: AIProfile?, fields: [String: [String]], files: Set<String>, submitting: Bool
    ) -> Result<[String: Answer.Value], Problems> {
        var problems: [Problem] = []
        var answers: [String: Answer.Value] = [:]
        for id in fields.keys.sorted() where questionnaire.question(id) == nil {
            problems.append(Problem(id, "there is no question \(id) in this questionnaire"))
        }
        for question in questionnaire.questions {
            let values = (fields[question.id] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            switch value(question, values, hasFile: files.contains(question.id)) {
            case .success(let value?): answers[question.id] = value
            case .success(nil): break
            case .failure(let problem): problems.append(problem)
            }
        }
        let shown = questionnaire.visible(answers: answers, profile: profile)
        answers = answers.filter { shown.contains($0.key) }
        problems = problems.filter { $0.questionID.isEmpty || shown.contains($0.questionID) || questionnaire.question($0.questionID) == nil }
        if submitting {
            for question in questionnaire.questions where shown.contains(question.id) {
                if question.required, answers[question.id] == nil, !problems.contains(where: { $0.questionID == question.id }) {
                    problems.append(Problem(question.id, question.type == .file ? "upload the document this question asks for" : "this question needs an answer"))
                } else if let answer = answers[question.id], question.needsEvidence(for: answer), !files.contains(question.id) {
                    problems.append(Problem(question.id, "attach a document that supports this answer"))
                }
            }
        }
        return problems.isEmpty ? .success(answers) : .failure(Problems(problems: problems))
    }


    /// One question's value from its posted values; nil when unanswered.
    static func value(_ question: Questionnaire.Question, _ values: [String], hasFile: Bool) -> Result<Answer.Value?, Problem> {
        let id = question.id
        if question.type == .file { return .success(hasFile ? .file : nil) }
        guard !values.isEmpty else { return .success(nil) }
        if question.type != .multi, values.count > 1 {
            return .failure(Problem(id, "give one answer, not \(values.count)"))
        }
        let text = values[0]
        switch question.type {
        case .yesNo, .single:
            guard question.options.contains(where: { $0.value == text }) else {
                return .failure(Problem(id, "\"\(text)\" is not one of the choices (\(question.options.map(\.label).joined(separator: ", ")))"))
            }
            return .success(.option(text))
        case .multi:
            if let unknown = values.first(where: { value in !question.options.contains { $0.value == value } }) {
                return .failure(Problem(id, "\"\(unknown)\" is not one of the choices (\(question.options.map(\.label).joined(separator: ", ")))"))
            }
            if values.count > 1, let exclusive = question.options.first(where: { $0.exclusive && values.contains($0.value) }) {
                return .failure(Problem(id, "\"\(exclusive.label)\" cannot be chosen together with other answers"))
            }
            return .success(.options(question.options.map(\.value).filter(values.contains)))
        case .number:
            guard let number = Double(text), number.isFinite, text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) else {
                return .failure(Problem(id, "\"\(text)\" is not a number; write digits, such as 12 or 99.5"))
            }
            return .success(.number(number))
        case .date:
            guard text.utf8.count == 10, let date = CivilTime.date(rfc3339: text) else {
                return .failure(Problem(id, "\"\(text)\" is not a date; write it as YYYY-MM-DD, such as 2026-03-31"))
            }
            return .success(.date(date))
        case .text:
            guard text.count <= maximumTextLength else {
                return .failure(Problem(id, "the answer is \(text.count) characters long; the limit is \(maximumTextLength)"))
            }
            return .success(.text(text))
        case .file:
            return .success(nil)
        }
    }
}
