-- 024: one normaliser for client names. A run of white space (a tab from a
-- spreadsheet cell, two spaces) folds to one space in client.search_name, as
-- the client import and a contract row's client already matched names; the
-- migration's Python half folds every client's name again (as 020's), and the
-- update trigger re-indexes each changed one. No table changes.

SELECT 1;
