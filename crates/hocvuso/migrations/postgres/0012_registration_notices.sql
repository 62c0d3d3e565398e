-- What last changed a registration when the person did not do it themselves, so their account page can
-- tell them (issue 15): 'promoted' (a seat freed up and they left the waitlist) or 'cancelled' (the
-- class's admin or instructor cancelled it). NULL when the person made the last change. A cancelled
-- class is read from classes.status.
ALTER TABLE class_registrations ADD COLUMN notice TEXT;
