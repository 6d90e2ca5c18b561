-- The committee pack's appendix lists, for each critical and high vendor, the answers that failed: the
-- questions of its score's breakdown that earned no credit (flagged by the reviewer, unanswered though
-- required, an answer worth nothing, a certification claimed without a current certificate) and any
-- knock-out answer. The worker now writes them into each history row's summary as "failedAnswers": each
-- line's explanation up to its credit, by question id. Rows written before keep their summary (the history
-- is append-only), so readers take the key from score_summary(breakdown) when a summary lacks it.

-- The same summary derived from a breakdown; it must agree with Score.summaryJSON in SupplierRisk (a test
-- holds them together).
CREATE OR REPLACE FUNCTION score_summary(breakdown json) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'drivers', COALESCE((SELECT jsonb_agg(e ORDER BY o) FROM (
            SELECT line->>'explanation' AS e, row_number() OVER (ORDER BY (line->>'hundredths')::int DESC, line->>'explanation') AS o
            FROM json_array_elements(breakdown->'lines') AS line) t WHERE o <= 3), '[]'),
        'clauseGaps', COALESCE((SELECT jsonb_agg(line->'source'->>'id' ORDER BY line->'source'->>'id')
            FROM json_array_elements(breakdown->'lines') AS line WHERE line->'source'->>'kind' = 'clause'), '[]'),
        'lateNotices', COALESCE((SELECT jsonb_agg((line->'source'->>'id')::bigint ORDER BY (line->'source'->>'id')::bigint)
            FROM json_array_elements(breakdown->'lines') AS line
            WHERE line->'source'->>'kind' = 'incident' AND line->>'explanation' LIKE 'vendor notice %'), '[]'),
        'failedAnswers', COALESCE((SELECT jsonb_agg(
                CASE WHEN line->>'explanation' LIKE 'knock-out answer%' THEN line->>'explanation'
                     ELSE split_part(line->>'explanation', '; credit ', 1) END
                ORDER BY line->'source'->>'id' COLLATE "C")
            FROM json_array_elements(breakdown->'lines') AS line
            WHERE line->'source'->>'kind' = 'question'
              AND (line->>'explanation' LIKE 'knock-out answer%' OR line->>'explanation' LIKE '%; credit 0\%,%')), '[]'))
$$;
