-- 007: settings that hold for the whole firm, one row per key.
-- The first is 'language' ('pl' or 'en'): the language of sessions whose
-- locale asks for none that bbdispatch speaks.

CREATE TABLE firm_setting (
    key     TEXT NOT NULL PRIMARY KEY CHECK (length(key) > 0),
    value   TEXT NOT NULL
) STRICT;
