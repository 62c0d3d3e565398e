-- The unit that issues a certificate, by name as it was then (issue 15): the province for a course
-- finished on one's own, the class's commune for a course passed in class. NULL on certificates issued
-- before, which were all the province's (province_name).
ALTER TABLE certificates ADD COLUMN issuer_name TEXT;
