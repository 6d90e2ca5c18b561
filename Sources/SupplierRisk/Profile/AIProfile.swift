/// What a vendor's AI does and touches: the facts inherent risk is computed from.
public struct AIProfile: Sendable, Hashable, Codable {
    /// What kind of AI the vendor provides.
    public var offering: Offering
    /// In the vendor's words, what the AI does for us.
    public var description: String
    /// The kinds of data the AI sees or produces.
    public var dataCategories: Set<DataCategory>
    /// How far the AI's output decides things about people.
    public var decisionImpact: DecisionImpact
    /// The use's class under the EU AI Act.
    public var aiActClass: AIActClass
    /// How far the AI acts on its own.
    public var autonomy: Autonomy
    /// How much the business depends on the service.
    public var businessCriticality: BusinessCriticality
    /// Where the service runs and keeps data (for example `eu-west-1`, `US`).
    public var hostingRegions: [String]

    /// Creates a profile.
    public init(
        offering: Offering,
        description: String,
        dataCategories: Set<DataCategory>,
        decisionImpact: DecisionImpact,
        aiActClass: AIActClass,
        autonomy: Autonomy = .none,
        businessCriticality: BusinessCriticality,
        hostingRegions: [String]
    ) {
        self.offering = offering
        self.description = description
        self.dataCategories = dataCategories
        self.decisionImpact = decisionImpact
        self.aiActClass = aiActClass
        self.autonomy = autonomy
        self.businessCriticality = businessCriticality
        self.hostingRegions = hostingRegions
    }

    /// What kind of AI a vendor provides.
    public enum Offering: String, Sendable, Hashable, Codable, CaseIterable, ProfileValue {
        /// A task-specific model reached through an API (a vision or a scoring model).
        case modelAPI = "model_api"
        /// A general-purpose AI model (a foundation model such as an LLM), reached through an API or as weights:
        /// its provider has the duties of EU AI Act Art. 53, whatever the class of our use.
        case generalPurposeModel = "general_purpose_model"
        /// A software service built around AI.
        case aiSaaS = "ai_saas"
        /// AI features inside software bought for another purpose.
        case embeddedFeature = "embedded_feature"
        /// AI that acts on its own: agents that call tools or take actions.
        case agent
        /// A model or system built for us.
        case customDevelopment = "custom_development"

        public static let dimension = "offering"
    }

    /// A kind of data the AI touches.
    public enum DataCategory: String, Sendable, Hashable, Codable, CaseIterable, ProfileValue {
        /// Public information.
        case `public`
        /// Internal business information.
        case `internal`
        /// Confidential business information or trade secrets.
        case confidential
        /// Personal data.
        case personal
        /// Special categories of personal data (GDPR Art. 9: health, biometrics, beliefs …).
        case specialCategory = "special_category"

        public static let dimension = "data_categories"
    }

    /// How far the AI decides things about people.
    public enum DecisionImpact: String, Sendable, Hashable, Codable, CaseIterable, ProfileValue {
        /// No decisions about people.
        case none
        /// Output informs a person who decides.
        case advisory
        /// Output weighs heavily in decisions with significant effects on people.
        case significant
        /// Decisions about people are made without a human in the loop.
        case automated

        public static let dimension = "decision_impact"
    }

    /// The class of the use under the EU AI Act.
    public enum AIActClass: String, Sendable, Hashable, Codable, CaseIterable, ProfileValue {
        /// Minimal risk: no specific duties.
        case minimal
        /// Transparency duties (Art. 50): people interact with AI or see synthetic content.
        case limited
        /// High risk: an Annex III area or a safety component under Annex I.
        case highRisk = "high_risk"
        /// A prohibited practice (Art. 5).
        case prohibited

        public static let dimension = "ai_act_class"
    }

    /// How far the AI acts on its own, from producing information to acting with no person approving.
    public enum Autonomy: String, Sendable, Hashable, Codable, CaseIterable, ProfileValue {
        /// It produces information; it takes no action.
        case none
        /// It proposes actions that a person takes.
        case recommends
        /// It acts (calls tools, changes records, sends messages) after a person approves each action.
        case actsWithApproval = "acts_with_approval"
        /// It acts with no person approving each action.
        case actsAutonomously = "acts_autonomously"

        public static let dimension = "autonomy"
    }

    /// How much the business depends on the service.
    public enum BusinessCriticality: String, Sendable, Hashable, Codable, CaseIterable, ProfileValue {
        case low, medium, high, critical

        public static let dimension = "business_criticality"
    }
}

/// A value of one dimension of the AI profile, written in snake case in files and on the command line.
public protocol ProfileValue: RawRepresentable<String>, CaseIterable, Hashable, Sendable {
    /// The dimension's name in `scoring.yaml` and on the command line.
    static var dimension: String { get }
}

extension ProfileValue {
    /// All values, for messages: `none, advisory, significant, automated`.
    public static var expected: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

extension AIProfile {
    private enum CodingKeys: String, CodingKey {
        case offering, description, dataCategories, decisionImpact, aiActClass, autonomy, businessCriticality, hostingRegions
    }

    /// Decodes a profile; one recorded before the autonomy dimension existed acts on nothing (`none`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            offering: try container.decode(Offering.self, forKey: .offering),
            description: try container.decode(String.self, forKey: .description),
            dataCategories: try container.decode(Set<DataCategory>.self, forKey: .dataCategories),
            decisionImpact: try container.decode(DecisionImpact.self, forKey: .decisionImpact),
            aiActClass: try container.decode(AIActClass.self, forKey: .aiActClass),
            autonomy: try container.decodeIfPresent(Autonomy.self, forKey: .autonomy) ?? .none,
            businessCriticality: try container.decode(BusinessCriticality.self, forKey: .businessCriticality),
            hostingRegions: try container.decode([String].self, forKey: .hostingRegions))
    }

    /// Encodes the data categories sorted, so equal profiles give equal JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(offering, forKey: .offering)
        try container.encode(description, forKey: .description)
        try container.encode(dataCategories.map(\.rawValue).sorted(), forKey: .dataCategories)
        try container.encode(decisionImpact, forKey: .decisionImpact)
        try container.encode(aiActClass, forKey: .aiActClass)
        try container.encode(autonomy, forKey: .autonomy)
        try container.encode(businessCriticality, forKey: .businessCriticality)
        try container.encode(hostingRegions, forKey: .hostingRegions)
    }
}
