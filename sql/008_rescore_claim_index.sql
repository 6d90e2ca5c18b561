-- Workers claim due jobs in (next_attempt_at, vendor_id) order. With only
-- next_attempt_at indexed, every claim sorted the whole queue: a full rescore
-- of 50,000 vendors sorted it a hundred times. This index hands them over in
-- claim order.
CREATE INDEX rescore_queue_claim ON rescore_queue (next_attempt_at, vendor_id);
DROP INDEX rescore_queue_due;
