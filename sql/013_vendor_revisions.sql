-- Each vendor's revision: a number that moves, in the same transaction, whenever anything of the vendor that its
-- page shows is written (the vendor, its fourth-party links, certificates, contracts and clauses, incidents,
-- assessments, answers and evidence), whatever writes it: the API, the CLI, the portal, an import or psql.
-- The workspace keeps a vendor's page in memory and asks, with one indexed read, whether it is still true.
-- (The score is not counted here: the page compares the score's own computed_at, which the worker moves only when
-- it rewrites the score, so a full rescore writes nothing more.)
CREATE SEQUENCE vendor_revision;

CREATE TABLE vendor_revisions (
    vendor_id bigint PRIMARY KEY REFERENCES vendors (id) ON DELETE CASCADE,
    revision bigint NOT NULL
);

-- Moves the revision of the vendors a statement touched. TG_ARGV[0] is the SQL expression giving the vendor id
-- from a row of the transition table "changed", as for enqueue_rescore. Vendors are taken in id order, so that two
-- statements touching the same vendors lock their rows in the same order.
CREATE FUNCTION touch_vendor_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO vendor_revisions (vendor_id, revision)
         SELECT v.id, nextval(''vendor_revision'')
         FROM (SELECT DISTINCT %s AS vendor_id FROM changed) c JOIN vendors v ON v.id = c.vendor_id
         ORDER BY v.id
         ON CONFLICT (vendor_id) DO UPDATE SET revision = EXCLUDED.revision',
        TG_ARGV[0]);
    RETURN NULL;
END;
$$;

CREATE TRIGGER vendors_revision_insert AFTER INSERT ON vendors REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.id');
CREATE TRIGGER vendors_revision_update AFTER UPDATE ON vendors REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.id');

CREATE TRIGGER vendor_fourth_parties_revision_insert AFTER INSERT ON vendor_fourth_parties REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');
CREATE TRIGGER vendor_fourth_parties_revision_delete AFTER DELETE ON vendor_fourth_parties REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');

CREATE TRIGGER certifications_revision_insert AFTER INSERT ON certifications REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');
CREATE TRIGGER certifications_revision_update AFTER UPDATE ON certifications REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');
CREATE TRIGGER certifications_revision_delete AFTER DELETE ON certifications REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');

CREATE TRIGGER contracts_revision_insert AFTER INSERT ON contracts REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');
CREATE TRIGGER contracts_revision_update AFTER UPDATE ON contracts REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');
CREATE TRIGGER contracts_revision_delete AFTER DELETE ON contracts REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');

CREATE TRIGGER contract_clauses_revision_insert AFTER INSERT ON contract_clauses REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('(SELECT k.vendor_id FROM contracts k WHERE k.id = changed.contract_id)');
CREATE TRIGGER contract_clauses_revision_update AFTER UPDATE ON contract_clauses REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('(SELECT k.vendor_id FROM contracts k WHERE k.id = changed.contract_id)');
CREATE TRIGGER contract_clauses_revision_delete AFTER DELETE ON contract_clauses REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('(SELECT k.vendor_id FROM contracts k WHERE k.id = changed.contract_id)');

CREATE TRIGGER incidents_revision_insert AFTER INSERT ON incidents REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');
CREATE TRIGGER incidents_revision_update AFTER UPDATE ON incidents REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');
CREATE TRIGGER incidents_revision_delete AFTER DELETE ON incidents REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');

CREATE TRIGGER assessments_revision_insert AFTER INSERT ON assessments REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');
CREATE TRIGGER assessments_revision_update AFTER UPDATE ON assessments REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('changed.vendor_id');

CREATE TRIGGER answers_revision_insert AFTER INSERT ON answers REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('(SELECT a.vendor_id FROM assessments a WHERE a.id = changed.assessment_id)');
CREATE TRIGGER answers_revision_update AFTER UPDATE ON answers REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('(SELECT a.vendor_id FROM assessments a WHERE a.id = changed.assessment_id)');
CREATE TRIGGER answers_revision_delete AFTER DELETE ON answers REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('(SELECT a.vendor_id FROM assessments a WHERE a.id = changed.assessment_id)');

CREATE TRIGGER evidence_files_revision_insert AFTER INSERT ON evidence_files REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('(SELECT a.vendor_id FROM assessments a WHERE a.id = changed.assessment_id)');
CREATE TRIGGER evidence_files_revision_delete AFTER DELETE ON evidence_files REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_vendor_revision('(SELECT a.vendor_id FROM assessments a WHERE a.id = changed.assessment_id)');

-- Every vendor there is has a revision from the start.
INSERT INTO vendor_revisions (vendor_id, revision) SELECT id, nextval('vendor_revision') FROM vendors ORDER BY id;
