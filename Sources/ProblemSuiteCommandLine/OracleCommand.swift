import ArgumentParser
import Foundation
import Harness
import ProblemSuite

/// `problemsuite oracle NAME…`: serves problems over the oracle protocol on stdin/stdout
/// for a client that started this process (the Python client's `problemsuite.load`).
///
/// Stdout carries protocol messages only; every diagnostic goes to stderr. The command
/// exits 0 when the client sends a close message or closes its end at a message
/// boundary, non-zero with a message on stderr when the connection broke.
struct OracleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oracle",
        abstract: "Serve problems over the oracle protocol on stdin/stdout (docs/oracle-protocol.md).",
        discussion: """
        For clients in other languages: the client starts this command and speaks the binary \
        protocol of docs/oracle-protocol.md (vectors as raw little-endian float64). Problems are \
        numbered in the order given.
        """)

    @OptionGroup var suite: SuiteOptions
    @Argument(help: "Problem names or aliases (1 to 64).") var names: [String]

    /// At most this many problems per server (each is loaded up front).
    static let maxProblems = 64

    func validate() throws {
        guard !names.isEmpty else { throw ValidationError("give at least one problem name") }
        guard names.count <= OracleCommand.maxProblems else {
            throw ValidationError("at most \(OracleCommand.maxProblems) problems per server, got \(names.count)")
        }
    }

    func run() throws {
        OracleChannel.ignoreBrokenPipeSignal()
        let catalogue = try suite.catalogue()
        let problems = try names.map { try suite.loadProblem($0, from: catalogue) }
        let server = OracleServer(problems: problems)
        let channel = OracleChannel(input: STDIN_FILENO, output: STDOUT_FILENO, peerName: "the client")
        do {
            try server.serve(channel)
        } catch {
            throw CLIError("oracle: \(error)")
        }
    }
}
