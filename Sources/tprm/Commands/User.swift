import ArgumentParser
import CivilTime
import Foundation
import Outreach
import Storage
import SupplierRisk

/// `tprm user …`: the accounts of the people who sign in.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add, list, disable, enable and reset the accounts of people who sign in, and change their role.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, Reset.self, Role.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account and print a one-time link to set its password (also sent by email through the outbox).",
            discussion: "With --password-stdin the password is read from the first line of standard input instead, for automation; no link is made.")
        @Option(help: ArgumentHelp("The person's email: the account's name and the actor of their changes.", valueName: "email")) var email: String
        @Option(help: ArgumentHelp("Their name, as pages show it.", valueName: "name")) var name: String
        @Option(help: "admin, analyst or committee.") var role: ApiRole
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.") var passwordStdin = false
        @OptionGroup var registry: RegistryOptions
        @OptionGroup var outreach: OutreachOptions

        func validate() throws {
            if VendorRules.problem(email: UserStore.normalized(email)) != nil { throw ValidationError("--email: \"\(email)\" is not an email address") }
            if name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name must not be empty") }
        }

        func run() async throws {
            var password: String?
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw CLIError.usage("--password-stdin: no password on standard input") }
                if let problem = PasswordPolicy.problem(line, email: email) { throw CLIError.usage("--password-stdin: \(problem)") }
                password = line
            }
            let messages = Messages(configuration: try outreach.configuration())
            let (user, link) = try UserStore(database: try registry.openDatabase()).add(
                email: email, name: name, role: role, password: password, actor: registry.actorName
            ) { user, link in messages.passwordLink(user, link, isNew: true) }
            print("added \(user.email) (\(user.role.rawValue))")
            if let link { try UserCommand.printLink(link, outreach: outreach) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts (never their passwords).")
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let users = try UserStore(database: try registry.openDatabase()).list()
            if json { return try Output.json(users) }
            if users.isEmpty { return print("no users: add one with tprm user add --email E --name N --role admin") }
            print(Output.table(["EMAIL", "NAME", "ROLE", "PASSWORD", "STATE", "CREATED"], users.map {
                [$0.email, $0.name, $0.role.rawValue, $0.hasPassword ? "set" : "not set", $0.disabledAt.map { "disabled \(Output.timestamp($0))" } ?? "enabled",
                 Output.timestamp($0.createdAt)]
            }))
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: it can no longer sign in; its history stays.")
        @Argument(help: "The account's email.") var email: String
        @OptionGroup var registry: RegistryOptions

        func run() async throws {
            let user = try UserStore(database: try registry.openDatabase()).setEnabled(email, false, actor: registry.actorName)
            print("disabled \(user.email)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @Argument(help: "The account's email.") var email: String
        @OptionGroup var registry: RegistryOptions

        func run() async throws {
            let user = try UserStore(database: try registry.openDatabase()).setEnabled(email, true, actor: registry.actorName)
            print("enabled \(user.email)")
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new one-time link to set the password, print it and email it; earlier links stop working.")
        @Argument(help: "The account's email.") var email: String
        @OptionGroup var registry: RegistryOptions
        @OptionGroup var outreach: OutreachOptions

        func run() async throws {
            let messages = Messages(configuration: try outreach.configuration())
            let link = try UserStore(database: try registry.openDatabase()).reset(email, actor: registry.actorName) { user, link in
                messages.passwordLink(user, link, isNew: false)
            }
            try UserCommand.printLink(link, outreach: outreach)
        }
    }

    struct Role: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an account another role.")
        @Argument(help: "The account's email.") var email: String
        @Argument(help: "admin, analyst or committee.") var role: ApiRole
        @OptionGroup var registry: RegistryOptions

        func run() async throws {
            let user = try UserStore(database: try registry.openDatabase()).setRole(email, role, actor: registry.actorName)
            print("\(user.email) is now \(user.role.rawValue)")
        }
    }

    static func printLink(_ link: PasswordLink, outreach: OutreachOptions) throws {
        print("one-time link to set the password (shown once, works until \(CivilTime.minuteText(link.expiresAt))):")
        print(Messages.passwordURL(try outreach.configuration(), link.token))
    }
}
