-- 024 (twin of the SQLite migration): a run of white space in a client's name
-- folds to one space in client.search_name; the migration's Python half folds
-- every client's name again. No table changes.

SELECT 1;
