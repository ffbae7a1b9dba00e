-- 026: a person's role counts only as far as the audit trail records it
-- (docs/rights.md, "Roles"). Every role bbdispatch gives is recorded there
-- (technician/created, imported, first_admin, role_changed); the migration's
-- Python half (record_roles in storage/database.py) records, as
-- technician/role_recorded by "system", the role of each person who has no such
-- row yet, so nobody loses a role by the upgrade. That proves nothing about the
-- roles' past, only fixes them from the moment of the upgrade. No table changes.

SELECT 1;
