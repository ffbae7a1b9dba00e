-- 022 (twin of the SQLite migration): a client search also finds the contact
-- person. client.search_place now holds the folded city, e-mail and contact
-- person; the migration's Python half computes it again for every client, and
-- 020's trigram index on search_place answers the search. No table changes.

SELECT 1;
