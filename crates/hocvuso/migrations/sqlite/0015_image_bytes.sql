-- Images are kept as their bytes (issue 17), no longer as base64 text a third larger. SQLite has no
-- base64 decoder, so the images stored before are converted when the server starts
-- (`learning::admin::images::convert_stored_base64`); `data` then holds ''. It stays as a column
-- because SQLite cannot drop a NOT NULL column without copying the table.
ALTER TABLE learning_images ADD COLUMN bytes BLOB;
