-- The staff queue's pool of open cases, as a partial covering index: only open cases are in it
-- (about 1.5 % of all), and it holds every column the queue filters and sorts on, so the queue
-- picks its page of ids without reading a single case row (whose state JSON spills onto overflow
-- pages) and reads just the rows it shows.
CREATE INDEX applications_open_pool
    ON applications(role_due, status, assigned, department_id, division_code, step_due, created_at_ms, id)
 WHERE status IN ('submitted', 'in_progress', 'decided');
