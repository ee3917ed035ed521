import ChorusCore
import Testing

@Suite("FNV-1a")
struct FNV1aTests {
    @Test("the published 64-bit FNV-1a test vectors")
    func publishedVectors() {
        #expect(FNV1a.hash("") == 0xCBF2_9CE4_8422_2325)
        #expect(FNV1a.hash("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(FNV1a.hash("foobar") == 0x8594_4171_F739_67E8)
    }
}
