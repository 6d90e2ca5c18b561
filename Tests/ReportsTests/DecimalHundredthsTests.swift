import Foundation
@testable import Reports
import Testing

@Suite struct DecimalHundredthsTests {
    /// The pack shows points and scores as decimals; building them without dividing must give the very value, and
    /// the very text (the JSON digest covers it), that `Decimal(h) / 100` gave, for every value a line or score can take.
    @Test func hundredthsMatchDivisionForEveryScoreAndLine() throws {
        for hundredths in -10_000...10_000 {
            let built = Decimal(hundredths: hundredths), divided = Decimal(hundredths) / 100
            #expect(built == divided, "\(hundredths)")
            #expect(built.description == divided.description, "\(hundredths)")
        }
        let encoded = try JSONEncoder().encode([Decimal(hundredths: 1250), Decimal(hundredths: -5), Decimal(hundredths: 0)])
        #expect(String(decoding: encoded, as: UTF8.self) == "[12.5,-0.05,0]")
    }
}
