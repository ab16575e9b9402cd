@testable import PilotoConfig
import Testing

struct ScalarParsingTests {
    @Test(arguments: [
        ("1000ms", 1000), ("8s", 8000), ("5m", 300_000), ("60m", 3_600_000), ("1h", 3_600_000), ("7d", 604_800_000),
        ("0s", 0),
    ] as [(String, Int64)])
    func duration_parsesUnits(text: String, ms: Int64) throws {
        #expect(try ScalarParsing.duration(text).get() == TimeSpan(milliseconds: ms))
    }

    @Test(arguments: ["8", "s", "8 s", "8sec", "-1s", "1.5s", "", "99999999999999999d"])
    func duration_rejects(text: String) {
        #expect((try? ScalarParsing.duration(text).get()) == nil)
    }

    @Test(arguments: [
        ("512Mi", 512 << 20), ("1MiB", 1 << 20), ("32KiB", 32 << 10), ("1Gi", 1 << 30), ("4096", 4096), ("10B", 10),
    ] as [(String, Int64)])
    func byteSize_parsesBinaryUnits(text: String, bytes: Int64) throws {
        #expect(try ScalarParsing.byteSize(text).get() == ByteSize(bytes: bytes))
    }

    @Test func byteSize_decimalUnit_hintsBinary() {
        guard case .failure(let e) = ScalarParsing.byteSize("512MB") else {
            Issue.record("512MB accepted")
            return
        }
        #expect(e.message == "'512MB' uses a decimal unit; use MiB (binary units)")
    }

    @Test func percentage_andCPU_areExact() throws {
        #expect(try ScalarParsing.percentage("70%").get() == .percent(70))
        #expect(try ScalarParsing.percentage("0.5%").get() == Percentage(hundredths: 50))
        #expect((try? ScalarParsing.percentage("101%").get()) == nil)
        #expect((try? ScalarParsing.percentage("0.123%").get()) == nil)
        #expect(try ScalarParsing.cpu("1").get() == .cores(1))
        #expect(try ScalarParsing.cpu("0.5").get() == CPU(millicores: 500))
        #expect(try ScalarParsing.cpu("500m").get() == CPU(millicores: 500))
        #expect((try? ScalarParsing.cpu("1.2345").get()) == nil)
    }

    @Test func integer_isPlainDecimalOnly() {
        #expect(ScalarParsing.integer("80") == 80)
        #expect(ScalarParsing.integer("-1") == -1)
        for text in ["0x10", "1_000", "1e3", "+5", ".inf", "", "-", "1.0", "٣"] {
            #expect(ScalarParsing.integer(text) == nil, "\(text)")
        }
    }

    @Test func boolean_onlyTrueFalse() {
        #expect(ScalarParsing.boolean("true") == true)
        #expect(ScalarParsing.boolean("false") == false)
        for text in ["yes", "no", "on", "off", "True", "TRUE", "y", "1"] {
            #expect(ScalarParsing.boolean(text) == nil, "\(text)")
        }
    }

    @Test func cachePolicy_words_andDurations() throws {
        #expect(try ScalarParsing.cachePolicy("immutable").get() == .immutable)
        #expect(try ScalarParsing.cachePolicy("no-cache").get() == .noCache)
        #expect(try ScalarParsing.cachePolicy("1h").get() == .maxAge(.hours(1)))
        #expect((try? ScalarParsing.cachePolicy("forever").get()) == nil)
    }

    @Test func editDistance_suggestsNearestKey() {
        #expect(EditDistance.suggestion(for: "max_instance", among: ["min_instances", "max_instances"]) == "max_instances")
        #expect(EditDistance.suggestion(for: "zzz", among: ["service", "routes"]) == nil)
    }
}
