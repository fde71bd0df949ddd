-- Credential search (admin API): the holder's name folded to lower case by
-- Rosette (full Unicode), written with every credential, because SQLite's
-- LOWER() folds ASCII only. Rows written before get the database's folding.
ALTER TABLE credentials ADD COLUMN holder_search TEXT NOT NULL DEFAULT '';
UPDATE credentials SET holder_search = LOWER(holder_name);
