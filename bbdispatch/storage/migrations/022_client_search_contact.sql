-- 022: a client search also finds the contact person ("Halina Nowak" finds the
-- notary's office). client.search_place now holds the folded city, e-mail and
-- contact person (`search_place` in domain/clients.py); the migration's Python
-- half computes it again for every client (as 020's), and the update trigger
-- re-indexes each changed one in the trigram table. No table changes.

SELECT 1;
