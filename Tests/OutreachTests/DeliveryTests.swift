import Foundation
import Logging
import Outreach
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

/// A transport that records what it was given, and fails when told to.
final class RecordingTransport: MailTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var deliveries: [Int: Int] = [:]
    let failure: String?
    let delay: UInt32

    init(failure: String? = nil, delay: UInt32 = 0) {
        self.failure = failure
        self.delay = delay
    }

    func deliver(_ message: OutboxMessage) throws {
        if delay > 0 { usleep(delay) }
        if let failure { throw OutreachError.refused(failure) }
        lock.withLock { deliveries[message.id, default: 0] += 1 }
    }

    var counts: [Int: Int] { lock.withLock { deliveries } }
}

@Suite struct DeliveryTests {
    static func database(_ label: String) throws -> Database {
        Database(configuration: try TestDatabase.migrated(label), maximumConnections: 6)
    }

    static func message(_ index: Int) -> OutgoingMessage {
        OutgoingMessage(kind: .invitation, dedupeKey: "test:\(index)", recipients: ["a@b.example"], subject: "Subject \(index)", text: "Text", html: "<p>Text</p>")
    }

    static func status(_ database: Database, _ id: Int) throws -> (String, Int, String?, Date) {
        try database.withConnection { try $0.query("SELECT status, attempts, last_error, next_attempt_at FROM outbox WHERE id = \(id)")[0].decode((String, Int, String?, Date).self) }
    }

    @Test func aFailingTransportIsRetriedWithBackoffThenTheMessageIsDead() throws {
        let database = try Self.database("deliveryfail")
        let outbox = OutboxStore(database: database)
        #expect(try outbox.enqueue(Self.message(1)))
        #expect(try !outbox.enqueue(Self.message(1)), "a dedupe key is written once")
        let id = try outbox.list()[0].id
        let configuration = OutreachConfiguration(maxAttempts: 3, backoff: .seconds(60))
        let loop = OutboxDelivery(database: database, transport: RecordingTransport(failure: "relay said 554 no"), configuration: configuration, logger: Logger(label: "test"))
        let start = Date()
        var pass = try loop.deliverDue(now: start)
        #expect(pass == .init(sent: 0, failed: 1, dead: 0))
        var (status, attempts, error, next) = try Self.status(database, id)
        #expect(status == "pending" && attempts == 1 && error == "relay said 554 no")
        #expect(abs(next.timeIntervalSince(start) - 60) < 1, "first retry after the backoff")
        #expect(try loop.deliverDue(now: start.addingTimeInterval(30)) == .init(), "not before")
        pass = try loop.deliverDue(now: start.addingTimeInterval(61))
        (status, attempts, _, next) = try Self.status(database, id)
        #expect(attempts == 2 && abs(next.timeIntervalSince(start.addingTimeInterval(61)) - 120) < 1, "the backoff doubles")
        pass = try loop.deliverDue(now: start.addingTimeInterval(200))
        #expect(pass == .init(sent: 0, failed: 0, dead: 1))
        (status, attempts, error, _) = try Self.status(database, id)
        #expect(status == "dead" && attempts == 3 && error == "relay said 554 no", "dead with its last error")
        #expect(try loop.deliverDue(now: start.addingTimeInterval(100_000)) == .init(), "a dead message is left alone")

        #expect(throws: StorageError.notFound("no dead message with id 999")) { try outbox.retry(999) }
        #expect(try outbox.retry(id) == 1)
        let working = OutboxDelivery(database: database, transport: RecordingTransport(), configuration: configuration, logger: Logger(label: "test"))
        #expect(try working.deliverDue() == .init(sent: 1, failed: 0, dead: 0))
        #expect(try Self.status(database, id).0 == "sent")
    }

