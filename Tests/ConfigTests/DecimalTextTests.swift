@testable import PilotoConfig
import Testing

/// `DecimalText.fixedPoint`: the exact decimal printer behind percentages in alert policies and
/// seconds in the Prometheus exposition.
struct DecimalTextTests {
    @Test(arguments: [
        (Int64(0), 4, "0"), (1, 4, "0.0001"), (15, 4, "0.0015"), (7000, 4, "0.7"), (10_000, 4, "1"),
        (12_345, 4, "1.2345"), (1_234_000, 9, "0.001234"), (2_000_000_000, 9, "2"), (42, 0, "42"),
    ])
    func fixedPoint(value: Int64, digits: Int, text: String) {
        #expect(DecimalText.fixedPoint(value, scaleDigits: digits) == text)
    }

    @Test func percentageFractionText_usesIt() {
        #expect(Percentage(hundredths: 7000).fractionText == "0.7")
        #expect(Percentage(hundredths: 50).fractionText == "0.005")
        #expect(Percentage.percent(100).fractionText == "1")
    }
}
