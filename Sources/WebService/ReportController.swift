import Storage
import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Reports
import SupplierRisk

/// The committee pack, with the parameters of `tprm report committee`: `GET /api/v1/reports/committee` previews it
/// and records nothing (a retry or a crawler must not move the next pack's default `since`);
/// `POST /api/v1/reports/committee` (analyst and up) generates it and records it with its parameters and digest.
struct ReportController {
    let report: CommitteeReport
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("reports/committee") { request, context in try await committee(request, context: context, record: false) }
        group.post("reports/committee") { request, context in try await committee(request, context: context, record: true) }
    }

    @Sendable func committee(_ request: Request, context: AppRequestContext, record: Bool) async throws -> Response {
        // The committee role reads; recording a pack moves the next pack's window, so it takes an analyst.
        let identity = try context.require(record ? .analyst : .committee)
        let query = QueryInput(request)
        let format = try query.value("format", PackFormat.self) ?? .json
        let since = try query.date("since"), asOf = try query.date("asOf")
        return try await Self.packResponse(report: report, blocking: blocking, since: since, asOf: asOf, format: format, actor: identity.name,
                                           record: record, status: record ? .created : .ok)
    }

    /// A pack generated (and recorded when `record`) as a response, with its digest in `X-Pack-Digest`.
    static func packResponse(report: CommitteeReport, blocking: BlockingWork, since: Date?, asOf: Date?, format: PackFormat, actor: String,
                             record: Bool, status: HTTPResponse.Status) async throws -> Response {
        // The pack is written to a file first, in bounded memory, so that its digest can go in a header; the file is
        // unlinked at once (its descriptor keeps it) and streamed from disk.
        let (generated, descriptor, size) = try await blocking.run { () -> (CommitteeReport.Generated, Int32, Int) in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-pack-\(UUID().uuidString).\(format.rawValue)").path
            let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw ApiError(.internalServerError, code: "internal", message: "cannot write the pack: \(String(cString: strerror(errno)))") }
            unlink(path)
            do {
                var size = 0
                let file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
                let generated = try report.generate(since: since, asOf: asOf, format: format, actor: actor, record: record) { bytes in
                    try file.write(contentsOf: bytes)
                    size += bytes.count
                }
                guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw ApiError(.internalServerError, code: "internal", message: "cannot read the pack back") }
                return (generated, descriptor, size)
            } catch {
                close(descriptor)
                throw error
            }
        }
        var headers: HTTPFields = [.contentType: format.contentType]
        headers[HTTPField.Name("X-Pack-Digest")!] = generated.digest
        if format == .html || format == .csv {
            headers[.contentDisposition] = "attachment; filename=\"tprm-committee-\(CivilTime.dayText(generated.asOf)).\(format.rawValue)\""
        }
        if format == .html {
            // The pack carries the stylesheet inline: that copy, by its hash, is the only style allowed.
            headers[.contentSecurityPolicy] = "default-src 'none'; style-src \(try Stylesheet.policySource()); img-src data:"
        }
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: size) { writer in
            defer { close(descriptor) }
            while true {
                let chunk = try await blocking.run { () -> [UInt8] in
                    var chunk = [UInt8](repeating: 0, count: 256 * 1024)
                    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    guard count >= 0 else { throw ApiError(.internalServerError, code: "internal", message: "cannot read the pack back") }
                    return Array(chunk.prefix(count))
                }
                if chunk.isEmpty { break }
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        })
    }
}
