import Foundation
import Mustache
import Reports

/// The files the pages are made of, shipped with the module (`Resources/`, copied by SwiftPM into the
/// `tprm_WebService.resources` bundle beside the executable): Mustache templates and the icon; and tprm's one
/// stylesheet, which the committee pack carries too (``Stylesheet``, in the `tprm_Reports.resources` bundle).
/// Read once at start.
public struct WebResources: Sendable {
    /// Every `Templates/*.mustache`, by name without the extension; a template includes another as `{{> head}}`.
    let templates: MustacheLibrary
    /// `Static/*`, by file name.
    let files: [String: [UInt8]]

    /// A resource that is missing or does not parse: the installation is incomplete.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The resources shipped with the module.
    public static func shipped() throws(Problem) -> WebResources {
        guard let root = Bundle.module.resourceURL else { throw Problem(description: "the resource bundle of WebService has no resources") }
        return try load(root)
    }

    /// The resources under `root` (its `Templates` and `Static` directories).
    static func load(_ root: URL) throws(Problem) -> WebResources {
        let manager = FileManager.default
        func names(_ directory: String) throws(Problem) -> [String] {
            do {
                return try manager.contentsOfDirectory(atPath: root.appendingPathComponent(directory).path).filter { !$0.hasPrefix(".") }.sorted()
            } catch {
                throw Problem(description: "\(root.appendingPathComponent(directory).path) cannot be read: copy tprm_WebService.resources beside the tprm executable")
            }
        }
        var templates: [String: MustacheTemplate] = [:]
        for name in try names("Templates") where name.hasSuffix(".mustache") {
            let url = root.appendingPathComponent("Templates").appendingPathComponent(name)
            do {
                templates[String(name.dropLast(".mustache".count))] = try MustacheTemplate(string: try String(contentsOf: url, encoding: .utf8))
            } catch {
                throw Problem(description: "\(url.path): \(error)")
            }
        }
        var files: [String: [UInt8]] = [:]
        for name in try names("Static") {
            guard let data = manager.contents(atPath: root.appendingPathComponent("Static").appendingPathComponent(name).path) else {
                throw Problem(description: "\(root.appendingPathComponent("Static").appendingPathComponent(name).path) cannot be read")
            }
            files[name] = Array(data)
        }
        do {
            files["tprm.css"] = Array(try Stylesheet.text().utf8)
        } catch {
            throw Problem(description: error.description)
        }
        return WebResources(templates: MustacheLibrary(templates: templates), files: files)
    }
}
