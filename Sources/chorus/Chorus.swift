import ArgumentParser
import Foundation

/// The `chorus` command: drive simulated callers against voice agents and report what a person would feel.
struct Chorus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chorus",
        abstract: "Load and latency testing for voice-agent fleets.",
        subcommands: [
            RunCommand.self, AgentCommand.self, ReportCommand.self, RunsCommand.self, ValidateCommand.self,
            ProfilesCommand.self, CompareCommand.self, GateCommand.self, TagCommand.self, MergeCommand.self,
            K8sCommand.self,
        ]
    )
}

/// Entry point: maps every failure to the documented exit codes (0 pass, 1 gate failed or run invalid,
/// 2 bad input or the harness could not run).
@main
enum ChorusMain {
    static func main() async {
        do {
            var command = try Chorus.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(2)
        } catch {
            let code = Chorus.exitCode(for: error)
            if code == .success {
                print(Chorus.fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((Chorus.fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// A failure of the command itself (bad input, unreachable target, unwritable database): exit code 2.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
