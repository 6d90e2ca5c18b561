public import Foundation

/// A supplier of AI, as procurement keeps it.
public struct Vendor: Sendable, Hashable, Codable {
    /// The database's identifier.
    public var id: Int
    /// The short name used on the command line: lower-case letters, digits and hyphens.
    public var slug: String
    /// The vendor's name as written.
    public var name: String
    /// Where the relationship stands.
    public var status: Status
    /// Who in our organisation answers for the relationship.
    public var businessOwner: String
    /// Whom at the vendor the questionnaires go to.
    public var contactEmail: String?
    /// What the vendor's AI does and touches.
    public var profile: AIProfile
    /// The inherent-risk tier, from the profile.
    public var tier: Tier
    /// Foundation-model providers the vendor builds on.
    public var foundationModels: [String]
    /// Sub-processors that handle our data for the vendor.
    public var subProcessors: [String]
    /// When the vendor was registered.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date

    /// Creates a vendor record.
    public init(
        id: Int, slug: String, name: String, status: Status, businessOwner: String, contactEmail: String?,
        profile: AIProfile, tier: Tier, foundationModels: [String], subProcessors: [String], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.status = status
        self.businessOwner = businessOwner
        self.contactEmail = contactEmail
        self.profile = profile
        self.tier = tier
        self.foundationModels = foundationModels
        self.subProcessors = subProcessors
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Where the relationship stands: prospect → onboarding → active → offboarded.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case prospect, onboarding, active, offboarded
    }
}

/// A vendor as it is registered or changed: everything but what the database assigns.
public struct VendorDraft: Sendable, Hashable {
    public var slug: String
    public var name: String
    public var status: Vendor.Status
    public var businessOwner: String
    public var contactEmail: String?
    public var profile: AIProfile
    public var foundationModels: [String]
    public var subProcessors: [String]

    /// Creates a draft.
    public init(
        slug: String, name: String, status: Vendor.Status, businessOwner: String, contactEmail: String?,
        profile: AIProfile, foundationModels: [String], subProcessors: [String]
    ) {
        self.slug = slug
        self.name = name
        self.status = status
        self.businessOwner = businessOwner
        self.contactEmail = contactEmail
        self.profile = profile
        self.foundationModels = foundationModels
        self.subProcessors = subProcessors
    }
}

/// Rules for the identifying fields of a vendor, shared by every way in (CLI, import, API).
public enum VendorRules {
    /// Why a slug is not acceptable, or `nil` when it is.
    public static func problem(slug: String) -> String? {
        if slug.isEmpty || slug.count > 64 { return "must be 1 to 64 characters" }
        let allowed = slug.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        if !allowed || slug.hasPrefix("-") || slug.hasSuffix("-") || slug.contains("--") {
            return "use lower-case letters, digits and single hyphens, such as acme-ai"
        }
        return nil
    }

    /// A slug made from a name: `Acme AI, Inc.` → `acme-ai-inc`.
    public static func slug(from name: String) -> String {
        var slug = ""
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        if slug.isEmpty {
            // A name with no Latin letter or digit (株式会社, say) still gets a slug, the same one every time.
            var hash: UInt32 = 2_166_136_261
            for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
            let hex = String(hash, radix: 16)
            return "vendor-" + String(repeating: "0", count: 8 - hex.count) + hex
        }
        return String(slug.prefix(64).reversed().drop { $0 == "-" }.reversed())
    }

    /// Why a vendor cannot have this status with this profile, or `nil` when it can: a use prohibited by the
    /// EU AI Act (Art. 5) may be assessed, but the vendor never becomes active.
    public static func problem(status: Vendor.Status, profile: AIProfile) -> String? {
        status == .active && profile.aiActClass == .prohibited
            ? "a vendor whose use is prohibited by the EU AI Act (Art. 5) cannot be active; change the use (ai_act_class) or keep it out of service"
            : nil
    }

    /// Why an email address is not acceptable, or `nil` when it is.
    public static func problem(email: String) -> String? {
        isEmailAddress(email) ? nil : "is not an email address"
    }

    /// Whether `text` is an address mail can be sent to: at most 254 characters; before the one `@`, ASCII letters,
    /// digits and `!#$%&'*+/=?^_`{|}~.-`; after it, two or more labels of letters, digits and hyphens joined by dots.
    /// (openapi.yaml's `Email` pattern says the same.)
    public static func isEmailAddress(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0 else { return false }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
        guard local.allSatisfy({ isAlphanumeric($0) || "!#$%&'*+/=?^_`{|}~.-".utf8.contains($0) }) else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && $0.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") } }
    }

    /// Whether text has nothing in it but spaces, tabs and line ends (openapi.yaml's `Text` and `Name` patterns).
    public static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// `text` without leading and trailing spaces, tabs and line ends.
    public static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet(charactersIn: " \t\n\r"))
    }

    /// Why a vendor's name is not acceptable, or `nil` when it is: 1 to 200 characters (Unicode scalars, counted
    /// as given), not blank.
    public static func problem(name: String) -> String? {
        isBlank(name) || name.unicodeScalars.count > 200 ? "must be 1 to 200 characters" : nil
    }
}
