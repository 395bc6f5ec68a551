-- Search reads one kind of term at a time, in term order, and stops after a page: the
-- kind belongs in the index before the term so that scan is a plain range.
DROP INDEX customer_search_terms_prefix;
CREATE INDEX customer_search_terms_kind_prefix ON customer_search_terms (tenant_id, kind, term);
