import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import SupplierRisk

/// The evidence of the relationship, from the vendor's page: a contract with its signed copy, dates, renewal notice
/// and value (`/vendors/{slug}/contracts`), a certificate with its file, a renewal being a new one
/// (`/vendors/{slug}/certificates`), and the documents they keep (`/vendors/{slug}/documents/{id}`).
extension WorkspaceController {
    /// The largest upload a form takes: the file and the fields around it.
    static let documentLimit = EvidenceType.maximumSize + 64 * 1024

    /// A multipart form of an analyst, its token checked; the role is checked before the body is read.
    func postedUpload(_ request: Request, _ person: SignedInPerson, what: String) async throws -> MultipartForm {
        guard person.user.role >= .analyst else { throw Refusal(response: readOnly(person, what)) }
        func unreadable(_ status: HTTPResponse.Status, _ text: String) -> Refusal {
            Refusal(response: HTMLPage.response(status, pages.render(errorPage(person, "This form could not be read", text), withTemplate: "workspace-error") ?? ""))
        }
        guard let boundary = MultipartForm.boundary(of: request.headers[.contentType]) else {
            throw unreadable(.unsupportedMediaType, "Open the page again and send the form from there. Nothing was saved.")
        }
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: Self.documentLimit)
        } catch {
            throw unreadable(.contentTooLarge, "The file is larger than 20 MB. Nothing was saved.")
        }
        guard let form = try? MultipartForm(body: Array(bytes.readableBytesView), boundary: boundary) else {
            throw unreadable(.badRequest, "Open the page again and send the form from there. Nothing was saved.")
        }
        guard let csrf = form.value("csrf"), PortalSecret.constantTimeEqual(Array(csrf.utf8), Array(person.csrfToken.utf8)) else {
            throw Refusal(response: forgedForm(person))
        }
        return form
    }

    /// The document of a form's `file` field: nil when none was chosen, else the file checked as the portal checks
    /// evidence, or the problem to show beside the field.
    static func document(_ form: MultipartForm) -> Result<NewDocument?, EvidenceType.Refused> {
        guard let file = form.file("file"), !file.data.isEmpty else { return .success(nil) }
        return EvidenceType.accepted(file.data, filename: file.filename ?? "").map { kept in
            NewDocument(filename: kept.filename, contentType: kept.type, content: Data(file.data))
        }
    }

    /// When a form with a file chosen is sent back for another field's problem, the file must be chosen again: a
    /// browser does not keep it. Says so beside the field, unless the file has a problem of its own.
    static func askFileAgain(_ form: MultipartForm, _ what: String, in problems: inout [(field: String, message: String)]) {
        guard !problems.isEmpty, form.file("file").map({ !$0.data.isEmpty }) == true, !problems.contains(where: { $0.field == "file" }) else { return }
        problems.append(("file", "Choose \(what) again: a browser does not keep a file in a form sent back."))
    }

    /// A date typed as 2026-12-31, or nil.
    static func day(_ text: String) -> Date? {
        CivilTime.date(rfc3339: text.trimmingCharacters(in: .whitespaces) + "T00:00:00Z")
    }

    // MARK: Contracts

    @Sendable func contractForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let vendor = try await pathVendor(context, person)
            guard person.user.role >= .analyst else { return readOnly(person, "Adding a contract") }
            return recordForm(person, vendor: vendor, template: "contract-form", typed: [:], problems: [], status: .ok)
        }
    }

    @Sendable func addContract(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let vendor = try await pathVendor(context, person)
            let form = try await postedUpload(request, person, what: "Adding a contract")
            var typed: [String: String] = [:]
            for field in ["reference", "effective", "expires", "notice", "value", "currency"] {
                typed[field] = (form.value(field) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            }
            var problems: [(field: String, message: String)] = []
            let reference = typed["reference"]!
            if reference.isEmpty { problems.append(("reference", "Give the contract's reference: its number or title.")) }
            if reference.count > 200 { problems.append(("reference", "Keep the reference to 200 characters; it has \(reference.count).")) }
            let effective = Self.day(typed["effective"]!)
            if effective == nil { problems.append(("effective", typed["effective"]!.isEmpty ? "Give the date the contract takes effect." : "\"\(typed["effective"]!)\" is not a date: write it as 2026-12-31.")) }
            var expires: Date?
            if !typed["expires"]!.isEmpty {
                expires = Self.day(typed["expires"]!)
                if expires == nil { problems.append(("expires", "\"\(typed["expires"]!)\" is not a date: write it as 2026-12-31, or leave it empty for an open-ended contract.")) }
                else if let effective, let expires, expires <= effective { problems.append(("expires", "The contract must end after it takes effect (\(CivilTime.dayText(effective))).")) }
            }
            var notice: Int?
            if !typed["notice"]!.isEmpty {
                notice = Int(typed["notice"]!)
                if notice == nil || !(0...3650).contains(notice!) { problems.append(("notice", "Give the renewal notice as a number of days from 0 to 3,650.")) }
                else if expires == nil, typed["expires"]!.isEmpty { problems.append(("notice", "An open-ended contract has no renewal to give notice of: give its end date, or leave the notice empty.")) }
            }
            var value: Decimal?
            if !typed["value"]!.isEmpty {
                value = ContractController.amount(typed["value"]!.replacingOccurrences(of: ",", with: ""))
                if value == nil { problems.append(("value", "\"\(typed["value"]!)\" is not an amount: digits, with a point and up to two decimals, such as 120000.50.")) }
            }
            let currency = typed["currency"]!.uppercased()
            if value != nil || !currency.isEmpty {
                if currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isLetter }) { problems.append(("currency", "Give the value's currency as its three-letter code, such as EUR.")) }
                if value == nil, typed["value"]!.isEmpty { problems.append(("value", "Give the annual value the currency is for, or leave both empty.")) }
            }
            var document: NewDocument?
            switch Self.document(form) {
            case .success(let kept): document = kept
            case .failure(let refused): problems.append(("file", Self.sentence(refused.message)))
            }
            Self.askFileAgain(form, "the signed document", in: &problems)
            guard problems.isEmpty, let effective else {
                return recordForm(person, vendor: vendor, template: "contract-form", typed: typed, problems: problems, status: .unprocessableContent)
            }
            let store = ContractStore(database: database)
            let (ends, days, amount, file) = (expires, notice, value, document)
            do {
                let contract = try await blocking.run {
                    try store.add(vendor: vendor.slug, reference: reference, effectiveOn: effective, expiresOn: ends, renewalNoticeDays: days,
                                  annualValue: amount, currency: amount == nil ? nil : currency, document: file, actor: person.user.email)
                }
                return SignInController.redirect(to: "/contracts/\(contract.id)?done=added")
            } catch StorageError.duplicate {
                return recordForm(person, vendor: vendor, template: "contract-form", typed: typed,
                                  problems: [("reference", "\(vendor.name) has a contract \"\(reference)\" already: give this one its own reference.")],
                                  status: .conflict)
            }
        }
    }

    // MARK: Certificates

    @Sendable func certificateForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let vendor = try await pathVendor(context, person)
            guard person.user.role >= .analyst else { return readOnly(person, "Adding a certificate") }
            var typed: [String: String] = [:]
            // Renewing: the certificate renewed fills in the form, but for its dates.
            if let renew = request.uri.queryParameters.get("renew").flatMap({ Int(String($0)) }) {
                let store = CertificationStore(database: database)
                if let old = try await blocking.run({ try store.list(vendor: vendor.slug).items.first { $0.id == renew } }) {
                    typed = ["standard": old.standard.rawValue, "issuer": old.issuer, "scope": old.scope]
                }
            }
            return recordForm(person, vendor: vendor, template: "certificate-form", typed: typed, problems: [], status: .ok)
        }
    }

    @Sendable func addCertificate(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let vendor = try await pathVendor(context, person)
            let form = try await postedUpload(request, person, what: "Adding a certificate")
            var typed: [String: String] = [:]
            for field in ["standard", "issuer", "scope", "issued", "expires"] {
                typed[field] = (form.value(field) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            }
            var problems: [(field: String, message: String)] = []
            let standard = Certification.Standard(rawValue: typed["standard"]!)
            if standard == nil { problems.append(("standard", "Choose the standard the certificate is for.")) }
            if typed["issuer"]!.isEmpty { problems.append(("issuer", "Give the body that issued the certificate.")) }
            if typed["issuer"]!.count > 200 { problems.append(("issuer", "Keep the issuer to 200 characters.")) }
            if typed["scope"]!.count > 2000 { problems.append(("scope", "Keep the scope to 2,000 characters.")) }
            var issued: Date?
            if !typed["issued"]!.isEmpty {
                issued = Self.day(typed["issued"]!)
                if issued == nil { problems.append(("issued", "\"\(typed["issued"]!)\" is not a date: write it as 2026-12-31.")) }
            }
            let expires = Self.day(typed["expires"]!)
            if expires == nil { problems.append(("expires", typed["expires"]!.isEmpty ? "Give the date the certificate expires." : "\"\(typed["expires"]!)\" is not a date: write it as 2026-12-31.")) }
            if let issued, let expires, issued >= expires { problems.append(("expires", "A certificate expires after it is issued (\(CivilTime.dayText(issued))).")) }
            var document: NewDocument?
            switch Self.document(form) {
            case .success(let kept): document = kept
            case .failure(let refused): problems.append(("file", Self.sentence(refused.message)))
            }
            Self.askFileAgain(form, "the certificate's file", in: &problems)
            guard problems.isEmpty, let standard, let expires else {
                return recordForm(person, vendor: vendor, template: "certificate-form", typed: typed, problems: problems, status: .unprocessableContent)
            }
            let store = CertificationStore(database: database)
            let (issuer, scope, issuedOn, file) = (typed["issuer"]!, typed["scope"]!, issued, document)
            _ = try await blocking.run {
                try store.add(vendor: vendor.slug, standard: standard, issuer: issuer, scope: scope, issuedOn: issuedOn, expiresOn: expires,
                              document: file, actor: person.user.email)
            }
            return SignInController.redirect(to: "/vendors/\(vendor.slug)#certificates")
        }
    }

    /// A form of a vendor's record (`contract-form`, `certificate-form`): what was typed, each problem beside its field
    /// and listed at the top.
    func recordForm(_ person: SignedInPerson, vendor: Vendor, template: String, typed: [String: String], problems: [(field: String, message: String)],
                    status: HTTPResponse.Status) -> Response {
        var page = Self.signedIn(person, at: "vendors")
        page["vendor"] = ["slug": vendor.slug, "name": vendor.name, "tier": vendor.tier.rawValue]
        page["form"] = typed
        Self.showProblems(problems, in: &page)
        page["standards"] = Certification.Standard.allCases.map { ["value": $0.rawValue, "label": $0.title, "selected": typed["standard"] == $0.rawValue] as [String: Any] }
        return HTMLPage.response(status, pages.render(page, withTemplate: template) ?? "")
    }

    // MARK: Documents

    @Sendable func documentDownload(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        let given = try context.parameters.require("slug")
        let slug = given.removingPercentEncoding ?? given
        guard let id = Int(try context.parameters.require("id")) else { return notFound(person, "There is no such document.") }
        let store = DocumentStore(database: database)
        do {
            let (record, content) = try await blocking.run { try store.content(vendor: slug, id: id) }
            return Self.fileResponse(filename: record.filename, type: record.contentType, content: content)
        } catch StorageError.notFound {
            return notFound(person, "\(slug) has no document \(id).")
        }
    }
}
