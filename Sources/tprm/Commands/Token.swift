import ArgumentParser
import Foundation
import Storage

/// `tprm token …`: API tokens.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once; only its hash is kept.")
        @Option(help: "A name for the token: it is the actor of every change made with it.") var name: String
        @Option(help: "admin, analyst or committee.") var role: ApiRole
        @OptionGroup var registry: RegistryOptions

        func run() async throws {
            let token = try TokenStore(database: try registry.openDatabase()).create(
                name: name, role: role, actor: registry.actorName)
            print(token)
            FileHandle.standardError.write(Data("tprm: token \(name) created; it is shown this once: keep it now\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never the tokens themselves).")
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let tokens = try TokenStore(database: try registry.openDatabase()).list()
            if json { return try Output.json(tokens) }
            if tokens.isEmpty { return print("no tokens") }
            print(Output.table(["NAME", "ROLE", "CREATED", "REVOKED"], tokens.map {
                [$0.name, $0.role.rawValue, Output.timestamp($0.createdAt), $0.revokedAt.map(Output.timestamp) ?? ""]
            }))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once.")
        @Argument(help: "The token's name.") var name: String
        @OptionGroup var registry: RegistryOptions

        func run() async throws {
            try TokenStore(database: try registry.openDatabase()).revoke(name: name, actor: registry.actorName)
            print("revoked \(name)")
        }
    }
}