    @Test func twoLoopsAtOnceNeverSendOneMessageTwice() throws {
        let database = try Self.database("deliverytwo")
        let outbox = OutboxStore(database: database)
        for index in 0..<80 { try outbox.enqueue(Self.message(index)) }
        let transport = RecordingTransport(delay: 1_000)
        let loops = (0..<2).map { _ in
            OutboxDelivery(database: database, transport: transport, configuration: OutreachConfiguration(), batchSize: 7, logger: Logger(label: "test"))
        }
        let group = DispatchGroup()
        let failures = Locked<[String]>([])
        for loop in loops {
            group.enter()
            Thread.detachNewThread {
                do { try loop.deliverDue() } catch { failures.withValue { $0.append("\(error)") } }
                group.leave()
            }
        }
        group.wait()
        #expect(failures.value.isEmpty, "neither loop failed")
        #expect(transport.counts.count == 80, "every message delivered")
        #expect(transport.counts.values.allSatisfy { $0 == 1 }, "none twice")
        #expect(try database.withConnection { try $0.query("SELECT count(*) FROM outbox WHERE status = 'sent'")[0].decode(Int.self, at: 0) } == 80)
    }

    @Test func fileAndSendmailTransportsWriteRFC5322Messages() throws {
        let database = try Self.database("deliveryfiles")
        let outbox = OutboxStore(database: database)
        try outbox.enqueue(OutgoingMessage(
            kind: .reminder, dedupeKey: "x", recipients: ["risk@acme.example"], subject: "Rappel: questionnaire dû",
            text: "Line one = two\nA very long line " + String(repeating: "x", count: 100), html: "<p>é</p>"))
        let message = try outbox.list()[0]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-files-\(UUID().uuidString)")
        try FileTransport(directory: directory, from: "tprm@bank.example").deliver(message)
        try FileTransport(directory: directory, from: "tprm@bank.example").deliver(message)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files == [String(format: "%08d-reminder.eml", message.id)], "a second delivery replaces the file")
        let eml = try String(contentsOf: directory.appendingPathComponent(files[0]), encoding: .utf8)
        #expect(eml.contains("Subject: =?UTF-8?B?"), "a non-ASCII subject is encoded")
        #expect(eml.contains("\r\nTo: risk@acme.example\r\n"))
        #expect(eml.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 78 }, "no line over 78 characters")
        #expect(MailFormat.decodeQuotedPrintable(eml).contains("Line one = two\r\nA very long line " + String(repeating: "x", count: 100)))

        let script = directory.appendingPathComponent("fake-sendmail")
        let captured = directory.appendingPathComponent("captured.eml")
        try "#!/bin/sh\n[ \"$1\" = \"-t\" ] || exit 64\ncat > '\(captured.path)'\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        try SendmailTransport(command: [script.path, "-t", "-i"], from: "tprm@bank.example").deliver(message)
        #expect(try String(contentsOf: captured, encoding: .utf8).hasPrefix("From: tprm@bank.example\r\nTo: risk@acme.example\r\n"), "the whole message on standard input")
        #expect(try String(contentsOf: captured, encoding: .utf8).contains("X-Tprm-Kind: reminder"))
        let failing = directory.appendingPathComponent("failing-sendmail")
        try "#!/bin/sh\necho 'relay refused recipient' >&2\nexit 75\n".write(to: failing, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: failing.path)
        #expect(throws: OutreachError.refused("\(failing.path) exited with status 75: relay refused recipient")) {
            try SendmailTransport(command: [failing.path], from: "tprm@bank.example").deliver(message)
        }
    }

    @Test(arguments: [
        ("smtp://mail.example", "TPRM_MAIL: unknown transport \"smtp\"; expected file:DIR, sendmail:COMMAND (such as sendmail:/usr/sbin/sendmail -t -i) or webhook:URL"),
        ("file:", "TPRM_MAIL: \"file:\" names no directory; expected file:DIR, sendmail:COMMAND (such as sendmail:/usr/sbin/sendmail -t -i) or webhook:URL"),
        ("sendmail:sendmail -t", "TPRM_MAIL: give the command's full path, such as sendmail:/usr/sbin/sendmail -t -i"),
        ("webhook:ftp://x", "TPRM_MAIL: \"ftp://x\" is not an http or https URL"),
        ("mail.example", "TPRM_MAIL: \"mail.example\" is not a transport; expected file:DIR, sendmail:COMMAND (such as sendmail:/usr/sbin/sendmail -t -i) or webhook:URL"),
    ])
    func badTransportsAreRefusedSayingWhatIsExpected(text: String, message: String) {
        #expect(throws: OutreachError.configuration(message)) { try MailTransportSpec.parse(text) }
    }

    @Test func configurationComesFromTheEnvironment() throws {
        let configuration = try OutreachConfiguration.from(environment: [
            "TPRM_PUBLIC_URL": "https://tprm.example.com/", "TPRM_MAIL": "sendmail:/usr/sbin/sendmail -t -i", "TPRM_MAIL_FROM": "tprm@bank.example"])
        #expect(configuration.link("abc") == "https://tprm.example.com/portal/abc")
        #expect(configuration.transport == .sendmail(["/usr/sbin/sendmail", "-t", "-i"]))
        #expect(configuration.mailbox == "tprm@bank.example")
        #expect(throws: OutreachError.configuration("TPRM_PUBLIC_URL: \"tprm.example.com\" is not an http or https address, such as https://tprm.example.com")) {
            try OutreachConfiguration.from(environment: ["TPRM_PUBLIC_URL": "tprm.example.com"])
        }
        #expect(throws: OutreachError.configuration("TPRM_MAIL_FROM: \"tprm\" is not an email address")) {
            try OutreachConfiguration.from(environment: ["TPRM_MAIL_FROM": "tprm"])
        }
    }
}

