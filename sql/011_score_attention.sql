-- What the workspace's "work waiting" counts read from each vendor's current score: how many of its lines are
-- clause gaps (a required clause missing or deviating) and late incident notices. Written by the worker with the
-- score, counted in Swift from the same lines as the summary (Score.summary), so that a count, the list it links
-- to and the vendor's breakdown agree; two integers rather than the summary itself, to keep the row small.
ALTER TABLE scores ADD COLUMN clause_gaps integer NOT NULL DEFAULT 0 CONSTRAINT scores_clause_gaps_range CHECK (clause_gaps >= 0),
    ADD COLUMN late_notices integer NOT NULL DEFAULT 0 CONSTRAINT scores_late_notices_range CHECK (late_notices >= 0);

-- Scores written before this file: counted from their breakdown by the summary function, which reads both models.
UPDATE scores SET clause_gaps = COALESCE(jsonb_array_length(score_summary(breakdown)->'clauseGaps'), 0),
                  late_notices = COALESCE(jsonb_array_length(score_summary(breakdown)->'lateNotices'), 0);

-- The vendors with gaps or late notices, found without reading every score.
CREATE INDEX scores_clause_gaps ON scores (vendor_id) WHERE clause_gaps > 0;
CREATE INDEX scores_late_notices ON scores (vendor_id) WHERE late_notices > 0;
