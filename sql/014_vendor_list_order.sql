-- The vendor list's two common orders read along an index, a page at a time, instead of sorting every vendor for
-- each page: by name (lower(name), then id, as VendorSort writes it), and by score (the scored vendors; those not
-- scored yet are read apart).
CREATE INDEX vendors_name_order ON vendors (lower(name), id);
CREATE INDEX scores_order ON scores (hundredths, vendor_id);