@Suite struct WebhookTests {
    @Test func aWebhookGetsTheMessageAsJSONAndAFailureNamesTheStatus() throws {
        let database = try DeliveryTests.database("deliverywebhook")
        let outbox = OutboxStore(database: database)
        try outbox.enqueue(DeliveryTests.message(1))
        let message = try outbox.list()[0]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-webhook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = Int.random(in: 20_000..<40_000)
        let script = """
            import http.server, sys
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers['Content-Length']))
                    open(sys.argv[2] + '/body.json', 'wb').write(body)
                    open(sys.argv[2] + '/key', 'w').write(self.headers.get('Idempotency-Key', ''))
                    self.send_response(200 if self.path == '/ok' else 503)
                    self.end_headers()
                def log_message(self, *args):
                    pass
            server = http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), Handler)
            open(sys.argv[2] + '/ready', 'w').write('')
            server.serve_forever()
            """
        let pid = try Subprocess.start("/usr/bin/python3", ["-c", script, String(port), directory.path])
        defer {
            // SIGKILL: a child inherits an ignored SIGTERM from a test process that ignores it.
            kill(pid, SIGKILL)
            _ = try? Subprocess.wait(pid)
        }
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: directory.appendingPathComponent("ready").path) { usleep(25_000) }

        // On a thread of its own, as the delivery loop runs.
        func deliver(_ path: String) -> String? {
            let done = DispatchSemaphore(value: 0)
            let box = Locked<String?>(nil)
            Thread.detachNewThread {
                do { try WebhookTransport(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, from: "tprm@bank.example").deliver(message) } catch { box.withValue { $0 = "\(error)" } }
                done.signal()
            }
            #expect(done.wait(timeout: .now() + 30) == .success, "the webhook call returns")
            return box.value
        }
        #expect(deliver("/ok") == nil)
        let body = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("body.json"))) as? [String: Any]
        #expect(body?["id"] as? Int == message.id)
        #expect(body?["kind"] as? String == "invitation")
        #expect(body?["to"] as? [String] == ["a@b.example"])
        #expect(body?["from"] as? String == "tprm@bank.example")
        #expect(body?["html"] as? String == "<p>Text</p>")
        #expect(try String(contentsOf: directory.appendingPathComponent("key"), encoding: .utf8) == "tprm-outbox-\(message.id)")

        #expect(deliver("/fail") == "POST http://127.0.0.1:\(port)/fail answered 503")
    }
}
