-- Images are kept as their bytes (issue 17), no longer as base64 text a third larger. PostgreSQL
-- decodes the images stored before here; `data` then holds '' (kept, as on SQLite, so both schemas
-- stay the same).
ALTER TABLE learning_images ADD COLUMN bytes BYTEA;
UPDATE learning_images SET bytes = decode(data, 'base64'), data = '';
