import ArgumentParser
struct MatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "matrix")
}
