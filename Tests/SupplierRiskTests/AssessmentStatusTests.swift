import SupplierRisk
import Testing

/// What can be done to an assessment in each status: the rules the stores, the API (409) and the portal follow.
@Suite struct AssessmentStatusTests {
    @Test(arguments: AssessmentStatus.allCases)
    func eachStatusAllowsWhatItsPlaceInTheFlowAllows(status: AssessmentStatus) {
        let allowed = Set(AssessmentStatus.Action.allCases.filter { status.allows($0) })
        let expected: Set<AssessmentStatus.Action> = switch status {
        case .sent, .inProgress: [.answer, .cancel, .relink]
        case .submitted, .underReview: [.review, .requestChanges, .complete, .cancel, .relink]
        case .completed, .expired, .cancelled: []
        }
        #expect(allowed == expected)
        for action in AssessmentStatus.Action.allCases {
            #expect((status.problem(action, name: "#7") == nil) == status.allows(action), "a problem exactly when refused")
        }
    }

    @Test func aRefusalSaysTheStatusAndWhatWouldAllowIt() {
        #expect(AssessmentStatus.completed.problem(.complete, name: "#2") == "#2 is completed; only a submitted assessment can be completed")
        #expect(AssessmentStatus.inProgress.problem(.review, name: "#3") == "#3 is in_progress; answers are reviewed once submitted")
        #expect(AssessmentStatus.cancelled.problem(.cancel, name: "#4") == "#4 is cancelled and cannot be cancelled")
    }
}
