-- The supplier registry: vendors and their AI profile, certifications,
-- fourth parties, contracts with their clause statuses, incidents, and the
-- append-only audit log. The application validates input first; these
-- constraints keep the data right whatever writes it.

CREATE TABLE vendors (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug text NOT NULL CONSTRAINT vendors_slug_key UNIQUE
        CONSTRAINT vendors_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
    name text NOT NULL CONSTRAINT vendors_name_present CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    status text NOT NULL DEFAULT 'prospect'
        CONSTRAINT vendors_status_known CHECK (status IN ('prospect', 'onboarding', 'active', 'offboarded')),
    business_owner text NOT NULL CONSTRAINT vendors_business_owner_present CHECK (length(btrim(business_owner)) > 0),
    contact_email text CONSTRAINT vendors_contact_email_format CHECK (contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    offering text NOT NULL
        CONSTRAINT vendors_offering_known CHECK (offering IN ('model_api', 'ai_saas', 'embedded_feature', 'agent', 'custom_development')),
    ai_description text NOT NULL DEFAULT '',
    data_categories text[] NOT NULL
        CONSTRAINT vendors_data_categories_known CHECK (
            cardinality(data_categories) > 0
            AND data_categories <@ ARRAY['public', 'internal', 'confidential', 'personal', 'special_category']),
    decision_impact text NOT NULL
        CONSTRAINT vendors_decision_impact_known CHECK (decision_impact IN ('none', 'advisory', 'significant', 'automated')),
    ai_act_class text NOT NULL
        CONSTRAINT vendors_ai_act_class_known CHECK (ai_act_class IN ('minimal', 'limited', 'gpai', 'high_risk', 'prohibited')),
    business_criticality text NOT NULL
        CONSTRAINT vendors_business_criticality_known CHECK (business_criticality IN ('low', 'medium', 'high', 'critical')),
    hosting_regions text[] NOT NULL DEFAULT '{}',
    -- Computed from the profile by the tiering rules of questionnaires/scoring.yaml.
    tier text NOT NULL CONSTRAINT vendors_tier_known CHECK (tier IN ('low', 'medium', 'high', 'critical')),
    tier_reasons jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vendors_tier ON vendors (tier);
CREATE INDEX vendors_status ON vendors (status);

-- Foundation-model providers and sub-processors: organisations of their own,
-- so that many vendors depending on one can be counted.
CREATE TABLE fourth_parties (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT fourth_parties_name_present CHECK (length(btrim(name)) BETWEEN 1 AND 200)
);
CREATE UNIQUE INDEX fourth_parties_name_key ON fourth_parties (lower(btrim(name)));

CREATE TABLE vendor_fourth_parties (
    vendor_id bigint NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    fourth_party_id bigint NOT NULL REFERENCES fourth_parties (id),
    role text NOT NULL CONSTRAINT vendor_fourth_parties_role_known CHECK (role IN ('foundation_model', 'sub_processor')),
    PRIMARY KEY (vendor_id, fourth_party_id, role)
);
CREATE INDEX vendor_fourth_parties_party ON vendor_fourth_parties (fourth_party_id);

CREATE TABLE certifications (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id bigint NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    standard text NOT NULL
        CONSTRAINT certifications_standard_known CHECK (standard IN ('iso_42001', 'iso_27001', 'iso_27701', 'soc2_type1', 'soc2_type2', 'other')),
    issuer text NOT NULL CONSTRAINT certifications_issuer_present CHECK (length(btrim(issuer)) > 0),
    scope text NOT NULL DEFAULT '',
    issued_on date,
    expires_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT certifications_dates_ordered CHECK (issued_on IS NULL OR issued_on < expires_on)
);
CREATE INDEX certifications_vendor ON certifications (vendor_id);
CREATE INDEX certifications_expiry ON certifications (expires_on);

CREATE TABLE contracts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id bigint NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    reference text NOT NULL CONSTRAINT contracts_reference_present CHECK (length(btrim(reference)) BETWEEN 1 AND 200),
    effective_on date NOT NULL,
    expires_on date,
    renewal_notice_days integer CONSTRAINT contracts_renewal_notice_days_range CHECK (renewal_notice_days BETWEEN 0 AND 3650),
    annual_value numeric(16, 2) CONSTRAINT contracts_annual_value_positive CHECK (annual_value >= 0),
    currency text CONSTRAINT contracts_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contracts_vendor_reference_key UNIQUE (vendor_id, reference),
    CONSTRAINT contracts_dates_ordered CHECK (expires_on IS NULL OR expires_on > effective_on),
    CONSTRAINT contracts_value_has_currency CHECK ((annual_value IS NULL) = (currency IS NULL))
);
CREATE INDEX contracts_expiry ON contracts (expires_on);

-- The status of each clause of questionnaires/contract-clauses.yaml in a contract;
-- the application checks that the key is in the library.
CREATE TABLE contract_clauses (
    contract_id bigint NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    clause_key text NOT NULL CONSTRAINT contract_clauses_key_format CHECK (clause_key ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    status text NOT NULL
        CONSTRAINT contract_clauses_status_known CHECK (status IN ('present', 'missing', 'deviation', 'negotiating', 'not_applicable')),
    note text NOT NULL DEFAULT '',
    verified_by text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contract_id, clause_key)
);

CREATE TABLE incidents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id bigint NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    title text NOT NULL CONSTRAINT incidents_title_present CHECK (length(btrim(title)) BETWEEN 1 AND 300),
    category text NOT NULL CONSTRAINT incidents_category_known CHECK (category IN (
        'security_breach', 'data_leakage_via_model', 'harmful_output', 'model_drift', 'bias',
        'undisclosed_model_change', 'hallucination', 'privacy_violation', 'ip_infringement', 'outage', 'other')),
    severity text NOT NULL CONSTRAINT incidents_severity_known CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    occurred_at timestamptz NOT NULL,
    detected_at timestamptz NOT NULL,
    vendor_notified_at timestamptz,
    status text NOT NULL DEFAULT 'open'
        CONSTRAINT incidents_status_known CHECK (status IN ('open', 'investigating', 'resolved', 'closed')),
    resolution text,
    resolved_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT incidents_detected_after_occurred CHECK (detected_at >= occurred_at),
    CONSTRAINT incidents_notified_after_occurred CHECK (vendor_notified_at IS NULL OR vendor_notified_at >= occurred_at),
    CONSTRAINT incidents_resolution_when_resolved CHECK ((status IN ('resolved', 'closed')) = (resolved_at IS NOT NULL)),
    CONSTRAINT incidents_resolved_after_occurred CHECK (resolved_at IS NULL OR resolved_at >= occurred_at)
);
CREATE INDEX incidents_vendor ON incidents (vendor_id, occurred_at);
CREATE INDEX incidents_open ON incidents (status) WHERE status IN ('open', 'investigating');

-- Every change: who, when, what, before and after. Append-only: the database
-- itself refuses UPDATE, DELETE and TRUNCATE.
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL CONSTRAINT audit_log_actor_present CHECK (length(btrim(actor)) > 0),
    action text NOT NULL CONSTRAINT audit_log_action_known CHECK (action IN ('create', 'update', 'delete')),
    entity text NOT NULL,
    entity_id text NOT NULL,
    before jsonb,
    after jsonb
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, at);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
