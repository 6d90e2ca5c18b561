import Testing
@testable import SupplierRisk

/// The score's lines rounded to hundredths that add up to the rounded total, whatever order the points were summed in.
@Suite struct ApportionTests {
    @Test func aTotalOnAHalfHundredthRoundsTheSameWayFromEitherSide() {
        // 12.345 points reached by two roads a few ulps apart (as a capped contract shared among more clauses is):
        // one total, rounded up, for both.
        let below = ScoringModel.apportion([12.344_999_999_999_9]), above = ScoringModel.apportion([12.345_000_000_000_1])
        #expect(below == [1235] && above == [1235])
        let shared = ScoringModel.apportion([4.115, 4.115, 4.115]), whole = ScoringModel.apportion([12.345])
        #expect(shared.reduce(0, +) == whole.reduce(0, +), "the same points in three lines or one: the same total")
        #expect(ScoringModel.apportion([12.344_99]) == [1234], "a real difference below the half still rounds down")
    }
}
