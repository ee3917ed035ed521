import ChorusCore
import Foundation
import Testing

@testable import ChorusEngine

@Suite("The harness's validity verdict")
struct HarnessVerdictTests {
    @Test("Within its bounds the run is valid")
    func quietRunIsValid() {
        var totals = HarnessMonitor.Totals()
        totals.sendLateUs.record(Int64(300))
        totals.loopLagUs.record(Int64(200))
        #expect(HarnessMonitor.verdict(totals, harness: Scenario.Harness(), cores: 2) == nil)
    }

    @Test("An invalid run says which bound broke and what the CPU was doing")
    func overloadNamesBoundsAndCPU() {
        var totals = HarnessMonitor.Totals()
        for _ in 0..<100 { totals.sendLateUs.record(Int64(23_000)) }
        for _ in 0..<1000 { totals.loopLagUs.record(Int64(46_000)) }
        totals.peakCPUPct = 143
        totals.cpuPressurePct = 61.4
        let reason = HarnessMonitor.verdict(totals, harness: Scenario.Harness(), cores: 2)
        #expect(reason?.hasPrefix("harness-limited: event-loop lag p99.9 46.") == true, "\(reason ?? "")")
        #expect(reason?.contains("send lateness p99 23.") == true)
        #expect(reason?.hasSuffix("(harness CPU peaked at 143 % of 2 cores; tasks waited for a CPU 61 % of the time)") == true)
    }

    @Test("Without PSI the verdict leaves the machine's pressure out")
    func noPressureFile() {
        var totals = HarnessMonitor.Totals()
        totals.sendLateUs.record(Int64(50_000))
        totals.peakCPUPct = 99
        let reason = HarnessMonitor.verdict(totals, harness: Scenario.Harness(), cores: 1)
        #expect(reason?.hasSuffix("(harness CPU peaked at 99 % of 1 core)") == true, "\(reason ?? "")")
    }
}

@Suite("Cores the harness may use")
struct UsableCoresTests {
    @Test("At least one, and never more than the machine has online")
    func boundedByTheMachine() {
        #expect(UsableCores.count >= 1)
        #expect(UsableCores.count <= ProcessInfo.processInfo.activeProcessorCount)
    }
}

@Suite("Reading the affinity mask")
struct AffinityMaskTests {
    @Test("Cpus_allowed words are counted bit by bit")
    func countsBits() {
        #expect(UsableCores.allowedCPUs(status: "Name:\tchorus\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n") == 1)
        #expect(UsableCores.allowedCPUs(status: "Cpus_allowed:\tffffffff,0000000f\n") == 36)
        #expect(UsableCores.allowedCPUs(status: "Name:\tchorus\n") == nil)
    }
}
