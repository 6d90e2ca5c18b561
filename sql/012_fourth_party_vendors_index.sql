-- The vendors of one fourth party in the order they were registered, read a few at a time by the vendor page
-- ("who else depends on it"): an index walk rather than a sort of every vendor on a large provider.
CREATE INDEX vendor_fourth_parties_party_vendor ON vendor_fourth_parties (fourth_party_id, vendor_id);
DROP INDEX vendor_fourth_parties_party;
