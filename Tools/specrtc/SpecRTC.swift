import ArgumentParser

/// `specrtc`: the SpecRTC command-line tool.
@main
struct SpecRTCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "specrtc",
        abstract: "SpecRTC: a WebRTC stack in Swift that is its own conformance proof.",
        subcommands: [LoopbackCommand.self, OfferCommand.self, AnswerCommand.self, BenchCommand.self, SpecsCommand.self, MatrixCommand.self, ExplainCommand.self]
    )
}
